"""The dashboards' maintained aggregates (issue #22): computed in SQL by ``refresh``, read by
``reports.services`` instead of scanning the cases and referrals of the period.

``refresh`` recomputes ``report_daily_counts`` from the rows (one ``SELECT … GROUP BY`` per
metric, in a read transaction), writes only the rows that changed and stamps
``report_refreshes``; the
worker runs it every few minutes (job ``reports.refresh``), ``flask reports refresh`` on
demand. Counts are per region and **local** day, so every period of whole days – the
dashboard's "von/bis", the monthly report's month – is a sum over rows, equal to what the
live queries in ``reports.queries`` count (``tests/reports/test_aggregates.py``).

What is not aggregated stays live: the case load and the overdue lists (state "today",
relative to the current time), the answer-time medians (not additive; ``percentile_cont``
in SQL), funding checks, transfers, and any view filtered by advisor (the advisor is the
case's current assignee) or, for the referral funnel, by programme.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from wbagentur.cases.models import Case
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.partners.models import Partner
from wbagentur.referrals.case_hooks import referral_stage_condition
from wbagentur.referrals.models import Referral
from wbagentur.reports.models import ReportDailyCount, ReportRefresh

NAME = "report_daily_counts"
STAGES = ("sent", "accepted", "completed", "approved")


def local_day(column: Any, dialect: str) -> Any:
    """The Thuringian calendar day of a UTC timestamp column, in SQL.

    PostgreSQL converts with its time zone data. SQLite has none: the offset is +2 hours
    from the last Sunday of March, 01:00 UTC, to the last Sunday of October, 01:00 UTC
    (EU rule since 1996), else +1 hour; the last Sunday of a month whose 25th is day 1 of
    its final week is ``date('YYYY-MM-25', 'weekday 0')``. SQLite stores the UTC time as
    text ``YYYY-MM-DD HH:MM:SS.ffffff``, so the comparisons are text comparisons."""
    if dialect == "postgresql":
        return sa.cast(sa.func.timezone("Europe/Berlin", column), sa.Date)
    year = sa.func.strftime("%Y", column)
    start = sa.func.date(year + "-03-25", "weekday 0") + " 01:00:00"
    end = sa.func.date(year + "-10-25", "weekday 0") + " 01:00:00"
    offset = sa.case((sa.and_(column >= start, column < end), "+2 hours"), else_="+1 hours")
    # Whole seconds: SQLite's date arithmetic rounds to milliseconds, so 23:59:59.9999996
    # local time would become the next day.
    return sa.func.date(sa.func.substr(column, 1, 19), offset)


KEY = ("metric", "stage", "region_id", "day", "prev_day", "key_id", "code")
Row = tuple[Any, ...]  # KEY + (n, amount_cents)


def _case_counts(metric: str, timestamp: Any, code: Any, *conditions: Any, dialect: str) -> Any:
    """Cases per region, local day of ``timestamp`` and ``code``, in KEY + (n, amount) order."""
    day = local_day(timestamp, dialect).label("day")
    code_col = sa.func.coalesce(code, "").label("code")
    inner = (
        sa.select(Case.region_id.label("region_id"), day, code_col)
        .where(timestamp.is_not(None), *conditions)
        .subquery()
    )
    return sa.select(
        sa.literal(metric),
        sa.literal(""),
        inner.c.region_id,
        sa.type_coerce(inner.c.day, sa.Date),
        sa.cast(sa.null(), sa.Date),
        sa.cast(sa.null(), sa.Integer),
        inner.c.code,
        sa.func.count(),
        sa.literal(0),
    ).group_by(inner.c.region_id, inner.c.day, inner.c.code)


def _distinct_case_counts(
    metric: str,
    stage: str,
    key: Any,
    code: Any,
    partition: Iterable[Any],
    conditions: Iterable[Any],
    dialect: str,
    amount: Any = None,
    join_partner: bool = False,
) -> Any:
    """Referrals sent per region, day, ``key``/``code`` and previous day of the same case
    within ``partition`` (the ``prev_day`` rule of the module docstring)."""
    day = local_day(Referral.sent_at, dialect)
    inner = sa.select(
        Case.region_id.label("region_id"),
        day.label("day"),
        sa.func.lag(day)
        .over(partition_by=[Referral.case_id, *partition], order_by=[Referral.sent_at, Referral.id])
        .label("prev_day"),
        (key if key is not None else sa.cast(sa.null(), sa.Integer)).label("key_id"),
        (sa.func.coalesce(code, "") if code is not None else sa.literal("")).label("code"),
        (amount if amount is not None else sa.literal(0)).label("amount"),
    ).join(Case, Case.id == Referral.case_id)
    if join_partner:
        inner = inner.join(Partner, Partner.id == Referral.partner_id)
    sub = inner.where(Referral.sent_at.is_not(None), *conditions).subquery()
    return sa.select(
        sa.literal(metric),
        sa.literal(stage),
        sub.c.region_id,
        sa.type_coerce(sub.c.day, sa.Date),
        sa.type_coerce(sub.c.prev_day, sa.Date),
        sub.c.key_id,
        sub.c.code,
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(sub.c.amount), 0),
    ).group_by(sub.c.region_id, sub.c.day, sub.c.prev_day, sub.c.key_id, sub.c.code)


def _statements(dialect: str) -> list[Any]:
    statements = [
        _case_counts("opened", Case.opened_at, Case.channel, dialect=dialect),
        _case_counts(
            "closed", Case.closed_at, Case.outcome, Case.status == "closed", dialect=dialect
        ),
    ]
    for stage in STAGES:
        statements.append(
            _distinct_case_counts(
                "funnel",
                stage,
                Referral.partner_id,
                None,
                [Referral.partner_id],
                [referral_stage_condition(stage)],
                dialect,
            )
        )
    approved = referral_stage_condition("approved")
    for stage, condition, amount in (
        ("sent", Referral.sent_at.is_not(None), None),
        ("approved", approved, Referral.amount_cents),
    ):
        statements.append(
            _distinct_case_counts(
                "programme",
                stage,
                None,
                Referral.programme,
                [Referral.programme],
                [Referral.programme.is_not(None), condition],
                dialect,
                amount=amount,
            )
        )
    statements.append(
        _distinct_case_counts(
            "xref",
            "sent",
            Partner.region_id,
            None,
            [Partner.region_id],
            [Partner.kind == "wba_contact_point"],
            dialect,
            join_partner=True,
        )
    )
    return statements


def compute() -> dict[Row, tuple[int, int]] | None:
    """Every aggregate row, computed from the cases and referrals: KEY → (n, amount); None
    while the table is empty (the first refresh fills it in the database).

    On its own connection in one read transaction (SQLite: ``BEGIN DEFERRED``, so the
    computation, the long part, holds no write lock)."""
    dialect = db.session.get_bind().dialect.name
    out: dict[Row, tuple[int, int]] = {}
    with db.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
        if conn.execute(sa.select(ReportDailyCount.id).limit(1)).first() is None:
            return None
        for stmt in _statements(dialect):
            for *key, n, amount in conn.execute(stmt):
                out[tuple(key)] = (int(n), int(amount or 0))
    return out


# Serialises concurrent refreshes (the worker and ``flask reports refresh``) on PostgreSQL;
# SQLite's write lock (``BEGIN IMMEDIATE`` outside requests) does the same there.
ADVISORY_LOCK = 0x5245504F5254  # "REPORT"


def refresh(now: datetime | None = None) -> int:
    """Recompute the aggregates and write what changed since the last run; the number of
    rows. Between two runs only the days touched by the work since (today's, and the
    sending day of a referral that moved on) change, so the write is short. Flushes, the
    caller commits (the job, the CLI): readers see the old or the new set, never half.

    Call it outside a transaction of the session (as the job and the CLI do): the
    computation runs first, on its own connection; the write transaction begins after it."""
    started = time.perf_counter()
    fresh = compute()
    t = ReportDailyCount
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK)))
    # Read under the lock: what another refresh committed meanwhile is seen here.
    if db.session.scalar(sa.select(t.id).limit(1)) is None:
        return _first_refresh(now, started)
    if fresh is None:  # another refresh filled the table meanwhile
        fresh = compute() or {}
    columns = [getattr(t, name) for name in KEY]
    existing = {
        tuple(key): (row_id, n, amount)
        for row_id, *key, n, amount in db.session.execute(
            sa.select(t.id, *columns, t.n, t.amount_cents)
        )
    }
    gone = [row_id for key, (row_id, _n, _a) in existing.items() if key not in fresh]
    changed = [
        {"id": existing[key][0], "n": n, "amount_cents": amount}
        for key, (n, amount) in fresh.items()
        if key in existing and existing[key][1:] != (n, amount)
    ]
    new = [
        {**dict(zip(KEY, key, strict=True)), "n": n, "amount_cents": amount}
        for key, (n, amount) in fresh.items()
        if key not in existing
    ]
    for i in range(0, len(gone), 500):
        db.session.execute(sa.delete(t).where(t.id.in_(gone[i : i + 500])))
    if changed:
        db.session.execute(sa.update(t), changed)
    if new:
        db.session.execute(sa.insert(t), new)
    _stamp(now, len(fresh), started)
    return len(fresh)


def _first_refresh(now: datetime | None, started: float) -> int:
    """An empty table is filled in the database (``INSERT … SELECT``), not row by row
    through the driver (290,000 rows at 100,000 cases: minutes through executemany)."""
    dialect = db.session.get_bind().dialect.name
    for stmt in _statements(dialect):
        db.session.execute(
            sa.insert(ReportDailyCount).from_select([*KEY, "n", "amount_cents"], stmt)
        )
    rows = int(db.session.scalar(sa.select(sa.func.count()).select_from(ReportDailyCount)) or 0)
    _stamp(now, rows, started)
    return rows


def _stamp(now: datetime | None, rows: int, started: float) -> None:
    state = db.session.get(ReportRefresh, NAME) or ReportRefresh(name=NAME)
    state.refreshed_at = now or utcnow()
    state.rows = rows
    state.duration_ms = int((time.perf_counter() - started) * 1000)
    db.session.add(state)
    db.session.flush()


def refreshed_at() -> datetime | None:
    """When the aggregates were last computed; None = never (the pages count live)."""
    return db.session.scalar(
        sa.select(ReportRefresh.refreshed_at).where(ReportRefresh.name == NAME)
    )


# ---------------------------------------------------------------- reads


def _period(region_ids: Iterable[int] | None, metric: str, start: date, end: date) -> list[Any]:
    conditions = [
        ReportDailyCount.metric == metric,
        ReportDailyCount.day >= start,
        ReportDailyCount.day <= end,
    ]
    if region_ids is not None:
        conditions.append(ReportDailyCount.region_id.in_(tuple(region_ids)))
    return conditions


def _first_in_period(start: date) -> Any:
    """The rows whose case counts once in a period beginning on ``start``."""
    return sa.or_(ReportDailyCount.prev_day.is_(None), ReportDailyCount.prev_day < start)


def case_counts(metric: str, region_ids: Iterable[int], start: date, end: date) -> sa.Select[Any]:
    """(code, region, day, n): cases opened (code = channel) or closed (code = outcome)."""
    t = ReportDailyCount
    return (
        sa.select(t.code, t.region_id, t.day, sa.func.sum(t.n))
        .where(*_period(region_ids, metric, start, end))
        .group_by(t.code, t.region_id, t.day)
    )


def funnel(region_ids: Iterable[int], start: date, end: date) -> sa.Select[Any]:
    """(partner, stage, cases) of referrals sent in the period."""
    t = ReportDailyCount
    return (
        sa.select(t.key_id, t.stage, sa.func.sum(t.n))
        .where(*_period(region_ids, "funnel", start, end), _first_in_period(start))
        .group_by(t.key_id, t.stage)
    )


def programmes(
    region_ids: Iterable[int], start: date, end: date, programme: str | None
) -> sa.Select[Any]:
    """(programme, stage, cases, amount): referred (stage sent) and approved cases per
    programme; the amount sums every approved referral of the period."""
    t = ReportDailyCount
    first = sa.case((_first_in_period(start), t.n), else_=0)
    stmt = (
        sa.select(t.code, t.stage, sa.func.sum(first), sa.func.sum(t.amount_cents))
        .where(*_period(region_ids, "programme", start, end))
        .group_by(t.code, t.stage)
    )
    if programme:
        stmt = stmt.where(t.code == programme)
    return stmt


def region_referrals(start: date, end: date) -> sa.Select[Any]:
    """(from region, to region, cases) referred to another region's contact point."""
    t = ReportDailyCount
    return (
        sa.select(t.region_id, t.key_id, sa.func.sum(t.n))
        .where(*_period(None, "xref", start, end), _first_in_period(start))
        .group_by(t.region_id, t.key_id)
    )
