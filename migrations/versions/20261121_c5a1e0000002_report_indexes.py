"""report indexes

Revision ID: c5a1e0000002
Revises: c5a1e0000001
Create Date: 2026-11-21 12:00:00

Covering indexes for the supervisor dashboard: case load per advisor, closed cases per
outcome, cases with overdue referrals, "accepted at some time" per referral. (The
advisor's referral list needed a different query, not an index.)
"""
from alembic import op
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'c5a1e0000002'
down_revision = 'c5a1e0000001'
branch_labels = None
depends_on = None

INDEXES = [
    (
        'cases',
        'ix_cases_region_assignee_load',
        ['region_id', 'assigned_to_id', 'status', 'opened_at', 'last_contact_at', 'id'],
    ),
    ('cases', 'ix_cases_region_status_closed', ['region_id', 'status', 'closed_at', 'outcome']),
    ('referrals', 'ix_referrals_state_due_case', ['state', 'due_date', 'case_id']),
    ('referral_events', 'ix_referral_events_referral_state', ['referral_id', 'to_state']),
]


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
