"""Which writes touch the dashboards' aggregates (issue #22): every change to a case or a
referral that can alter a row of ``report_daily_counts`` marks the local days of those rows
in ``report_dirty_days``, in the transaction of the change; ``aggregates.refresh``
recomputes only the marked days.

The marks are taken from the database before and after the change, so they hold the old
and the new days (``CASE_DAYS``): the day a case was opened (opened_at, channel, region),
the day it was closed (closed_at, status, outcome, region), the sending days of its
referrals (region; a referral's row depends on the previous referral of its case, so one
changed, new or deleted referral, or an acceptance event, marks the days of all the
referrals of its case). A partner that becomes a contact point or changes its region marks
the days of its referrals. Registered once at app creation (``wbagentur._connect_packages``)
on the session:

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
# Which days of a case a changed case field moves: opened, closed, its referrals' (region).
CASE_DAYS = {
    "opened": frozenset({"opened_at", "channel", "region_id"}),
    "closed": frozenset({"closed_at", "status", "outcome", "region_id"}),
    "referrals": frozenset({"region_id"}),
}
# Beyond this many rows of one statement, marking every day is cheaper than listing them.
MAX_IDS = 2000


class Touched:
    """Ids whose days to mark: cases by kind of day, referrals (the days of all referrals
    of their case), partners (the days of their referrals)."""

    def __init__(self) -> None:
        self.cases: dict[str, set[int]] = {kind: set() for kind in CASE_DAYS}
        self.referrals: set[int] = set()
        self.partners: set[int] = set()

    def add_case(self, case_id: int, fields: Collection[str] | None) -> None:
        """``fields`` changed (None: any, the case is new or deleted)."""
        for kind, moved_by in CASE_DAYS.items():
            if fields is None or moved_by & set(fields):
                self.cases[kind].add(case_id)

    def __bool__(self) -> bool:
        return bool(self.referrals or self.partners or any(self.cases.values()))


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


def _changed_fields(obj: Any) -> set[str]:
    attrs = sa.inspect(obj).attrs
    return {name for name in FIELDS[type(obj)] if attrs[name].history.has_changes()}


def _values(obj: Any, name: str) -> list[Any]:
    """Old and new values of a field (history), or its value."""
    history = sa.inspect(obj).attrs[name].history
    return [v for v in (*history.added, *history.deleted, *history.unchanged) if v is not None]


def _touched(session: Session, *, before: bool) -> Touched:
    """What to mark before the flush (what is deleted or changed: its old days) or after it
    (what is new or changed)."""
    touched = Touched()
    objects: list[tuple[Any, set[str] | None]] = []
    for obj in session.dirty:
        changed = _changed_fields(obj) if type(obj) in FIELDS else set()
        if changed:
            objects.append((obj, changed))
    objects += [(obj, None) for obj in (session.deleted if before else session.new)]
    for obj, fields in objects:
        kind = type(obj)
        if kind is ReferralEvent:
            # Only an acceptance counts (the "accepted" stage of the funnel).
            if "accepted" in _values(obj, "to_state"):
                touched.referrals.update(_values(obj, "referral_id"))
            continue
        if kind not in FIELDS:
            continue
        # New objects have their id after the flush, before their identity key.
        state = sa.inspect(obj)
        ident = state.identity[0] if state.identity else state.dict.get("id")
        if ident is None:
            continue
        if kind is Case:
            touched.add_case(ident, fields)
        elif kind is Referral:
            touched.referrals.add(ident)
        else:
            touched.partners.add(ident)
    return touched


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    touched = _touched(session, before=True)
    if touched:
        _mark_touched(session.connection(), touched)


def _after_flush(session: Session, _context: Any) -> None:
    touched = _touched(session, before=False)
    if touched:
        _mark_touched(session.connection(), touched)


def _mark_touched(conn: sa.Connection, touched: Touched) -> None:
    """Insert the local days of what ``touched`` names (one statement, none if nothing)."""
    if not touched:
        return
    dialect = conn.dialect.name
    parts: list[sa.Select[Any]] = []
    for kind, column in (("opened", Case.opened_at), ("closed", Case.closed_at)):
        if touched.cases[kind]:
            parts.append(
                sa.select(local_day(column, dialect).label("day")).where(
                    Case.id.in_(touched.cases[kind]), column.is_not(None)
                )
            )
    by_case = (
        [Referral.case_id.in_(touched.cases["referrals"])] if touched.cases["referrals"] else []
    )
    if touched.referrals:
        of_cases = sa.select(Referral.case_id).where(Referral.id.in_(touched.referrals))
        by_case.append(Referral.case_id.in_(of_cases))
    if touched.partners:
        by_case.append(Referral.partner_id.in_(touched.partners))
    if by_case:
        parts.append(
            sa.select(local_day(Referral.sent_at, dialect).label("day")).where(
                sa.or_(*by_case), Referral.sent_at.is_not(None)
            )
        )
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
    fields = _set_fields(state) if state.is_update else None
    if fields is not None:
        fields &= FIELDS[kind]
        if not fields:
            return None
    touched = _statement_touches(state, kind, fields)
    if touched is None:
        mark_everything(conn)
        return None
    if not touched:
        return None
    _mark_touched(conn, touched)
    result = state.invoke_statement()
    if state.is_update:
        _mark_touched(conn, touched)
    return result


def _statement_touches(
    state: ORMExecuteState, kind: type, fields: set[str] | None
) -> Touched | None:
    """What the rows an UPDATE or DELETE will change touch; None: cannot be told or too
    many rows (then every day is marked)."""
    where = getattr(state.statement, "whereclause", None)
    if state.is_insert or where is None or state.parameters and isinstance(state.parameters, list):
        return None
    id_column: Any = ReferralEvent.referral_id if kind is ReferralEvent else kind.id  # type: ignore[attr-defined]
    selector = sa.select(id_column).where(where)
    ids = set(state.session.connection().execute(selector.limit(MAX_IDS + 1)).scalars())
    if len(ids) > MAX_IDS:
        return None
    touched = Touched()
    if kind is Case:
        for case_id in ids:
            touched.add_case(case_id, fields)
    elif kind is Partner:
        touched.partners = ids
    else:
        touched.referrals = ids
    return touched
