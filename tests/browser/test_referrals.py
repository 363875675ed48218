"""Browser: referral sent, answered through the partner link, outcome on the case; a transfer
SW → OT accepted, after which the sender reads but cannot edit. axe on every new page."""

import re

import sqlalchemy as sa

from tests.browser.a11y import assert_no_axe_violations, path_is
from tests.personas import TEST_PASSWORD


def _login(page, persona):
    page.goto("/anmelden")
    page.fill("#email", persona.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(path_is("/"))


def _case(live_app, district="16054"):
    from tests.cases.conftest import create_case, create_firm
    from wbagentur.extensions import db
    from wbagentur.partners.commands import seed_partners

    with live_app.app_context():
        seed_partners()  # the browser fixture empties non-reference tables between tests
        case = create_case(firm=create_firm("Suhler Werkzeugbau GmbH", district))
        db.session.commit()
        return case.id


def test_referral_partner_link_accept_complete_outcome_on_case(page, persona, live_app):
    advisor = persona("advisor", "SW")
    case_id = _case(live_app)
    _login(page, advisor)
    page.goto(f"/faelle/{case_id}/weiterleiten?bedarf=sgb3_82")
    assert_no_axe_violations(page, "referral-form")
    page.fill("#purpose", "Beschäftigtenqualifizierung nach § 82 prüfen")
    page.check("input[name=data_categories][value=firm]")
    page.fill("#legal_basis", "Art. 6 Abs. 1 lit. e DSGVO – öffentliche Aufgabe")
    page.click("button[value=send]")
    page.wait_for_url(re.compile(r"/weiterleitungen/\d+$"))
    from wbagentur.extensions import db
    from wbagentur.mail.models import OutboxMessage

    with live_app.app_context():
        body = db.session.scalar(
            sa.select(OutboxMessage.body).where(OutboxMessage.kind == "referral_partner")
        )
    path = re.search(r"(/weiterleitung/[A-Za-z0-9_\-]+)", body).group(1)
    partner = page.context.browser.new_context(
        base_url=page.url.split("/weiterleitungen")[0], locale="de-DE"
    ).new_page()
    partner.goto(path)
    assert "Suhler Werkzeugbau GmbH" in partner.locator("main").inner_text()
    assert_no_axe_violations(partner, "partner-page")
    partner.click("button:has-text('Annehmen')")
    partner.wait_for_url(path_is(path))
    partner.select_option("#complete-outcome", "approved")
    partner.fill("#complete-amount", "2.500,00")
    partner.check("input[name=complete-voucher_issued][value=ja]")
    partner.click("button:has-text('Ergebnis melden')")
    partner.wait_for_url(path_is("/weiterleitung-beantwortet"))
    page.goto(f"/faelle/{case_id}")
    outcome = page.locator("[data-referral-outcome]").inner_text().replace("\xa0", " ")
    assert "bewilligt, 2.500,00 €" in outcome


def test_transfer_sw_to_ot_sender_reads_but_cannot_edit(page, persona, live_app):
    sender = persona("advisor", "SW")
    receiver = persona("advisor", "OT")
    case_id = _case(live_app)
    _login(page, sender)
    page.goto(f"/faelle/{case_id}/uebergeben")
    page.select_option("#to_region_id", label="Ostthüringen")
    page.fill("#reason", "Umzug des Betriebs nach Gera")
    page.click("main button[type=submit]")
    page.wait_for_url(path_is(f"/faelle/{case_id}"))
    page.click("button:has-text('Abmelden')")
    page.wait_for_url(path_is("/anmelden"))  # signed out before the next sign-in
    _login(page, receiver)
    page.goto("/uebergaben")
    assert_no_axe_violations(page, "transfers")
    page.click("button:has-text('Annehmen')")
    # The answer comes back to /uebergaben, where the page already is: wait for its message.
    page.locator("[data-flash]", has_text="Der Fall wurde übernommen.").wait_for()
    page.wait_for_url(path_is("/uebergaben"))
    page.goto("/partner")
    assert_no_axe_violations(page, "partner-directory")
    page.click("button:has-text('Abmelden')")
    page.wait_for_url(path_is("/anmelden"))
    _login(page, sender)
    response = page.goto(f"/faelle/{case_id}")
    assert response.status == 200
    assert page.locator("a:has-text('Weiterleiten')").count() == 0
    assert page.request.post(f"/faelle/{case_id}/notizen", form={"body": "x"}).status in (400, 403)
