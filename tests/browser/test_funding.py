"""Browser: an anonymous SME uses the Förderkompass quick check with the keyboard; an advisor
runs and saves the funding check of a case and opens the printable Förderempfehlung."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.a11y import assert_no_axe_violations, path_is, tab_until
from tests.personas import TEST_PASSWORD

SEED = Path(__file__).resolve().parents[2] / "migrations" / "data" / "20261121_funding_seed.json"
SEED_V2 = SEED.with_name("20261206_funding_engine_v2.json")
#: Later approved versions, each from its migration's frozen file (f17a00000001, funding00000001).
LATER_VERSIONS = (SEED_V2, SEED.with_name("20261207_funding_afbg_income.json"))


@pytest.fixture(autouse=True)
def funding_seed(live_app: Any, clean_db: Any) -> None:
    """The browser harness empties every non-reference table between tests; restore the seed."""
    from wbagentur.extensions import db
    from wbagentur.funding.models import FundingProgramme, ParameterVersion

    with live_app.app_context():
        if db.session.scalar(sa.select(sa.func.count(FundingProgramme.id))):
            return
        seed = json.loads(SEED.read_text(encoding="utf-8"))
        at = datetime.fromisoformat(seed["decided_at"])
        for n, p in enumerate(seed["programmes"], start=1):
            programme = FundingProgramme(sort_order=n, status="open", status_changed_at=at, **p)
            db.session.add(programme)
            db.session.flush()
            for v in (v for v in seed["versions"] if v["programme"] == p["code"]):
                db.session.add(
                    ParameterVersion(
                        programme_id=programme.id,
                        version_key=v["version_key"],
                        valid_from=date.fromisoformat(v["valid_from"]),
                        valid_to=date.fromisoformat(v["valid_to"]) if v["valid_to"] else None,
                        parameters=json.dumps(v["parameters"]),
                        source=v["source"],
                        source_url=v["source_url"],
                        state="approved",
                        proposed_at=at,
                        decided_at=at,
                    )
                )
        # Engine 2.0 corrections and the AFBG income allowances: later approved versions.
        ids = dict(db.session.execute(sa.select(FundingProgramme.code, FundingProgramme.id)).all())
        later = [json.loads(path.read_text(encoding="utf-8")) for path in LATER_VERSIONS]
        for v2, v in ((data, v) for data in later for v in data["versions"]):
            at2 = datetime.fromisoformat(v2["decided_at"])
            db.session.add(
                ParameterVersion(
                    programme_id=ids[v["programme"]],
                    version_key=v["version_key"],
                    valid_from=date.fromisoformat(v["valid_from"]),
                    valid_to=date.fromisoformat(v["valid_to"]) if v["valid_to"] else None,
                    parameters=json.dumps(v["parameters"]),
                    source=v["source"],
                    source_url=v["source_url"],
                    state="approved",
                    proposed_at=at2,
                    decided_at=at2,
                )
            )
        db.session.commit()


def _type_into(page: Any, selector: str, text: str) -> None:
    tab_until(page, selector)
    page.keyboard.type(text)


def _choose(page: Any, selector: str, value: str) -> None:
    tab_until(page, selector)
    page.select_option(selector, value)


def test_sme_quick_check_keyboard_only_shows_reasons(page):
    page.goto("/foerderkompass")
    assert page.locator("html").get_attribute("lang") == "de"
    assert "Beschäftigtenqualifizierung (§ 82 SGB III)" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "foerderkompass")
    tab_until(page, "main a:has-text('Ausführliche Prüfung für Fachleute')")
    page.keyboard.press("Enter")
    page.wait_for_url(path_is("/foerderkompass/schnellcheck"))
    assert_no_axe_violations(page, "schnellcheck-leer")

    _type_into(page, "#birth_date", "31.02.1988")
    tab_until(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-error-summary]")
    summary = page.locator("[data-error-summary]")
    assert "Geburtsdatum" in summary.inner_text()
    assert page.locator("#birth_date").get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page, "schnellcheck-fehler")

    page.locator("#birth_date").fill("")
    _type_into(page, "#staff_over_30h", "22")
    _type_into(page, "#staff_up_to_30h", "6")
    _choose(page, "#district_key", "16068")
    _type_into(page, "#birth_date", "15.06.1988")
    _choose(page, "#employment_status", "employed")
    _choose(page, "#has_qualification", "yes")
    _type_into(page, "#qualification_year", "2012")
    _type_into(page, "#course_title", "CNC-Fachkraft")
    _choose(page, "#goal", "other")
    _type_into(page, "#hours", "480")
    _choose(page, "#hours_unit", "clock_hours")
    _type_into(page, "#course_fees", "6000")
    _type_into(page, "#start_date", "11.01.2027")
    _choose(page, "#azav", "yes")
    tab_until(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Ergebnis des Schnellchecks')")
    main = page.locator("main").inner_text()
    assert "§ 82 Abs. 1 Nr. 4 SGB III" in main
    assert "förderfähig" in main
    assert "Entscheidet:" in main
    assert page.locator("article.funding-programme").count() == 7
    assert_no_axe_violations(page, "schnellcheck-ergebnis")
    assert page.console_errors == []


def test_advisor_runs_case_check_and_opens_print_view(page, persona, live_app):
    advisor = persona("advisor", "SW", display_name="Sabine Wolf")
    with live_app.app_context():
        from tests.funding.conftest import create_firm_case

        ids = create_firm_case(assigned_to_id=advisor.id)
    page.goto("/anmelden")
    page.fill("#email", advisor.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(path_is("/"))
    page.goto(f"/faelle/{ids.case_id}/foerdercheck")
    assert page.locator("#staff_over_30h").input_value() == "22"
    assert page.locator("#birth_date").input_value() == "15.06.1988"
    assert_no_axe_violations(page, "fall-foerdercheck")
    page.fill("#course_title", "CNC-Fachkraft")
    page.select_option("#goal", "other")
    page.fill("#hours", "480")
    page.select_option("#hours_unit", "clock_hours")
    page.fill("#course_fees", "6000")
    page.fill("#eligible_wage", "10000")
    page.fill("#start_date", "11.01.2027")
    page.select_option("#azav", "yes")
    # An award before the application is refused; then the real dates (§ 422 SGB III).
    page.fill("#application_date", "10.12.2026")
    page.fill("#award_date", "01.12.2026")
    page.click("button:has-text('Prüfen und im Fall speichern')")
    page.wait_for_selector("text=Die Bewilligung kann nicht vor dem Antrag liegen.")
    page.fill("#application_date", "01.12.2026")
    page.fill("#award_date", "15.12.2026")
    page.select_option("#short_time_work", "no")
    page.click("button:has-text('Prüfen und im Fall speichern')")
    page.wait_for_selector("text=Die Förderprüfung wurde im Fall gespeichert.")
    assert "Tag der Bewilligung (15.12.2026)" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "fall-foerdercheck-gespeichert")
    tab_until(page, "a:has-text('Förderempfehlung (Druckansicht)')")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Förderempfehlung')")
    main = page.locator("main").inner_text()
    assert ids.reference in main
    assert "13.500,00" in main
    assert_no_axe_violations(page, "foerderempfehlung")
    page.emulate_media(media="print")
    assert not page.locator("header.app-header").is_visible()
    assert page.console_errors == []


def test_admin_catalogue_pages_and_conflict_pass_axe(page, persona, live_app):
    admin = persona("admin")
    page.goto("/foerderkompass/sgb3-82")
    assert "ungeprüft" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "foerderkompass-programm")
    page.goto("/anmelden")
    page.fill("#email", admin.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(path_is("/"))
    page.click("nav a:has-text('Förderprogramme')")
    page.wait_for_url(path_is("/verwaltung/foerderprogramme"))
    assert_no_axe_violations(page, "foerderprogramme")
    page.click("a:has-text('Beschäftigtenqualifizierung (§ 82 SGB III)')")
    page.wait_for_selector("h1:has-text('Beschäftigtenqualifizierung')")
    page.locator("details").first.locator("summary").click()
    assert_no_axe_violations(page, "foerderprogramm-detail")
    detail_url = page.url
    page.click("a:has-text('Neue Fassung vorschlagen')")
    page.wait_for_selector("h1:has-text('Neue Fassung vorschlagen')")
    assert_no_axe_violations(page, "fassung-vorschlagen")
    # Labels, not keys; a rate of 5 (500 %) is refused, 0,2 with a new note is accepted.
    main = page.locator("main").inner_text()
    assert "Pauschale für den Arbeitgeberanteil am Sozialversicherungsbeitrag" in main
    assert "sv_flat_rate" not in main
    page.fill("#valid_from", "01.01.2027")
    page.fill("#source", "BA-Weisung 2027")
    page.fill("#p__sv_flat_rate", "5")
    page.click("button:has-text('Zur Freigabe vorschlagen')")
    page.wait_for_selector("text=Bitte geben Sie eine Zahl zwischen 0 und 1 ein.")
    page.fill("#p__sv_flat_rate", "0,2")
    page.check("#v__sv_flat_rate")
    page.fill("#n__sv_flat_rate", "Pauschale 20 % laut BA-Weisung bestätigt.")
    page.click("button:has-text('Zur Freigabe vorschlagen')")
    page.wait_for_selector("text=Die Fassung sgb3_82@2027-01-01 wurde vorgeschlagen.")
    with live_app.app_context():
        from wbagentur.extensions import db
        from wbagentur.funding.models import ParameterVersion

        proposed = db.session.scalar(
            sa.select(ParameterVersion).where(ParameterVersion.state == "proposed")
        )
        assert proposed.params["sv_flat_rate"]["value"] == 0.2
        assert proposed.params["sv_flat_rate"]["verified"] is True
        # The harness keeps the catalogue tables: remove the row that points to the admin.
        db.session.delete(proposed)
        db.session.commit()
    page.goto(detail_url)
    with live_app.app_context():
        from wbagentur.extensions import db
        from wbagentur.funding.models import FundingProgramme

        programme = db.session.scalar(
            sa.select(FundingProgramme).where(FundingProgramme.code == "sgb3_82")
        )
        programme.status_reason = "anderswo geändert"
        db.session.commit()
    page.select_option("#status", "paused")
    page.fill("#reason", "Mittel erschöpft")
    page.click("button:has-text('Status speichern')")
    page.wait_for_selector("h1:has-text('Änderungskonflikt')")
    assert "anderswo geändert" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "foerderprogramm-konflikt")
