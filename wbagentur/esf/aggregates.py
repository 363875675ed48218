"""Maintained counts of the ESF+ indicators (issue #22): the overview ``/uebersicht/esf``
sums ``esf_indicator_counts`` instead of reading every participation of the period.

``refresh`` counts every participation once with the rules of the live computation
(``services.participating_cases`` for short counselling, ``rules.entry_keys`` /
``rules.result_keys``, ``rules.gender_column``): entry keys on the entry date, result keys
on the exit date, per region, as a row per **day** and a row per **month**. A period of
whole days is then the sum of the month rows of its whole months and the day rows of the
days before and after them (at most about 60 day rows per region and key), so a view
costs the same at any number of participations and equals ``services.indicator_counts``
(``tests/esf/test_aggregates.py``). The worker runs it (job ``esf.indicators``), as does
``flask esf indicators``; the page shows when (``refreshed_at``, "Stand"). Until the first
refresh the page counts live. A change of the ``ESF_SHORT_COUNSELLING_*`` settings shows
at the next refresh.

The per-participant monitoring export (``services.export_rows``) stays live: it is a file
of rows, not counts.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from wbagentur.cases.models import Case
from wbagentur.core.models import utcnow, write_row_changes
from wbagentur.esf import rules, services
from wbagentur.esf.models import EsfIndicatorCount, EsfIndicatorRefresh, EsfParticipation
from wbagentur.extensions import db

NAME = "esf_indicator_counts"
# Serialises concurrent refreshes (two workers, the CLI) on PostgreSQL.
ADVISORY_LOCK = 0x4553465F494E44  # "ESF_IND"
Cell = tuple[int, str, date, str, str]  # region, grain, day, key, gender


def compute() -> Counter[Cell]:
    """Every count, from the participations: (region, grain, day, key, gender) → n.

    On its own connection in one read transaction (SQLite: ``BEGIN DEFERRED``, so the
    computation holds no write lock, as in ``reports.aggregates``)."""
    e = EsfParticipation
    with db.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
        rows = conn.execute(
            sa.select(e.case_id, Case.region_id, *services.RECORD_COLUMNS).join(
                Case, Case.id == e.case_id
            )
        ).all()
        counted = services.participating_cases(
            (row[0] for row in rows),
            among=sa.select(e.case_id).scalar_subquery(),
            execute=conn.execute,
        )
    out: Counter[Cell] = Counter()
    for case_id, region_id, *values in rows:
        if case_id not in counted:
            continue  # short counselling: no ESF+ participation
        record = rules.Record(*values)
        gender = rules.gender_column(record)
        buckets = [(record.entry_date, rules.entry_keys(record))]
        if record.exit_date is not None:
            buckets.append((record.exit_date, rules.result_keys(record)))
        for day, keys in buckets:
            month = day.replace(day=1)
            for key in keys:
                out[(region_id, "day", day, key, gender)] += 1
                out[(region_id, "month", month, key, gender)] += 1
    return out


def refresh(now: datetime | None = None) -> int:
    """Recompute the counts and write only what changed; the number of rows. Flushes, the
    caller commits (the job, the CLI), so readers see the old or the new set."""
    started = time.perf_counter()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK)))
    fresh = compute()
    t = EsfIndicatorCount
    existing = {
        (region_id, grain, day, key, gender): (row_id, n)
        for row_id, region_id, grain, day, key, gender, n in db.session.execute(
            sa.select(t.id, t.region_id, t.grain, t.day, t.key, t.gender, t.n)
        )
    }
    gone = [row_id for cell, (row_id, _n) in existing.items() if cell not in fresh]
    changed = [
        {"id": existing[cell][0], "n": n}
        for cell, n in fresh.items()
        if cell in existing and existing[cell][1] != n
    ]
    new = [
        {"region_id": r, "grain": g, "day": d, "key": k, "gender": s, "n": n}
        for (r, g, d, k, s), n in fresh.items()
        if (r, g, d, k, s) not in existing
    ]
    write_row_changes(t, gone, changed, new)
    state = db.session.get(EsfIndicatorRefresh, NAME) or EsfIndicatorRefresh(name=NAME)
    state.refreshed_at = now or utcnow()
    state.rows = len(fresh)
    state.duration_ms = int((time.perf_counter() - started) * 1000)
    db.session.add(state)
    db.session.flush()
    return len(fresh)


def refreshed_at() -> datetime | None:
    """When the counts were last computed; None = never (the page counts live)."""
    return db.session.scalar(
        sa.select(EsfIndicatorRefresh.refreshed_at).where(EsfIndicatorRefresh.name == NAME)
    )


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def ranges(start: date, end: date) -> list[tuple[str, date, date]]:
    """(grain, first, last) whose rows make up the period ``start``–``end``: the whole
    months as month rows, the days before and after them as day rows."""
    if start > end:
        return []
    first_month = start if start.day == 1 else _next_month(start)
    after_months = (
        _next_month(end) if _next_month(end) - timedelta(days=1) == end else end.replace(day=1)
    )
    if first_month >= after_months:
        return [("day", start, end)]
    out = [("month", first_month, after_months - timedelta(days=1))]
    if start < first_month:
        out.append(("day", start, first_month - timedelta(days=1)))
    if after_months <= end:
        out.append(("day", after_months, end))
    return out


def indicator_counts(region_id: int | None, start: date, end: date) -> dict[str, Counter[str]]:
    """What ``services.indicator_counts`` counts, from the maintained rows (as of
    ``refreshed_at``); region None = all regions."""
    periods = ranges(start, end)
    if not periods:
        return {}
    t = EsfIndicatorCount
    stmt = sa.select(t.key, t.gender, sa.func.sum(t.n)).where(
        sa.or_(
            *(
                sa.and_(t.grain == grain, t.day >= first, t.day <= last)
                for grain, first, last in periods
            )
        )
    )
    if region_id is not None:
        stmt = stmt.where(t.region_id == region_id)
    out: dict[str, Counter[str]] = {}
    for key, gender, n in db.session.execute(stmt.group_by(t.key, t.gender)):
        if n:
            counter = out.setdefault(key, Counter())
            counter[gender] += int(n)
            counter["total"] += int(n)
    return out


def current_counts(
    region_id: int | None, start: date, end: date
) -> tuple[dict[str, Counter[str]], datetime | None]:
    """The indicators of the overview and when they were computed: from the maintained
    rows once they exist, else live (``as_of`` None)."""
    as_of = refreshed_at()
    if as_of is None:
        return services.indicator_counts(region_id, start, end), None
    return indicator_counts(region_id, start, end), as_of
