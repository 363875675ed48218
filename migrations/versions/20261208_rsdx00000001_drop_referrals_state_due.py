"""Drop ix_referrals_state_due

Revision ID: rsdx00000001
Revises: esfc00000001
Create Date: 2026-12-08 00:50:00

``ix_referrals_state_due`` (state, due_date) is a prefix of ``ix_referrals_state_due_case``
(state, due_date, case_id), which every statement that could use it can read instead, from
the index alone. One index less to keep up on every write of a referral.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "rsdx00000001"
down_revision = "esfc00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_referrals_state_due", table_name="referrals")


def downgrade():
    op.create_index("ix_referrals_state_due", "referrals", ["state", "due_date"], unique=False)
