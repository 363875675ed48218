"""CLI: ``flask worker`` (the background jobs, APScheduler) and ``flask worker --once``."""

from __future__ import annotations

import logging
import signal
from typing import Any

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app

from wbagentur.core.audit import ingest_reads
from wbagentur.core.models import utcnow
from wbagentur.jobs import bp, services

logger = logging.getLogger(__name__)


@bp.cli.command("worker")
@click.option(
    "--once", is_flag=True, help="Nur einmal alle fälligen Aufgaben ausführen, dann enden."
)
def worker_command(once: bool) -> None:
    """Send the outbox, run referral reminders, retention and the ESF+ surveys on schedule.

    Run one worker per installation (more are safe: each job runs in one worker at a time,
    see docs/operations.md)."""
    holder = services.worker_name()
    if once:
        click.echo(f"{'audit.reads':<20} {ingest_reads()} Lesezugriffe übernommen")
        for name, result in services.run_due_jobs(holder).items():
            click.echo(f"{name:<20} {result if result is not None else 'nicht fällig/belegt'}")
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    scheduler = build_scheduler(app, holder)
    for job in scheduler.get_jobs():
        click.echo(f"{job.id:<20} {job.trigger}")

    def _stop(signum: int, frame: Any) -> None:
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, _stop)
    click.echo(f"Hintergrund-Aufgaben laufen ({holder}); Strg+C beendet.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


def build_scheduler(app: Flask, holder: str) -> BlockingScheduler:
    """An APScheduler that wakes every job at its interval (at most ``WORKER_POLL_SECONDS``
    apart) and at start; ``services.run_job`` then lets the database decide whether it runs.
    ``max_instances=1`` and ``coalesce`` keep a slow run from piling up in this process."""
    poll = int(app.config.get("WORKER_POLL_SECONDS", 60))
    scheduler = BlockingScheduler(timezone="UTC")

    def _run(job: services.Job) -> None:
        with app.app_context():
            services.run_job(job, holder)

    with app.app_context():
        jobs = services.registered_jobs()
    for job in jobs:
        scheduler.add_job(
            _run,
            "interval",
            seconds=max(1, min(int(job.interval.total_seconds()), poll)),
            args=(job,),
            id=job.name,
            max_instances=1,
            coalesce=True,
            next_run_time=utcnow(),  # first run at start
        )

    # Not a leased job: every host's worker moves the reads spooled on that host into the
    # audit chain (the database lock of ``append_entries`` orders concurrent appends).
    def _ingest() -> None:
        with app.app_context():
            try:
                ingest_reads()
            except Exception:
                logger.exception("Lesezugriffe nicht ins Audit-Protokoll übernommen")

    scheduler.add_job(
        _ingest,
        "interval",
        seconds=max(1, int(app.config.get("AUDIT_INGEST_SECONDS", 5))),
        id="audit.reads",
        max_instances=1,
        coalesce=True,
        next_run_time=utcnow(),
    )
    return scheduler
