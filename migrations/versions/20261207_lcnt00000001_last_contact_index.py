"""last contact index

Revision ID: lcnt00000001
Revises: inbx00000001
Create Date: 2026-12-07 19:00:00

The case list sorted by last contact (never contacted first; wbagentur.cases.queries
``SORTS["letzter_kontakt"]``) sorted the user's whole scope for each page: at 1,000,000
cases 444 ms on PostgreSQL and 221 ms on SQLite (issue #22). Along this index both
databases walk the order and stop after the page. PostgreSQL needs NULLS FIRST in the
index to walk ``ASC NULLS FIRST``; SQLite sorts NULLs first in ascending order and has no
NULLS FIRST in CREATE INDEX.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "lcnt00000001"
down_revision = "inbx00000001"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_cases_last_contact",
            "cases",
            [sa.text("last_contact_at NULLS FIRST"), "id"],
            unique=False,
        )
    else:
        op.create_index("ix_cases_last_contact", "cases", ["last_contact_at", "id"], unique=False)


def downgrade():
    op.drop_index("ix_cases_last_contact", table_name="cases")
