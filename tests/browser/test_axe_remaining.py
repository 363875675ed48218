"""axe checks for the referral, retention and privacy pages not covered by the flow
tests: detail and list pages, partner directory forms, conflict pages, invalid links."""

import pytest
import sqlalchemy as sa

from tests.browser.a11y import assert_no_axe_violations
from tests.personas import TEST_PASSWORD


def _login(page, who):
    page.goto("/anmelden")
    page.fill("#email", who.email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _sent_referral(live_app, advisor_id):
    from tests.cases.conftest import create_case, create_firm
    from wbagentur.accounts.models import User
    from wbagentur.extensions import db
    from wbagentur.referrals import services
    from wbagentur.referrals.models import Partner

    with live_app.app_context():
        advisor = db.session.get(User, advisor_id)
        firm = create_firm("Verweis GmbH", "16054")
        case = create_case(advisor, firm=firm)
        partner = db.session.scalar(
            sa.select(Partner).where(Partner.kind == "agentur_fuer_arbeit").order_by(Partner.id)
        )
        referral = services.create_referral(
            advisor,
            case,
            partner_id=partner.id,
            programme="sgb3_82",
            purpose="Prüfung § 82",
            data_categories=["contact", "firm"],
            consent_id=None,
            legal_basis="Art. 6 Abs. 1 lit. e DSGVO",
            due_days=None,
            message=None,
            send=True,
        )
        db.session.commit()
        return referral.id, case.id, partner.id


@pytest.fixture(scope="module", autouse=True)
def _conflict_route(live_app):
    from flask import url_for

    from wbagentur.core.access import requires_role
    from wbagentur.referrals.views import _conflict

    if "test_referral_conflict" in live_app.view_functions:
        return

    @requires_role("advisor", "supervisor")
    def test_referral_conflict(referral_id):
        return _conflict(
            "Die Weiterleitung wurde inzwischen von jemand anderem bearbeitet – bitte Seite neu "
            "laden.",
            url_for("referrals.detail", referral_id=referral_id),
        )

    live_app.add_url_rule(
        "/_test/weiterleitung-konflikt/<int:referral_id>",
        "test_referral_conflict",
        test_referral_conflict,
    )


def test_referral_pages_and_conflict_pass_axe(page, persona, live_app):
    from wbagentur.extensions import db
    from wbagentur.referrals.models import Referral

    advisor = persona("advisor", "SW")
    referral_id, case_id, _ = _sent_referral(live_app, advisor.id)
    _login(page, advisor)
    page.goto("/weiterleitungen")
    assert_no_axe_violations(page, "referrals-mine")
    page.goto(f"/weiterleitungen/{referral_id}")
    assert_no_axe_violations(page, "referral-detail")
    page.goto(f"/faelle/{case_id}/uebergeben")
    assert_no_axe_violations(page, "transfer-new")
    # A lost race between two people renders the conflict page; provoke it through
    # the page's own template with a test-only route.
    page.goto(f"/_test/weiterleitung-konflikt/{referral_id}")
    assert "inzwischen" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "referral-conflict")
    assert Referral
    assert db


def test_partner_link_invalid_and_thanks_pages_pass_axe(page):
    response = page.goto("/weiterleitung/ungueltiger-link-123")
    assert response.status in (404, 410)
    assert_no_axe_violations(page, "partner-invalid")
    page.goto("/weiterleitung-beantwortet")
    assert_no_axe_violations(page, "partner-thanks")


def test_admin_partner_and_retention_pages_pass_axe(page, persona, live_app):
    from wbagentur.extensions import db
    from wbagentur.referrals.models import Partner
    from wbagentur.retention.models import RetentionRule

    admin = persona("admin")
    with live_app.app_context():
        partner_id = db.session.scalar(sa.select(Partner.id).order_by(Partner.id))
        rule_id = db.session.scalar(sa.select(RetentionRule.id).order_by(RetentionRule.id))
    _login(page, admin)
    page.goto(f"/partner/{partner_id}")
    assert_no_axe_violations(page, "partner-detail")
    page.goto("/partner/neu")
    assert_no_axe_violations(page, "partner-form")
    page.goto(f"/partner/{partner_id}/bearbeiten")
    with live_app.app_context():
        partner = db.session.get(Partner, partner_id)
        partner.phone = "0361 000000"
        db.session.commit()
    with page.expect_navigation():
        page.click("main button:has-text('Speichern')")
    assert_no_axe_violations(page, "partner-conflict")
    page.goto("/verwaltung/loeschfristen")
    assert_no_axe_violations(page, "retention-rules")
    page.goto(f"/verwaltung/loeschfristen/{rule_id}")
    page.fill("#period_days", "0")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("[data-error-summary]").is_visible()
    assert_no_axe_violations(page, "retention-rule-edit-errors")


def test_privacy_pages_pass_axe(page, persona, live_app):
    from tests.cases.conftest import create_firm
    from wbagentur.core.text import normalise_search
    from wbagentur.extensions import db
    from wbagentur.persons.models import Person
    from wbagentur.retention import services

    supervisor = persona("supervisor", "SW")
    with live_app.app_context():
        firm = create_firm("Datenschutz GmbH", "16054")
        person = Person(
            first_name="Dora",
            last_name="Daten",
            name_search=normalise_search("Dora Daten"),
            residence_district_id=firm.district_id,
            employer_id=firm.id,
        )
        db.session.add(person)
        db.session.flush()
        services.request_deletion(None, "person", person.id, "Antrag der Person")
        db.session.commit()
        person_id = person.id
    _login(page, supervisor)
    page.goto(f"/personen/{person_id}")
    assert_no_axe_violations(page, "person-detail-privacy")
    page.goto(f"/personen/{person_id}/auskunft")
    assert "Dora" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "access-report")
    page.goto("/datenschutz/loeschantraege")
    assert "Antrag der Person" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "erasure-requests")
