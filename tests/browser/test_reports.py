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


def test_busiest_advisors_first_all_on_request_and_coordinator_regions(
    page, data, live_app, monkeypatch
):
    from tests.reports.conftest import CASES

    monkeypatch.setitem(live_app.config, "REPORT_ADVISOR_ROWS", 1)
    _login(page, data.users["sup"])
    page.click("nav >> text=Übersicht")
    page.wait_for_url(path_is("/uebersicht"))
    table = page.locator("table[data-table=fallbestand]")
    # The busiest advisor of Südwest and the unassigned cases; the other advisor left out.
    assert table.locator("tbody tr").count() == 2
    assert "Anna Beraterin" in table.inner_text()
    note = page.locator("section[aria-labelledby=h-fallbestand] [data-more]")
    assert "Die 1 Beratenden mit den meisten offenen Fällen von 2." in note.inner_text()
    with page.expect_navigation():
        note.locator("a", has_text="Alle zeigen").click()
    assert "alle=1" in page.url
    assert table.locator("tbody tr").count() == 3
    assert page.locator("section[aria-labelledby=h-fallbestand] [data-more]").count() == 0
    assert_no_axe_violations(page, "dashboard-all-advisors")

    # The coordinator: one row per region, then a region's advisors through the filter.
    page.context.clear_cookies()
    _login(page, data.users["coord"])
    page.goto("/uebersicht")
    rows = page.locator("table[data-table=fallbestand] tbody tr")
    # Every region with open cases (the fixture's are in two), no advisor rows.
    assert rows.count() == len({c["region"] for c in CASES if c["status"] != "closed"})
    assert "Anna Beraterin" not in page.locator("table[data-table=fallbestand]").inner_text()
    south_west = rows.filter(has_text="Südwestthüringen")
    open_sw = sum(1 for c in CASES if c["region"] == "SW" and c["status"] != "closed")
    assert south_west.locator("a").first.get_attribute("data-count") == str(open_sw)
    page.select_option("#region", label="Südwestthüringen")
    with page.expect_navigation():
        page.click("form[aria-label=Filter] button[type=submit]")
    assert "Anna Beraterin" in page.locator("table[data-table=fallbestand]").inner_text()
    options = page.locator("#berater option").all_inner_texts()
    assert "Anna Beraterin" in options
    assert "Otto Ostberater" not in options
