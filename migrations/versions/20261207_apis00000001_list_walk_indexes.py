"""indexes for the firm and person lists

Revision ID: apis00000001
Revises: fts500000001
Create Date: 2026-12-07 05:00:00

The firm and person lists (API and UI) built the caller's whole scope on every request:
every firm and person linked to any case of the region, then sorted and paged, growing
with the archive (issue #22). They now walk the display order on an index and test each
candidate row with index probes. The orders: (name, id) for firms, (last_name,
first_name, id) for persons, (created_at, id) for both ("Neueste zuerst" in the UI).
The probes: "does a case of region R point to this firm / person" from (firm_id,
region_id) and (person_id, region_id), which replace the single-column indexes on
cases.firm_id and cases.person_id; a person's participations from (person_id, case_id),
which replaces the index on case_participants.person_id.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "apis00000001"
down_revision = "fts500000001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("firms", schema=None) as batch_op:
        batch_op.create_index("ix_firms_name_id", ["name", "id"], unique=False)
        batch_op.create_index("ix_firms_created_id", ["created_at", "id"], unique=False)
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index(
            "ix_persons_name_order", ["last_name", "first_name", "id"], unique=False
        )
        batch_op.create_index("ix_persons_created_id", ["created_at", "id"], unique=False)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_firm_region", ["firm_id", "region_id"], unique=False)
        batch_op.create_index("ix_cases_person_region", ["person_id", "region_id"], unique=False)
        batch_op.drop_index("ix_cases_firm_id")
        batch_op.drop_index("ix_cases_person_id")
    with op.batch_alter_table("case_participants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_participants_person_case", ["person_id", "case_id"], unique=False
        )
        batch_op.drop_index("ix_case_participants_person_id")


def downgrade():
    with op.batch_alter_table("case_participants", schema=None) as batch_op:
        batch_op.create_index("ix_case_participants_person_id", ["person_id"], unique=False)
        batch_op.drop_index("ix_case_participants_person_case")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_person_id", ["person_id"], unique=False)
        batch_op.create_index("ix_cases_firm_id", ["firm_id"], unique=False)
        batch_op.drop_index("ix_cases_person_region")
        batch_op.drop_index("ix_cases_firm_region")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index("ix_persons_created_id")
        batch_op.drop_index("ix_persons_name_order")
    with op.batch_alter_table("firms", schema=None) as batch_op:
        batch_op.drop_index("ix_firms_created_id")
        batch_op.drop_index("ix_firms_name_id")
