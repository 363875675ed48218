"""Maintained aggregates of the dashboards (issue #22): counts per region and local day,
refreshed by the worker (job ``reports.refresh``) and ``flask reports refresh``.

No personal data: region, day, codes (channel, outcome, stage, programme) and partner or
region ids. ``prev_day`` makes counts of *distinct cases* over any period exact: a row
holds the referrals of one day whose previous referral of the same case (to the same
partner, programme or region, at the same stage) was sent on ``prev_day``; a case counts in
a period from ``a`` only in the row whose ``prev_day`` is empty or before ``a``
(``reports.aggregates``).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wbagentur.extensions import db


class ReportDailyCount(db.Model):  # type: ignore[name-defined]
    """One aggregated count: ``metric`` (opened, closed, funnel, programme, xref) of a
    region on a local (Thuringian) day."""

    __tablename__ = "report_daily_counts"
    __table_args__ = (sa.Index("ix_report_daily_counts_metric_day", "metric", "day", "region_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(sa.String(20))
    region_id: Mapped[int]
    day: Mapped[date]
    prev_day: Mapped[date | None]
    code: Mapped[str] = mapped_column(sa.String(40), default="")
    stage: Mapped[str] = mapped_column(sa.String(20), default="")
    key_id: Mapped[int | None]
    n: Mapped[int] = mapped_column(default=0)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class ReportDirtyDay(db.Model):  # type: ignore[name-defined]
    """A local day whose aggregates a change since the last refresh may have altered, written
    in the transaction of the change (``reports.marks``) and consumed by the next refresh.
    No day: every day (a change whose rows could not be told, or a bulk load)."""

    __tablename__ = "report_dirty_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date | None]


class ReportRefresh(db.Model):  # type: ignore[name-defined]
    """When an aggregate was last computed (what the pages show as "Stand")."""

    __tablename__ = "report_refreshes"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    refreshed_at: Mapped[datetime]
    rows: Mapped[int] = mapped_column(default=0)
    duration_ms: Mapped[int] = mapped_column(default=0)
