"""The whole intake-to-closing walk of issue 3 in the browser:

public request → the region's advisor sees it in the inbox → assigns it to themselves →
records a contact, a note and a follow-up → creates the firm from the request and adds an
employee → closes the case with an outcome; the requester's status link shows the state
and accepts a PDF.
"""

import re
from datetime import date, timedelta

import sqlalchemy as sa

from tests.browser.a11y import assert_no_axe_violations, path_is
from tests.personas import TEST_PASSWORD

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _status_link(live_app, reference):
    from wbagentur.extensions import db
    from wbagentur.mail.models import OutboxMessage

    with live_app.app_context():
        bodies = db.session.scalars(sa.select(OutboxMessage.body)).all()
    for body in bodies:
        if reference in body:
            match = re.search(r"https?://[^\s]+/anfrage/[A-Za-z0-9_\-]+", body)
            if match:
                return "/anfrage/" + match.group(0).rsplit("/anfrage/", 1)[1]
    raise AssertionError("no status link in the outbox")


def test_public_request_to_closed_case_and_status_link(page, persona, live_app, tmp_path):
    advisor = persona("advisor", "SW", display_name="Sabine Wolf")
    old_min = live_app.config.get("INTAKE_MIN_SECONDS", 3)
    live_app.config["INTAKE_MIN_SECONDS"] = 0
    try:
        # 1. The SME asks for advice.
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
        assert re.fullmatch(r"WBA-SW-\d{4}-\d{5}", reference)
    finally:
        live_app.config["INTAKE_MIN_SECONDS"] = old_min

    # 2. The advisor of Südwestthüringen finds it in the inbox and takes it.
    page.goto("/anmelden")
    page.fill("#email", advisor.email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto("/faelle/posteingang")
    page.click(f"main a:has-text('{reference}')")
    page.wait_for_url(lambda url: re.search(r"/faelle/\d+$", url) is not None)
    case_url = page.url
    with page.expect_navigation():
        page.click("button:has-text('Mir zuweisen')")
    assert "Sabine Wolf" in page.locator("[data-assignee]").inner_text()

    # 3. Contact, note, follow-up.
    page.locator("summary:has-text('Kontakt erfassen')").click()
    page.select_option("#channel", "phone")
    page.fill("#summary", "Rückruf bei Frau Glasbläser, Bedarf: Digitalisierung der Fertigung")
    with page.expect_navigation():
        page.click("button:has-text('Kontakt speichern')")
    page.locator("summary:has-text('Notiz schreiben')").click()
    page.fill("#body", "ESF+ Anpassungsqualifizierung prüfen")
    with page.expect_navigation():
        page.click("button:has-text('Notiz speichern')")
    page.locator("summary:has-text('Wiedervorlage anlegen')").click()
    page.fill("#title", "Kostenvoranschlag anfordern")
    page.fill("#due_date", (date.today() + timedelta(days=5)).isoformat())
    with page.expect_navigation():
        page.click("button:has-text('Wiedervorlage speichern')")

    # 4. The firm is created from the request, then an employee is added.
    page.click("a:has-text('Online-Anfrage')")
    # Scan the request page, not the case page the click is leaving.
    page.wait_for_url(re.compile(r"/faelle/\d+/anfrage$"))
    assert_no_axe_violations(page, "request-review")
    back = page.locator("[data-back-to-case]").get_attribute("href")
    assert case_url.endswith(back)
    with page.expect_navigation():
        page.click("button:has-text('Neues Unternehmen aus der Anfrage anlegen')")
    page.goto(case_url)
    page.click("[data-case-actions] a:has-text('Beschäftigte hinzufügen')")
    page.click("a:has-text('Neue beschäftigte Person anlegen')")
    page.fill("#first_name", "Jonas")
    page.fill("#last_name", "Schleifer")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Speichern')")
    if "Trotzdem neu anlegen" in page.content():
        page.check("#confirm_new")
        with page.expect_navigation():
            page.click("main button[type=submit]:has-text('Speichern')")
    page.goto(case_url)
    # Created from the case, the employee already takes part in it (issue #14.5).
    assert "Jonas Schleifer" in page.locator("#teilnehmende").inner_text()

    # 5. The requester follows the status link and sends a PDF; it lands on the case.
    status = _status_link(live_app, reference)
    page.goto(status)
    pdf = tmp_path / "Angebot.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("input[type=file]", str(pdf))
    with page.expect_navigation():
        page.click("button:has-text('Dokument senden')")
    assert "Angebot.pdf" in page.locator("main").inner_text()
    page.goto(case_url)
    assert "Angebot.pdf" in page.locator("#verlauf").inner_text()

    # 6. Close with an outcome.
    page.locator("summary:has-text('Fall abschließen')").click()
    page.select_option("#outcome", "funding_referred")
    with page.expect_navigation():
        page.click("button.btn-outline-danger:has-text('Fall abschließen')")
    # The open follow-up asks for a confirmation first (issue #14.9).
    assert "Offene Wiedervorlagen: 1" in page.locator("[data-close-warning]").inner_text()
    page.check("#confirm_open")
    with page.expect_navigation():
        page.click("button.btn-outline-danger:has-text('Fall abschließen')")
    assert "an Förderstelle vermittelt" in page.locator("[data-outcome]").inner_text()
    timeline = page.locator("#verlauf").inner_text()
    for text in (
        "Rückruf bei Frau Glasbläser",
        "ESF+ Anpassungsqualifizierung prüfen",
        "Kostenvoranschlag anfordern",
    ):
        assert text in timeline
    page.click("header button:has-text('Abmelden')")
    # Signed out before the next page is opened (a goto at once would cut the logout off).
    page.wait_for_url(path_is("/anmelden"))

    # 7. The status page says the request is closed and takes no more documents.
    page.goto(status)
    assert "abgeschlossen" in page.locator("main").inner_text()
    assert page.locator("[data-uploads-closed]").is_visible()
    assert page.locator("input[type=file]").count() == 0
