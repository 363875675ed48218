"""The lease row is the lock between workers: of two workers exactly one runs a job, once
per interval, and a dead worker's lease is taken over after it expires."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.jobs import services
from wbagentur.jobs.models import JobLease

ROOT = Path(__file__).resolve().parents[2]
LEASE = timedelta(minutes=10)


def test_second_worker_cannot_claim_a_held_job(clean_app):
    now = utcnow()
    with clean_app.app_context():
        assert services.claim("test.job", "worker-a", LEASE, now) is True
        assert services.claim("test.job", "worker-b", LEASE, now) is False
        row = db.session.get(JobLease, "test.job")
        assert row.holder == "worker-a"


def test_finished_job_is_not_run_again_before_it_is_due(clean_app):
    now = utcnow()
    with clean_app.app_context():
        assert services.claim("test.job", "worker-a", LEASE, now)
        services.finish("test.job", "worker-a", now + timedelta(hours=1), "ok")
        assert services.claim("test.job", "worker-b", LEASE, now + timedelta(minutes=59)) is False
        assert services.claim("test.job", "worker-b", LEASE, now + timedelta(minutes=61)) is True


def test_lease_of_a_dead_worker_is_taken_over_after_it_expires(clean_app):
    now = utcnow()
    with clean_app.app_context():
        assert services.claim("test.job", "dead-worker", LEASE, now)
        assert services.claim("test.job", "worker-b", LEASE, now + LEASE) is False
        assert services.claim("test.job", "worker-b", LEASE, now + LEASE + timedelta(seconds=1))
        # The dead worker coming back cannot release the new holder's lease.
        services.finish("test.job", "dead-worker", now, "spät")
        assert db.session.get(JobLease, "test.job").holder == "worker-b"


def test_two_workers_at_the_same_moment_run_the_job_once(backend, tmp_path):
    """Two threads (two workers' connections) race for one job on a real database: the job
    body runs once, the other worker gets None."""
    from tests.conftest import database_url, make_app

    app = make_app(database_url(backend, tmp_path, f"lease_{os.getpid()}"))
    calls = []
    barrier = threading.Barrier(2)

    def slow_job() -> str:
        calls.append(threading.get_ident())
        time.sleep(0.3)
        return "ok"

    job = services.Job("test.race", slow_job, timedelta(hours=1), LEASE)
    results: dict[str, str | None] = {}

    def worker(name: str) -> None:
        with app.app_context():
            barrier.wait()
            results[name] = services.run_job(job, holder=name)

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("w1", "w2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    with app.app_context():
        row = db.session.get(JobLease, "test.race")
        runs = row.runs
        db.engine.dispose()
    assert len(calls) == 1
    assert sorted(results.values(), key=str) == [None, "ok"]
    assert runs == 1


def test_two_worker_processes_send_a_queued_mail_once(backend, tmp_path):
    """Two real ``flask worker --once`` processes started together: every job runs in one
    of them, and the queued mail lands once in the mailbox folder."""
    from tests.conftest import database_url, make_app
    from wbagentur.mail.services import queue_mail

    url = database_url(backend, tmp_path, f"procs_{os.getpid()}")
    app = make_app(url)
    with app.app_context():
        queue_mail("empfaenger@test.example", "Hallo", "Text", "test")
        db.session.commit()
        db.engine.dispose()
    mailbox = tmp_path / "postfach"
    env = {
        **os.environ,
        "FLASK_APP": "wbagentur",
        "WBAGENTUR_SQLALCHEMY_DATABASE_URI": url,
        "WBAGENTUR_SECRET_KEY": "worker-test-secret-" + "x" * 30,
        "WBAGENTUR_MAIL_BACKEND": "file",
        "WBAGENTUR_MAIL_FILE_DIR": str(mailbox),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "worker", "--once"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    with app.app_context():
        runs = dict(db.session.execute(sa.select(JobLease.name, JobLease.runs)).tuples().all())
        db.engine.dispose()
    assert runs["mail.send"] == 1
    assert runs["referrals.remind"] == 1
    assert runs["retention.run"] == 1
    assert len(list(mailbox.glob("*.eml"))) == 1
