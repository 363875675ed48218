"""sqlite trigram search

Revision ID: fts500000001
Revises: incr00000001
Create Date: 2026-12-07 05:00:00

SQLite only (PostgreSQL has the pg_trgm indexes of c5a1e0000001): FTS5 tables with the
``trigram`` tokenizer over the searched columns, so a case, firm or person search no
longer reads the whole tables (issue #22; wbagentur/core/fulltext.py). External content:
the index holds the trigrams, the text stays in the table. Triggers keep each index in
step with every insert, delete and change of the column; the upgrade fills it for the
existing rows ('rebuild').

A SQLite without FTS5 or older than 3.34 (no trigram tokenizer) gets no tables, and the
search stays on LIKE. A later batch migration that recreates firms, persons or cases
drops these triggers with the old table: it must create them again
(tests/core/test_fulltext.py checks that they exist at head).
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "fts500000001"
down_revision = "incr00000001"
branch_labels = None
depends_on = None

# (FTS5 table, content table, column); the same list as wbagentur.core.fulltext.INDEXES.
INDEXES = (
    ("firms_name_search_fts", "firms", "name_search"),
    ("persons_name_search_fts", "persons", "name_search"),
    ("cases_reference_fts", "cases", "reference"),
)


def _supported():
    from wbagentur.core.fulltext import fts5_supported

    return fts5_supported(op.get_bind())


def upgrade():
    if op.get_bind().dialect.name != "sqlite" or not _supported():
        return
    for name, table, column in INDEXES:
        op.execute(
            f"CREATE VIRTUAL TABLE {name} USING fts5({column}, content='{table}', "
            "content_rowid='id', tokenize='trigram', columnsize=0)"
        )
        op.execute(
            f"CREATE TRIGGER {name}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {name}(rowid, {column}) VALUES (new.id, new.{column}); END"
        )
        op.execute(
            f"CREATE TRIGGER {name}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {name}({name}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
            "END"
        )
        op.execute(
            f"CREATE TRIGGER {name}_au AFTER UPDATE OF {column} ON {table} BEGIN "
            f"INSERT INTO {name}({name}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
            f"INSERT INTO {name}(rowid, {column}) VALUES (new.id, new.{column}); END"
        )
        op.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, _table, _column in reversed(INDEXES):
        for suffix in ("au", "ad", "ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {name}")
