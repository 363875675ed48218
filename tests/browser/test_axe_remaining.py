"""axe checks for the referral, retention and privacy pages not covered by the flow
tests: detail and list pages, partner directory forms, conflict pages, invalid links.
The data comes through the forms (tests/browser/journey.py), as a person enters it."""

from urllib.parse import urlparse

import pytest
import sqlalchemy as sa

from tests.browser.a11y import assert_no_axe_violations
from tests.browser.journey import create_firm, login, open_case, send_referral, submit


@pytest.fixture(scope="module", autouse=True)
def _conflict_route(live_app):
    from flask import url_for

    from wbagentur.core.access import requires_role
    from wbagentur.referrals.views import conflict

    if "test_referral_conflict" in live_app.view_functions:
        return

    @requires_role("advisor", "supervisor")
    def test_referral_conflict(referral_id):
        return conflict(
            "Die Weiterleitung wurde inzwischen von jemand anderem bearbeitet – bitte Seite neu "
            "laden.",
            url_for("referrals.detail", referral_id=referral_id),
        )

    live_app.add_url_rule(
        "/_test/weiterleitung-konflikt/<int:referral_id>",
        "test_referral_conflict",
        test_referral_conflict,
    )


def test_referral_pages_and_conflict_pass_axe(page, persona):
    advisor = persona("advisor", "SW")
    login(page, advisor)
    create_firm(page, "Verweis GmbH", "98527")
    case_url = open_case(page, "Verweis GmbH", "Beschäftigtenqualifizierung")
    referral_url = send_referral(
        page, case_url, "Agentur für Arbeit Thüringen Südwest", "Prüfung § 82"
    )
    referral_id = int(urlparse(referral_url).path.rsplit("/", 1)[1])
    page.goto("/weiterleitungen")
    assert_no_axe_violations(page, "referrals-mine")
    page.goto(referral_url)
    assert_no_axe_violations(page, "referral-detail")
    page.goto(urlparse(case_url).path + "/uebergeben")
    assert_no_axe_violations(page, "transfer-new")
    # A lost race between two people renders the conflict page; provoke it through
    # the page's own template with a test-only route.
    page.goto(f"/_test/weiterleitung-konflikt/{referral_id}")
    assert "inzwischen" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "referral-conflict")


def test_partner_link_invalid_and_thanks_pages_pass_axe(page):
    response = page.goto("/weiterleitung/ungueltiger-link-123")
    assert response.status in (404, 410)
    assert_no_axe_violations(page, "partner-invalid")
    page.goto("/weiterleitung-beantwortet")
    assert_no_axe_violations(page, "partner-thanks")


def test_admin_partner_and_retention_pages_pass_axe(page, persona, live_app):
    from wbagentur.extensions import db
    from wbagentur.partners.models import Partner
    from wbagentur.retention.models import RetentionRule

    admin = persona("admin")
    with live_app.app_context():
        partner_id = db.session.scalar(sa.select(Partner.id).order_by(Partner.id))
        rule_id = db.session.scalar(sa.select(RetentionRule.id).order_by(RetentionRule.id))
    login(page, admin)
    page.goto(f"/partner/{partner_id}")
    assert_no_axe_violations(page, "partner-detail")
    page.goto("/partner/neu")
    assert_no_axe_violations(page, "partner-form")
    page.goto(f"/partner/{partner_id}/bearbeiten")
    # Meanwhile the same form is saved in a second window: this one is out of date.
    other = page.context.browser.new_context(base_url=page.url.split("/partner/")[0]).new_page()
    login(other, admin)
    other.goto(f"/partner/{partner_id}/bearbeiten")
    other.fill("#phone", "0361 000000")
    submit(other, "main button:has-text('Speichern')")
    other.context.close()
    submit(page, "main button:has-text('Speichern')")
    assert page.locator("h1").inner_text() == "Nicht gespeichert"
    assert "0361 000000" in page.locator("main table").inner_text()
    assert_no_axe_violations(page, "partner-conflict")
    page.goto("/verwaltung/loeschfristen")
    assert_no_axe_violations(page, "retention-rules")
    page.goto(f"/verwaltung/loeschfristen/{rule_id}")
    page.fill("#period_days", "0")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("[data-error-summary]").is_visible()
    assert_no_axe_violations(page, "retention-rule-edit-errors")


def test_privacy_pages_pass_axe(page, persona):
    supervisor = persona("supervisor", "SW")
    login(page, supervisor)
    create_firm(page, "Datenschutz GmbH", "98527")
    submit(page, "main a:has-text('Beschäftigte Person anlegen')")
    page.fill("#first_name", "Dora")
    page.fill("#last_name", "Daten")
    page.select_option("#residence_district_id", label="Suhl")
    submit(page, "main button[type=submit]:has-text('Speichern')")  # back to the firm
    submit(page, "main a:has-text('Dora Daten')")
    person_path = urlparse(page.url).path
    page.click("summary:has-text('Löschung beantragen')")
    page.fill("#erasure-reason", "Antrag der Person")
    submit(page, "main button:has-text('Löschung beantragen')")
    assert "Die Löschung ist beantragt" in page.locator("main").inner_text()
    page.goto(person_path)
    assert_no_axe_violations(page, "person-detail-privacy")
    page.goto(f"{person_path}/auskunft")
    assert "Dora" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "access-report")
    page.goto("/datenschutz/loeschantraege")
    assert "Antrag der Person" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "erasure-requests")
