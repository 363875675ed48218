"""The background jobs, their lease (the lock between workers) and one scheduler tick.

A job is a plain function that does its work, commits, and returns a short summary. The
scheduler (``flask worker``, APScheduler) only wakes a worker up; whether the job runs is
decided by the database: ``claim`` sets the lease with one conditional UPDATE (due, and no
live lease), so of two workers exactly one wins, and the winner moves ``due_at`` one
interval ahead when it finishes. It is a job, not a request: like ``send_pending`` it
commits.
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.jobs.models import JobLease

logger = logging.getLogger(__name__)

# Seconds between two runs of a job, overridable per job with WORKER_INTERVALS.
DEFAULT_INTERVALS = {
    "mail.send": 30,
    "referrals.remind": 3600,
    "retention.run": 86400,
    "esf.surveys": 3600,
    "imports.cleanup": 3600,
    "reports.refresh": 300,
    "esf.indicators": 300,
}
# How long a worker may hold a job before another may take it over (a dead worker).
LEASES = {
    "mail.send": 600,
    "referrals.remind": 1800,
    "retention.run": 3600,
    "esf.surveys": 1800,
    "imports.cleanup": 600,
    "reports.refresh": 600,
    "esf.indicators": 600,
}
# A failed run is tried again after at most this long (not a whole day later).
RETRY_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], str]
    interval: timedelta
    lease: timedelta


def _send_mail() -> str:
    from wbagentur.mail.services import send_pending

    report = send_pending(limit=100)
    return f"gesendet {report.sent}, fehlgeschlagen {report.failed}"


def _referral_reminders() -> str:
    from wbagentur.referrals.reminders import run_reminders

    counts = run_reminders()
    db.session.commit()
    return ", ".join(f"{key} {value}" for key, value in counts.items())


def _retention() -> str:
    from wbagentur.retention.services import remove_files, run_retention

    report = run_retention()
    db.session.commit()
    removed = remove_files(report)
    return f"{sum(report.counts.values())} Datensätze, {removed} Dateien"


def _import_cleanup() -> str:
    from wbagentur.imports.services import remove_stale_uploads

    return f"{remove_stale_uploads()} Dateien"


def _refresh_reports() -> str:
    from flask import current_app

    from wbagentur.core.timezone import local_today
    from wbagentur.reports.aggregates import refresh
    from wbagentur.reports.services import prewarm_after_refresh

    rows = refresh()
    db.session.commit()
    prewarm_after_refresh(local_today(), current_app.config)
    db.session.commit()
    return f"{rows} Zeilen"


def _refresh_esf_indicators() -> str:
    from wbagentur.core.timezone import local_today
    from wbagentur.esf.aggregates import refresh
    from wbagentur.reports.services import prewarm_esf

    rows = refresh()
    db.session.commit()
    prewarm_esf(local_today())
    db.session.commit()
    return f"{rows} Zeilen"


def esf_survey_function() -> Callable[[], object] | None:
    """The ESF+ module's survey schedule (``send_due_surveys``, also ``flask esf surveys``),
    when the installation has that module; otherwise the worker skips the job."""
    try:
        esf_services = importlib.import_module("wbagentur.esf.services")
    except ImportError:
        return None
    function = getattr(esf_services, "send_due_surveys", None)
    return function if callable(function) else None


def _esf_surveys() -> str:
    function = esf_survey_function()
    if function is None:
        return "übersprungen"
    result = function()
    db.session.commit()
    return str(result)[:150]


def registered_jobs() -> list[Job]:
    """Every job the worker runs, with the intervals of the configuration."""
    intervals = {**DEFAULT_INTERVALS, **(current_app.config.get("WORKER_INTERVALS") or {})}
    runs: dict[str, Callable[[], str]] = {
        "mail.send": _send_mail,
        "referrals.remind": _referral_reminders,
        "retention.run": _retention,
        "imports.cleanup": _import_cleanup,
        "reports.refresh": _refresh_reports,
    }
    if esf_survey_function() is not None:
        runs["esf.surveys"] = _esf_surveys
        runs["esf.indicators"] = _refresh_esf_indicators
    return [
        Job(
            name,
            run,
            timedelta(seconds=int(intervals[name])),
            timedelta(seconds=LEASES[name]),
        )
        for name, run in runs.items()
    ]


def worker_name() -> str:
    """Host and process id: what ``job_leases.holder`` shows of a running worker."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _ensure_row(name: str, now: datetime) -> None:
    if db.session.get(JobLease, name) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(JobLease(name=name, due_at=now))
    except IntegrityError:
        pass  # another worker inserted it at the same moment
    db.session.commit()


def claim(name: str, holder: str, lease: timedelta, now: datetime | None = None) -> bool:
    """Take the job's lease if it is due and nobody holds a live lease; True if taken.

    One UPDATE with the whole condition in its WHERE clause: SQLite runs writers one at a
    time and PostgreSQL re-checks the condition after waiting for the row lock, so two
    workers can never both get rowcount 1."""
    now = now or utcnow()
    _ensure_row(name, now)
    row = db.session.execute(
        sa.select(JobLease.due_at, JobLease.lease_until).where(JobLease.name == name)
    ).one()
    if row.due_at > now or (row.lease_until is not None and row.lease_until >= now):
        db.session.commit()
        return False  # a plain read: no write lock on SQLite while nothing is due
    result = db.session.execute(
        sa.update(JobLease)
        .where(
            JobLease.name == name,
            JobLease.due_at <= now,
            sa.or_(JobLease.lease_until.is_(None), JobLease.lease_until < now),
        )
        .values(holder=holder, lease_until=now + lease, last_started_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def finish(name: str, holder: str, next_due: datetime, result: str) -> None:
    """Give the lease back and set when the job is due next (only the holder may)."""
    now = utcnow()
    db.session.execute(
        sa.update(JobLease)
        .where(JobLease.name == name, JobLease.holder == holder)
        .values(
            holder=None,
            lease_until=None,
            due_at=next_due,
            last_finished_at=now,
            last_result=result[:200],
            runs=JobLease.runs + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def run_job(job: Job, holder: str | None = None, now: datetime | None = None) -> str | None:
    """Run ``job`` if this worker wins its lease; the summary, or None when not run."""
    holder = holder or worker_name()
    now = now or utcnow()
    if not claim(job.name, holder, job.lease, now):
        return None
    try:
        result = job.run()
    except Exception as exc:  # noqa: BLE001 - a failing job must not stop the worker
        db.session.rollback()
        logger.exception("job %s failed", job.name)
        result = f"Fehler: {type(exc).__name__}"
        finish(job.name, holder, utcnow() + min(job.interval, RETRY_AFTER), result)
        return result
    finish(job.name, holder, utcnow() + job.interval, result)
    logger.info("job %s: %s", job.name, result)
    return result


def run_due_jobs(holder: str | None = None, now: datetime | None = None) -> dict[str, str | None]:
    """One tick: every job that is due and free runs once (``flask worker --once``)."""
    return {job.name: run_job(job, holder, now) for job in registered_jobs()}
