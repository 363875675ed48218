"""Browser: an advisor signs in with the keyboard, sees the German start page, signs out."""

from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations, path_is, tab_until
from tests.personas import TEST_PASSWORD


def test_advisor_login_start_page_logout_keyboard_only(page, persona):
    advisor = persona("advisor", "SW", display_name="Sabine Wolf")
    page.goto("/")  # the public start page; staff sign in through its small link
    tab_until(page, "main a:has-text('Anmeldung für Mitarbeitende')", max_steps=80)
    page.keyboard.press("Enter")
    page.wait_for_url(path_is("/anmelden"))
    assert page.locator("html").get_attribute("lang") == "de"
    assert_no_axe_violations(page, "login")
    tab_until(page, "#email")
    page.keyboard.type(advisor.email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(path_is("/"))
    assert page.locator("h1").inner_text() == "Willkommen, Sabine Wolf"
    assert "Südwestthüringen" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "start")
    tab_until(page, "button:has-text('Abmelden')")
    page.keyboard.press("Enter")
    page.wait_for_url(path_is("/anmelden"))
    assert "Sie haben sich abgemeldet." in page.locator("main").inner_text()
    page.goto("/start")
    assert "/anmelden" in page.url
    page.goto("/")
    assert "Unsere Kontaktstellen" in page.locator("main").inner_text()
    assert page.console_errors == []


def test_login_errors_are_announced_and_linked(page):
    page.goto("/anmelden")
    page.click("button[type=submit]:has-text('Anmelden')")
    summary = page.locator("[data-error-summary]")
    summary.wait_for(state="visible")  # the answer is a new page: wait for it, not race it
    # app.js focuses the summary at DOMContentLoaded, a moment after it is visible.
    expect(summary).to_be_focused()
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    assert page.locator("#email").get_attribute("aria-describedby") == "email-error"
    assert_no_axe_violations(page, "login-errors")


def test_reflow_at_320px_has_no_horizontal_scroll(page, persona):
    advisor = persona("advisor", "NT")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/anmelden")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.fill("#email", advisor.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(path_is("/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_session_timeout_warning_offers_extension(page, persona, live_app):
    advisor = persona("advisor", "OT")
    page.clock.install()
    page.goto("/anmelden")
    page.fill("#email", advisor.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(path_is("/"))
    warning = page.locator("#session-warning")
    assert warning.is_hidden()
    lead = live_app.config["SESSION_WARNING_LEAD"].total_seconds()
    timeout = live_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    assert lead >= 60
    page.clock.run_for(int((timeout - lead + 1) * 1000))
    assert warning.is_visible()
    assert "Sekunden" in warning.inner_text()
    assert_no_axe_violations(page, "session-warning")
    page.click("[data-session-extend]")
    warning.wait_for(state="hidden")
    assert page.url.endswith("/")
