"""Which writes touch the dashboards' aggregates (issue #22): every change to a case or a
referral that can alter a row of ``report_daily_counts`` marks the local days of those rows
in ``report_dirty_days``, in the transaction of the change; ``aggregates.refresh``
recomputes only the marked days.

The marks are taken from the database before and after the change, so they hold the old
and the new days: the day a case was opened and closed and the sending day of each of its
referrals (a referral's row depends on the previous referral of its case, so one changed
referral marks the days of all the referrals of its case). A partner that becomes a contact
point or changes its region marks the days of its referrals. Registered once at app
creation (``wbagentur._connect_packages``) on the session:

- ``before_flush``/``after_flush``: objects added, changed (in a field the aggregates read)
  or deleted through the unit of work;
- ``do_orm_execute``: ``UPDATE``/``DELETE`` statements on the models run through the
  session (the referrals' conditional state changes, the retention's deletion of cases).

Writes that bypass the session (the benchmark generator's bulk load, SQL by hand) mark
every day (``mark_everything``) or are followed by ``flask reports refresh --full``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import ORMExecuteState, Session

from wbagentur.cases.models import Case
from wbagentur.extensions import db
from wbagentur.partners.models import Partner
from wbagentur.referrals.models import Referral, ReferralEvent
from wbagentur.reports.aggregates import local_day
from wbagentur.reports.models import ReportDirtyDay

# The fields each metric reads (reports.aggregates._statements).
FIELDS: dict[type, frozenset[str]] = {
    Case: frozenset({"opened_at", "closed_at", "status", "outcome", "channel", "region_id"}),
    Referral: frozenset(
        {"case_id", "partner_id", "programme", "state", "outcome", "sent_at", "amount_cents"}
    ),
    ReferralEvent: frozenset({"referral_id", "to_state"}),
    Partner: frozenset({"kind", "region_id"}),
}
# Beyond this many rows of one statement, marking every day is cheaper than listing them.
MAX_IDS = 2000


def track_changes() -> None:
    """Register the listeners on the session (idempotent: one app per test)."""
    for name, fn in (
        ("before_flush", _before_flush),
        ("after_flush", _after_flush),
        ("do_orm_execute", _on_execute),
    ):
        if not sa.event.contains(db.session, name, fn):
            sa.event.listen(db.session, name, fn)


def mark_everything(conn: sa.Connection | None = None) -> None:
    """Make the next refresh a full one (after a write that bypassed the session)."""
    (conn or db.session.connection()).execute(sa.insert(ReportDirtyDay).values(day=None))


# ---------------------------------------------------------------- unit of work


def _changed(obj: Any) -> bool:
    attrs = sa.inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in FIELDS[type(obj)])


def _values(obj: Any, name: str) -> list[Any]:
    """Old and new values of a field (history), or its value."""
    history = sa.inspect(obj).attrs[name].history
    return [v for v in (*history.added, *history.deleted, *history.unchanged) if v is not None]


def _touched(session: Session, *, before: bool) -> tuple[set[int], set[int], set[int]]:
    """(case ids, referral ids, partner ids) whose days to mark before or after the flush:
    before, what is deleted or changed (its old days); after, what is new or changed."""
    found: dict[type, set[int]] = {Case: set(), Referral: set(), Partner: set()}
    changed = [obj for obj in session.dirty if type(obj) in FIELDS and _changed(obj)]
    for obj in changed + list(session.deleted if before else session.new):
        kind = type(obj)
        if kind is ReferralEvent:
            # Only an acceptance counts (the "accepted" stage of the funnel).
            if "accepted" in _values(obj, "to_state"):
                found[Referral].update(_values(obj, "referral_id"))
        elif kind in found:
            # New objects have their id after the flush, before their identity key.
            state = sa.inspect(obj)
            ident = state.identity[0] if state.identity else state.dict.get("id")
            if ident is not None:
                found[kind].add(ident)
    return found[Case], found[Referral], found[Partner]


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    _mark_objects(session, *_touched(session, before=True))


def _after_flush(session: Session, _context: Any) -> None:
    _mark_objects(session, *_touched(session, before=False))


def _mark_objects(
    session: Session, cases: set[int], referrals: set[int], partners: set[int]
) -> None:
    if not (cases or referrals or partners):
        return
    case_ids: Any = None
    if cases or referrals:
        case_ids = sa.union(
            sa.select(Case.id).where(Case.id.in_(cases)),
            sa.select(Referral.case_id).where(Referral.id.in_(referrals)),
        )
    _mark(session.connection(), case_ids, partners or None)


def _mark(conn: sa.Connection, case_ids: Any, partner_ids: Collection[int] | None) -> None:
    """Insert the local days of the given cases (opened, closed, their referrals sent) and
    of the referrals to the given partners."""
    dialect = conn.dialect.name
    parts: list[sa.Select[Any]] = []
    if case_ids is not None:
        parts += [
            sa.select(local_day(Case.opened_at, dialect).label("day")).where(Case.id.in_(case_ids)),
            sa.select(local_day(Case.closed_at, dialect)).where(
                Case.id.in_(case_ids), Case.closed_at.is_not(None)
            ),
            sa.select(local_day(Referral.sent_at, dialect)).where(
                Referral.case_id.in_(case_ids), Referral.sent_at.is_not(None)
            ),
        ]
    if partner_ids:
        parts.append(
            sa.select(local_day(Referral.sent_at, dialect)).where(
                Referral.partner_id.in_(partner_ids), Referral.sent_at.is_not(None)
            )
        )
    if parts:
        days = sa.union(*parts) if len(parts) > 1 else parts[0]
        conn.execute(sa.insert(ReportDirtyDay).from_select(["day"], days))


# ---------------------------------------------------------------- UPDATE / DELETE statements


def _set_fields(state: ORMExecuteState) -> set[str] | None:
    """The fields an UPDATE sets; None when they cannot be told."""
    stmt: Any = state.statement
    values = getattr(stmt, "_values", None) or dict(getattr(stmt, "_ordered_values", None) or ())
    if not values or getattr(stmt, "_multi_values", None):
        return None
    return {key if isinstance(key, str) else getattr(key, "key", str(key)) for key in values}


def _on_execute(state: ORMExecuteState) -> Any:
    if not (state.is_update or state.is_delete or state.is_insert) or state.bind_mapper is None:
        return None
    kind = state.bind_mapper.class_
    if kind not in FIELDS:
        return None
    conn = state.session.connection()
    if state.is_update:
        fields = _set_fields(state)
        if fields is not None and not fields & FIELDS[kind]:
            return None
    where = getattr(state.statement, "whereclause", None)
    if state.is_insert or where is None or state.parameters and isinstance(state.parameters, list):
        mark_everything(conn)
        return None
    selector = {
        Case: sa.select(Case.id),
        Referral: sa.select(Referral.case_id),
        ReferralEvent: sa.select(Referral.case_id).where(
            Referral.id.in_(sa.select(ReferralEvent.referral_id).where(where))
        ),
        Partner: sa.select(Partner.id),
    }[kind]
    if kind is not ReferralEvent:
        selector = selector.where(where)
    ids = set(conn.execute(selector.limit(MAX_IDS + 1)).scalars())
    if not ids:
        return None
    if len(ids) > MAX_IDS:
        mark_everything(conn)
        return None
    case_ids, partner_ids = (None, ids) if kind is Partner else (ids, None)
    _mark(conn, case_ids, partner_ids)
    result = state.invoke_statement()
    if state.is_update:
        _mark(conn, case_ids, partner_ids)
    return result
