"""Computed results kept in the database under a deterministic key (issue #22), so every
app server finds what another one computed:

* the rendered monthly report PDF, keyed by the sha256 of its HTML and stylesheets: the
  same figures give the same HTML, so a repeated download is not rendered again, and any
  changed figure (a refresh of the aggregates, a case closed "today") gives a new key;
* the supported-SME counts of the ESF+ overview (distinct firms over a period, not
  additive per day), keyed by regions, period and the refresh time of the ESF+
  indicators; the worker computes those of the default period after each refresh
  (``prewarm_esf``), other periods are counted live;
* the answer-time medians per partner of the dashboards and the monthly report (not
  additive per day), keyed by regions, period and the refresh time of the dashboards'
  aggregates; the worker computes those of the default period and of the last complete
  month after each refresh (``prewarm_medians``), other views compute them live; the same
  for the cases whose funding check found each programme eligible (kind ``checks``);
* the case load and overdue counts per region and advisor (kind ``workload``,
  ``reports.workload``), counted after each refresh.

Rows older than ``MAX_AGE`` are removed when a row of the same kind is stored and by the
worker (``prune``, job ``esf.indicators``): a PDF names advisors (the case-load table), so it
is kept no longer than a day (privacy/classification.py, rule ``report_cache``).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from wbagentur.core.models import utcnow
from wbagentur.extensions import db

MAX_AGE = timedelta(days=1)


class ReportCache(db.Model):  # type: ignore[name-defined]
    """One computed result (``kind`` pdf or esf-sme) under the sha256 ``key`` of its inputs."""

    __tablename__ = "report_cache"
    __table_args__ = (sa.Index("ix_report_cache_created_at", "created_at"),)

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime]
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)


def key_for(kind: str, *parts: str | bytes) -> str:
    digest = hashlib.sha256(kind.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))  # unambiguous concatenation
        digest.update(data)
    return digest.hexdigest()


def get(key: str) -> bytes | None:
    return db.session.scalar(sa.select(ReportCache.body).where(ReportCache.key == key))


def put(key: str, kind: str, body: bytes, now: datetime | None = None) -> None:
    """Store ``body`` (flush only; the caller commits). Another server may have stored the
    same key meanwhile: then its row stays (same inputs, same result)."""
    now = now or utcnow()
    db.session.execute(
        sa.delete(ReportCache).where(
            ReportCache.kind == kind, ReportCache.created_at < now - MAX_AGE
        )
    )
    values = {"key": key, "kind": kind, "created_at": now, "body": body}
    if db.session.get_bind().dialect.name == "postgresql":
        stmt: sa.Insert = postgresql.insert(ReportCache).values(values).on_conflict_do_nothing()
    else:
        stmt = sqlite.insert(ReportCache).values(values).on_conflict_do_nothing()
    db.session.execute(stmt)


def prune(now: datetime | None = None) -> int:
    """Remove every row older than ``MAX_AGE`` (the job ``esf.indicators`` calls it);
    flushes, the caller commits. The number of rows removed."""
    cutoff = (now or utcnow()) - MAX_AGE
    result = db.session.execute(sa.delete(ReportCache).where(ReportCache.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


# ---------------------------------------------------------------- monthly report PDF


def pdf_key(html: str, *stylesheets: str) -> str:
    return key_for("pdf", *stylesheets, html)


# ---------------------------------------------------------------- ESF+ supported SMEs


def esf_sme_key(region_ids: tuple[int, ...], start: date, end: date, as_of: datetime) -> str:
    regions = ",".join(str(i) for i in sorted(region_ids))
    return key_for("esf-sme", regions, start.isoformat(), end.isoformat(), as_of.isoformat())


def esf_sme_get(key: str) -> Counter[str] | None:
    body = get(key)
    return None if body is None else Counter(json.loads(body))


def esf_sme_put(key: str, counts: Counter[str]) -> None:
    put(key, "esf-sme", json.dumps(dict(counts), sort_keys=True).encode())


# ---------------------------------------------------------------- answer-time medians


def median_key(region_ids: tuple[int, ...], start: date, end: date, as_of: datetime) -> str:
    regions = ",".join(str(i) for i in sorted(region_ids))
    return key_for("median", regions, start.isoformat(), end.isoformat(), as_of.isoformat())


def medians_get(key: str) -> dict[int, float] | None:
    body = get(key)
    return None if body is None else {int(k): float(v) for k, v in json.loads(body).items()}


def medians_put(key: str, medians: dict[int, float]) -> None:
    put(key, "median", json.dumps({str(k): v for k, v in sorted(medians.items())}).encode())


# ---------------------------------------------------------------- checked programmes


def checks_key(region_ids: tuple[int, ...], start: date, end: date, as_of: datetime) -> str:
    regions = ",".join(str(i) for i in sorted(region_ids))
    return key_for("checks", regions, start.isoformat(), end.isoformat(), as_of.isoformat())


def counts_get(key: str) -> dict[str, int] | None:
    body = get(key)
    return None if body is None else {str(k): int(v) for k, v in json.loads(body).items()}


def counts_put(key: str, kind: str, counts: dict[str, int]) -> None:
    put(key, kind, json.dumps(counts, sort_keys=True).encode())
