"""report aggregates

Revision ID: aggr00000001
Revises: perf00000001
Create Date: 2026-12-07 02:00:00

The dashboards, the monthly report and its PDF counted the period's cases and referrals
on every view, growing with the data (issue #22). ``report_daily_counts`` holds the counts
per region and local day that they need, recomputed by the worker (job
``reports.refresh``) and ``flask reports refresh``; ``report_refreshes`` records when, for
the "Stand" the pages show. No personal data.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "aggr00000001"
down_revision = "perf00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_daily_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("prev_day", sa.Date(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_daily_counts")),
    )
    with op.batch_alter_table("report_daily_counts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_daily_counts_metric_day", ["metric", "day", "region_id"], unique=False
        )
    op.create_table(
        "report_refreshes",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_report_refreshes")),
    )


def downgrade():
    op.drop_table("report_refreshes")
    with op.batch_alter_table("report_daily_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_report_daily_counts_metric_day")
    op.drop_table("report_daily_counts")
