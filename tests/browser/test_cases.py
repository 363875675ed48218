"""Browser: an advisor works a case with the keyboard; every case page passes axe."""

from datetime import date, timedelta

import pytest

from tests.browser.a11y import assert_no_axe_violations, path_is, tab_until
from tests.personas import TEST_PASSWORD


@pytest.fixture
def sw_case(live_app, persona):
    from tests.cases.conftest import create_case, create_firm
    from wbagentur.extensions import db

    advisor = persona("advisor", "SW", display_name="Sabine Wolf")
    with live_app.app_context():
        firm = create_firm("Werkzeugbau Müller GmbH", "16054")
        case = create_case(firm=firm, title="CNC-Qualifizierung für drei Beschäftigte")
        db.session.commit()
        return advisor, case.id, firm.id


def _login(page, who):
    page.goto("/anmelden")
    page.fill("#email", who.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(path_is("/"))


def test_advisor_takes_case_from_inbox_and_works_it(page, sw_case):
    advisor, case_id, _ = sw_case
    _login(page, advisor)
    page.click("nav >> text=Posteingang")
    page.wait_for_url(path_is("/faelle/posteingang"))
    assert_no_axe_violations(page, "inbox")
    page.click("main table a")
    page.wait_for_url(path_is(f"/faelle/{case_id}"))
    assert_no_axe_violations(page, "case-detail-new")
    tab_until(page, "button:has-text('Mir zuweisen')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Sabine Wolf" in page.locator("[data-assignee]").inner_text()
    # Contact via keyboard: open the disclosure, fill the fields.
    page.locator("summary:has-text('Kontakt erfassen')").focus()
    page.keyboard.press("Enter")
    page.select_option("#channel", "visit")
    page.fill("#duration_minutes", "45")
    page.fill("#summary", "Beratung vor Ort in der Werkhalle")
    with page.expect_navigation():
        page.click("button:has-text('Kontakt speichern')")
    page.locator("summary:has-text('Notiz schreiben')").click()
    page.fill("#body", "Angebote von zwei Trägern einholen")
    with page.expect_navigation():
        page.click("button:has-text('Notiz speichern')")
    page.locator("summary:has-text('Wiedervorlage anlegen')").click()
    page.fill("#title", "Angebote vergleichen")
    page.fill("#due_date", (date.today() + timedelta(days=7)).isoformat())
    with page.expect_navigation():
        page.click("button:has-text('Wiedervorlage speichern')")
    timeline = page.locator("#verlauf").inner_text()
    for text in (
        "Beratung vor Ort in der Werkhalle",
        "Angebote von zwei Trägern einholen",
        "Angebote vergleichen",
    ):
        assert text in timeline
    assert_no_axe_violations(page, "case-detail-worked")
    # Errors are announced: close without outcome.
    page.locator("summary:has-text('Fall abschließen')").click()
    with page.expect_navigation():
        page.click("button.btn-outline-danger:has-text('Fall abschließen')")
    assert page.locator("[data-error-summary]").first.is_visible()
    assert_no_axe_violations(page, "case-detail-errors")
    page.select_option("#outcome", "advice_completed")
    with page.expect_navigation():
        page.click("button.btn-outline-danger:has-text('Fall abschließen')")
    # The open follow-up asks for a confirmation first (issue #14.9).
    assert page.locator("[data-close-warning]").is_visible()
    assert_no_axe_violations(page, "case-detail-close-warning")
    page.check("#confirm_open")
    with page.expect_navigation():
        page.click("button.btn-outline-danger:has-text('Fall abschließen')")
    assert "Beratung abgeschlossen" in page.locator("[data-outcome]").inner_text()
    page.goto("/faelle/meine")
    assert_no_axe_violations(page, "my-cases")
    page.goto("/faelle")
    page.fill("#q", "MUELLER")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Werkzeugbau Müller GmbH" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "case-list")
    page.goto("/faelle/faellig")
    assert_no_axe_violations(page, "due")
    page.goto(f"/faelle/{case_id}/bearbeiten")
    assert_no_axe_violations(page, "case-edit")
    assert page.console_errors == []


def test_create_case_via_search_and_conflict_page(page, sw_case, live_app):
    advisor, case_id, firm_id = sw_case
    _login(page, advisor)
    page.goto("/faelle/neu")
    assert_no_axe_violations(page, "pick-client")
    page.fill("#q", "mueller")
    page.keyboard.press("Enter")
    page.click("main a:has-text('Werkzeugbau Müller GmbH')")
    page.wait_for_url(lambda url: "unternehmen=" in url)
    assert_no_axe_violations(page, "case-create")
    page.fill("#title", "Führungskräfteschulung")
    page.check("input[value='leadership']")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/faelle/" in url and url.rstrip("/").split("/")[-1].isdigit())
    assert "Führungskräfteschulung" in page.locator("h1 + p, .lead").first.inner_text()
    # A stale edit form produces the conflict page with both values.
    page.goto(f"/faelle/{case_id}/bearbeiten")
    from wbagentur.cases.models import Case
    from wbagentur.extensions import db

    with live_app.app_context():
        case = db.session.get(Case, case_id)
        case.title = "Geändert von Kollegin"
        db.session.commit()
    page.fill("#title", "Mein Titel")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Änderungskonflikt" in page.locator("h1").inner_text()
    assert "Geändert von Kollegin" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "case-conflict")
