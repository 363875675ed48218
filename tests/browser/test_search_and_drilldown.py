"""Browser: search "kuhn" finds Kühn and "Reinhardt Thomas" finds Thomas Reinhardt (issue #14
defect 10); the dashboard's drill-down into one advisor's cases shows that advisor in the list's
form (defect 11). Every record is typed into the forms."""

import re

from tests.browser.a11y import assert_no_axe_violations, path_is
from tests.personas import TEST_PASSWORD


def _login(page, persona):
    page.goto("/anmelden")
    page.fill("#email", persona.email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _new_person(page, first, last):
    page.goto("/personen/neu")
    page.fill("#first_name", first)
    page.fill("#last_name", last)
    page.select_option("#residence_district_id", label="Suhl")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Speichern')")
    if "Trotzdem neu anlegen" in page.content():
        page.check("#confirm_new")
        with page.expect_navigation():
            page.click("main button[type=submit]:has-text('Speichern')")


def _search_persons(page, term):
    page.goto("/personen")
    page.fill("#q", term)
    with page.expect_navigation():
        page.click("main button:has-text('Suchen')")
    assert term not in page.url  # the term travels by POST, never in the address
    return page.locator("main table").inner_text() if page.locator("main table").count() else ""


def test_person_search_any_order_and_without_umlauts(page, persona):
    _login(page, persona("advisor", "SW"))
    _new_person(page, "Anna", "Kühn")
    _new_person(page, "Thomas", "Reinhardt")
    _new_person(page, "Bernd", "Schmidt")
    found = _search_persons(page, "kuhn")
    assert "Kühn, Anna" in found
    assert "Schmidt" not in found
    found = _search_persons(page, "Reinhardt Thomas")
    assert "Reinhardt, Thomas" in found
    assert "Kühn" not in found


def test_drill_down_to_one_advisor_shows_the_advisor_in_the_form(page, persona, live_app):
    advisor = persona("advisor", "SW", display_name="Sabine Wolf")
    supervisor = persona("supervisor", "SW")
    old_min = live_app.config.get("INTAKE_MIN_SECONDS", 3)
    live_app.config["INTAKE_MIN_SECONDS"] = 0
    try:
        page.goto("/beratung-anfragen")
        page.fill("#firm_name", "Glaswerk Lauscha GmbH")
        page.fill("#contact_name", "Petra Glasbläser")
        page.fill("#email", "petra@glaswerk-lauscha.example")
        page.select_option("#district_id", label="Sonneberg")
        page.select_option("#headcount_band", "10_49")
        page.check("input[name=topics][value=digital]")
        page.check("#consent")
        with page.expect_navigation():
            page.click("button:has-text('Anfrage absenden')")
        reference = page.locator("[data-reference]").inner_text()
    finally:
        live_app.config["INTAKE_MIN_SECONDS"] = old_min
    _login(page, advisor)
    page.goto("/faelle/posteingang")
    page.click(f"main a:has-text('{reference}')")
    page.wait_for_url(re.compile(r"/faelle/\d+$"))
    with page.expect_navigation():
        page.click("button:has-text('Mir zuweisen')")
    page.click("header button:has-text('Abmelden')")
    page.wait_for_url(path_is("/anmelden"))  # signed out before the next sign-in

    _login(page, supervisor)
    page.goto("/uebersicht")
    row = page.locator("section[aria-labelledby=h-fallbestand] tr", has_text="Sabine Wolf")
    with page.expect_navigation():
        row.locator("a").first.click()
    assert "advisor=" in page.url
    assigned = page.locator("select[name=assigned]")
    assert assigned.locator("option:checked").inner_text() == "Sabine Wolf"
    filters = page.locator("[data-active-filters]").inner_text()
    assert "Zuständig: Sabine Wolf" in filters
    assert reference in page.locator("main table").inner_text()
    assert_no_axe_violations(page, "case-list-drill-down")
    # Removing the advisor filter by its link leaves a list without it.
    with page.expect_navigation():
        page.click("[data-active-filter]:has-text('Zuständig') a")
    assert "advisor=" not in page.url
    assert page.locator("select[name=assigned] option:checked").inner_text() != "Sabine Wolf"
