"""inbox index

Revision ID: inbx00000001
Revises: attn00000001
Create Date: 2026-12-07 16:30:00

A region's inbox lists its new, unassigned cases, oldest first (wbagentur.cases.queries
``inbox``). On the index of the case load, PostgreSQL expected 12 of a region's 1,972 new
cases at 1,000,000 cases, read them all and sorted them for a page of 25 (issue #22). This
partial index holds only the new, unassigned cases, in the inbox's order, so both
databases walk it and stop after the page. Its WHERE is repeated literally by the query
(``cases.models.INBOX_WHERE``).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "inbx00000001"
down_revision = "attn00000001"
branch_labels = None
depends_on = None

INBOX = sa.text("status = 'new' AND assigned_to_id IS NULL")


def upgrade():
    op.create_index(
        "ix_cases_inbox",
        "cases",
        ["region_id", "opened_at", "id"],
        unique=False,
        sqlite_where=INBOX,
        postgresql_where=INBOX,
    )


def downgrade():
    op.drop_index("ix_cases_inbox", table_name="cases")
