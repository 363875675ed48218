"""Every job is called by the scheduler tick, once per interval; a failing job does not stop
the others and is tried again soon; ``flask worker`` builds one APScheduler job each."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from wbagentur.jobs import services
from wbagentur.jobs.commands import build_scheduler

pytestmark = pytest.mark.usefixtures("fixed_clock")


@pytest.fixture
def calls(monkeypatch):
    """Replace each job's service with a recorder (the services have their own tests)."""
    import wbagentur.mail.services as mail
    import wbagentur.referrals.reminders as referrals
    import wbagentur.retention.services as retention

    seen: list[str] = []

    def record(name, result):
        def _f(*args, **kwargs):
            seen.append(name)
            return result

        return _f

    monkeypatch.setattr(mail, "send_pending", record("mail", SimpleNamespace(sent=0, failed=0)))
    monkeypatch.setattr(referrals, "run_reminders", record("remind", {"reminded": 0}))
    monkeypatch.setattr(
        retention, "run_retention", record("retention", SimpleNamespace(counts={}, files=[]))
    )
    monkeypatch.setattr(retention, "remove_files", lambda report: 0)
    monkeypatch.setattr(services, "esf_survey_function", lambda: record("esf", "esf ok"))
    monkeypatch.setattr(services, "_import_cleanup", record("cleanup", "0 Dateien"))
    monkeypatch.setattr(services, "_refresh_reports", record("reports", "0 Zeilen"))
    monkeypatch.setattr(services, "_refresh_esf_indicators", record("esf-indicators", "0 Zeilen"))
    return seen


# What each job records in ``calls``, sorted: a tick that finds every job due runs these.
EVERY_JOB = ["cleanup", "esf", "esf-indicators", "mail", "remind", "reports", "retention"]


def test_one_tick_calls_every_job_once(clean_app, calls):
    with clean_app.app_context():
        results = services.run_due_jobs("worker-a")
    assert sorted(calls) == EVERY_JOB
    assert set(results) == {
        "esf.indicators",
        "mail.send",
        "referrals.remind",
        "retention.run",
        "esf.surveys",
        "imports.cleanup",
        "reports.refresh",
    }
    assert all(r is not None for r in results.values())


def test_second_tick_runs_only_what_is_due_again(clean_app, calls, fixed_clock):
    with clean_app.app_context():
        services.run_due_jobs("worker-a")
        calls.clear()
        services.run_due_jobs("worker-b")
        assert calls == []
        fixed_clock.shift(timedelta(seconds=31))
        services.run_due_jobs("worker-b")
        assert calls == ["mail"]
        fixed_clock.shift(timedelta(hours=1))
        calls.clear()
        services.run_due_jobs("worker-a")
        assert sorted(calls) == ["cleanup", "esf", "esf-indicators", "mail", "remind", "reports"]
        fixed_clock.shift(timedelta(days=1))
        calls.clear()
        services.run_due_jobs("worker-a")
        assert sorted(calls) == EVERY_JOB


def test_failing_job_does_not_stop_the_others_and_is_retried_soon(
    clean_app, calls, monkeypatch, fixed_clock
):
    import wbagentur.referrals.reminders as referrals

    def broken(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(referrals, "run_reminders", broken)
    with clean_app.app_context():
        results = services.run_due_jobs("worker-a")
        assert results["referrals.remind"] == "Fehler: RuntimeError"
        assert "mail" in calls
        assert "retention" in calls
        fixed_clock.shift(services.RETRY_AFTER + timedelta(seconds=1))
        monkeypatch.setattr(referrals, "run_reminders", lambda: {"reminded": 1})
        assert services.run_due_jobs("worker-a")["referrals.remind"] == "reminded 1"


def test_esf_job_is_skipped_without_the_esf_module(clean_app, calls, monkeypatch):
    monkeypatch.setattr(services, "esf_survey_function", lambda: None)
    with clean_app.app_context():
        results = services.run_due_jobs("worker-a")
    assert "esf.surveys" not in results
    assert "esf.indicators" not in results


def test_worker_schedules_each_job_with_apscheduler(clean_app, calls):
    scheduler = build_scheduler(clean_app, "worker-a")
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {
        "mail.send",
        "referrals.remind",
        "retention.run",
        "esf.surveys",
        "esf.indicators",
        "imports.cleanup",
        "reports.refresh",
        "audit.reads",
    }
    # Woken at most WORKER_POLL_SECONDS apart; the database decides whether each runs.
    assert jobs["mail.send"].trigger.interval == timedelta(seconds=30)
    assert jobs["retention.run"].trigger.interval == timedelta(seconds=60)
    assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())
    # Spooled reads are chained every AUDIT_INGEST_SECONDS on every host (no lease).
    assert jobs["audit.reads"].trigger.interval == timedelta(seconds=5)
    # The scheduler's call runs the job (here: the whole tick, one job after the other).
    for job in jobs.values():
        job.func(*job.args)
    assert sorted(calls) == EVERY_JOB


def test_worker_once_command_reports_each_job(clean_app, calls):
    result = clean_app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "mail.send" in result.output
    assert "retention.run" in result.output
    again = clean_app.test_cli_runner().invoke(args=["worker", "--once"])
    assert "nicht fällig/belegt" in again.output
