"""Browser: the development mailbox shows a mail the worker sent (a password reset typed
into the form), and the API reference page; both pass axe."""

from __future__ import annotations

from tests.browser.a11y import assert_no_axe_violations, path_is
from tests.browser.test_firms_persons import _login


def test_reset_mail_appears_in_the_development_mailbox(page, persona, live_app, tmp_path):
    from wbagentur.jobs import services

    advisor = persona("advisor", "SW")
    old = {k: live_app.config.get(k) for k in ("MAIL_BACKEND", "MAIL_FILE_DIR")}
    live_app.config.update(MAIL_BACKEND="file", MAIL_FILE_DIR=str(tmp_path / "postfach"))
    try:
        page.goto("/passwort-vergessen")
        page.fill("#email", advisor.email)
        page.click("main button[type=submit]")
        page.locator(".alert-info").wait_for()
        with live_app.app_context():
            assert services.run_due_jobs("browser-test")["mail.send"].startswith("gesendet 1")

        _login(page, advisor)
        page.goto("/dev/postfach")
        assert advisor.email in page.locator("main").inner_text()
        assert_no_axe_violations(page, "dev-mailbox")
        page.locator("main a[href^='/dev/postfach/']").first.click()
        page.wait_for_url(lambda url: "/dev/postfach/" in url)
        assert "/passwort-neu/" in page.locator("main").inner_text()
        assert_no_axe_violations(page, "dev-mailbox-message")
        page.go_back()
        page.wait_for_url(path_is("/dev/postfach"))
    finally:
        live_app.config.update(old)


def test_api_reference_page_is_accessible(page):
    response = page.goto("/api/v1/docs")
    assert response.status == 200
    assert "/api/v1/firms" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "api-reference")
