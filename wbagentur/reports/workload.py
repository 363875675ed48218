"""The dashboards' "today" figures (issue #22): open cases per advisor by age and without
contact, and cases with overdue follow-ups or referrals per advisor.

They depend on the current time, not on a period, so the daily aggregates cannot hold them.
Counted live they read every open case and every overdue item of the regions (at 1,000,000
cases about 190 ms for one region and 390 ms for all four on PostgreSQL, most of the
dashboards' time). So the worker counts them after each refresh of the aggregates (job
``reports.refresh``, ``flask reports refresh``, ``flask bench generate``), as of the refresh
time, one snapshot per region in ``report_cache`` (kind ``workload``, keyed by region,
refresh time and the no-contact threshold), and the dashboards read the snapshots under the
page's "Stand". A view by advisor, a region without a snapshot (a refresh just finished,
the worker not yet run) or a snapshot older than the cache keeps (a day) count live.

No names: region and user ids and counts only.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from wbagentur.cases.queries import AGE_BUCKETS
from wbagentur.extensions import db
from wbagentur.regions.models import Region
from wbagentur.reports import aggregates, cache, queries
from wbagentur.reports.queries import ReportScope

Key = tuple[int, int | None]  # (region id, user id or None for "not assigned")


@dataclass
class LoadRow:
    """Open cases of one advisor (or none) in one region: total, per age bucket (in the
    order of ``AGE_BUCKETS``) and without contact for ``no_contact_days``."""

    region_id: int
    assigned_to_id: int | None
    total: int
    buckets: list[int]
    no_contact: int


@dataclass
class Workload:
    """The case load and the overdue counts of the regions in scope, as of ``as_of``
    (None: counted now)."""

    load: list[LoadRow] = field(default_factory=list)
    # Cases with overdue open follow-ups per (region, follow-up assignee).
    follow_ups: dict[Key, int] = field(default_factory=dict)
    # Cases with overdue follow-ups per region (a case counts once, whoever its follow-ups').
    follow_up_cases: dict[int, int] = field(default_factory=dict)
    # Cases with overdue referrals per (region, case assignee).
    referrals: dict[Key, int] = field(default_factory=dict)
    as_of: datetime | None = None


PARTS = ("load", "overdue")


def count(scope: ReportScope, parts: tuple[str, ...] = PARTS) -> Workload:
    """Count now: the case load (one ``GROUP BY`` over the open cases) and the overdue
    counts (three over the overdue items), or only those ``parts``."""
    result = Workload()
    if "load" in parts:
        _count_load(scope, result)
    if "overdue" in parts:
        _count_overdue(scope, result)
    return result


def _count_load(scope: ReportScope, result: Workload) -> None:
    for r in db.session.execute(queries.caseload(scope)):
        result.load.append(
            LoadRow(
                r.region_id,
                r.assigned_to_id,
                int(r.total),
                [int(getattr(r, b) or 0) for b in AGE_BUCKETS],
                int(r.no_contact or 0),
            )
        )


def _count_overdue(scope: ReportScope, result: Workload) -> None:
    result.follow_ups = {
        (r[0], r[1]): int(r[2]) for r in db.session.execute(queries.overdue_follow_ups(scope))
    }
    result.follow_up_cases = {
        r[0]: int(r[1]) for r in db.session.execute(queries.overdue_follow_up_cases(scope))
    }
    result.referrals = {
        (r[0], r[1]): int(r[2]) for r in db.session.execute(queries.overdue_referrals(scope))
    }


def _key(region_id: int, as_of: datetime, no_contact_days: int) -> str:
    return cache.key_for("workload", str(region_id), as_of.isoformat(), str(no_contact_days))


def _encode(w: Workload) -> bytes:
    return json.dumps(
        {
            "load": [
                [r.region_id, r.assigned_to_id, r.total, r.buckets, r.no_contact] for r in w.load
            ],
            "follow_ups": [[k[0], k[1], n] for k, n in sorted(w.follow_ups.items(), key=str)],
            "follow_up_cases": [[k, n] for k, n in sorted(w.follow_up_cases.items())],
            "referrals": [[k[0], k[1], n] for k, n in sorted(w.referrals.items(), key=str)],
        },
        sort_keys=True,
    ).encode()


def _decode(body: bytes, into: Workload) -> None:
    data = json.loads(body)
    into.load.extend(LoadRow(a, b, c, list(d), e) for a, b, c, d, e in data["load"])
    into.follow_ups.update({(a, b): n for a, b, n in data["follow_ups"]})
    into.follow_up_cases.update({a: n for a, n in data["follow_up_cases"]})
    into.referrals.update({(a, b): n for a, b, n in data["referrals"]})


def for_scope(
    scope: ReportScope, as_of: datetime | None, parts: tuple[str, ...] = PARTS
) -> Workload:
    """The snapshots of the regions in scope taken at ``as_of`` (the refresh the page
    shows), or ``parts`` counted now when a view by advisor asks or a region's snapshot is
    missing."""
    if as_of is not None and scope.advisor_id is None:
        bodies = list(
            db.session.scalars(
                sa.select(cache.ReportCache.body).where(
                    cache.ReportCache.key.in_(
                        [_key(r, as_of, scope.no_contact_days) for r in scope.region_ids]
                    )
                )
            )
        )
        if len(bodies) == len(scope.region_ids):
            result = Workload(as_of=as_of)
            for body in bodies:
                _decode(body, result)
            return result
    return count(scope, parts)


def prewarm(today: date, no_contact_days: int) -> int:
    """After a refresh of the aggregates: count every region's workload as of the refresh
    time and store it for the dashboards (flushes, the caller commits). The number of
    snapshots."""
    as_of = aggregates.refreshed_at()
    if as_of is None:
        return 0
    region_ids = tuple(db.session.scalars(sa.select(Region.id).order_by(Region.id)))
    if not region_ids:
        return 0
    scope = ReportScope(
        region_ids=region_ids,
        date_from=today,
        date_to=today,
        now=as_of,
        no_contact_days=no_contact_days,
    )
    counted = count(scope)
    per_region: dict[int, Workload] = defaultdict(Workload)
    for row in counted.load:
        per_region[row.region_id].load.append(row)
    for (region_id, user_id), n in counted.follow_ups.items():
        per_region[region_id].follow_ups[(region_id, user_id)] = n
    for region_id, n in counted.follow_up_cases.items():
        per_region[region_id].follow_up_cases[region_id] = n
    for (region_id, user_id), n in counted.referrals.items():
        per_region[region_id].referrals[(region_id, user_id)] = n
    keys = [_key(region_id, as_of, no_contact_days) for region_id in region_ids]
    # Only the newest snapshots are read: the older ones go (a page that read the previous
    # refresh time meanwhile counts live).
    db.session.execute(
        sa.delete(cache.ReportCache).where(
            cache.ReportCache.kind == "workload", cache.ReportCache.key.not_in(keys)
        )
    )
    for region_id, key in zip(region_ids, keys, strict=True):
        cache.put(key, "workload", _encode(per_region[region_id]))
    return len(region_ids)
