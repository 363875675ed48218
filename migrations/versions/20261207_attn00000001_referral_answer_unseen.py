"""referral answer unseen

Revision ID: attn00000001
Revises: strt00000001
Create Date: 2026-12-07 10:30:00

The navigation badge "Weiterleitungen" and the start page count an advisor's referrals
that are overdue or have an answer the advisor has not seen. The answer part was derived
from the audit trail on every page: all of the advisor's referrals walked, the trail
probed twice for each (issue #22). ``referrals.answer_unseen_id`` keeps the newest unseen
answer's entry id instead (wbagentur.referrals.attention); this fills it with the same
rule from the trail as it stands. The badge finds the overdue referrals on
(created_by_id, state, due_date) and the unseen answers on a partial index; the list of
the advisor's referrals reads (created_by_id, due_date) in its order. Both replace the
index on created_by_id alone (with it dropped, PostgreSQL walked all referrals by due
date for the list: 22 ms at 1,000,000 cases, 0.5 ms on the new index).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "attn00000001"
down_revision = "strt00000001"
branch_labels = None
depends_on = None

UNSEEN = sa.text("answer_unseen_id IS NOT NULL")

# The newest answer by someone other than the creator with no later view of the referral
# or its case by the creator (the rule of wbagentur.referrals.attention).
BACKFILL = """
UPDATE referrals SET answer_unseen_id = (
    SELECT max(answer.id) FROM audit_events AS answer
    WHERE answer.object_type = 'referral'
      AND answer.object_id = referrals.id
      AND answer.action IN ('referral.accept', 'referral.decline', 'referral.return',
                            'referral.complete')
      AND (answer.actor_id IS NULL OR answer.actor_id <> referrals.created_by_id)
      AND NOT EXISTS (
          SELECT 1 FROM audit_events AS seen
          WHERE seen.actor_id = referrals.created_by_id
            AND seen.id > answer.id
            AND ((seen.object_type = 'referral' AND seen.object_id = referrals.id
                  AND seen.action = 'referral.view')
                 OR (seen.object_type = 'case' AND seen.object_id = referrals.case_id
                     AND seen.action = 'case.view'))
      )
)
WHERE created_by_id IS NOT NULL
"""


def upgrade():
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("answer_unseen_id", sa.Integer(), nullable=True))
    op.execute(BACKFILL)
    op.drop_index("ix_referrals_created_by_id", table_name="referrals")
    op.create_index(
        "ix_referrals_created_by_state_due",
        "referrals",
        ["created_by_id", "state", "due_date"],
        unique=False,
    )
    op.create_index(
        "ix_referrals_created_by_due",
        "referrals",
        ["created_by_id", "due_date"],
        unique=False,
    )
    op.create_index(
        "ix_referrals_answer_unseen",
        "referrals",
        ["created_by_id"],
        unique=False,
        sqlite_where=UNSEEN,
        postgresql_where=UNSEEN,
    )


def downgrade():
    op.drop_index("ix_referrals_answer_unseen", table_name="referrals")
    op.drop_index("ix_referrals_created_by_due", table_name="referrals")
    op.drop_index("ix_referrals_created_by_state_due", table_name="referrals")
    op.create_index("ix_referrals_created_by_id", "referrals", ["created_by_id"], unique=False)
    with op.batch_alter_table("referrals") as batch:
        batch.drop_column("answer_unseen_id")
