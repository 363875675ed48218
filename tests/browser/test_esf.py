"""Browser: an advisor types a person, an individual case, the ESF+ entry questionnaire and the
exit record (German dates); the supervisor's monitoring export then holds the participant
under a pseudonym. The ESF+ pages pass axe."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations, path_is
from tests.personas import TEST_PASSWORD


def _login(page, who):
    page.goto("/anmelden")
    page.fill("#email", who.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(path_is("/"))


def _logout(page):
    page.context.clear_cookies()


def _send_survey(app):
    """Run the survey job as if six months had passed; the link from the queued mail."""
    import re
    from datetime import timedelta

    import sqlalchemy as sa

    from wbagentur.core.models import utcnow
    from wbagentur.esf import services
    from wbagentur.extensions import db
    from wbagentur.mail.models import OutboxMessage

    with app.app_context():
        assert services.send_due_surveys(now=utcnow() + timedelta(days=400)).sent == 1
        db.session.commit()
        body = db.session.scalar(
            sa.select(OutboxMessage.body).where(OutboxMessage.kind == "esf_survey")
        )
    return re.search(r"/esf/umfrage/(\S+)", body).group(1)


def test_advisor_records_entry_and_exit_supervisor_exports(page, persona, live_app):
    advisor = persona("advisor", "SW")
    supervisor = persona("supervisor", "SW")
    _login(page, advisor)
    page.goto("/personen/neu")
    page.fill("#first_name", "Greta")
    page.fill("#last_name", "Teilnehmerin")
    page.fill("#birth_date", "14.03.1984")
    page.fill("#email", "greta@test.example")
    page.select_option("#residence_district_id", label="Suhl")
    page.click("main button[type=submit]:has-text('Speichern')")
    page.wait_for_url(lambda url: "/personen/" in url and url.rstrip("/").split("/")[-1].isdigit())
    page.select_option("#purpose", "esf_reporting")
    page.click("main button:has-text('Einwilligung erfassen')")
    # The save leads back to the person's consents; the old page is already "loaded".
    page.wait_for_url(lambda url: url.endswith("#einwilligungen"))
    assert "ESF+-Berichterstattung" in page.locator("main").inner_text()
    page.goto("/faelle/neu")
    page.fill("#q", "Teilnehmerin")
    page.keyboard.press("Enter")
    page.click("main a:has-text('Greta Teilnehmerin')")
    page.wait_for_url(lambda url: "person=" in url)
    page.fill("#title", "Berufliche Neuorientierung")
    page.select_option("#kind", "individual")
    page.check("input[value='upgrade']")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/faelle/" in url and url.rstrip("/").split("/")[-1].isdigit())
    case_id = page.url.rstrip("/").split("/")[-1]
    # Counselled on two days (more than short counselling, so she is a participant).
    for day, summary in (("02.11.2026", "Erstgespräch"), ("09.11.2026", "Bildungsweg geplant")):
        page.locator("summary:has-text('Kontakt erfassen')").click()
        page.select_option("#channel", "visit")
        page.fill("#on_date", day)
        page.fill("#duration_minutes", "90")
        page.fill("#summary", summary)
        with page.expect_navigation():
            page.click("button:has-text('Kontakt speichern')")
        assert summary in page.locator("#verlauf").inner_text()

    page.click("main a[data-esf-link]")
    page.wait_for_url(path_is(f"/esf/faelle/{case_id}"))
    assert_no_axe_violations(page, "esf-case")
    page.click("main a:has-text('Eintrittsfragebogen')")
    page.wait_for_url(lambda url: url.endswith("/eintritt"))  # scan the questionnaire
    assert_no_axe_violations(page, "esf-entry")
    page.fill("#entry_date", "02.11.2026")
    page.select_option("#employment_status", "long_term_unemployed")
    page.fill("#age_at_entry", "42")
    page.select_option("#isced_level", "isced_3_4")
    page.select_option("#gender", "weiblich")
    page.fill("#postcode", "98527")
    page.select_option("#rural_area", "ja")
    page.check("#survey_consent")
    page.click("main button[type=submit]:has-text('Speichern')")
    page.wait_for_url(path_is(f"/esf/faelle/{case_id}"))
    assert "02.11.2026" in page.locator("main table").inner_text()

    page.click("main a:has-text('Austritt erfassen')")
    page.fill("#exit_date", "01.12.2026")
    page.select_option("#exit_situation", "employed")
    page.fill("#results_on", "30.12.2026")  # 29 days after leaving: refused
    page.check("#result_employment")
    page.click("main button[type=submit]:has-text('Speichern')")
    assert "28 Tage" in page.locator("[data-error-summary]").inner_text()
    assert_no_axe_violations(page, "esf-exit-errors")
    page.fill("#results_on", "02.12.2026")
    page.click("main button[type=submit]:has-text('Speichern')")
    page.wait_for_url(path_is(f"/esf/faelle/{case_id}"))
    assert "vollständig" in page.locator("main table").inner_text()
    page.goto("/esf/vollstaendigkeit")
    assert_no_axe_violations(page, "esf-completeness")

    _logout(page)
    _login(page, supervisor)
    page.goto("/uebersicht/esf?von=2026-11-01&bis=2026-12-31")  # the one ESF+ overview
    assert_no_axe_violations(page, "esf-overview")
    with page.expect_download() as info:
        page.click("main a:has-text('(CSV)')")
    text = open(info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["eintrittsdatum"] == "2026-11-02"
    assert row["austrittsdatum"] == "2026-12-01"
    assert row["erwerbsstatus_eintritt"] == "long_term_unemployed"
    assert row["ergebnis_erwerbstaetig"] == "1"
    assert row["teilnehmer_id"].startswith("TN-")
    assert "Greta" not in text
    assert "Teilnehmerin" not in text
    assert "1984" not in text

    # six months later the participant answers the survey mailed to her (consent was ticked)
    token = _send_survey(live_app)
    _logout(page)
    page.goto(f"/esf/umfrage/{token}")
    assert_no_axe_violations(page, "esf-survey")
    page.click("main button[type=submit]")
    page.locator(".invalid-feedback").first.wait_for()
    assert_no_axe_violations(page, "esf-survey-errors")
    page.check("#employed-0")
    page.check("#improved-0")
    page.click("main button[type=submit]")
    # The form's page has an <h1> too: wait for the answer's, not read the old one.
    expect(page.locator("h1")).to_contain_text("Vielen Dank", use_inner_text=True)
    assert_no_axe_violations(page, "esf-survey-done")
    page.goto(f"/esf/umfrage/{token}")
    assert "nicht mehr gültig" in page.locator("h1").inner_text()
    assert_no_axe_violations(page, "esf-survey-gone")
