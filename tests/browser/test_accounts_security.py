"""Browser: TOTP set-up and login with a code (keyboard only), password reset pages, axe."""

import re
import time
from datetime import UTC, datetime

import pyotp
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations, path_is, tab_until
from tests.personas import TEST_PASSWORD


def _sign_in_with_keyboard(page, email):
    page.goto("/anmelden")
    tab_until(page, "#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")


def test_admin_sets_up_totp_and_signs_in_with_code_keyboard_only(page, persona, live_app):
    old = live_app.config["TOTP_REQUIRED_ROLES"]
    live_app.config["TOTP_REQUIRED_ROLES"] = ("admin", "coordinator")
    try:
        admin = persona("admin", display_name="Anna Admin")
        _sign_in_with_keyboard(page, admin.email)
        page.wait_for_url(path_is("/konto/zwei-faktor"))
        page.goto("/verwaltung/benutzer")  # the gate sends a required role back to set-up
        page.wait_for_url(path_is("/konto/zwei-faktor"))
        assert "vorgeschrieben" in page.locator("main").inner_text()
        assert page.locator("main img[alt^='QR-Code']").is_visible()
        assert_no_axe_violations(page, "totp-setup")
        secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
        assert re.fullmatch(r"[A-Z2-7]{32}", secret)

        tab_until(page, "#code")
        page.keyboard.type("12a456")
        page.keyboard.press("Enter")
        page.locator("#code[aria-invalid=true]").wait_for()
        assert "6 Ziffern" in page.locator("[data-error-summary]").inner_text()
        assert_no_axe_violations(page, "totp-setup-error")
        assert page.locator("[data-totp-secret]").inner_text().replace(" ", "") == secret

        tab_until(page, "#code")
        page.keyboard.press("Control+a")
        page.keyboard.type(pyotp.TOTP(secret).now())
        page.keyboard.press("Enter")
        codes = page.locator("[data-recovery-codes] li")
        codes.first.wait_for()
        assert codes.count() == 10
        assert_no_axe_violations(page, "recovery-codes")

        page.goto("/konto/zwei-faktor")
        assert "eingerichtet seit" in page.locator("main").inner_text()
        assert_no_axe_violations(page, "totp-status")
        persona(
            "advisor", "SW", totp_secret=pyotp.random_base32(), totp_enabled_at=datetime.now(UTC)
        )
        page.goto("/verwaltung/benutzer")
        assert page.locator("h1").inner_text() == "Benutzer"
        assert page.locator("button:has-text('Zwei-Faktor zurücksetzen')").count() == 1
        assert_no_axe_violations(page, "users-with-2fa")
        page.goto("/konto/passwort")
        assert_no_axe_violations(page, "password-change")

        tab_until(page, "button:has-text('Abmelden')")
        page.keyboard.press("Enter")
        page.wait_for_url(path_is("/anmelden"))

        _sign_in_with_keyboard(page, admin.email)
        page.wait_for_url(path_is("/anmelden/code"))
        assert_no_axe_violations(page, "login-code")
        tab_until(page, "#code")
        page.keyboard.type(pyotp.TOTP(secret).at(time.time() - 120))
        page.keyboard.press("Enter")
        page.locator("#code[aria-invalid=true]").wait_for()
        assert "Bitte prüfen Sie den Code" in page.locator("main").inner_text()
        assert_no_axe_violations(page, "login-code-error")
        tab_until(page, "#code")
        page.keyboard.press("Control+a")
        # The set-up used the current time step; the next step's code is new and in the window.
        page.keyboard.type(pyotp.TOTP(secret).at(time.time() + 30))
        page.keyboard.press("Enter")
        page.wait_for_url(path_is("/"))
        assert "Anna Admin" in page.locator("main").inner_text()
        assert page.console_errors == []
    finally:
        live_app.config["TOTP_REQUIRED_ROLES"] = old


def test_password_reset_pages_are_accessible(page, persona, live_app):
    from wbagentur.extensions import db
    from wbagentur.mail.models import OutboxMessage

    advisor = persona("advisor", "SW")
    page.goto("/anmelden")
    page.click("text=Passwort vergessen?")
    page.wait_for_url(path_is("/passwort-vergessen"))
    assert_no_axe_violations(page, "password-forgot")
    page.click("main button[type=submit]")
    # The errors come back as a new page: wait for it (is_visible() would read the old one).
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_no_axe_violations(page, "password-forgot-error")
    page.fill("#email", advisor.email)
    page.click("main button[type=submit]")
    page.locator(".alert-info").wait_for()
    assert (
        "Wenn ein Konto existiert, haben wir eine E-Mail geschickt."
        in page.locator("main").inner_text()
    )
    assert_no_axe_violations(page, "password-forgot-sent")

    with live_app.app_context():
        body = db.session.scalar(
            sa.select(OutboxMessage.body).where(OutboxMessage.kind == "password_reset")
        )
    path = re.search(r"/passwort-neu/\S+", body).group(0)
    page.goto(path)
    assert_no_axe_violations(page, "password-reset")
    page.fill("#new_password", "Neues-Passwort-Gurke-77")
    page.fill("#confirm_password", "Anderes-Passwort-Gurke-78")
    page.click("main button[type=submit]")
    assert "stimmen nicht überein" in page.locator("[data-error-summary]").inner_text()
    assert_no_axe_violations(page, "password-reset-error")
    page.fill("#new_password", "Neues-Passwort-Gurke-77")
    page.fill("#confirm_password", "Neues-Passwort-Gurke-77")
    page.click("main button[type=submit]")
    page.wait_for_url(path_is("/anmelden"))
    assert "Ihr Passwort wurde geändert" in page.locator("main").inner_text()

    assert page.console_errors == []
    response = page.goto(path)
    assert response.status == 400  # (the browser logs the 400 status as a console error)
    assert "bereits verwendet" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "password-reset-invalid")
