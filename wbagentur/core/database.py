"""Engine settings that make SQLite behave like the production database."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import visitors

from wbagentur.extensions import db

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# WSGI environ key: how the SQLite transactions of this request begin.
BEGIN_KEY = "wbagentur.sqlite_begin"
# Internal response header: "this safe request lost the write lock, run it again".
RETRY_HEADER = "X-Wbagentur-Sqlite-Retry"


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

    Safe requests (GET, HEAD, OPTIONS) mostly only read, and holding the one write lock
    for their whole duration made five workers queue behind each other (50-user load
    test: read p95 300–560 ms). They begin deferred instead; the few that write (audit
    entry of a viewed case, once-a-minute session refresh) and lose the race for the lock
    are run once more from the start with ``BEGIN IMMEDIATE`` (``SQLiteReadRetry``); their
    first attempt was rolled back, so nothing is written twice.
    """
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            _end_reads_with_commit(app, engine)
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

        mode = _begin_mode(app.config.get("SQLITE_BEGIN", "IMMEDIATE"))

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn: sa.Connection) -> None:
            # A connection may ask for its own mode: a long read outside a request (the
            # report aggregates' refresh) begins DEFERRED and blocks no writer under WAL.
            own_mode = conn.get_execution_options().get("sqlite_begin")
            request_mode = request.environ.get(BEGIN_KEY) if has_request_context() else None
            conn.exec_driver_sql("BEGIN " + (own_mode or request_mode or mode))

    if mode != "DEFERRED":
        app.wsgi_app = SQLiteReadRetry(app.wsgi_app)  # type: ignore[method-assign]


WROTE_KEY = "wbagentur_sql_wrote"
# Statements that change nothing a COMMIT would keep (a savepoint ends with its transaction).
_READS = ("SELECT", "SAVEPOINT", "RELEASE")


def _end_reads_with_commit(app: Flask, engine: sa.Engine) -> None:
    """PostgreSQL: a request whose transaction only read ends it with ``COMMIT`` instead of
    the session's ``ROLLBACK``; for a transaction that only read, both end it alike.

    psycopg forgets every statement it has prepared at a rollback (the rollback might have
    dropped what they refer to), and it prepares a statement at its fifth run on a
    connection. Rolled back after every request, no statement was ever prepared, and
    PostgreSQL planned each of a page's statements on every request: 1.3 of the case
    list's 4.5 ms of SQL (issue #22). A request that raised, that sent anything but a
    ``SELECT`` or that leaves unsaved changes in the session is rolled back as before.
    """

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _note_writes(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if has_request_context() and not statement.lstrip()[:9].upper().startswith(_READS):
            g.setdefault(WROTE_KEY, True)

    # A request's teardown runs before its app context's, where Flask-SQLAlchemy ends the
    # session.
    @app.teardown_request
    def _commit_reads(error: BaseException | None) -> None:
        if error is not None or g.get(WROTE_KEY):
            return
        session = db.session()
        transaction = session.get_transaction()
        if transaction is None or not transaction.is_active:
            return
        if session.new or session.dirty or session.deleted:
            return
        try:
            session.commit()
        except sa.exc.SQLAlchemyError:
            # The answer is out; ending the session rolls back as it did before.
            logger.warning("COMMIT of a request that only read failed", exc_info=True)


def should_retry_with_write_lock(error: Exception) -> bool:
    """True for a safe request that began deferred and lost the write lock (SQLite)."""
    return (
        has_request_context()
        and request.environ.get(BEGIN_KEY) == "DEFERRED"
        and "locked" in str(getattr(error, "orig", error))
    )


class SQLiteReadRetry:
    """WSGI wrapper: safe requests begin deferred; one that answers with ``RETRY_HEADER``
    (see ``core.errors``) is discarded and run again with ``BEGIN IMMEDIATE``."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") not in SAFE_METHODS:
            return self.wsgi_app(environ, start_response)
        environ[BEGIN_KEY] = "DEFERRED"
        retry = False

        def first_start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            nonlocal retry
            if any(name == RETRY_HEADER for name, _value in headers):
                retry = True
                return lambda _data: None
            return start_response(status, headers, *args)

        result = self.wsgi_app(environ, first_start_response)
        if not retry:
            return result
        if hasattr(result, "close"):
            result.close()
        logger.info("safe request lost the SQLite write lock; running it again with it")
        environ[BEGIN_KEY] = "IMMEDIATE"
        return self.wsgi_app(environ, start_response)


def _begin_mode(value: str) -> str:
    mode = str(value).upper()
    if mode not in {"DEFERRED", "IMMEDIATE", "EXCLUSIVE"}:
        raise ValueError(f"SQLITE_BEGIN must be DEFERRED, IMMEDIATE or EXCLUSIVE, not {value!r}")
    return mode


def rowcount(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched (``Result`` does not declare it; the
    cursor result of a DML statement does)."""
    return int(cast("sa.CursorResult[Any]", result).rowcount or 0)


def one_of(column: Any, values: Iterable[int]) -> sa.ColumnElement[bool]:
    """``column IN values`` with the values as one parameter, however many there are:
    PostgreSQL ``= ANY(array)``, SQLite ``IN (SELECT value FROM json_each(text))``.

    A plain ``IN`` gets a parameter per value, which SQLAlchemy writes into the statement
    on every execution, and every number of values is another statement for the database
    to prepare. For the names of the 250 advisors of an export that was a sixth of the
    request at 1,000,000 cases (issue #22)."""
    ids = sorted({int(v) for v in values})
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(
            sa.ColumnElement[bool],
            column == sa.any_(sa.bindparam(None, ids, type_=postgresql.ARRAY(sa.Integer))),
        )
    listed = sa.func.json_each(sa.bindparam(None, json.dumps(ids))).table_valued("value")
    return column.in_(sa.select(listed.c.value))


def distinct_ids(column: Any) -> sa.FunctionElement[Any]:
    """The aggregate of ``column``'s distinct ids as one value, the counterpart of
    ``one_of``: an array on PostgreSQL, a JSON text on SQLite (read it with ``ids_from``).
    Many ids as rows brought as many objects into Python; for a common name's search at
    1,000,000 cases they set off garbage collections (issue #22)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.array_agg(sa.distinct(column))
    return sa.func.json_group_array(sa.distinct(column))


def ids_from(value: Any) -> list[int]:
    """The ids of a ``distinct_ids`` value (None when the aggregate saw no row)."""
    if value is None:
        return []
    return [int(v) for v in (json.loads(value) if isinstance(value, str) else value)]


_PARALLEL = "max_parallel_workers_per_gather"


@contextmanager
def serial_plans() -> Iterator[None]:
    """PostgreSQL plans the statements inside without parallel workers; SQLite has none.

    For walks that stop after a few rows or the count's cap (``LIMIT``): PostgreSQL puts a
    Gather (Merge) over them when it expects a big part of the index to be read, and
    starting its workers costs more than the walk. At 1,000,000 cases the start page's
    capped overdue counts took 60 to 80 ms each in parallel and 15 ms alone, and on a busy
    machine the workers wait for a core too (issue #22). The setting is the transaction's
    (``set_config(..., true)``) and is put back on leaving, so the statements after the
    block plan as before; after an error the rollback drops it.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    # One round trip: the target list is evaluated in order, old value first.
    previous = db.session.execute(
        sa.select(sa.func.current_setting(_PARALLEL), sa.func.set_config(_PARALLEL, "0", sa.true()))
    ).one()[0]
    yield
    db.session.execute(sa.select(sa.func.set_config(_PARALLEL, previous, sa.true())))


class StatementCache:
    """Statements built once per process and executed on every request, by key.

    For statements that are a pure function of their key (the user, role, region, day,
    filters – the read grants are registered when the app is created): building one
    (scoped subqueries, aliases, the key SQLAlchemy caches its compiled SQL under) cost a
    tenth to a third of a list page's CPU (issue #22). Only SQL and bound values are kept,
    never results. Bounded: when full it starts over (yesterday's keys, departed users).

    A kept statement carries the execution option ``KEPT``, so that what is derived from it
    on every request (a list's first page and its counts, ``derived``) is kept as well.
    """

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._statements: dict[tuple[Any, ...], Any] = {}

    def get(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        stmt = self._statements.get(key)
        if stmt is None:
            stmt = build()
            if isinstance(stmt, sa.sql.Executable):
                stmt = stmt.execution_options(**{KEPT: True})
            if len(self._statements) >= self.size:
                self._statements.clear()
            self._statements[key] = stmt
        return stmt


def with_values_written(stmt: sa.Select[Any]) -> sa.Executable:
    """A kept statement (``StatementCache``) whose values are all constants of its key,
    never typed by a user, with every value written into its SQL (PostgreSQL).

    A prepared statement without parameters is planned once, for exactly these values.
    With parameters PostgreSQL compares a plan for any values with one for the values at
    hand, and for the navigation's three counts it planned anew on every request: 1.2 of
    their 1.9 ms (issue #22). Kept per dialect beside ``stmt`` (``derived``): the tests
    run apps on both databases in one process.

    Not for the lists' statements: their rows come back as ORM entities and typed columns,
    which a text statement does not give. With only their limits written in (tried), the
    plan PostgreSQL then settled on for any values took 57 ms instead of 33 for a filtered
    list at 1,000,000 cases.
    """
    dialect = db.engine.dialect
    if dialect.name != "postgresql":
        return stmt  # SQLite plans a statement in microseconds
    return derived(stmt, ("values written", dialect.name), lambda: _written(stmt, dialect))


def _written(stmt: sa.Select[Any], dialect: Any) -> sa.TextClause:
    sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    # The compiled SQL has its percent signs doubled for the driver, and text() doubles
    # them again; every colon is SQL (casts, times), none a placeholder of text().
    return sa.text(sql.replace("%%", "%").replace(":", "\\:"))


_CODE = re.compile(r"[a-z0-9_]{0,40}")


def _plain(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, str):
        return _CODE.fullmatch(value) is not None
    return value is None or isinstance(value, (int, date))  # bool is an int


def planned_for_values(stmt: sa.Select[Any]) -> sa.Executable:
    """``stmt`` with its values written into its SQL on PostgreSQL, so that it is planned
    for exactly them: for the dashboards' reads of their aggregates (``reports``), whose
    rows for a period PostgreSQL reads in a bitmap scan when it knows the dates, but in a
    plan for any dates took twice as long (issue #22: the referral funnel at 1,000,000
    cases 15.2 -> 9.7 ms, the programmes 9.3 -> 5.9 ms).

    Only numbers, dates and codes (``[a-z0-9_]``) are written; a statement with any other
    value is returned as it is. Unlike ``with_values_written`` the statement is written
    on every call (its values change with the period)."""
    dialect = db.engine.dialect
    if dialect.name != "postgresql":
        return stmt
    for element in visitors.iterate(stmt):
        if isinstance(element, sa.BindParameter) and not _plain(element.effective_value):
            return stmt
    return _written(stmt, dialect)


KEPT = "kept_statement"
_DERIVED = StatementCache()


def derived(stmt: Any, what: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """``build()``, a statement derived from ``stmt`` (e.g. ``stmt.limit(26)``), kept with
    ``stmt`` when that is a kept statement (``StatementCache``) and built anew otherwise.

    Deriving is cheap, but SQLAlchemy computes the new statement's cache key on every
    execution, which cost a twentieth of the case list's CPU (issue #22).
    """
    if not stmt.get_execution_options().get(KEPT):
        return build()
    # The entry holds ``stmt`` itself, so its id cannot be taken by another statement
    # while the entry exists.
    source, result = _DERIVED.get((id(stmt), *what), lambda: (stmt, build()))
    return result if source is stmt else build()
