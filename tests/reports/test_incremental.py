"""The incremental refresh of the report aggregates (issue #22): after each kind of work
(cases opened, closed and reopened, moved to another region, referrals sent, accepted,
completed, moved to another day and deleted, a partner becoming another region's contact
point, cases deleted by a bulk statement) the rows after a refresh of the marked days are
exactly those of a full recomputation, and a refresh with nothing marked reads no case or
referral and touches no aggregate row."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.factories import CaseFactory, PartnerFactory, ReferralEventFactory, ReferralFactory
from tests.referrals.conftest import case_with_consent, referral_to_agency, user
from wbagentur.cases import services as case_services
from wbagentur.cases.models import Case
from wbagentur.extensions import db
from wbagentur.referrals import services as referral_services
from wbagentur.referrals.models import Referral
from wbagentur.regions.models import Region
from wbagentur.reports import aggregates
from wbagentur.reports.models import ReportDailyCount, ReportDirtyDay, ReportRefresh

pytestmark = pytest.mark.usefixtures("fixed_clock")

DAY = timedelta(days=1)


def _rows() -> dict[tuple[Any, ...], tuple[int, int]]:
    t = ReportDailyCount
    columns = [getattr(t, name) for name in aggregates.KEY]
    found: dict[tuple[Any, ...], tuple[int, int]] = {}
    for *key, n, amount in db.session.execute(sa.select(*columns, t.n, t.amount_cents)):
        assert tuple(key) not in found, key  # one row per key
        found[tuple(key)] = (n, amount)
    return found


def _marked_days() -> set[Any]:
    return set(db.session.scalars(sa.select(ReportDirtyDay.day)))


def _refresh_and_compare() -> None:
    """Refresh (incrementally: the check below makes sure) and compare with everything
    computed from the rows."""
    db.session.commit()
    assert aggregates._incremental_is_enough()
    aggregates.refresh()
    db.session.commit()
    assert _marked_days() == set()
    rows = _rows()
    assert rows == aggregates.compute()
    assert db.session.get(ReportRefresh, aggregates.NAME).rows == len(rows)


def _start(clean_app: Any) -> tuple[list[Case], list[Referral]]:
    """Cases opened over ten days, referrals of one case to one partner on several days
    (the previous-day rule), accepted and approved ones, then the first, full refresh."""
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    cases = [CaseFactory(opened_at=now - i * DAY, channel="phone") for i in range(6)]
    cases.append(CaseFactory(closed=True, opened_at=now - 9 * DAY))
    agency = PartnerFactory()
    referrals = [
        ReferralFactory(
            case=cases[0], partner=agency, state="sent", sent_at=now - i * DAY, programme="qcg"
        )
        for i in (5, 3, 1)
    ]
    accepted = ReferralFactory(
        case=cases[1], partner=agency, state="accepted", sent_at=now - 4 * DAY
    )
    ReferralEventFactory(referral=accepted, from_state="sent", to_state="accepted")
    referrals.append(accepted)
    referrals.append(
        ReferralFactory(
            case=cases[2],
            state="completed",
            outcome="approved",
            amount_cents=150_000,
            programme="qcg",
            sent_at=now - 2 * DAY,
        )
    )
    db.session.commit()
    db.session.execute(sa.delete(ReportDirtyDay))
    aggregates.refresh()
    db.session.commit()
    assert _rows() == aggregates.compute()
    return cases, referrals


def test_case_work_refreshed_incrementally_equals_a_full_recompute(clean_app, make_user):
    with clean_app.test_request_context():
        cases, _referrals = _start(clean_app)
        actor = user(make_user("advisor", "SW"))

        CaseFactory(channel="email")  # opened today
        _refresh_and_compare()

        case = db.session.get(Case, cases[3].id)
        case_services.change_status(actor, case, "in_advice", None)
        case_services.change_status(actor, case, "closed", None, outcome="no_need")
        _refresh_and_compare()

        case_services.change_status(actor, case, "in_advice", None, reason="Neue Anfrage")
        _refresh_and_compare()

        # Moved to another region (an accepted transfer): its referrals' rows move, too.
        moved = db.session.get(Case, cases[0].id)
        other = db.session.scalar(sa.select(Region.id).where(Region.id != moved.region_id))
        moved.region_id = other
        _refresh_and_compare()

        # Opened on another day (a correction): old and new day.
        opened = db.session.get(Case, cases[4].id)
        opened.opened_at = opened.opened_at - 20 * DAY
        _refresh_and_compare()


def test_referral_work_refreshed_incrementally_equals_a_full_recompute(clean_app, make_user):
    with clean_app.test_request_context():
        cases, referrals = _start(clean_app)
        actor = user(make_user("advisor", "SW"))

        # Through the services: created and sent, accepted, completed with an amount
        # (conditional UPDATE statements, not the unit of work).
        case, _consent = case_with_consent(actor)
        referral = referral_to_agency(actor, case, legal_basis="Test")
        _refresh_and_compare()
        referral_services.accept_referral(None, referral, via="partner_link")
        _refresh_and_compare()
        referral_services.complete_referral(
            None,
            referral,
            via="partner_link",
            outcome="approved",
            amount_cents=99_000,
            decision_date=None,
            course_start=None,
            voucher_issued=None,
        )
        _refresh_and_compare()

        # The middle referral of a case moves before the first: the previous days of the
        # others change although they are not touched.
        middle = db.session.get(Referral, referrals[1].id)
        middle.sent_at = middle.sent_at - 7 * DAY
        _refresh_and_compare()

        # Another partner and programme.
        first = db.session.get(Referral, referrals[0].id)
        first.partner_id = PartnerFactory().id
        first.programme = None
        _refresh_and_compare()

        # Deleted: the next referral of the case becomes the first of its period.
        db.session.delete(db.session.get(Referral, referrals[2].id))
        _refresh_and_compare()

        # The acceptance event alone decides the "accepted" stage.
        ReferralEventFactory(
            referral=db.session.get(Referral, referrals[4].id),
            from_state="sent",
            to_state="accepted",
        )
        _refresh_and_compare()


def test_partner_and_bulk_statement_work_refreshed_incrementally(clean_app):
    with clean_app.test_request_context():
        cases, referrals = _start(clean_app)
        regions = list(db.session.scalars(sa.select(Region.id).order_by(Region.id)))

        # A partner becomes a contact point of another region: the cross-region figures.
        agency = db.session.get(Referral, referrals[0].id).partner
        agency.kind, agency.region_id = "wba_contact_point", regions[-1]
        _refresh_and_compare()

        # Cases deleted by one statement (as the retention run does): their referrals go
        # with them (ON DELETE CASCADE), past the unit of work.
        doomed = [cases[0].id, cases[2].id]
        db.session.execute(sa.delete(Case).where(Case.id.in_(doomed)))
        db.session.expire_all()
        _refresh_and_compare()

        # A state change by statement that names no aggregated field marks nothing.
        db.session.execute(
            sa.update(Referral)
            .where(Referral.id == referrals[3].id)
            .values(reminder_sent_at=datetime(2026, 12, 1, tzinfo=UTC))
        )
        assert _marked_days() == set()


def test_refresh_with_nothing_marked_reads_no_case_and_writes_no_row(clean_app):
    with clean_app.test_request_context():
        _start(clean_app)
        CaseFactory()
        db.session.commit()
        aggregates.refresh()
        db.session.commit()
        before = {r.id: (r.day, r.n) for r in db.session.scalars(sa.select(ReportDailyCount))}

        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            aggregates.refresh(now=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
            db.session.commit()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        sql = "\n".join(statements)
        assert not re.search(r"\b(cases|referrals|referral_events|partners)\b", sql), sql
        assert not re.search(r"(INSERT INTO|UPDATE|DELETE FROM) report_daily_counts", sql), sql
        assert len(statements) <= 10, statements
        after = {r.id: (r.day, r.n) for r in db.session.scalars(sa.select(ReportDailyCount))}
        assert after == before
        # The pages' "Stand" moves on: the figures are those of now.
        assert db.session.get(ReportRefresh, aggregates.NAME).refreshed_at == datetime(
            2026, 12, 1, 9, 0, tzinfo=UTC
        )


def test_bulk_load_or_full_option_recomputes_everything(clean_app):
    """A write past the session (here: SQL on the connection) is seen by ``--full``; a
    mark of every day makes the next refresh a full one, too."""
    from wbagentur.reports.marks import mark_everything

    with clean_app.test_request_context():
        cases, _referrals = _start(clean_app)
        db.session.connection().execute(
            sa.update(Case.__table__)
            .where(Case.__table__.c.id == cases[1].id)
            .values(channel="email")
        )
        db.session.commit()
        aggregates.refresh()
        db.session.commit()
        assert _rows() != aggregates.compute()  # not marked: not seen
        result = clean_app.test_cli_runner().invoke(args=["reports", "refresh", "--full"])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        assert _rows() == aggregates.compute()

        db.session.connection().execute(
            sa.update(Case.__table__)
            .where(Case.__table__.c.id == cases[1].id)
            .values(channel="visit")
        )
        mark_everything()
        db.session.commit()
        assert not aggregates._incremental_is_enough()
        aggregates.refresh()
        db.session.commit()
        assert _marked_days() == set()
        assert _rows() == aggregates.compute()
