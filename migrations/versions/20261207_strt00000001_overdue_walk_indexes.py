"""overdue walk indexes

Revision ID: strt00000001
Revises: apis00000001
Create Date: 2026-12-07 05:30:00

The start page shows the first cases with an overdue follow-up or referral, longest
overdue first. It grouped every overdue item of all regions by case to find the first five
(at 1,000,000 cases 100,000 overdue referrals, 0.5 to 1.2 s per section on SQLite; issue
#22). Partial indexes on the open items' (due_date, case_id, id) let both databases walk the
items in due-date order and stop after the rows shown (wbagentur.main.workqueue
``overdue_walk``). Partial: only the open follow-ups and the referrals that wait for an
answer are in them, a small part of each table. The WHERE is written with literals so that
queries repeating it literally can use the index on SQLite and PostgreSQL. ``id`` is in
them so that PostgreSQL reads the walk from the index alone (the NOT EXISTS compares
ids); without it, it counted a supervisor's first 1,001 overdue cases along the plain
due-date index over all referrals (1,000,000 cases: 800 ms instead of 50 ms).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "strt00000001"
down_revision = "apis00000001"
branch_labels = None
depends_on = None

AWAITING = sa.text("state IN ('sent', 'accepted', 'returned')")
OPEN = sa.text("done_at IS NULL")


def upgrade():
    op.create_index(
        "ix_referrals_awaiting_due_case",
        "referrals",
        ["due_date", "case_id", "id"],
        unique=False,
        sqlite_where=AWAITING,
        postgresql_where=AWAITING,
    )
    op.create_index(
        "ix_follow_ups_open_due_case",
        "follow_ups",
        ["due_date", "case_id", "id"],
        unique=False,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade():
    op.drop_index("ix_follow_ups_open_due_case", table_name="follow_ups")
    op.drop_index("ix_referrals_awaiting_due_case", table_name="referrals")
