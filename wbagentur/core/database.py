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

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn: sa.Connection) -> None:
            conn.exec_driver_sql("BEGIN")
