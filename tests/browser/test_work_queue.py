"""Issue 14: the advisor's start page as a work queue, every value typed into the forms.

A public request arrives (the inbox count shows in the navigation and the request under
"Neue Anfragen"); the advisor opens it from the start page, takes it and sets a
follow-up for 02.12.2026; the start page lists the case by that date, and on that day the
follow-up is due there and in the navigation. The clock is set (2026-12-01) for the live
server, so the typed date is tomorrow whatever the real date is.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.browser.a11y import assert_no_axe_violations, path_is
from tests.personas import TEST_PASSWORD


def _login(page, who):
    page.goto("/anmelden")
    page.fill("#email", who.email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _public_request(page, live_app):
    old = live_app.config.get("INTAKE_MIN_SECONDS", 3)
    live_app.config["INTAKE_MIN_SECONDS"] = 0
    try:
        page.goto("/beratung-anfragen")
        page.fill("#firm_name", "Spielzeugmanufaktur Sonneberg GmbH")
        page.fill("#contact_name", "Ines Holzmann")
        page.fill("#email", "ines@spielzeug-sonneberg.example")
        page.select_option("#district_id", label="Sonneberg")
        page.select_option("#headcount_band", "10_49")
        page.check("input[name=topics][value=digital]")
        page.check("#consent")
        with page.expect_navigation():
            page.click("button:has-text('Anfrage absenden')")
        return page.locator("[data-reference]").inner_text().strip()
    finally:
        live_app.config["INTAKE_MIN_SECONDS"] = old


def _section(page, key):
    return page.locator(f"section[data-queue={key}]")


def test_advisor_works_from_the_start_page(fixed_clock, page, persona, live_app):
    advisor = persona("advisor", "SW", display_name="Sabine Wolf")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    reference = _public_request(page, live_app)
    _login(page, advisor)
    page.wait_for_url(path_is("/"))

    # The new request: in the inbox section and counted in the navigation.
    inbox_link = page.get_by_role("link", name="Posteingang (1 neue)", exact=True)
    assert inbox_link.is_visible()
    inbox = _section(page, "inbox")
    assert inbox.locator("[data-count]").inner_text() == "1"
    assert reference in inbox.inner_text()
    assert "Spielzeugmanufaktur Sonneberg GmbH" in inbox.inner_text()
    assert_no_axe_violations(page, "start-work-queue-advisor")

    # Clicking the row (not only the reference) opens the case.
    row = inbox.locator("li", has_text=reference)
    box = row.bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] - 10, box["y"] + box["height"] - 5)
    page.wait_for_url(re.compile(r"/faelle/\d+$"))
    case_path = "/" + page.url.split("/", 3)[3]
    assert reference in page.locator("main").inner_text()

    with page.expect_navigation():
        page.click("button:has-text('Mir zuweisen')")
    page.locator("summary:has-text('Wiedervorlage anlegen')").click()
    page.fill("#title", "Angebote der Bildungsträger vergleichen")
    page.locator("#due_date").press_sequentially("02.12.2026")
    with page.expect_navigation():
        page.click("button:has-text('Wiedervorlage speichern')")
    assert "fällig am 02.12.2026" in page.locator("#verlauf").inner_text()

    with page.expect_navigation():
        page.click("header nav a.nav-link:has-text('Start')")
    mine = _section(page, "mine")
    assert mine.locator("[data-count]").inner_text() == "1"
    assert "nächste Wiedervorlage 02.12.2026" in mine.inner_text()
    assert reference in mine.inner_text()
    assert _section(page, "inbox").locator("[data-count]").inner_text() == "0"
    assert page.locator("header nav a[data-nav-count]").count() == 0
    assert _section(page, "due").locator("[data-count]").inner_text() == "0"

    # The next morning (signed in again) the follow-up is due: on the start page and in
    # the navigation.
    fixed_clock.shift(timedelta(days=1))
    _login(page, advisor)
    page.wait_for_url(path_is("/"))
    due = _section(page, "due")
    assert due.locator("[data-count]").inner_text() == "1"
    assert "Angebote der Bildungsträger vergleichen" in due.inner_text()
    assert "heute" in due.inner_text()
    assert page.get_by_role("link", name="Fällig (1 fällig)", exact=True).is_visible()
    with page.expect_navigation():
        due.locator("a", has_text="Angebote der Bildungsträger").click()
    page.wait_for_url(path_is(case_path))

    assert errors == []
    assert page.console_errors == []


@pytest.mark.parametrize("role", ["supervisor", "coordinator"])
def test_start_page_variants_pass_axe_without_console_errors(fixed_clock, page, persona, role):
    user = persona(role, "SW" if role == "supervisor" else None)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _login(page, user)
    page.goto("/start")
    assert page.locator("section[data-queue]").count() >= 3
    assert "Fälle mit überfälliger Wiedervorlage" in page.locator("main").inner_text()
    assert_no_axe_violations(page, f"start-work-queue-{role}")
    assert errors == []
    assert page.console_errors == []
