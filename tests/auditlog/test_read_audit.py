"""Reads are audited without a database write on the request path (issue #22).

``audit.record_read`` spools the entry; ``audit.ingest_reads`` (the worker) chains it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from tests.cases.conftest import create_case
from tests.factories import make_person
from wbagentur.core import audit
from wbagentur.core.audit import AuditEvent
from wbagentur.extensions import db

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def statements(app: Any) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends inside the block."""
    seen: list[str] = []

    def _log(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        seen.append(statement.lstrip().upper())

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", _log)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", _log)


def _views(app: Any, action: str = "case.view") -> list[tuple[int | None, int | None]]:
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(AuditEvent.actor_id, AuditEvent.object_id)
                .where(AuditEvent.action == action)
                .order_by(AuditEvent.id)
            ).tuples()
        )


def test_case_detail_get_sends_no_write_and_the_view_is_still_chained(
    client, clean_app, auth, make_user
):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        case = create_case(advisor)
        db.session.commit()
        case_id = case.id
    auth.login(advisor)
    client.get(f"/faelle/{case_id}")  # session refresh after the login is not this page's cost
    with statements(clean_app) as seen:
        response = client.get(f"/faelle/{case_id}")
    assert response.status_code == 200
    assert seen, "the listener saw the page's queries"
    assert [s for s in seen if s.startswith(WRITES)] == []
    assert not any("PG_ADVISORY" in s for s in seen)
    # Not in the chain yet, but in the spool: nothing is lost before the worker runs.
    assert _views(clean_app) == []
    runner = clean_app.test_cli_runner()
    waiting = runner.invoke(args=["audit", "verify"])
    assert "2 Lesezugriffe warten im Spool" in waiting.output
    ingested = runner.invoke(args=["audit", "ingest"])
    assert ingested.exit_code == 0
    assert "2 Lesezugriffe übernommen" in ingested.output
    with clean_app.app_context():
        assert audit.pending_reads() == 0
    assert _views(clean_app) == [(advisor.id, case_id), (advisor.id, case_id)]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Audit-Kette intakt" in result.output


def test_other_read_pages_send_no_write(client, clean_app, auth, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        person = make_person()  # lives in Suhl (Südwestthüringen)
        db.session.commit()
        person_id = person.id
    auth.login(advisor)
    client.get(f"/personen/{person_id}")
    with statements(clean_app) as seen:
        response = client.get(f"/personen/{person_id}")
    assert response.status_code == 200
    assert [s for s in seen if s.startswith(WRITES)] == []
    with clean_app.app_context():
        audit.ingest_reads()
    assert _views(clean_app, "person.view") == [(advisor.id, person_id)] * 2


def test_ingest_chains_in_batches_and_keeps_the_read_time(clean_app):
    actor = type("A", (), {"id": 7, "role": "advisor"})()
    with clean_app.app_context():
        audit.record(actor, "case.note", "case", 1)
        db.session.commit()
        for object_id in (1, 2, 3):
            audit.record_read(actor, "case.view", "case", object_id, via="test")
        assert audit.ingest_reads() == 3
        audit.record_read(actor, "case.view", "case", 4)
        assert audit.ingest_reads() == 1
        assert audit.ingest_reads() == 0
        events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.action, e.object_id) for e in events][-5:] == [
            ("case.note", 1),
            ("case.view", 1),
            ("case.view", 2),
            ("case.view", 3),
            ("case.view", 4),
        ]
        assert events[-4].details == '{"via": "test"}'
        assert all(e.at.tzinfo is not None for e in events)
        assert audit.verify_chain()[1] is None


def test_a_file_left_by_a_crashed_ingester_is_ingested_and_a_bad_line_skipped(clean_app, caplog):
    actor = type("A", (), {"id": 7, "role": "advisor"})()
    with clean_app.app_context():
        audit.record_read(actor, "case.view", "case", 5)
        spool = audit.spool_dir()
        (path,) = spool.glob("reads-*.jsonl")
        with open(path, "ab") as out:
            out.write(b'{"broken\n')
        os.replace(path, spool / "reads-old.abc.ingesting")  # renamed, then the crash
        audit.record_read(actor, "case.view", "case", 6)
        assert audit.ingest_reads() == 2
        assert sorted(o for _, o in _views_here()) == [5, 6]
        assert list(spool.iterdir()) == []
    assert "unlesbar" in caplog.text


def _views_here() -> list[tuple[int | None, int | None]]:
    return list(
        db.session.execute(
            sa.select(AuditEvent.actor_id, AuditEvent.object_id).where(
                AuditEvent.action == "case.view"
            )
        ).tuples()
    )


def test_no_read_is_lost_while_the_ingester_takes_files_away(clean_app):
    """Four writers spool 150 reads each while the ingester runs again and again."""
    writers, per_writer = 4, 150
    actor = type("A", (), {"id": 9, "role": "advisor"})()
    start = threading.Barrier(writers + 1)

    def _write(offset: int) -> None:
        with clean_app.app_context():
            start.wait()
            for n in range(per_writer):
                audit.record_read(actor, "case.view", "case", offset + n)

    threads = [threading.Thread(target=_write, args=(w * 1000,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    ingested = 0
    with clean_app.app_context():
        start.wait()
        while any(t.is_alive() for t in threads):
            ingested += audit.ingest_reads()
        for thread in threads:
            thread.join()
        ingested += audit.ingest_reads()
        ids = sorted(o for _, o in _views_here())
        assert audit.verify_chain()[1] is None
    assert ingested == writers * per_writer
    assert ids == sorted(w * 1000 + n for w in range(writers) for n in range(per_writer))


def test_admin_search_shows_reads_still_in_the_spool(client, clean_app, auth, make_user):
    admin = make_user("admin")
    actor = type("A", (), {"id": 4711, "role": "advisor"})()
    with clean_app.app_context():
        audit.record_read(actor, "case.view", "case", 424242)
    auth.login(admin)
    page = client.get("/verwaltung/protokoll", query_string={"object_id": "424242"})
    assert page.status_code == 200
    assert "case.view" in page.get_data(as_text=True)
