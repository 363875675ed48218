"""report dirty days

Revision ID: incr00000001
Revises: esfa00000001
Create Date: 2026-12-07 05:00:00

The refresh of ``report_daily_counts`` recomputed every row from all cases and referrals
(12 s at 100,000 cases on SQLite, issue #22). Changes to cases and referrals now mark the
local days they touch in ``report_dirty_days`` (same transaction), and the refresh
recomputes only those days; the cases closed on a day are found by ``ix_cases_closed_at``.
What changed since the last full refresh before this upgrade is unknown: one mark without a
day makes the next refresh a full one. No personal data.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "incr00000001"
down_revision = "esfa00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_dirty_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_dirty_days")),
    )
    op.execute("INSERT INTO report_dirty_days (day) VALUES (NULL)")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_closed_at", ["closed_at"], unique=False)


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_closed_at")
    op.drop_table("report_dirty_days")
