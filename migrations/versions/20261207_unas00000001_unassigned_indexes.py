"""unassigned indexes

Revision ID: unas00000001
Revises: stat00000001
Create Date: 2026-12-07 19:10:00

The case list of unassigned cases ("Zuständigkeit: niemand"; wbagentur.cases.queries
``case_list``) walked all cases oldest first or by reference to find the unassigned ones,
which are mostly the newest: at 1,000,000 cases 438 ms and 164 ms on PostgreSQL
(issue #22). These partial indexes hold only the unassigned cases, in those two orders
(newest first walks the first backwards; by last contact was already quick).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "unas00000001"
down_revision = "stat00000001"
branch_labels = None
depends_on = None

UNASSIGNED = sa.text("assigned_to_id IS NULL")


def upgrade():
    for name, column in (("opened", "opened_at"), ("reference", "reference")):
        op.create_index(
            f"ix_cases_unassigned_{name}",
            "cases",
            [column, "id"],
            unique=False,
            sqlite_where=UNASSIGNED,
            postgresql_where=UNASSIGNED,
        )


def downgrade():
    op.drop_index("ix_cases_unassigned_reference", table_name="cases")
    op.drop_index("ix_cases_unassigned_opened", table_name="cases")
