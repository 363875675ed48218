"""Browser: a supervisor reads the dashboard, drills down, reassigns a case by keyboard;
the report pages pass axe (dashboard with charts, ESF+, reassignment, monthly report)."""

from __future__ import annotations

import pytest

from tests.browser.a11y import assert_no_axe_violations, path_is, tab_until
from tests.personas import TEST_PASSWORD


@pytest.fixture
def data(live_app, clean_db):
    from tests.reports.conftest import build

    return build(live_app)


def _login(page, who):
    page.goto("/anmelden")
    page.fill("#email", who.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(path_is("/"))


def test_supervisor_dashboard_drill_down_and_reassign(page, data):
    _login(page, data.users["sup"])
    page.click("nav >> text=Übersicht")
    page.wait_for_url(path_is("/uebersicht"))
    page.wait_for_function("document.querySelectorAll('canvas[data-chart]').length > 0")
    assert page.locator("canvas[role=img]").count() >= 3
    assert_no_axe_violations(page, "dashboard")
    assert page.console_errors == []
    link = page.locator("table[data-table=fallbestand] a").first
    count = int(link.get_attribute("data-count"))
    link.click()
    page.wait_for_url(path_is("/faelle"))
    assert page.locator("main table tbody tr").count() == count
    page.goto("/uebersicht/umverteilen")
    assert_no_axe_violations(page, "reassign-empty")
    with page.expect_navigation():
        page.click("button:has-text('Umverteilen')")
    assert page.locator("[data-error-summary]").first.is_visible()
    assert_no_axe_violations(page, "reassign-errors")
    first_box = page.locator("input[name=cases]").first
    first_box.focus()
    page.keyboard.press("Space")
    assert first_box.is_checked()
    tab_until(page, "#target_id")
    page.select_option("#target_id", str(data.users["a1"].id))  # first listed case (oldest) is a2's
    page.fill("#reason", "Urlaubsvertretung")
    tab_until(page, "button:has-text('Umverteilen')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "1 Fälle wurden umverteilt." in page.locator("main").inner_text()


def test_report_pages_pass_axe(page, data):
    _login(page, data.users["sup"])
    page.goto("/uebersicht/esf")
    assert "ESF+-Indikatoren" in page.locator("h1").inner_text()
    assert_no_axe_violations(page, "esf")
    page.goto("/uebersicht/esf?von=gestern")
    assert_no_axe_violations(page, "esf-errors")
    page.goto("/uebersicht/monatsbericht")
    page.emulate_media(media="print")
    assert_no_axe_violations(page, "monthly-print")
    page.emulate_media(media="screen")
    page.goto("/uebersicht?von=2026-05-01&bis=2026-01-01")
    assert_no_axe_violations(page, "dashboard-errors")


def test_coordinator_dashboard_passes_axe(page, data):
    _login(page, data.users["coord"])
    page.goto("/uebersicht")
    page.wait_for_function("document.querySelectorAll('canvas[data-chart]').length > 0")
    assert_no_axe_violations(page, "dashboard-coordinator")
