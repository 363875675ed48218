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
