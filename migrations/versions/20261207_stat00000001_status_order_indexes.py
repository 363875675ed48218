"""status order indexes

Revision ID: stat00000001
Revises: lcnt00000001
Create Date: 2026-12-07 19:20:00

The case list filtered by one status (wbagentur.cases.queries ``case_list``) read all of
the region's cases of that status and sorted them, or walked an order in which the status
was rare. At 1,000,000 cases that took up to 1.6 s on SQLite ("abgeschlossen", newest
first) and 1.1 s on PostgreSQL ("weitergeleitet", by last contact; issue #22). With these
indexes a list of one status walks its display order (newest, oldest, reference, last
contact) within the status and stops after the page.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "stat00000001"
down_revision = "lcnt00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_cases_status_opened", "cases", ["status", "opened_at", "id"], unique=False)
    op.create_index(
        "ix_cases_status_reference", "cases", ["status", "reference", "id"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        last_contact = [sa.text("last_contact_at NULLS FIRST")]
    else:  # SQLite puts NULLs first in ascending order and has no NULLS FIRST here
        last_contact = ["last_contact_at"]
    op.create_index(
        "ix_cases_status_last_contact", "cases", ["status", *last_contact, "id"], unique=False
    )


def downgrade():
    op.drop_index("ix_cases_status_last_contact", table_name="cases")
    op.drop_index("ix_cases_status_reference", table_name="cases")
    op.drop_index("ix_cases_status_opened", table_name="cases")
