"""SQLite under several workers: a request that reads and then writes must not fail
because another worker committed in between (the login and audit pattern)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from wbagentur import create_app
from wbagentur.extensions import db


def _engine(tmp_path: Path, mode: str | None) -> tuple[Any, sa.Engine]:
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-0123456789abcdef0123",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shared.sqlite'}",
    }
    if mode is not None:
        config["SQLITE_BEGIN"] = mode
    app = create_app(config)
    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    return app, engine


def _read_then_write_while_other_commits(engine: sa.Engine) -> dict[str, str]:
    """Worker A reads, worker B writes and commits, then A writes: what each got."""
    outcome: dict[str, str] = {}
    a_has_read = threading.Event()
    b_committed = threading.Event()

    def worker_a() -> None:
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM notes").scalar()
                a_has_read.set()
                # B cannot commit while A holds the write lock (IMMEDIATE): give up waiting.
                b_committed.wait(timeout=1.0)
                conn.exec_driver_sql("INSERT INTO notes (body) VALUES ('a')")
            outcome["a"] = "ok"
        except sa.exc.OperationalError as exc:
            outcome["a"] = str(exc.orig)
        finally:
            a_has_read.set()

    def worker_b() -> None:
        a_has_read.wait(timeout=5)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO notes (body) VALUES ('b')")
            outcome["b"] = "ok"
        except sa.exc.OperationalError as exc:
            outcome["b"] = str(exc.orig)
        finally:
            b_committed.set()

    threads = [threading.Thread(target=worker_a), threading.Thread(target=worker_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    return outcome


def test_read_then_write_succeeds_while_another_worker_commits(tmp_path: Path) -> None:
    app, engine = _engine(tmp_path, mode=None)  # the shipped default
    assert app.config["SQLITE_BEGIN"] == "IMMEDIATE"
    outcome = _read_then_write_while_other_commits(engine)
    assert outcome == {"a": "ok", "b": "ok"}
    with engine.connect() as conn:
        assert sorted(conn.exec_driver_sql("SELECT body FROM notes").scalars()) == ["a", "b"]


def test_deferred_begin_loses_the_write_of_the_reader(tmp_path: Path) -> None:
    """Why the default is IMMEDIATE: SQLite cannot upgrade a stale read snapshot."""
    _app, engine = _engine(tmp_path, mode="DEFERRED")
    outcome = _read_then_write_while_other_commits(engine)
    assert outcome["b"] == "ok"
    assert "locked" in outcome["a"]


def test_unknown_begin_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SQLITE_BEGIN"):
        _engine(tmp_path, mode="SOMETIMES")


def _app_with_read_then_write_page(tmp_path: Path) -> tuple[Any, sa.Engine, dict[str, Any]]:
    """An app with a public GET page that reads, lets another worker commit a write, then
    writes itself – the pattern of an audited page view or a session refresh."""
    from flask import request

    from wbagentur.core.access import public

    app, engine = _engine(tmp_path, mode=None)
    state: dict[str, Any] = {"runs": [], "other": None}

    @public
    def read_then_write() -> str:
        conn = db.session.connection()
        conn.exec_driver_sql("SELECT count(*) FROM notes").scalar()
        state["runs"].append(request.environ.get("wbagentur.sqlite_begin"))
        if state["other"] is None:
            # Another worker writes and commits between our read and our write.
            with sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"]).connect() as other:
                other.exec_driver_sql("INSERT INTO notes (body) VALUES ('other')")
                other.commit()
            state["other"] = "committed"
        conn.exec_driver_sql("INSERT INTO notes (body) VALUES ('page')")
        db.session.commit()
        return "gespeichert"

    app.add_url_rule("/lesen-dann-schreiben", view_func=read_then_write)
    return app, engine, state


def test_safe_request_that_loses_the_write_lock_runs_again_with_it(tmp_path: Path) -> None:
    app, engine, state = _app_with_read_then_write_page(tmp_path)
    response = app.test_client().get("/lesen-dann-schreiben")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "gespeichert"
    assert "X-Wbagentur-Sqlite-Retry" not in response.headers
    # First run read without the lock and lost it; the second ran with BEGIN IMMEDIATE.
    assert state["runs"] == ["DEFERRED", "IMMEDIATE"]
    with engine.connect() as conn:
        assert sorted(conn.exec_driver_sql("SELECT body FROM notes").scalars()) == ["other", "page"]


def test_unsafe_requests_begin_with_the_write_lock(tmp_path: Path) -> None:
    app, _engine_ = _engine(tmp_path, mode=None)
    seen: list[str | None] = []

    from flask import request

    from wbagentur.core.access import public

    @public
    def note_begin_mode() -> str:
        db.session.connection().exec_driver_sql("SELECT 1")
        seen.append(request.environ.get("wbagentur.sqlite_begin"))
        return "ok"

    app.add_url_rule("/modus", view_func=note_begin_mode, methods=["GET", "POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.get("/modus")
    client.post("/modus")
    # GET reads first (deferred); POST is not marked and uses SQLITE_BEGIN (IMMEDIATE).
    assert seen == ["DEFERRED", None]


def test_response_marked_for_retry_does_not_load_the_user_again(
    tmp_path: Path, monkeypatch
) -> None:
    """The after-request hook must not refresh the session (a write) for a response that
    is thrown away: that write would meet the same lost lock and end as a 500."""
    from flask import Response

    from wbagentur.core import security
    from wbagentur.core.database import RETRY_HEADER

    app, _engine_ = _engine(tmp_path, mode=None)

    class Explodes:
        @property
        def is_authenticated(self) -> bool:
            raise AssertionError("current_user loaded for a discarded response")

    monkeypatch.setattr(security, "current_user", Explodes())
    with app.test_request_context("/"):
        marked = security.set_security_headers(Response("", 503, {RETRY_HEADER: "1"}))
        assert RETRY_HEADER in marked.headers
        with pytest.raises(AssertionError):
            security.set_security_headers(Response("ok", 200))
