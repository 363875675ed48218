"""Person pages through HTTP: PRG, search, scope, roles, audit of views, consents."""

import pytest
import sqlalchemy as sa

from tests.factories import CaseFactory
from tests.helpers import html_page, next_link, text_of
from tests.persons.conftest import make_firm, make_person
from wbagentur.core.audit import AuditEvent, ingest_reads
from wbagentur.extensions import db
from wbagentur.persons.models import Consent, Person


def _count(app, model=Person):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(model.id)))


def _audit(app, action):
    with app.app_context():
        ingest_reads()  # views are spooled on the request path (issue #22)
        return list(
            db.session.scalars(sa.select(AuditEvent.object_id).where(AuditEvent.action == action))
        )


def test_create_person_prg_and_detail_audited(client, clean_app, auth, make_user, pform):
    auth.login(make_user("advisor", "SW"))
    page = text_of(html_page(client.get("/personen/neu")))
    for label in (
        "Vorname",
        "Nachname",
        "Geburtsdatum",
        "Geschlecht",
        "Arbeitgeber",
        "Wochenarbeitszeit in Stunden",
        "Arbeitstage pro Woche",
        "Höchster Berufsabschluss",
        "Bildungsniveau (ISCED)",
        "Schwerbehinderung",
        "Ausdrückliche Einwilligung der Person liegt vor (Text-Version 2026-01)",
    ):
        assert label in page
    response = client.post("/personen/neu", data=pform())
    assert response.status_code == 302
    body = text_of(html_page(client.get(response.headers["Location"])))
    assert "Die Person wurde angelegt." in body
    assert "Anna Müller" in body
    assert "38,5 Stunden" in body
    with clean_app.app_context():
        person = db.session.scalar(sa.select(Person))
        assert person.name_search == "anna mueller"
        assert person.weekly_hours == 38.5
    assert _audit(clean_app, "person.create") == [person.id]
    assert _audit(clean_app, "person.view") == [person.id]


def test_create_from_firm_preselects_employer_and_returns(
    client, clean_app, auth, make_user, pform
):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        firm_id = make_firm("Köhler GmbH").id
        db.session.commit()
    page = client.get(f"/personen/neu?arbeitgeber={firm_id}&next=/unternehmen/{firm_id}").get_data(
        as_text=True
    )
    assert f'<option selected value="{firm_id}">' in page
    response = client.post(
        "/personen/neu", data=pform(employer_id=str(firm_id), next=f"/unternehmen/{firm_id}")
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/unternehmen/{firm_id}"
    assert "Anna Müller" in text_of(html_page(client.get(f"/unternehmen/{firm_id}")))


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\t/evil.example/phish",
        "/\\evil.example/phish",
        "/\n/x",
    ],
)
def test_create_ignores_foreign_next(client, auth, make_user, target, pform):
    auth.login(make_user("advisor", "SW"))
    response = client.post("/personen/neu", data=pform(next=target))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/personen/")


def test_employer_select_offers_only_visible_firms(client, clean_app, auth, make_user, pform):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        own, other = make_firm("Suhler GmbH").id, make_firm("Erfurter GmbH", "16051").id
        db.session.commit()
    page = client.get("/personen/neu").get_data(as_text=True)
    assert "Suhler GmbH" in page
    assert "Erfurter GmbH" not in page
    response = client.post("/personen/neu", data=pform(employer_id=str(other)))
    assert response.status_code == 200
    assert "Bitte wählen Sie einen Eintrag aus der Liste." in response.get_data(as_text=True)
    assert own
    assert _count(clean_app) == 0


@pytest.mark.parametrize("query", ["Müller", "MÜLLER", "Mueller", "anna müller"])
def test_list_search_folds_case_and_umlauts(client, clean_app, auth, make_user, query):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        make_person("Anna", "Müller")
        make_person("Bernd", "Schmidt")
        db.session.commit()
    body = text_of(html_page(client.post("/personen", data={"q": query}, follow_redirects=True)))
    assert "Müller, Anna" in body
    assert "Schmidt" not in body


def test_list_paginates(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        for i in range(27):
            make_person("P", f"Name{i:02d}")
        db.session.commit()
    first = text_of(html_page(client.get("/personen")))
    assert "Name24, P" in first
    assert "Name25, P" not in first
    second = text_of(html_page(client.get(next_link(client.get("/personen")))))
    assert "Name25, P" in second
    assert "Name26, P" in second
    assert "Name00, P" not in second


def test_scope_residence_employer_and_case_participant(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        resident = make_person("In", "Region", "16054").id
        outsider = make_person("Aus", "Erfurt", "16051").id
        employee = make_person("Bei", "Firma", "16051", employer_id=make_firm("Suhler GmbH").id).id
        participant = make_person("Im", "Fall", "16051").id
        CaseFactory(firm=None, region_code="SW", title="Fall", participants=[participant])
        db.session.commit()
    for person_id in (resident, employee, participant):
        assert client.get(f"/personen/{person_id}").status_code == 200
    assert client.get(f"/personen/{outsider}").status_code == 404
    assert client.get(f"/personen/{outsider}/bearbeiten").status_code == 404
    assert (
        client.post(f"/personen/{outsider}/einwilligungen", data={"purpose": "advice"}).status_code
        == 404
    )
    assert "Erfurt, Aus" not in text_of(html_page(client.get("/personen")))
    assert _audit(clean_app, "person.view") == [resident, employee, participant]


def test_admin_403_and_coordinator_read_only(
    client, clean_app, auth, make_user, person_factory, pform
):
    person_id = person_factory(district_key="16051")
    auth.login(make_user("admin"))
    assert client.get("/personen").status_code == 403
    assert client.get(f"/personen/{person_id}").status_code == 403
    auth.logout()
    auth.login(make_user("coordinator"))
    page = text_of(html_page(client.get(f"/personen/{person_id}")))
    assert "Anna Müller" in page
    assert "Bearbeiten" not in page
    assert "Einwilligung erfassen" not in page
    assert client.get("/personen/neu").status_code == 403
    assert client.post(f"/personen/{person_id}/bearbeiten", data=pform()).status_code == 403
    assert (
        client.post(f"/personen/{person_id}/einwilligungen", data={"purpose": "advice"}).status_code
        == 403
    )
    assert _count(clean_app, Consent) == 0


def test_special_category_needs_consent_tick(client, clean_app, auth, make_user, pform):
    auth.login(make_user("advisor", "SW"))
    response = client.post("/personen/neu", data=pform(severely_disabled="ja"))
    assert response.status_code == 200
    assert "nur mit ausdrücklicher Einwilligung" in text_of(html_page(response))
    assert _count(clean_app) == 0
    response = client.post("/personen/neu", data=pform(severely_disabled="ja", special_consent="y"))
    assert response.status_code == 302
    with clean_app.app_context():
        person = db.session.scalar(sa.select(Person))
        assert person.severely_disabled is True
        assert db.session.scalar(sa.select(Consent.purpose)) == "special_categories"


def test_consents_listed_given_and_withdrawn(client, clean_app, auth, make_user, person_factory):
    person_id = person_factory()
    auth.login(make_user("advisor", "SW"))
    client.post("/personen/neu")  # unrelated invalid post must not interfere
    assert (
        client.post(f"/personen/{person_id}/einwilligungen", data={"purpose": "advice"}).status_code
        == 302
    )
    response = client.post(
        f"/personen/{person_id}/einwilligungen", data={"purpose": "share_partner"}
    )
    assert response.status_code == 302
    assert "Partnerstelle" in client.get(f"/personen/{person_id}").get_data(as_text=True)
    assert (
        client.post(
            f"/personen/{person_id}/einwilligungen", data={"purpose": "esf_reporting"}
        ).status_code
        == 302
    )
    page = text_of(html_page(client.get(f"/personen/{person_id}")))
    assert "Beratung durch die Weiterbildungsagentur" in page
    assert "ESF+-Berichterstattung" in page
    assert "2026-01" in page
    with clean_app.app_context():
        consent_id = db.session.scalar(sa.select(Consent.id).where(Consent.purpose == "advice"))
    assert (
        client.post(f"/personen/{person_id}/einwilligungen/{consent_id}/widerruf").status_code
        == 302
    )
    with clean_app.app_context():
        assert db.session.get(Consent, consent_id).withdrawn_at is not None
    assert len(_audit(clean_app, "consent.give")) == 2
    assert _audit(clean_app, "consent.withdraw") == [person_id]


def test_withdraw_special_consent_via_page_clears_value(client, clean_app, auth, make_user, pform):
    auth.login(make_user("advisor", "SW"))
    location = client.post(
        "/personen/neu", data=pform(severely_disabled="nein", special_consent="y")
    ).headers["Location"]
    with clean_app.app_context():
        person_id, consent_id = db.session.execute(sa.select(Consent.person_id, Consent.id)).one()
    assert "Widerrufen" in client.get(location).get_data(as_text=True)
    response = client.post(f"/personen/{person_id}/einwilligungen/{consent_id}/widerruf")
    assert response.status_code == 302
    page = client.get(f"/personen/{person_id}").get_data(as_text=True)
    assert "die Angabe zur Schwerbehinderung wurde gelöscht" in page
    with clean_app.app_context():
        assert db.session.get(Person, person_id).severely_disabled is None


def test_duplicate_person_warning_then_confirm(client, clean_app, auth, make_user, pform):
    from datetime import date

    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        existing = make_person("Anna", "Mueller", birth_date=date(1985, 4, 12)).id
        make_person("Fremd", "Person", "16051", email="anna.mueller@example.org")
        db.session.commit()
    response = client.post("/personen/neu", data=pform())
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "vielleicht schon erfasst" in body
    assert f'href="/personen/{existing}"' in body
    assert "eine Person in einer anderen Region" in body
    assert "Fremd" not in body
    assert _count(clean_app) == 2
    assert client.post("/personen/neu", data=pform(confirm_new="y")).status_code == 302
    assert _count(clean_app) == 3


def test_edit_person_prg_and_audit(client, clean_app, auth, make_user, person_factory, pform):
    person_id = person_factory()
    auth.login(make_user("advisor", "SW"))
    assert 'name="version" type="hidden" value="1"' in client.get(
        f"/personen/{person_id}/bearbeiten"
    ).get_data(as_text=True)
    response = client.post(
        f"/personen/{person_id}/bearbeiten", data=pform(first_name="Anne", version="1")
    )
    assert response.status_code == 302
    assert _audit(clean_app, "person.update") == [person_id]
    with clean_app.app_context():
        person = db.session.get(Person, person_id)
        assert person.name_search == "anne mueller"
        assert person.version == 2
