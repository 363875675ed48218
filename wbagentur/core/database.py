"""Engine settings that make SQLite behave like the production database."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from wbagentur.extensions import db


def configure_engines(app: Flask) -> None:
    """Apply the SQLite driver fixes: FK enforcement, WAL, busy timeout, real BEGIN.

    The pysqlite driver starts transactions lazily and breaks SAVEPOINTs; SQLAlchemy's
    SQLite dialect docs ("Serializable isolation / Savepoints / Transactional DDL")
    recommend taking over BEGIN ourselves.

    Transactions start with ``BEGIN IMMEDIATE``: almost every request writes something
    (audit entry of a viewed page, session refresh, login), and a deferred transaction
    that read first and then wants to write fails at once with "database is locked" when
    another worker committed in between – the busy timeout does not help there (SQLite
    cannot upgrade a stale read snapshot). Taking the write lock at BEGIN makes workers
    queue on the busy timeout instead: 8 of 10 simultaneous logins against gunicorn
    answered 503 before, 0 after (docs/performance.md, load test). Readers of other
    connections are not blocked (WAL). ``SQLITE_BEGIN = "DEFERRED"`` restores the old mode.
    """
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            return

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        begin = "BEGIN " + _begin_mode(app.config.get("SQLITE_BEGIN", "IMMEDIATE"))

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn: sa.Connection) -> None:
            conn.exec_driver_sql(begin)


def _begin_mode(value: str) -> str:
    mode = str(value).upper()
    if mode not in {"DEFERRED", "IMMEDIATE", "EXCLUSIVE"}:
        raise ValueError(f"SQLITE_BEGIN must be DEFERRED, IMMEDIATE or EXCLUSIVE, not {value!r}")
    return mode
