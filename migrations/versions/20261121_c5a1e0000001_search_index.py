"""trigram indexes for the case search (PostgreSQL)

Revision ID: c5a1e0000001
Revises: 7b002a280208
Create Date: 2026-11-21 12:00:00

The case search matches part of a name or reference (LIKE '%term%'), which a B-tree
cannot answer. On PostgreSQL, GIN indexes with pg_trgm's operator class can (issue 8).
CREATE EXTENSION needs a superuser, or on PostgreSQL 13+ (pg_trgm is a trusted extension)
the CREATE privilege on the database (docs/operations.md). SQLite is left as it is: it
scans the narrow B-tree indexes on the same columns.

The downgrade drops the indexes but leaves the extension: it may have been installed by
the database administrator and may be used by other objects.
"""
from alembic import op
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'c5a1e0000001'
down_revision = '7b002a280208'
branch_labels = None
depends_on = None

TRIGRAM_INDEXES = (
    ("ix_firms_name_search_trgm", "firms", "name_search"),
    ("ix_persons_name_search_trgm", "persons", "name_search"),
    ("ix_cases_reference_trgm", "cases", "reference"),
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        op.create_index(
            name, table, [column], postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, _column in TRIGRAM_INDEXES:
        op.drop_index(name, table_name=table)
