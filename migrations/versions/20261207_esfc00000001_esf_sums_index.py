"""ESF+ indicator sums index (SQLite)

Revision ID: esfc00000001
Revises: unas00000001
Create Date: 2026-12-07 22:55:00

The ESF+ overview sums ``esf_indicator_counts`` over a period (wbagentur.esf.aggregates
``indicator_counts``). Its rows fill up with the data (a year's 2,500 rows at 100,000 cases,
6,930 at 1,000,000), and SQLite read each from the table after the unique index found it:
6.6 ms at 1,000,000 cases, 3.2 ms from this index alone (issue #22). PostgreSQL's bitmap
scan was as quick without it, so it is SQLite's only.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "esfc00000001"
down_revision = "unas00000001"
branch_labels = None
depends_on = None

COLUMNS = ["grain", "day", "region_id", "key", "gender", "n"]


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.create_index("ix_esf_indicator_counts_sums", "esf_indicator_counts", COLUMNS)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_esf_indicator_counts_sums", table_name="esf_indicator_counts")
