"""Error pages and the accessibility statement pass axe (issue 9)."""

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations, path_is
from tests.personas import TEST_PASSWORD


@pytest.fixture(scope="module", autouse=True)
def _error_routes(live_app):
    """Routes that raise the errors we cannot provoke from the outside (test only)."""
    from flask import abort
    from sqlalchemy.exc import OperationalError

    from wbagentur.core.access import public

    if "test_error" in live_app.view_functions:
        return

    @public
    def test_error(code):
        if code == 503:
            raise OperationalError("SELECT 1", {}, Exception("database unavailable"))
        if code == 500:
            raise RuntimeError("kaputt")
        abort(code)

    live_app.add_url_rule("/_test/fehler/<int:code>", "test_error", test_error)


@pytest.mark.parametrize("code", [400, 403, 404, 405, 409, 413, 429, 500, 503])
def test_error_pages_are_accessible(page, code):
    response = page.goto(f"/_test/fehler/{code}")
    assert response.status == code
    assert page.locator("html").get_attribute("lang") == "de"
    assert_no_axe_violations(page, f"error-{code}")


def test_generic_error_page_is_accessible(page):
    response = page.goto("/_test/fehler/418")
    assert response.status == 418
    assert_no_axe_violations(page, "error-generic")


def test_accessibility_statement_linked_from_every_layout(page, persona):
    page.goto("/anmelden")
    page.click("footer >> text=Erklärung zur Barrierefreiheit")
    page.wait_for_url(path_is("/barrierefreiheit"))
    assert_no_axe_violations(page, "accessibility-statement")
    admin = persona("admin")
    page.goto("/anmelden")
    page.fill("#email", admin.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(path_is("/"))
    assert page.locator("footer a[href='/barrierefreiheit']").count() == 1
    page.goto("/konto/passwort")
    assert_no_axe_violations(page, "password-change")
    page.click("main button[type=submit]")
    page.locator("[data-error-summary]").wait_for()
    assert_no_axe_violations(page, "password-change-errors")
    page.goto("/verwaltung/benutzer")
    assert_no_axe_violations(page, "users")
    page.goto("/verwaltung/benutzer/neu")
    assert_no_axe_violations(page, "user-create")
    page.fill("#display_name", "Neue Beraterin")
    page.fill("#email", "neue.beraterin@test.example")
    page.select_option("#role", "admin")
    page.click("main button[type=submit]")
    # The new password is on the next page: wait for it (is_visible() does not wait).
    expect(page.locator("[data-new-password]")).to_be_visible()
    assert_no_axe_violations(page, "user-created")
    page.goto("/verwaltung/protokoll")
    assert_no_axe_violations(page, "audit-log")
