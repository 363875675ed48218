"""The dashboards' maintained aggregates (issue #22): computed in SQL by ``refresh``, read by
``reports.services`` instead of scanning the cases and referrals of the period.

``refresh`` brings ``report_daily_counts`` up to date and stamps ``report_refreshes``; the
worker runs it every few minutes (job ``reports.refresh``), ``flask reports refresh`` on
demand. It is incremental: the work marks the local days it changes (``reports.marks``,
in its own transaction) and the refresh replaces only the rows of those days, computed by
the metric statements restricted to them (one ``SELECT … GROUP BY`` per metric). Its cost
follows the work since the last run, not the data: at 100,000 cases on SQLite 4–7 ms CPU
with nothing marked, 49 ms for one day, 104–132 ms after 20 closed cases and 10 moved
referrals (15–20 days), against 6.7 s CPU (18–25 s wall at load 13 on two cores) for the
full recomputation; PostgreSQL 18–45 ms, 0.2 s and 0.3–0.6 s against 11 s
(docs/performance.md, "Incremental refresh"). The first refresh, ``flask reports refresh
--full`` and a mark of every day (a bulk load) recompute everything.

Counts are per region and **local** day, so every period of whole days – the dashboard's
"von/bis", the monthly report's month – is a sum over rows, equal to what the live queries
in ``reports.queries`` count (``tests/reports/test_aggregates.py``).

What is not aggregated: the case load and the overdue counts (state "today", relative to
the current time; the worker counts them after each refresh, ``reports.workload``), the
answer-time medians and the checked programmes (not additive; computed for the default
periods after each refresh, ``services.prewarm_medians``), transfers, and any view
filtered by advisor (the advisor is the case's current assignee) or, for the referral
funnel, by programme.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from wbagentur.cases.models import Case
from wbagentur.core.database import rowcount
from wbagentur.core.models import utcnow, write_row_changes
from wbagentur.core.timezone import BERLIN
from wbagentur.extensions import db
from wbagentur.partners.models import Partner
from wbagentur.referrals.case_hooks import referral_stage_condition
from wbagentur.referrals.models import Referral
from wbagentur.reports.models import ReportDailyCount, ReportDirtyDay, ReportRefresh

NAME = "report_daily_counts"
METRICS = ("opened", "closed", "funnel", "programme", "xref")
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


def _utc_ranges(days: Iterable[date]) -> list[tuple[datetime, datetime]]:
    """The UTC intervals [start, end) of local days, consecutive days joined."""
    ranges: list[tuple[datetime, datetime]] = []
    for day in sorted(set(days)):
        start = datetime.combine(day, clock_time(), tzinfo=BERLIN).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), clock_time(), tzinfo=BERLIN).astimezone(UTC)
        if ranges and ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return ranges


def _within(column: Any, days: Iterable[date] | None) -> list[Any]:
    """Condition: ``column`` (UTC) falls on one of ``days`` (local), on its index."""
    if days is None:
        return []
    return [sa.or_(*(sa.and_(column >= a, column < b) for a, b in _utc_ranges(days)))]


def _cases_on(timestamp: Any, days: Collection[date] | None) -> list[Any]:
    """Condition: the case's ``timestamp`` falls on one of ``days``, found through the
    timestamp's own index (SQLite otherwise prefers skipping through the covering index
    of the closed cases by region, reading every case closed since the earliest day)."""
    if days is None:
        return []
    return [Case.id.in_(sa.select(Case.id).where(*_within(timestamp, days)))]


def _case_counts(
    metric: str,
    timestamp: Any,
    code: Any,
    *conditions: Any,
    dialect: str,
    days: Collection[date] | None = None,
) -> Any:
    """Cases per region, local day of ``timestamp`` and ``code``, in KEY + (n, amount) order
    (only the given local ``days``, if any)."""
    day = local_day(timestamp, dialect).label("day")
    code_col = sa.func.coalesce(code, "").label("code")
    inner = (
        sa.select(Case.region_id.label("region_id"), day, code_col)
        .where(timestamp.is_not(None), *conditions, *_cases_on(timestamp, days))
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
    days: Collection[date] | None = None,
) -> Any:
    """Referrals sent per region, day, ``key``/``code`` and previous day of the same case
    within ``partition`` (the ``prev_day`` rule of the module docstring).

    Only the given local ``days``, if any: the window runs over every referral of the cases
    that have one sent on those days (the previous one may lie on any day), the rows of the
    other days are dropped."""
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
    conditions = list(conditions)
    if days is not None:
        on_days = aliased(Referral)
        conditions.append(
            Referral.case_id.in_(sa.select(on_days.case_id).where(*_within(on_days.sent_at, days)))
        )
    sub = inner.where(Referral.sent_at.is_not(None), *conditions).subquery()
    outer_day = sa.type_coerce(sub.c.day, sa.Date)
    return (
        sa.select(
            sa.literal(metric),
            sa.literal(stage),
            sub.c.region_id,
            sa.type_coerce(sub.c.day, sa.Date),
            sa.type_coerce(sub.c.prev_day, sa.Date),
            sub.c.key_id,
            sub.c.code,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sub.c.amount), 0),
        )
        .where(*([outer_day.in_(sorted(days))] if days is not None else []))
        .group_by(sub.c.region_id, sub.c.day, sub.c.prev_day, sub.c.key_id, sub.c.code)
    )


def _statements(dialect: str, days: Collection[date] | None = None) -> list[Any]:
    """The statements of every metric, all days or only ``days``."""
    statements = [
        _case_counts("opened", Case.opened_at, Case.channel, dialect=dialect, days=days),
        _case_counts(
            "closed",
            Case.closed_at,
            Case.outcome,
            Case.status == "closed",
            dialect=dialect,
            days=days,
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
                days=days,
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
                days=days,
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
            days=days,
        )
    )
    return statements


# Beyond this many marked days, recomputing everything off the write lock is cheaper.
MAX_DAYS = 370


def compute() -> dict[Row, tuple[int, int]] | None:
    """Every aggregate row, computed from the cases and referrals: KEY → (n, amount); None
    while the table is empty (the first refresh fills it in the database)."""
    with db.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
        found = _compute(conn)
    return None if found is None else found[0]


def _compute(conn: sa.Connection) -> tuple[dict[Row, tuple[int, int]], list[int], Any] | None:
    """(rows, ids of the marks they cover, last refresh stamp) in one read transaction, or
    None while the table is empty. The marks are read first: what a mark stands for is in
    the rows computed after it."""
    if conn.execute(sa.select(ReportDailyCount.id).limit(1)).first() is None:
        return None
    marks = list(conn.execute(sa.select(ReportDirtyDay.id)).scalars())
    stamp = conn.execute(_stamp_query()).first()
    out: dict[Row, tuple[int, int]] = {}
    for stmt in _statements(conn.dialect.name):
        for *key, n, amount in conn.execute(stmt):
            out[tuple(key)] = (int(n), int(amount or 0))
    return out, marks, stamp


def _stamp_query() -> sa.Select[Any]:
    t = ReportRefresh
    return sa.select(t.refreshed_at, t.rows, t.duration_ms).where(t.name == NAME)


# Serialises concurrent refreshes (the worker and ``flask reports refresh``) on PostgreSQL;
# SQLite's write lock (``BEGIN IMMEDIATE`` outside requests) does the same there.
ADVISORY_LOCK = 0x5245504F5254  # "REPORT"


def refresh(now: datetime | None = None, *, full: bool = False) -> int:
    """Bring the aggregates up to date; the number of rows. Flushes, the caller commits
    (the job, the CLI): readers see the old or the new set, never half.

    Normally incremental: only the local days marked since the last run
    (``reports.marks``) are recomputed and their rows replaced, under the write lock, and
    the marks consumed; with no marks no aggregate row is touched and no case or referral
    read. Everything is recomputed (on its own connection first, the long part holding no
    write lock; then only the rows that changed are written) the first time, with
    ``full``, after a mark of every day or with more than ``MAX_DAYS`` days marked.

    Call it outside a transaction of the session (as the job and the CLI do)."""
    started = time.perf_counter()
    if not full and _incremental_is_enough():
        return _incremental(now, started)
    return _full(now, started)


def _incremental_is_enough() -> bool:
    """A look at the marks without the write lock: stamped and filled table, days few and
    named."""
    t = ReportDirtyDay
    with db.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
        if conn.execute(_stamp_query()).first() is None:
            return False  # never refreshed (or the stamp removed by hand)
        if conn.execute(sa.select(ReportDailyCount.id).limit(1)).first() is None:
            return False
        days, everything = conn.execute(
            sa.select(sa.func.count(sa.distinct(t.day)), sa.func.count() - sa.func.count(t.day))
        ).one()
    return not everything and days <= MAX_DAYS


def _lock() -> str:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK)))
    return dialect


def _incremental(now: datetime | None, started: float) -> int:
    dialect = _lock()
    t = ReportDailyCount
    # Consumed first, under the lock: a mark written from here on stays for the next run.
    marked = set(
        db.session.execute(sa.delete(ReportDirtyDay).returning(ReportDirtyDay.day)).scalars()
    )
    if db.session.scalar(sa.select(t.id).limit(1)) is None:
        return _first_refresh(now, started)
    state = db.session.get(ReportRefresh, NAME)
    rows = state.rows if state is not None else 0
    if None in marked or len(marked) > MAX_DAYS:  # marked meanwhile; rare
        found = _compute(db.session.connection())
        assert found is not None  # filled, under the lock
        return _write_all(found[0], now, started)
    days = sorted(d for d in marked if d is not None)
    # The rows written are counted from RETURNING: psycopg reports no row count for an
    # INSERT … SELECT.
    conn = db.session.connection()
    for i in range(0, len(days), 500):
        chunk = days[i : i + 500]
        rows -= rowcount(conn.execute(sa.delete(t).where(t.metric.in_(METRICS), t.day.in_(chunk))))
        for stmt in _statements(dialect, chunk):
            insert = sa.insert(t).from_select([*KEY, "n", "amount_cents"], stmt)
            rows += len(conn.execute(insert.returning(t.id)).all())
    _stamp(now, rows, started)
    return rows


def _full(now: datetime | None, started: float) -> int:
    with db.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
        found = _compute(conn)
    _lock()
    t = ReportDailyCount
    # Read under the lock: what another refresh committed meanwhile is seen here.
    if db.session.scalar(sa.select(t.id).limit(1)) is None:
        db.session.execute(sa.delete(ReportDirtyDay))
        return _first_refresh(now, started)
    if found is None or db.session.execute(_stamp_query()).first() != found[2]:
        # Another refresh wrote after this computation began: compute again, under the lock
        # (its rows may be newer than these, and it consumed marks these do not cover).
        with db.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
            found = _compute(conn)
        assert found is not None
    fresh, marks, _stamp_read = found
    for i in range(0, len(marks), 500):
        db.session.execute(
            sa.delete(ReportDirtyDay).where(ReportDirtyDay.id.in_(marks[i : i + 500]))
        )
    return _write_all(fresh, now, started)


def _write_all(fresh: dict[Row, tuple[int, int]], now: datetime | None, started: float) -> int:
    """Write the rows of a full computation: only those that changed."""
    t = ReportDailyCount
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
    write_row_changes(t, gone, changed, new)
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
