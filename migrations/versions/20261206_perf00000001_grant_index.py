"""grant index

Revision ID: perf00000001
Revises: j21a00000002
Create Date: 2026-12-06 23:30:00

Every case list of an advisor or supervisor tests the region's read grants, among them
"cases referred to our contact point in a granting state". Without an index on
(partner_id, state, case_id) both databases read every referral ever sent to the contact
point from the table and filter the state (PostgreSQL: a bitmap heap scan that was 97 % of
the inbox query's cost at 100,000 cases), twice per page, growing with the history
(issue #22). With it the case ids come from the index alone.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'perf00000001'
down_revision = "funding00000001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(
            'ix_referrals_partner_state_case', ['partner_id', 'state', 'case_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_partner_state_case')
