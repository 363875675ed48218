"""Background jobs: one lease row per job, the lock between workers (issue #21 item 4)

Revision ID: j21a00000001
Revises: f17a00000001
Create Date: 2026-12-06 20:45:00

``flask worker`` takes a job only with one conditional UPDATE of its row (due, and no live
lease), so two workers never run the same job at once or twice per interval; a table works
on SQLite and PostgreSQL alike, unlike PostgreSQL's advisory locks.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'j21a00000001'
down_revision = 'f17a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_leases',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('holder', sa.String(length=120), nullable=True),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_result', sa.String(length=200), nullable=True),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_job_leases')),
    )


def downgrade():
    op.drop_table('job_leases')
