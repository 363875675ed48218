"""ESF+ indicator counts

Revision ID: esfa00000001
Revises: aggr00000001
Create Date: 2026-12-07 05:00:00

The ESF+ overview read every participation of the period on each view, growing with the
data (issue #22). ``esf_indicator_counts`` holds the indicator counts per region, day or
month, indicator and gender column, recomputed by the worker (job ``esf.indicators``) and
``flask esf indicators``; ``esf_indicator_refreshes`` records when (the "Stand" of the page).
``report_cache`` keeps computed results by a deterministic key: the rendered monthly report
PDF (keyed by its HTML) and the supported-SME counts of an ESF+ period (keyed by period,
regions and refresh). No personal data in any of them.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "esfa00000001"
down_revision = "aggr00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "esf_indicator_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("gender", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_esf_indicator_counts")),
        sa.UniqueConstraint(
            "grain", "day", "region_id", "key", "gender", name="uq_esf_indicator_counts_cell"
        ),
    )
    op.create_table(
        "esf_indicator_refreshes",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_esf_indicator_refreshes")),
    )
    op.create_table(
        "report_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_report_cache")),
    )
    with op.batch_alter_table("report_cache", schema=None) as batch_op:
        batch_op.create_index("ix_report_cache_created_at", ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("report_cache", schema=None) as batch_op:
        batch_op.drop_index("ix_report_cache_created_at")
    op.drop_table("report_cache")
    op.drop_table("esf_indicator_refreshes")
    op.drop_table("esf_indicator_counts")
