"""ESF+ pages: entry and exit forms with good and bad input (German dates), the duplicate
check, special categories only with consent, closing blocked until data or a reason, the
completeness list, access scoping, and the monitoring export read back."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.esf.conftest import ENTRY, give_consent, new_case, user
from wbagentur.esf.models import EsfParticipation

GOOD_ENTRY = {
    "entry_date": "02.11.2026",
    "employment_status": "long_term_unemployed",
    "age_at_entry": "41",
    "isced_level": "isced_3_4",
    "gender": "divers",
    "postcode": "98527",
}


@pytest.fixture
def case_ids(clean_app, world):
    from wbagentur.extensions import db

    with clean_app.app_context():
        case, person = new_case(world, birth_date=date(1985, 4, 3))
        db.session.commit()
        return case.id, person.id


def _long_counselling(case_id, advisor_id):
    """Two days of contact: more than short counselling, so the person is a participant."""
    from wbagentur.cases import services as cases
    from wbagentur.cases.models import Case
    from wbagentur.extensions import db

    case = db.session.get(Case, case_id)
    actor = db.session.get(__import__("wbagentur.accounts.models").accounts.models.User, advisor_id)
    now = datetime.now().astimezone()
    for days in (3, 1):
        cases.record_contact(
            actor,
            case,
            channel="visit",
            at=now - timedelta(days=days),
            duration_minutes=120,
            summary="Beratung",
        )
    db.session.commit()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("entry_date", "31.02.2026", "gültiges Datum"),
        ("entry_date", "", "Eintrittsdatum"),
        ("entry_date", "02.12.2026", "Zukunft"),
        ("employment_status", "arbeitslos", "gültige Auswahl"),
        ("employment_status", "", "Erwerbsstatus"),
        ("age_at_entry", "vierzig", "ganze Zahl"),
        ("age_at_entry", "121", "zwischen"),
        ("isced_level", "isced_9", "gültige Auswahl"),
        ("gender", "keine_angabe", "gültige Auswahl"),
        ("postcode", "9852", "fünfstellige"),
        ("homeless", "vielleicht", "gültige Auswahl"),
    ],
)
def test_entry_form_bad_input(client, auth, world, case_ids, field, value, message):
    case_id, person_id = case_ids
    auth.login(world.advisor)
    url = f"/esf/faelle/{case_id}/personen/{person_id}/eintritt"
    response = client.post(url, data={**GOOD_ENTRY, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_entry_saves_and_special_categories_need_consent(client, auth, clean_app, world, case_ids):
    from wbagentur.extensions import db

    case_id, person_id = case_ids
    auth.login(world.advisor)
    url = f"/esf/faelle/{case_id}/personen/{person_id}/eintritt"
    refused = client.post(url, data={**GOOD_ENTRY, "disability": "ja"})
    assert refused.status_code == 422
    assert "Einwilligung" in refused.get_data(as_text=True)
    assert client.post(url, data=GOOD_ENTRY).status_code == 302
    with clean_app.app_context():
        p = db.session.scalar(sa.select(EsfParticipation))
        assert (p.entry_date, p.employment_status, p.age_at_entry, p.gender) == (
            date(2026, 11, 2),
            "long_term_unemployed",
            41,
            "divers",
        )
        assert p.disability is None
        give_consent(person_id, "esf_reporting", "special_categories")
        db.session.commit()
    form = client.get(url).get_data(as_text=True)
    data = {**GOOD_ENTRY, "disability": "ja", "version": _version(form)}
    saved = client.post(url, data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True).split("error-summary")[-1][:600]
    with clean_app.app_context():
        assert db.session.scalar(sa.select(EsfParticipation.disability)) is True


def _version(html: str) -> str:
    return html.split('name="version"')[1].split('value="')[1].split('"')[0]


def test_duplicate_check_asks_for_confirmation(client, auth, clean_app, world, case_ids):
    from wbagentur.esf import services
    from wbagentur.extensions import db

    case_id, person_id = case_ids
    with clean_app.app_context():
        other_case, twin = new_case(world, birth_date=date(1985, 4, 3))
        services.save_entry(
            user(world.advisor),
            other_case,
            twin,
            dict(ENTRY, postcode="98527"),
            survey_consent=False,
        )
        db.session.commit()
    auth.login(world.advisor)
    url = f"/esf/faelle/{case_id}/personen/{person_id}/eintritt"
    first = client.post(url, data=GOOD_ENTRY)
    assert first.status_code == 422
    assert "Doppeleintrag" in first.get_data(as_text=True)
    assert client.post(url, data={**GOOD_ENTRY, "postcode": "98528"}).status_code == 302
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(EsfParticipation.id))) == 2


def _entered(clean_app, world, case_id, person_id, **fields):
    from wbagentur.cases.models import Case
    from wbagentur.esf import services
    from wbagentur.extensions import db
    from wbagentur.persons.models import Person

    with clean_app.app_context():
        p = services.save_entry(
            user(world.advisor),
            db.session.get(Case, case_id),
            db.session.get(Person, person_id),
            dict(ENTRY, **fields),
            survey_consent=False,
        )
        db.session.commit()
        return p.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"exit_date": "01.13.2026"}, "gültiges Datum"),
        ({"exit_date": "31.05.2026"}, "nicht vor dem Eintritt"),
        ({"exit_date": "02.12.2026"}, "Zukunft"),
        ({"exit_situation": "retired"}, "gültige Auswahl"),
        ({"results_on": "30.07.2026", "result_education": "y"}, "28 Tage"),
        ({"result_education": "y"}, "festgestellt"),
        (
            {"results_on": "29.07.2026", "result_job_searching": "y", "result_employment": "y"},
            "schließen sich aus",
        ),
        ({"results_on": "29.07.2026", "result_job_searching": "y"}, "inaktiv"),
    ],
)
def test_exit_form_bad_input(client, auth, clean_app, world, case_ids, data, message):
    pid = _entered(clean_app, world, *case_ids)
    auth.login(world.advisor)
    base = {"exit_date": "01.07.2026", "exit_situation": "employed"}
    response = client.post(f"/esf/teilnahmen/{pid}/austritt", data={**base, **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_exit_day_28_is_accepted(client, auth, clean_app, world, case_ids):
    from wbagentur.extensions import db

    pid = _entered(clean_app, world, *case_ids)
    auth.login(world.advisor)
    data = {
        "exit_date": "01.07.2026",
        "exit_situation": "education",
        "results_on": "29.07.2026",
        "result_education": "y",
        "result_qualification": "y",
    }
    assert client.post(f"/esf/teilnahmen/{pid}/austritt", data=data).status_code == 302
    with clean_app.app_context():
        p = db.session.get(EsfParticipation, pid)
        assert (p.exit_date, p.results_on, p.result_education) == (
            date(2026, 7, 1),
            date(2026, 7, 29),
            True,
        )


def test_other_region_gets_404(client, auth, clean_app, world, case_ids):
    pid = _entered(clean_app, world, *case_ids)
    auth.login(world.other_advisor)
    assert client.get(f"/esf/teilnahmen/{pid}/austritt").status_code == 404
    assert client.get(f"/esf/faelle/{case_ids[0]}").status_code == 404


def test_closing_blocked_until_data_or_reason(client, auth, clean_app, world, case_ids):
    from wbagentur.cases import services as cases
    from wbagentur.cases.models import Case
    from wbagentur.core.errors_domain import DomainError
    from wbagentur.extensions import db

    case_id, person_id = case_ids
    with clean_app.app_context():
        _long_counselling(case_id, world.advisor.id)
        case = db.session.get(Case, case_id)
        with pytest.raises(DomainError, match="ESF\\+-Pflichtangaben"):
            cases.change_status(user(world.advisor), case, "closed", None, outcome="other")
        db.session.rollback()
    pid = _entered(clean_app, world, case_id, person_id, gender=None)
    auth.login(world.advisor)
    listing = client.get("/esf/vollstaendigkeit").get_data(as_text=True)
    assert "Geschlecht" in listing
    assert client.post(f"/esf/teilnahmen/{pid}/begruendung", data={"reason": ""}).status_code == 302
    client.post(
        f"/esf/teilnahmen/{pid}/begruendung", data={"reason": "Person nicht mehr erreichbar"}
    )
    assert "Geschlecht" not in client.get("/esf/vollstaendigkeit").get_data(as_text=True)
    with clean_app.app_context():
        case = db.session.get(Case, case_id)
        cases.change_status(user(world.advisor), case, "closed", None, outcome="other")
        assert case.status == "closed"


def test_short_counselling_does_not_block_closing(clean_app, world, case_ids):
    from wbagentur.cases import services as cases
    from wbagentur.cases.models import Case
    from wbagentur.extensions import db

    with clean_app.app_context():
        case = db.session.get(Case, case_ids[0])
        cases.change_status(user(world.advisor), case, "closed", None, outcome="other")
        assert case.status == "closed"


def test_export_read_back_one_row_per_participant_without_identifiers(
    client, auth, clean_app, world
):
    from openpyxl import load_workbook

    from wbagentur.esf import services
    from wbagentur.extensions import db

    names = []
    with clean_app.app_context():
        for i in range(3):
            case, person = new_case(
                world,
                counselled=True,
                first=f"Zoe{i}",
                last="Export",
                birth_date=date(1990, 1, 2 + i),
                email=f"z{i}@test.example",
            )
            p = services.save_entry(
                user(world.advisor),
                case,
                person,
                dict(ENTRY, age_at_entry=30 + i),
                survey_consent=True,
            )
            names.append((person.first_name, p.id))
        db.session.commit()
    auth.login(world.supervisor)
    response = client.get("/esf/export/teilnehmende.csv?von=01.01.2026&bis=30.11.2026")
    assert response.status_code == 200
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == services.EXPORT_COLUMNS
    body = rows[1:]
    assert len(body) == 3
    assert len({r[0] for r in body}) == 3
    text = raw.decode("utf-8")
    for forbidden in ("Zoe", "Export", "1990", "02.01.", "test.example", "07743"):
        assert forbidden not in text
    assert sorted(int(r[4]) for r in body) == [30, 31, 32]
    xlsx = client.get("/esf/export/teilnehmende.xlsx?von=01.01.2026&bis=30.11.2026")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 4
    assert sorted(v[4] for v in values[1:]) == [30, 31, 32]  # numeric cells
    assert all(isinstance(v[4], int) for v in values[1:])
    with clean_app.app_context():
        from wbagentur.core.audit import AuditEvent

        audits = db.session.scalars(
            sa.select(AuditEvent.details).where(AuditEvent.action == "esf.export")
        ).all()
        assert len(audits) == 2
        assert all('"rows": 3' in a for a in audits)
    auth.logout()
    auth.login(world.advisor)
    assert client.get("/esf/export/teilnehmende.csv").status_code == 403


def test_completeness_list_needs_constant_queries(client, auth, clean_app, world):
    """The list reads a fixed number of queries, however many cases the advisor has."""
    from wbagentur.cases import services as cases
    from wbagentur.extensions import db

    def queries_for(n_cases):
        with clean_app.app_context():
            for _ in range(n_cases):
                case, _person = new_case(world)
                for day in (1, 2):
                    cases.record_contact(
                        user(world.advisor),
                        case,
                        channel="visit",
                        at=datetime(2026, 11, 20 + day, 10, tzinfo=UTC),
                        duration_minutes=60,
                        summary="Beratung",
                    )
            db.session.commit()
            from wbagentur.esf import services

            statements = []
            engine = db.engine
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            sa.event.listen(engine, "before_cursor_execute", listener)
            try:
                gaps = services.incomplete_for(user(world.advisor), world.advisor.id)
            finally:
                sa.event.remove(engine, "before_cursor_execute", listener)
            return len(gaps), len(statements)

    gaps_small, small = queries_for(2)
    gaps_large, large = queries_for(10)
    assert (gaps_small, gaps_large) == (2, 12)
    assert small == large
