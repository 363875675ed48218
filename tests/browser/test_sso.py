"""Browser: single sign-on through a real OpenID provider process (tests/oidc_provider).

The person clicks "Mit Single Sign-on anmelden", types username and password into the
provider's login form, consents, and lands on the start page with the role and region the
claims map to. Deactivated at the provider, the next page load ends the session.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.a11y import assert_no_axe_violations, path_is
from tests.oidc_provider import PASSWORD, start_provider


@pytest.fixture(scope="module")
def idp(live_server, tmp_path_factory):
    callback = live_server.url + "/anmelden/sso/rueckkehr"
    with start_provider(tmp_path_factory.mktemp("idp-browser"), [callback]) as provider:
        live_server.app.config.update(provider.config())
        yield provider


def _at_provider(idp):
    port = urlparse(idp.issuer).port
    return lambda url: urlparse(url).port == port and "/interaction/" in url


def sign_in_at_provider(page, idp, username):
    page.wait_for_url(_at_provider(idp))
    page.locator("#username").press_sequentially(username)
    page.locator("#password").press_sequentially(PASSWORD)
    page.click("button:has-text('Sign in')")
    allow = page.locator("button:has-text('Allow')")
    # The provider asks for consent at the first sign-in of an account.
    page.wait_for_function(
        "() => !location.pathname.startsWith('/interaction/') || "
        "document.querySelector('form[action$=\"/confirm\"]') !== null"
    )
    if allow.count():
        allow.click()


def test_sso_sign_in_lands_with_mapped_role_and_region(page, idp):
    idp.add_account(
        "sabine.wolf", groups=["wba-leitung", "wba-region-suedwest"], name="Sabine Wolf"
    )
    page.goto("/anmelden")
    assert_no_axe_violations(page, "login-sso")
    page.click("a:has-text('Mit Single Sign-on anmelden')")
    sign_in_at_provider(page, idp, "sabine.wolf")
    page.wait_for_url(path_is("/"))
    assert page.locator("h1").inner_text() == "Willkommen, Sabine Wolf"
    assert "Sabine Wolf · Leitung · Südwestthüringen" in page.locator("body").inner_text()
    assert_no_axe_violations(page, "start-sso")
    assert page.console_errors == []


def test_deactivated_at_the_provider_the_next_page_shows_the_login(page, idp):
    idp.add_account("tom.berg", groups=["wba-beratung", "wba-region-nord"], name="Tom Berg")
    page.goto("/anmelden?next=/start")
    page.click("a:has-text('Mit Single Sign-on anmelden')")
    sign_in_at_provider(page, idp, "tom.berg")
    page.wait_for_url(path_is("/start"))
    assert "Tom Berg · Berater/in · Nordthüringen" in page.locator("body").inner_text()
    idp.set_active("tom.berg", False)
    page.reload()
    page.wait_for_url(path_is("/anmelden"))
    assert "Ihre Sitzung wurde beendet" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "login-sso-ended")


def test_with_local_passwords_off_the_button_is_the_way_in(page, idp, live_app):
    idp.add_account("uwe.koch", groups=["wba-koordination"], name="Uwe Koch")
    live_app.config["LOCAL_PASSWORDS_ENABLED"] = False
    try:
        page.goto("/anmelden")
        assert page.locator("#password").count() == 0
        assert "Passwort vergessen?" not in page.locator("main").inner_text()
        assert_no_axe_violations(page, "login-sso-only")
        page.locator("a:has-text('Mit Single Sign-on anmelden')").focus()
        page.keyboard.press("Enter")
        sign_in_at_provider(page, idp, "uwe.koch")
        page.wait_for_url(path_is("/"))
        assert "Uwe Koch · Landeskoordination" in page.locator("body").inner_text()
    finally:
        live_app.config["LOCAL_PASSWORDS_ENABLED"] = True
