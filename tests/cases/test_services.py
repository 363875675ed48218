"""Case services without HTTP: references, transitions, timeline, audit, scope."""

import threading

import pytest
import sqlalchemy as sa
import time_machine

from tests.cases.conftest import create_case, create_firm
from tests.personas import create_persona
from wbagentur.accounts.models import User
from wbagentur.cases import queries, services
from wbagentur.cases.access import cases_visible_to
from wbagentur.cases.models import Case, TimelineEntry
from wbagentur.core.audit import AuditEvent
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.extensions import db


@pytest.fixture
def ctx(clean_app):
    with clean_app.app_context():
        yield clean_app


def _user(persona):
    return db.session.get(User, persona.id)


def test_open_case_numbers_per_region_and_year(ctx):
    with time_machine.travel("2026-03-01 10:00:00+00:00", tick=False):
        sw1 = create_case(firm=create_firm("A GmbH", "16054"))
        sw2 = create_case(firm=create_firm("B GmbH", "16063"))  # Wartburgkreis is Südwest too
        mt1 = create_case(firm=create_firm("C GmbH", "16068"))
    with time_machine.travel("2027-01-02 10:00:00+00:00", tick=False):
        sw_next_year = create_case(firm=create_firm("D GmbH", "16054"))
    assert [sw1.reference, sw2.reference, mt1.reference, sw_next_year.reference] == [
        "WBA-SW-2026-00001",
        "WBA-SW-2026-00002",
        "WBA-MT-2026-00001",
        "WBA-SW-2027-00001",
    ]
    assert sw1.status == "new"
    assert sw1.assigned_to_id is None
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("case.create") == 4


def test_staff_open_cases_in_their_own_region_whatever_the_clients_district(ctx):
    advisor = _user(create_persona("advisor", "NT"))
    firm_elsewhere = create_firm("Fern GmbH", "16054")  # Südwest
    case = services.open_case(
        advisor, kind="firm", title="Anfrage", channel="phone", firm_id=firm_elsewhere.id
    )
    assert case.region.code == "NT"
    assert case.reference.startswith("WBA-NT-")


def test_a_named_region_is_kept_and_an_actor_without_region_cannot_open_a_case(ctx):
    advisor = _user(create_persona("advisor", "NT"))
    firm = create_firm("Nah GmbH", "16054")
    named = services.open_case(
        advisor,
        region_id=firm.district.region_id,
        kind="firm",
        title="Aus dem Import",
        channel="phone",
        firm_id=firm.id,
    )
    assert named.region_id == firm.district.region_id != advisor.region_id
    nowhere = _user(create_persona("coordinator"))  # Thuringia-wide, no region of their own
    with pytest.raises(DomainError, match="Ohne Kontaktstelle"):
        services.open_case(nowhere, kind="firm", title="x", channel="phone", firm_id=firm.id)
    with pytest.raises(DomainError, match="Ohne Kontaktstelle"):
        services.open_case(None, kind="firm", title="x", channel="phone", firm_id=firm.id)


def test_status_transitions_only_allowed_ones(ctx):
    advisor = _user(create_persona("advisor", "SW"))
    case = create_case(advisor)
    with pytest.raises(DomainError, match="kann nicht"):
        services.change_status(advisor, case, "referred", case.version)
    services.change_status(advisor, case, "in_advice", case.version)
    services.change_status(advisor, case, "waiting", case.version)
    with pytest.raises(DomainError, match="Ergebnis"):
        services.change_status(advisor, case, "closed", case.version)
    services.change_status(advisor, case, "closed", case.version, outcome="training_started")
    assert case.closed_at is not None
    assert case.outcome == "training_started"
    with pytest.raises(DomainError, match="Grund"):
        services.change_status(advisor, case, "in_advice", case.version)
    services.change_status(advisor, case, "in_advice", case.version, reason="Neue Fragen")
    assert case.closed_at is None
    assert case.outcome is None
    kinds = db.session.scalars(
        sa.select(TimelineEntry.kind).where(TimelineEntry.case_id == case.id)
    ).all()
    assert kinds.count("status") == 5  # opened + 4 changes


def test_assign_moves_new_case_into_advice_and_checks_region(ctx):
    advisor = _user(create_persona("advisor", "SW"))
    other_region = _user(create_persona("advisor", "NT"))
    case = create_case(advisor)
    with pytest.raises(DomainError, match="derselben Region"):
        services.assign_case(advisor, case, other_region.id, case.version)
    services.assign_case(advisor, case, advisor.id, case.version)
    assert case.assigned_to_id == advisor.id
    assert case.status == "in_advice"


def test_stale_version_raises_conflict(ctx):
    advisor = _user(create_persona("advisor", "SW"))
    case = create_case(advisor)
    loaded_version = case.version
    services.assign_case(advisor, case, advisor.id, loaded_version)
    with pytest.raises(ConflictError):
        services.change_status(advisor, case, "waiting", loaded_version)


def test_record_contact_updates_last_contact_and_rejects_future(ctx):
    from datetime import timedelta

    from wbagentur.core.models import utcnow

    advisor = _user(create_persona("advisor", "SW"))
    case = create_case(advisor)
    with pytest.raises(DomainError, match="Zukunft"):
        services.record_contact(
            advisor,
            case,
            channel="phone",
            at=utcnow() + timedelta(hours=1),
            duration_minutes=5,
            summary="x",
        )
    when = utcnow() - timedelta(hours=2)
    services.record_contact(
        advisor, case, channel="phone", at=when, duration_minutes=15, summary="Erstgespräch"
    )
    assert case.last_contact_at == when.replace(microsecond=when.microsecond)


def test_follow_ups_due_list(ctx):
    from datetime import date

    advisor = _user(create_persona("advisor", "SW"))
    case = create_case(advisor)
    services.add_follow_up(
        advisor,
        case,
        title="Unterlagen anfordern",
        due_date=date(2026, 11, 20),
        assignee_id=advisor.id,
    )
    services.add_follow_up(
        advisor, case, title="Rückruf", due_date=date(2026, 11, 21), assignee_id=advisor.id
    )
    services.add_follow_up(
        advisor, case, title="Später", due_date=date(2026, 11, 25), assignee_id=advisor.id
    )
    due = db.session.scalars(queries.follow_ups_due(advisor, date(2026, 11, 21))).all()
    assert [f.title for f in due] == ["Unterlagen anfordern", "Rückruf"]
    services.complete_follow_up(advisor, due[0])
    with pytest.raises(DomainError, match="bereits erledigt"):
        services.complete_follow_up(advisor, due[0])
    due = db.session.scalars(queries.follow_ups_due(advisor, date(2026, 11, 21))).all()
    assert [f.title for f in due] == ["Rückruf"]


def test_scope_advisor_sees_only_own_region_coordinator_all_admin_none(ctx):
    sw = _user(create_persona("advisor", "SW"))
    nt = _user(create_persona("advisor", "NT"))
    coordinator = _user(create_persona("coordinator"))
    admin = _user(create_persona("admin"))
    create_case(firm=create_firm("Suhler GmbH", "16054"))
    create_case(firm=create_firm("Nordhäuser GmbH", "16062"))

    def refs(user):
        return sorted(c.reference[:6] for c in db.session.scalars(cases_visible_to(user)))

    assert refs(sw) == ["WBA-SW"]
    assert refs(nt) == ["WBA-NT"]
    assert refs(coordinator) == ["WBA-NT", "WBA-SW"]
    assert refs(admin) == []


@pytest.mark.parametrize("term", ["Müller", "MÜLLER", "mueller", "Mueller", "müll"])
def test_search_ignores_case_and_umlaut_spelling(ctx, term):
    advisor = _user(create_persona("advisor", "SW"))
    create_case(firm=create_firm("Müller Präzisionsteile GmbH", "16054"))
    create_case(firm=create_firm("Schulze Holzbau KG", "16054"))
    found = db.session.scalars(queries.case_list(advisor, q=term)).all()
    assert [c.firm.name for c in found] == ["Müller Präzisionsteile GmbH"]


def test_search_by_reference_and_wildcards_are_literal(ctx):
    advisor = _user(create_persona("advisor", "SW"))
    case = create_case(firm=create_firm("A GmbH", "16054"))
    assert db.session.scalars(queries.case_list(advisor, q=case.reference.lower())).all() == [case]
    assert db.session.scalars(queries.case_list(advisor, q="%")).all() == []


@pytest.mark.postgresql_only
def test_concurrent_case_opening_never_duplicates_reference(app, backend):
    if backend != "postgresql":
        pytest.skip("row locking is genuine PostgreSQL behaviour")
    from wbagentur.regions.models import Region

    with app.app_context():
        firm = create_firm("Parallel GmbH", "16054")
        db.session.commit()
        firm_id, region_id = firm.id, firm.district.region_id
    refs, errors = [], []

    def worker():
        try:
            with app.app_context():
                case = services.open_case(
                    None,
                    region_id=region_id,
                    kind="firm",
                    title="x",
                    channel="phone",
                    firm_id=firm_id,
                    topics=["digital"],
                )
                db.session.commit()
                refs.append(case.reference)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert len(set(refs)) == 8
    finally:
        with app.app_context():
            db.session.execute(sa.delete(TimelineEntry))
            db.session.execute(sa.text("DELETE FROM case_topics"))
            db.session.execute(sa.delete(Case))
            db.session.execute(sa.text("DELETE FROM case_counters"))
            db.session.execute(sa.delete(AuditEvent))
            db.session.execute(sa.text("DELETE FROM firms"))
            db.session.commit()
            assert Region  # reference data untouched
