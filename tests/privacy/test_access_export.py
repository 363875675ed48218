"""Art. 15 export: every personal column of the person, recipients, nobody else's data."""

import time
from datetime import date

import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from tests.factories import ConsentFactory, PersonFactory
from tests.figures import backend_of, record_figure
from wbagentur.core.audit import AuditEvent
from wbagentur.extensions import db
from wbagentur.persons.models import Person


def _person(firm, first, last, **fields):
    return PersonFactory(
        first_name=first,
        last_name=last,
        employer_id=firm.id,
        residence_district_id=firm.district_id,
        **fields,
    )


def _fixture(clean_app):
    from wbagentur.cases import services

    with clean_app.app_context():
        firm = create_firm("Auskunft GmbH", "16054")
        person = _person(
            firm,
            "Canary",
            "Auskunftsperson",
            email="canary@test.example",
            phone="03681 123456",
            birth_date=date(1980, 5, 17),
            gender="divers",
            employment_status="employed",
            weekly_hours=38.5,
            working_days_per_week=5,
            employed_since=date(2015, 1, 1),
            qualification="vocational",
            qualification_year=2001,
            isced_level="isced_3_4",
            severely_disabled=True,
        )
        colleague = _person(
            firm, "Kollegin", "Anderswo", email="kollegin@test.example", birth_date=date(1975, 1, 2)
        )
        ConsentFactory(person=person, purpose="special_categories")
        case = create_case(firm=firm)
        services.add_participant(None, case, person.id)
        services.add_participant(None, case, colleague.id)
        own = services.open_case(
            None,
            region_id=firm.district.region_id,
            kind="individual",
            title="Aufstiegsfortbildung",
            channel="phone",
            person_id=person.id,
            topics=["upgrade"],
        )
        services.add_note(None, own, "Wunsch: Industriemeister Metall")
        db.session.commit()
        return person.id, case.reference, own.reference


def test_export_contains_every_person_column_and_no_one_else(client, auth, make_user, clean_app):
    person_id, firm_case, own_case = _fixture(clean_app)
    auth.login(make_user("supervisor", "SW"))
    started = time.perf_counter()
    response = client.get(f"/personen/{person_id}/auskunft/json")
    seconds = time.perf_counter() - started
    record_figure(
        "art15.build_time",
        f"{seconds * 1000:.0f} ms",
        target="< 10 s",
        ok=seconds < 10,
        db=backend_of(clean_app),
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    export = response.json
    with clean_app.app_context():
        columns = {c.key for c in sa.inspect(Person).columns} - {"name_search", "version"}
        person = db.session.get(Person, person_id)
        for column in columns:
            assert column in export["person"], column
            if getattr(person, column) is not None and column not in ("created_at", "updated_at"):
                assert export["person"][column] is not None, column
    coverage = len(columns & set(export["person"])) / len(columns)
    record_figure(
        "art15.coverage",
        f"{coverage:.0%} ({len(columns & set(export['person']))}/{len(columns)})",
        target="100 %",
        ok=coverage == 1.0,
        db=backend_of(clean_app),
    )
    assert coverage == 1.0
    assert {c["reference"] for c in export["cases"]} == {firm_case, own_case}
    assert [n["text"] for n in export["notes_and_contacts"]] == ["Wunsch: Industriemeister Metall"]
    text = response.get_data(as_text=True)
    foreign = sum(
        text.count(marker) for marker in ("Kollegin", "kollegin@test.example", "1975-01-02")
    )
    record_figure(
        "art15.foreign_records", foreign, target="0", ok=foreign == 0, db=backend_of(clean_app)
    )
    assert "Kollegin" not in text
    assert "kollegin@test.example" not in text
    assert "1975-01-02" not in text
    assert export["consents"][0]["purpose"] == "special_categories"
    with clean_app.app_context():
        assert db.session.scalar(
            sa.select(AuditEvent.action).where(AuditEvent.action == "person.export")
        )


def test_export_readable_page_and_scope(client, auth, make_user, clean_app):
    person_id, _, _ = _fixture(clean_app)
    auth.login(make_user("supervisor", "NT"))
    assert client.get(f"/personen/{person_id}/auskunft").status_code == 404
    client.post("/abmelden")
    auth.login(make_user("advisor", "SW"))
    assert client.get(f"/personen/{person_id}/auskunft").status_code == 403
    client.post("/abmelden")
    auth.login(make_user("coordinator"))
    page = client.get(f"/personen/{person_id}/auskunft")
    assert page.status_code == 200
    assert "Auskunftsperson" in page.get_data(as_text=True)


def test_report_names_the_consents_recipient_in_words(client, auth, make_user, clean_app):
    """Issue #14.1: the recipient is a partner of the directory; the report names it, no code."""
    from wbagentur.partners.models import Partner

    person_id, _firm_case, _own_case = _fixture(clean_app)
    with clean_app.app_context():
        aa = db.session.scalar(sa.select(Partner).where(Partner.code == "aa_suedwest"))
        ConsentFactory(person_id=person_id, purpose="share_partner", recipient_partner_id=aa.id)
        ConsentFactory(person_id=person_id, purpose="share_partner", recipient_kind="ihk")
        db.session.commit()
    auth.login(make_user("supervisor", "SW"))
    page = client.get(f"/personen/{person_id}/auskunft").get_data(as_text=True)
    assert "Agentur für Arbeit Thüringen Südwest" in page
    assert "alle: Industrie- und Handelskammer" in page
    assert "recipient_kind" not in page
    assert ">ihk<" not in page
