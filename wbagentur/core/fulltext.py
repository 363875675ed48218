"""Substring search on SQLite through FTS5 trigram indexes (issue #22).

PostgreSQL answers the searches' ``LIKE '%…%'`` from pg_trgm GIN indexes (migration
c5a1e0000001). SQLite has no such index: every search read the whole firm and person
tables, and a term that may be part of a reference every case's reference. Migration
fts500000001 gives SQLite external-content FTS5 tables with the ``trigram`` tokenizer
over the same columns, kept in step by triggers on every write (ORM, Core, imports,
retention, deletions).

A word of three or more characters is looked up in such a table; the LIKE conditions of
``text.name_matches`` stay on the rows found, so the result is exactly what LIKE alone
gives (the index only narrows). Shorter words cannot be looked up by trigrams and, like a
database without the tables (PostgreSQL, or a SQLite built without FTS5, where the
migration creates none), use LIKE alone.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from wbagentur.core.text import name_matches, normalise_search, search_tokens, token_spellings

# A trigram index finds substrings of at least three characters.
MIN_CHARS = 3
# FTS5 keeps an external-content table's index in these tables; "_content" and
# "_docsize" exist only for other options and are listed so no schema check trips on them.
SHADOW_SUFFIXES = ("_data", "_idx", "_config", "_docsize", "_content")


@dataclass(frozen=True)
class TrigramIndex:
    name: str  # the FTS5 table
    table: str  # its content table (rowid = the table's id)
    column: str

    @property
    def triggers(self) -> tuple[str, str, str]:
        return (f"{self.name}_ai", f"{self.name}_ad", f"{self.name}_au")


# The columns migration fts500000001 indexes (the same as the trigram indexes on PostgreSQL).
INDEXES = (
    TrigramIndex("firms_name_search_fts", "firms", "name_search"),
    TrigramIndex("persons_name_search_fts", "persons", "name_search"),
    TrigramIndex("cases_reference_fts", "cases", "reference"),
)
_BY_COLUMN = {(i.table, i.column): i for i in INDEXES}
# Indexes holding names: compacted after an erasure (``purge``).
NAME_INDEXES = tuple(i for i in INDEXES if i.column == "name_search")


def schema_tables() -> frozenset[str]:
    """The FTS5 tables and their shadow tables: not in the models, so schema comparisons
    (models == migrations, ``flask db migrate``) leave them out."""
    return frozenset(i.name + s for i in INDEXES for s in ("", *SHADOW_SUFFIXES))


def fts5_supported(conn: Any) -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (SQLite 3.34 or later)."""
    if conn.dialect.name != "sqlite":
        return False
    version = str(conn.exec_driver_sql("SELECT sqlite_version()").scalar())
    if tuple(int(part) for part in version.split(".")[:2]) < (3, 34):
        return False
    return bool(conn.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar())


_present: weakref.WeakKeyDictionary[sa.Engine, frozenset[str]] = weakref.WeakKeyDictionary()


def present_indexes(session: Any) -> frozenset[str]:
    """Names of the trigram indexes that exist in the session's database (looked up once
    per engine: the schema changes only with a migration, which a restart follows)."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, sa.Connection) else bind
    if engine.dialect.name != "sqlite":
        return frozenset()
    found = _present.get(engine)
    if found is None:
        names = [i.name for i in INDEXES]
        found = frozenset(
            session.scalars(
                sa.text("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN :names")
                .bindparams(sa.bindparam("names", expanding=True))
                .columns(name=sa.String),
                {"names": names},
            )
        )
        _present[engine] = found
    return found


def _phrase(text: str) -> str:
    """An FTS5 string: matched literally (no operators, no wildcards) as a substring."""
    return '"' + text.replace('"', '""') + '"'


def _rowids(index: TrigramIndex, expression: str) -> sa.Select[Any]:
    fts = sa.table(index.name, sa.column("rowid"), sa.column(index.name))
    return sa.select(fts.c.rowid).where(
        fts.c[index.name].op("MATCH")(sa.bindparam(None, expression, unique=True))
    )


def _index_of(column: Any) -> tuple[TrigramIndex, Any] | None:
    from wbagentur.extensions import db

    clause = column.__clause_element__() if hasattr(column, "__clause_element__") else column
    table = getattr(clause, "table", None)
    index = _BY_COLUMN.get((str(getattr(table, "name", "")), str(getattr(clause, "name", ""))))
    if index is None or table is None or index.name not in present_indexes(db.session):
        return None
    return index, table.c.id


def name_condition(column: Any, term: str | None) -> sa.ColumnElement[bool]:
    """``text.name_matches(column, term)``, narrowed first through the trigram index of
    ``column`` (Firm.name_search, Person.name_search) where the database has one: every
    word of three or more characters, in one of its spellings, must occur in the name."""
    condition = name_matches(column, term)
    found = _index_of(column)
    words = [w for w in search_tokens(term) if len(w) >= MIN_CHARS]
    if found is None or not words:
        return condition
    index, id_column = found
    expression = " AND ".join(
        "(" + " OR ".join(_phrase(s) for s in token_spellings(w)) + ")" for w in words
    )
    return sa.and_(id_column.in_(_rowids(index, expression)), condition)


def reference_ids(term: str) -> sa.Select[Any] | None:
    """Ids of the cases whose reference contains ``term`` (ignoring case), straight from
    the trigram index; None where there is none or the term is too short for it.
    References are ASCII (cases.services.next_reference), where the index's case folding
    is exactly LIKE's: no LIKE needed on the rows found."""
    from wbagentur.extensions import db

    needle = normalise_search(term)
    index = _BY_COLUMN[("cases", "reference")]
    if len(needle) < MIN_CHARS or not needle.isascii():
        return None
    if index.name not in present_indexes(db.session):
        return None
    return _rowids(index, _phrase(needle))


def purge(session: Any, indexes: tuple[TrigramIndex, ...] = NAME_INDEXES) -> None:
    """Merge each index into one segment, which drops what deleted and overwritten rows
    left behind. FTS5 (before SQLite 3.42's secure-delete) marks a deleted row's trigrams
    as deleted in a new segment and keeps the old postings until segments merge, so an
    erased name could still be pieced together from the index file; the retention run
    calls this after its erasures."""
    session.flush()  # the erasures still pending in the session fire their triggers first
    present = present_indexes(session)
    for index in indexes:
        if index.name in present:
            # Table names come from INDEXES, never from input.
            session.execute(
                sa.text(f"INSERT INTO {index.name}({index.name}) VALUES ('optimize')")  # noqa: S608
            )


def rebuild(session: Any) -> None:
    """Rebuild every trigram index from its content table (after a bulk load that ran
    without the triggers)."""
    present = present_indexes(session)
    for index in INDEXES:
        if index.name in present:
            session.execute(
                sa.text(f"INSERT INTO {index.name}({index.name}) VALUES ('rebuild')")  # noqa: S608
            )
