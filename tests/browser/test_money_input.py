"""Browser: German money typed into the partner's answer reaches the case, the dashboard and
the XLSX export as 14.640,00 € (issue #14 defect 2: 14.640,00 was stored as 14,64 €).

Every record is made through the forms: a public request, the advisor's inbox, the firm
from the request, the referral, the partner's answer through the mailed link."""

import io
import re

import sqlalchemy as sa

from tests.browser.a11y import assert_no_axe_violations, path_is
from tests.personas import TEST_PASSWORD


def _login(page, persona):
    page.goto("/anmelden")
    page.fill("#email", persona.email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _outbox_path(live_app, kind, pattern):
    from wbagentur.extensions import db
    from wbagentur.mail.models import OutboxMessage

    with live_app.app_context():
        body = db.session.scalar(
            sa.select(OutboxMessage.body)
            .where(OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id.desc())
        )
    return re.search(pattern, body).group(1)


def _public_request(page, live_app):
    old_min = live_app.config.get("INTAKE_MIN_SECONDS", 3)
    live_app.config["INTAKE_MIN_SECONDS"] = 0
    try:
        page.goto("/beratung-anfragen")
        page.fill("#firm_name", "Suhler Werkzeugbau GmbH")
        page.fill("#contact_name", "Petra Personal")
        page.fill("#email", "petra@suhler-werkzeugbau.example")
        page.select_option("#district_id", label="Suhl")
        page.select_option("#headcount_band", "10_49")
        page.check("input[name=topics][value=funding]")
        page.check("#consent")
        with page.expect_navigation():
            page.click("button:has-text('Anfrage absenden')")
        return page.locator("[data-reference]").inner_text()
    finally:
        live_app.config["INTAKE_MIN_SECONDS"] = old_min


def _normalise(text):
    return text.replace("\xa0", " ")


def test_partner_types_german_amount_case_dashboard_and_xlsx_show_it(page, persona, live_app):
    from openpyxl import load_workbook

    advisor = persona("advisor", "SW")
    supervisor = persona("supervisor", "SW")
    reference = _public_request(page, live_app)

    _login(page, advisor)
    page.goto("/faelle/posteingang")
    page.click(f"main a:has-text('{reference}')")
    page.wait_for_url(re.compile(r"/faelle/\d+$"))
    case_url = page.url
    with page.expect_navigation():
        page.click("button:has-text('Mir zuweisen')")
    page.click("a:has-text('Online-Anfrage')")
    with page.expect_navigation():
        page.click("button:has-text('Neues Unternehmen aus der Anfrage anlegen')")

    page.goto(case_url + "/weiterleiten?bedarf=sgb3_82")
    page.fill("#purpose", "Beschäftigtenqualifizierung nach § 82 prüfen")
    page.check("input[name=data_categories][value=firm]")
    page.fill("#legal_basis", "Art. 6 Abs. 1 lit. e DSGVO – öffentliche Aufgabe")
    page.click("button[value=send]")
    page.wait_for_url(re.compile(r"/weiterleitungen/\d+$"))

    # The mailed link names the host and port that served the advisor (issue #14 defect 13).
    server = page.url.split("/weiterleitungen")[0]
    link = _outbox_path(live_app, "referral_partner", r"(https?://\S+/weiterleitung/[\w\-]+)")
    assert link.startswith(server + "/weiterleitung/")
    path = link[len(server) :]
    partner = page.context.browser.new_context(base_url=server, locale="de-DE").new_page()
    partner.goto(link)
    partner.click("button:has-text('Annehmen')")
    partner.wait_for_url(path_is(path))

    # An ambiguous amount is refused with a message, not guessed.
    partner.select_option("#complete-outcome", "approved")
    partner.fill("#complete-amount", "14.64")
    partner.click("button:has-text('Ergebnis melden')")
    error = partner.locator("#complete-amount-error")
    assert "nicht eindeutig" in error.inner_text()
    assert partner.locator("#complete-amount").input_value() == "14.64"

    # One zero too many asks for confirmation; without it nothing is stored.
    partner.select_option("#complete-outcome", "approved")
    partner.fill("#complete-amount", "1.464.000,00")
    partner.click("button:has-text('Ergebnis melden')")
    assert "ungewöhnlich hoch" in partner.locator("#complete-amount-error").inner_text()
    assert partner.locator("#complete-amount-bestaetigt").is_visible()
    assert_no_axe_violations(partner, "partner-amount-confirmation")

    # The partner corrects it to what was approved.
    partner.select_option("#complete-outcome", "approved")
    partner.fill("#complete-amount", "14.640,00")
    partner.check("input[name=complete-voucher_issued][value=ja]")
    partner.click("button:has-text('Ergebnis melden')")
    partner.wait_for_url(path_is("/weiterleitung-beantwortet"))
    partner.context.close()

    page.goto(case_url)
    outcome = _normalise(page.locator("[data-referral-outcome]").inner_text())
    assert "bewilligt, 14.640,00 €" in outcome
    page.click("header button:has-text('Abmelden')")

    _login(page, supervisor)
    page.goto("/uebersicht")
    programmes = _normalise(page.locator("section[aria-labelledby=h-programme]").inner_text())
    assert "14.640,00 €" in programmes
    response = page.request.get("/uebersicht/export/programme.xlsx")
    assert response.status == 200
    sheet = load_workbook(io.BytesIO(response.body())).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    amounts = [row[header.index("bewilligte Summe")] for row in data]
    assert 14640 in amounts
    assert all(isinstance(a, int | float) for a in amounts)
