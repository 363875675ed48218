"""Retention rules (admin), erasure requests with undo, restriction – through HTTP."""

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_firm
from tests.factories import PersonFactory
from tests.helpers import html_page, text_of
from wbagentur.extensions import db
from wbagentur.persons.models import Person
from wbagentur.retention.models import DeletionRequest, RetentionRule


def _rule(clean_app, code="login_attempts"):
    with clean_app.app_context():
        rule = db.session.scalar(sa.select(RetentionRule).where(RetentionRule.code == code))
        return rule.id, rule.version


def test_admin_lists_and_edits_rules(client, auth, make_user, clean_app):
    auth.login(make_user("admin"))
    text = text_of(html_page(client.get("/verwaltung/loeschfristen")))
    assert "Anmeldeversuche" in text
    assert "Beratungsfälle mit ESF+-Förderung" in text
    rule_id, version = _rule(clean_app)
    html_page(client.get(f"/verwaltung/loeschfristen/{rule_id}"))
    response = client.post(
        f"/verwaltung/loeschfristen/{rule_id}",
        data={
            "label": "Anmeldeversuche",
            "period_days": "14",
            "legal_basis": "Art. 32 DSGVO",
            "is_active": "y",
            "version": version,
        },
    )
    assert response.status_code == 302
    with clean_app.app_context():
        assert db.session.get(RetentionRule, rule_id).period_days == 14


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"label": "", "period_days": "10", "legal_basis": "x"},
            "Bitte geben Sie eine Bezeichnung ein.",
        ),
        ({"label": "x", "period_days": "0", "legal_basis": "x"}, "Bitte 1 bis 7.300 Tage angeben."),
        ({"label": "x", "period_days": "abc", "legal_basis": "x"}, 'id="period_days-error"'),
        ({"label": "x", "period_days": "10", "legal_basis": "y" * 301}, "Höchstens 300 Zeichen."),
    ],
)
def test_rule_edit_bad_input(client, auth, make_user, clean_app, data, message):
    auth.login(make_user("admin"))
    rule_id, version = _rule(clean_app)
    response = client.post(
        f"/verwaltung/loeschfristen/{rule_id}", data={**data, "version": version}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.get(RetentionRule, rule_id).period_days == 30


def test_rules_admin_only(client, auth, make_user):
    auth.login(make_user("supervisor", "SW"))
    assert client.get("/verwaltung/loeschfristen").status_code == 403


def _person(clean_app, district="16054"):
    with clean_app.app_context():
        firm = create_firm("Person GmbH", district)
        person = PersonFactory(
            first_name="Lisa", last_name="Lösch", residence_district_id=firm.district_id
        )
        db.session.commit()
        return person.id


def test_supervisor_requests_and_cancels_erasure(client, auth, make_user, clean_app):
    person_id = _person(clean_app)
    auth.login(make_user("supervisor", "SW"))
    assert client.post(f"/personen/{person_id}/loeschung", data={"reason": ""}).status_code == 302
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(DeletionRequest.id))) == 0
    client.post(f"/personen/{person_id}/loeschung", data={"reason": "Antrag der Person vom 1.11."})
    page = html_page(client.get("/datenschutz/loeschantraege"))
    assert "Antrag der Person" in text_of(page)
    with clean_app.app_context():
        request_id = db.session.scalar(sa.select(DeletionRequest.id))
    client.post(f"/datenschutz/loeschantraege/{request_id}/zuruecknehmen")
    with clean_app.app_context():
        assert db.session.get(DeletionRequest, request_id).cancelled_at is not None


def test_other_region_cannot_request_erasure_or_restriction(client, auth, make_user, clean_app):
    person_id = _person(clean_app, "16054")
    auth.login(make_user("supervisor", "NT"))
    assert client.post(f"/personen/{person_id}/loeschung", data={"reason": "x"}).status_code == 404
    assert (
        client.post(f"/personen/{person_id}/einschraenkung", data={"reason": "x"}).status_code
        == 404
    )


def test_restriction_set_and_lifted(client, auth, make_user, clean_app):
    person_id = _person(clean_app)
    auth.login(make_user("supervisor", "SW"))
    client.post(f"/personen/{person_id}/einschraenkung", data={"reason": "Richtigkeit bestritten"})
    with clean_app.app_context():
        assert db.session.get(Person, person_id).restricted_at is not None
    client.post(f"/personen/{person_id}/einschraenkung", data={"aufheben": "1"})
    with clean_app.app_context():
        assert db.session.get(Person, person_id).restricted_at is None


def test_retention_command_prints_counts(runner):
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0
    assert "login_attempts" in result.output
    assert "files_removed" in result.output
    assert "esf_case" in runner.invoke(args=["retention", "rules"]).output
