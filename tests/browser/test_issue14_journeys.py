"""Issue #14 journeys in Chromium, every value typed into the forms (no factories):

1. firm, contact, case, three employees (one created from the case, two added in one
   step), a follow-up with a German date, a consent recorded on the person page and one
   recorded inside the referral form, two referrals sent with them, the closing warning;
2. a transfer with an open follow-up: the receiving advisor gets the follow-up and can
   edit the firm.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from tests.browser.a11y import assert_no_axe_violations, path_is
from tests.personas import TEST_PASSWORD


def _login(page, who):
    page.goto("/anmelden")
    page.fill("#email", who.email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _logout(page):
    with page.expect_navigation():
        page.click("header button:has-text('Abmelden')")


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def _create_firm(page, name, postcode):
    page.goto("/unternehmen/neu")
    page.fill("#name", name)
    page.fill("#postcode", postcode)
    page.locator("#postcode").press("Tab")
    page.fill("#staff_over_30h", "12")
    _submit(page, "main button[type=submit]:has-text('Speichern')")
    page.wait_for_url(re.compile(r"/unternehmen/\d+$"))
    return page.url


def _open_case(page, firm_name, title):
    page.goto("/faelle/neu")
    page.fill("#q", firm_name.split()[0])
    _submit(page, "main button:has-text('Suchen')")
    _submit(page, f"main a:has-text('{firm_name}')")
    page.fill("#title", title)
    page.check("input[name=topics] >> nth=0")
    _submit(page, "main button:has-text('Fall anlegen')")
    page.wait_for_url(re.compile(r"/faelle/\d+$"))
    return page.url


def _new_employee(page, link_text, first, last):
    _submit(page, f"main a:has-text('{link_text}')")
    page.fill("#first_name", first)
    page.fill("#last_name", last)
    _submit(page, "main button[type=submit]:has-text('Speichern')")


def _german(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _assert_timeline_has_content(page):
    entries = page.locator("#verlauf li[data-kind]")
    assert entries.count() > 0
    for i in range(entries.count()):
        lines = entries.nth(i).locator("p")
        assert lines.count() >= 2, entries.nth(i).inner_text()
        assert all(lines.nth(j).inner_text().strip() for j in range(lines.count()))


def test_firm_case_three_employees_consents_and_two_referrals(page, persona, live_app):
    advisor = persona("advisor", "SW", display_name="Sabine Wolf")
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    _login(page, advisor)

    firm_url = _create_firm(page, "Kühn Präzision GmbH", "98527")
    _submit(page, "main a:has-text('Ansprechperson hinzufügen')")
    page.fill("#name", "Petra Personal")
    page.fill("#function", "Personalabteilung")
    _submit(page, "main button[type=submit]:has-text('Speichern')")

    case_url = _open_case(page, "Kühn Präzision GmbH", "CNC-Qualifizierung für drei Beschäftigte")
    case_path = "/" + case_url.split("/", 3)[3]

    # Created from the case, the employee joins it (defect 5).
    _new_employee(page, "Neue beschäftigte Person anlegen", "Jana", "Kühn")
    page.wait_for_url(path_is(case_path))
    assert "nimmt jetzt am Fall" in page.locator("main").inner_text()
    assert "Jana Kühn" in page.locator("#teilnehmende").inner_text()

    # Two more from the firm page, then both join the case in one step.
    page.goto(firm_url)
    _new_employee(page, "Beschäftigte Person anlegen", "Thomas", "Reinhardt")
    page.goto(firm_url)
    _new_employee(page, "Beschäftigte Person anlegen", "Ole", "Berg")
    page.goto(case_url)
    page.check("#teilnehmende label:has-text('Thomas Reinhardt')")
    page.check("#teilnehmende label:has-text('Ole Berg')")
    _submit(page, "button:has-text('Ausgewählte hinzufügen')")
    participants = page.locator("#teilnehmende").inner_text()
    for name in ("Jana Kühn", "Thomas Reinhardt", "Ole Berg"):
        assert name in participants
    assert page.locator("#verlauf li[data-kind=note]").count() == 0

    # A follow-up typed the German way is shown the German way (defect 6).
    due = date.today() + timedelta(days=9)
    page.locator("summary:has-text('Wiedervorlage anlegen')").click()
    page.fill("#title", "Angebote vergleichen")
    page.locator("#due_date").press_sequentially(_german(due))
    _submit(page, "button:has-text('Wiedervorlage speichern')")
    timeline = page.locator("#verlauf").inner_text()
    assert f"fällig am {_german(due)}" in timeline
    assert due.isoformat() not in timeline
    _assert_timeline_has_content(page)
    assert_no_axe_violations(page, "issue14-case-participants")

    # A saved check names its person and leads back to the case (defect 7).
    before_check = len(loads)
    _submit(page, "main a:has-text('Förderprüfung')")
    page.fill("#birth_date", "15.06.1988")
    page.fill("#course_title", "CNC-Fachkraft")
    page.select_option("#goal", "other")
    page.fill("#hours", "480")
    page.select_option("#hours_unit", "clock_hours")
    page.fill("#course_fees", "6.000,00")
    page.fill("#eligible_wage", "10.000,00")
    page.fill("#start_date", _german(date.today() + timedelta(days=60)))
    page.select_option("#azav", "yes")
    _submit(page, "button:has-text('Prüfen und im Fall speichern')")
    # The check is for the first participant by name (the form offers each of them).
    assert "Geprüft für: Ole Berg" in page.locator("[data-check-person]").inner_text()
    _submit(page, "[data-back-to-case]")
    page.wait_for_url(path_is(case_path))
    check_detour = len(loads) - before_check

    # Consent on the person page, recipient from the directory (defect 1).
    _submit(page, "#teilnehmende a:has-text('Jana Kühn')")
    page.select_option("#purpose", "share_partner")
    page.select_option("#recipient", label="Agentur für Arbeit Thüringen Südwest")
    _submit(page, "button:has-text('Einwilligung erfassen')")
    consents = page.locator("#einwilligungen").inner_text()
    assert "Agentur für Arbeit Thüringen Südwest" in consents
    assert_no_axe_violations(page, "issue14-person-consent")

    page.goto(case_url)
    _submit(page, "main a:has-text('Weiterleiten')")
    page.select_option("#partner_id", label="Agentur für Arbeit Thüringen Südwest")
    page.fill("#purpose", "Beschäftigtenqualifizierung nach § 82 SGB III prüfen")
    page.check("input[name=data_categories][value=firm]")
    page.check("input[name=data_categories][value=employment]")
    option = page.locator("#consent_id option", has_text="Jana Kühn")
    assert "Agentur für Arbeit Thüringen Südwest" in option.inner_text()
    assert "alle Partnerstellen" not in option.inner_text()
    page.select_option("#consent_id", option.get_attribute("value"))
    assert_no_axe_violations(page, "issue14-referral-form")
    _submit(page, "button[name=action][value=send]")
    assert "Die Weiterleitung wurde gesendet." in page.locator("main").inner_text()
    # Page loads from the sign-in form to the first referral sent, three employees included
    # (the funding-check detour counted apart).
    to_referral = len(loads) - check_detour
    print(f"\nissue14 page loads sign-in → first referral: {to_referral} (+{check_detour} check)")
    assert to_referral <= 30, loads  # measured: 26

    # A second referral: the firm contact consents inside the referral form.
    page.goto(case_url)
    _submit(page, "main a:has-text('Weiterleiten')")
    page.select_option("#partner_id", label="IHK Südthüringen")
    page.fill("#purpose", "Kammerprüfung für Herrn Berg klären")
    page.check("input[name=data_categories][value=firm]")
    page.locator("summary:has-text('Einwilligung jetzt erfassen')").click()
    page.select_option("#einwilligung-subject", label="Petra Personal (Ansprechperson)")
    page.select_option("#einwilligung-recipient", label="IHK Südthüringen")
    page.check("#einwilligung-confirmed")
    _submit(page, "button[name=action][value=consent]")
    assert "Die Einwilligung wurde erfasst" in page.locator("[data-consent-saved]").inner_text()
    assert page.locator("#purpose").input_value() == "Kammerprüfung für Herrn Berg klären"
    chosen = page.locator("#consent_id option:checked").inner_text()
    assert "Petra Personal – IHK Südthüringen" in chosen
    assert_no_axe_violations(page, "issue14-referral-inline-consent")
    _submit(page, "button[name=action][value=send]")
    assert "Die Weiterleitung wurde gesendet." in page.locator("main").inner_text()

    # Closing with open work asks first (defect 9).
    page.goto(case_url)
    page.locator("summary:has-text('Fall abschließen')").click()
    page.select_option("#outcome", "funding_referred")
    _submit(page, "button.btn-outline-danger:has-text('Fall abschließen')")
    warning = page.locator("[data-close-warning]").inner_text()
    assert "Offene Wiedervorlagen: 1" in warning
    assert "Offene Weiterleitungen: 2" in warning
    assert_no_axe_violations(page, "issue14-close-warning")
    page.check("#confirm_open")
    _submit(page, "button.btn-outline-danger:has-text('Fall abschließen')")
    assert "an Förderstelle vermittelt" in page.locator("[data-outcome]").inner_text()
    _assert_timeline_has_content(page)
    assert page.console_errors == []

    from wbagentur.extensions import db
    from wbagentur.referrals.models import Referral

    with live_app.app_context():
        states = db.session.scalars(sa.select(Referral.state)).all()
    assert states == ["sent", "sent"]


def test_transfer_with_open_follow_up_and_firm_edit(page, persona):
    sender = persona("advisor", "SW", display_name="Sabine Wolf")
    receiver = persona("advisor", "OT", display_name="Otto Rau")
    _login(page, sender)
    _create_firm(page, "Rennsteig Metall GmbH", "98527")
    case_url = _open_case(page, "Rennsteig Metall GmbH", "Umzug nach Jena, Weiterbildung offen")
    case_path = "/" + case_url.split("/", 3)[3]
    due = date.today() + timedelta(days=12)
    page.locator("summary:has-text('Wiedervorlage anlegen')").click()
    page.fill("#title", "Angebot nachfassen")
    page.locator("#due_date").press_sequentially(_german(due))
    _submit(page, "button:has-text('Wiedervorlage speichern')")
    _submit(page, "main a:has-text('An andere Region übergeben')")
    page.select_option("#to_region_id", label="Ostthüringen")
    page.fill("#reason", "Das Unternehmen zieht nach Jena")
    _submit(page, "button:has-text('Übergabe anfragen')")
    _logout(page)

    _login(page, receiver)
    page.goto("/uebergaben")
    _submit(page, "main button:has-text('Annehmen')")
    page.goto(case_url)
    follow_ups = page.locator("#wiedervorlagen").inner_text()
    assert "Angebot nachfassen (Otto Rau)" in follow_ups
    assert _german(due) in follow_ups
    assert (
        "offene Wiedervorlage(n) mit dem Fall übernommen" in page.locator("#verlauf").inner_text()
    )
    # The receiver completes it: the case and the follow-up are theirs now.
    _submit(page, "#wiedervorlagen button:has-text('Erledigt')")
    assert "Die Wiedervorlage ist erledigt." in page.locator("main").inner_text()
    _submit(page, "main dl a:has-text('Rennsteig Metall GmbH')")
    _submit(page, "main a:has-text('Bearbeiten')")
    page.fill("#city", "Jena")
    _submit(page, "main button[type=submit]:has-text('Speichern')")
    page.wait_for_url(re.compile(r"/unternehmen/\d+$"))  # saved, not refused
    assert "Jena" in page.locator("main").inner_text()
    page.goto(case_path)
    assert page.console_errors == []
