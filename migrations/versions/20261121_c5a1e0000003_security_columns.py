"""security columns

Revision ID: c5a1e0000003
Revises: c5a1e0000002
Create Date: 2026-11-21 12:00:00

Placeholder reserved for this change so that parallel work keeps one migration head;
it is filled in by the commit that makes the change.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'c5a1e0000003'
down_revision = 'c5a1e0000002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
