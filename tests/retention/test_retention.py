"""The retention run removes exactly what is due, keeps statistics, respects holds;
erasure leaves no residue; restriction blocks processing."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.cases.conftest import create_firm
from tests.figures import backend_of, record_figure
from wbagentur.accounts.models import LoginAttempt
from wbagentur.cases import services as cases
from wbagentur.cases.models import Case
from wbagentur.core import audit
from wbagentur.core.audit import verify_chain
from wbagentur.core.errors_domain import DomainError
from wbagentur.core.text import normalise_search
from wbagentur.extensions import db
from wbagentur.mail.models import OutboxMessage
from wbagentur.persons.models import Person
from wbagentur.retention import services

NOW = datetime(2030, 6, 15, 12, 0, tzinfo=UTC)


def at(days_ago: float) -> datetime:
    return NOW - timedelta(days=days_ago)


@pytest.fixture
def ctx(clean_app):
    with clean_app.app_context():
        yield clean_app


def _case(
    firm,
    opened,
    *,
    channel="phone",
    status="in_advice",
    closed=None,
    outcome=None,
    hold=False,
    title="Fall",
):
    with time_machine.travel(opened, tick=False):
        case = cases.open_case(
            None,
            region_id=firm.district.region_id,
            kind="firm",
            title=title,
            channel=channel,
            firm_id=firm.id,
            topics=["digital"],
        )
    case.status = status
    case.closed_at = closed
    case.outcome = outcome
    case.legal_hold = hold
    db.session.flush()
    return case


def _person(first, created, **fields):
    person = Person(
        first_name=first,
        last_name="Testperson",
        name_search=normalise_search(first),
        created_at=created,
        **fields,
    )
    db.session.add(person)
    db.session.flush()
    return person


def _esf_approved(case):
    from wbagentur.partners.models import Partner
    from wbagentur.referrals.models import Referral

    partner = db.session.scalar(sa.select(Partner).limit(1))
    db.session.add(
        Referral(
            case_id=case.id,
            partner_id=partner.id,
            programme="esf_weiterbildungsscheck",
            purpose="ESF",
            data_categories="contact",
            legal_basis="Test",
            state="completed",
            outcome="approved",
        )
    )
    db.session.flush()


def test_retention_run_removes_exactly_what_is_due(ctx):
    firm = create_firm("Fristen GmbH", "16054")
    public_due = _case(firm, at(91), channel="public_form", status="new", title="public-due")
    public_recent = _case(firm, at(89), channel="public_form", status="new", title="public-recent")
    public_converted = _case(
        firm, at(400), channel="public_form", status="in_advice", title="public-converted"
    )
    advice_due = _case(
        firm, at(1200), status="closed", closed=at(1096), outcome="no_need", title="advice-due"
    )
    advice_recent = _case(
        firm, at(1200), status="closed", closed=at(1094), outcome="no_need", title="advice-recent"
    )
    advice_hold = _case(
        firm,
        at(1200),
        status="closed",
        closed=at(1500),
        outcome="no_need",
        hold=True,
        title="advice-hold",
    )
    esf_due = _case(
        firm,
        datetime(2024, 2, 1, tzinfo=UTC),
        status="closed",
        closed=datetime(2024, 10, 1, tzinfo=UTC),
        outcome="training_started",
        title="esf-due",
    )
    esf_kept = _case(
        firm,
        datetime(2025, 2, 1, tzinfo=UTC),
        status="closed",
        closed=datetime(2025, 3, 1, tzinfo=UTC),
        outcome="training_started",
        title="esf-kept",
    )
    _esf_approved(esf_due)
    _esf_approved(esf_kept)
    participant = _person("Beteiligte", at(2000), email="beteiligte@test.example")
    cases.add_participant(None, advice_due, participant.id)
    lonely_due = _person("Ohnefall", at(731), email="ohnefall@test.example")
    lonely_recent = _person("Neuling", at(729))
    for days in (31, 29):
        db.session.add(LoginAttempt(account_key=f"k{days}", at=at(days), succeeded=False))
    for days in (91, 89):
        db.session.add(
            OutboxMessage(
                recipient="x@test.example",
                subject="s",
                body="b",
                kind="t",
                created_at=at(days),
                sent_at=at(days),
            )
        )
    db.session.add(
        OutboxMessage(
            recipient="y@test.example", subject="s", body="b", kind="t", created_at=at(400)
        )
    )
    with time_machine.travel(at(731), tick=False):
        audit.record(None, "old.entry")
    db.session.commit()
    ids = {
        name: c.id
        for name, c in [
            ("public_due", public_due),
            ("public_recent", public_recent),
            ("public_converted", public_converted),
            ("advice_due", advice_due),
            ("advice_recent", advice_recent),
            ("advice_hold", advice_hold),
            ("esf_due", esf_due),
            ("esf_kept", esf_kept),
        ]
    }

    with time_machine.travel(NOW, tick=False):
        report = services.run_retention()
        db.session.commit()
    overdue = (
        sum(
            [
                db.session.get(Case, ids["public_due"]) is not None,
                db.session.get(Case, ids["advice_due"]).anonymised_at is None,
                db.session.get(Case, ids["esf_due"]).anonymised_at is None,
                db.session.get(Person, lonely_due.id).erased_at is None,
                db.session.get(Person, participant.id).erased_at is None,
            ]
        )
        + db.session.scalar(
            sa.select(sa.func.count(LoginAttempt.id)).where(LoginAttempt.at < at(30))
        )
        + db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.sent_at < at(90))
        )
    )
    record_figure(
        "retention.overdue",
        overdue,
        target="0",
        ok=overdue == 0,
        db=backend_of(ctx),
        detail=", ".join(f"{k}: {v}" for k, v in sorted(report.counts.items())),
    )
    assert report.counts["public_request_unconverted"] == 1
    assert report.counts["advice_case"] == 1
    assert report.counts["esf_case"] == 1
    assert report.counts["person_without_case"] == 1
    assert report.counts["login_attempts"] == 1
    assert report.counts["sent_mail"] == 1
    assert report.counts["audit_events"] >= 1

    assert db.session.get(Case, ids["public_due"]) is None
    assert db.session.get(Case, ids["public_recent"]) is not None
    assert db.session.get(Case, ids["public_converted"]).anonymised_at is None
    anonymised = db.session.get(Case, ids["advice_due"])
    assert anonymised.anonymised_at is not None
    assert anonymised.title == "anonymisiert"
    assert anonymised.outcome == "no_need"
    assert anonymised.region_id == firm.district.region_id
    assert db.session.get(Case, ids["advice_recent"]).anonymised_at is None
    assert db.session.get(Case, ids["advice_hold"]).anonymised_at is None
    assert db.session.get(Case, ids["esf_due"]).anonymised_at is not None
    assert db.session.get(Case, ids["esf_kept"]).anonymised_at is None
    assert db.session.get(Person, participant.id).erased_at is not None
    assert db.session.get(Person, lonely_due.id).email is None
    assert db.session.get(Person, lonely_recent.id).erased_at is None
    assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 2
    assert verify_chain()[1] is None  # the chain still verifies from the recorded anchor

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        again = services.run_retention()
        db.session.commit()
    assert sum(v for k, v in again.counts.items() if k != "audit_events") == 0


def test_erasure_request_has_undo_window_then_leaves_no_residue(ctx, tmp_path):
    import io

    from werkzeug.datastructures import FileStorage

    from wbagentur.cases.documents import store_upload
    from wbagentur.core.uploads import document_path

    canary = "Kanarienvogel"
    firm = create_firm("Rest GmbH", "16054")
    person = _person(
        canary,
        at(10),
        email=f"{canary.lower()}@test.example",
        phone="0361 99999",
        birth_date=datetime(1980, 1, 1).date(),
        severely_disabled=True,
    )
    case = cases.open_case(
        None,
        region_id=firm.district.region_id,
        kind="individual",
        title=f"Beratung {canary}",
        channel="phone",
        person_id=person.id,
        topics=["digital"],
    )
    cases.add_note(None, case, f"{canary} möchte Meister werden")
    document = store_upload(
        FileStorage(io.BytesIO(b"%PDF-1.4 " + canary.encode()), filename=f"{canary}.pdf"),
        case=case,
        source="staff",
    )
    db.session.commit()
    path = document_path(document)
    assert path.exists()
    request = services.request_deletion(None, "person", person.id, "Antrag nach Art. 17")
    db.session.commit()
    with pytest.raises(DomainError, match="bereits beantragt"):
        services.request_deletion(None, "person", person.id, "doppelt")
    with time_machine.travel(NOW, tick=False):
        pass
    # Within the window nothing happens.
    report = services.run_retention(now=request.execute_after - timedelta(days=1))
    db.session.commit()
    assert report.counts["erasure_requests"] == 0
    report = services.run_retention(now=request.execute_after + timedelta(minutes=1))
    db.session.commit()
    services.remove_files(report)
    assert report.counts["erasure_requests"] == 1
    assert not path.exists()
    residue = 0
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                residue += sum(
                    1 for value in row if isinstance(value, str) and canary.lower() in value.lower()
                )
    from wbagentur.core.uploads import upload_dir

    residue += sum(
        1
        for file in upload_dir().rglob("*")
        if file.is_file() and canary.encode() in file.read_bytes()
    )
    record_figure("erasure.residue", residue, target="0", ok=residue == 0, db=backend_of(ctx))
    assert residue == 0


def test_cancelled_erasure_is_not_executed(ctx):
    person = _person("Bleibt", at(10), email="bleibt@test.example")
    request = services.request_deletion(None, "person", person.id, "Versehen")
    services.cancel_deletion(None, request)
    db.session.commit()
    services.run_retention(now=request.execute_after + timedelta(days=1))
    db.session.commit()
    assert db.session.get(Person, person.id).email == "bleibt@test.example"
    with pytest.raises(DomainError, match="bereits zurückgenommen"):
        services.cancel_deletion(None, request)


def test_restriction_blocks_processing(ctx):
    firm = create_firm("Sperre GmbH", "16054")
    person = _person("Eingeschraenkt", at(10))
    case = cases.open_case(
        None,
        region_id=firm.district.region_id,
        kind="firm",
        title="x",
        channel="phone",
        firm_id=firm.id,
        topics=["digital"],
    )
    services.restrict_person(None, person, "Richtigkeit bestritten")
    with pytest.raises(DomainError, match="eingeschränkt"):
        cases.add_participant(None, case, person.id)
    services.lift_restriction(None, person)
    cases.add_participant(None, case, person.id)


def test_restriction_blocks_person_edit_and_referral(ctx):
    from wbagentur.persons import services as persons

    firm = create_firm("Sperre Zwei GmbH", "16054")
    person = _person(
        "Gesperrt", at(10), employer_id=firm.id, residence_district_id=firm.district_id
    )
    services.restrict_person(None, person, "bestritten")
    db.session.flush()
    with pytest.raises(DomainError, match="eingeschränkt"):
        persons.update_person(None, person, {"first_name": "Neu"}, person.version)
