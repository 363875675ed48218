"""Qualification plan of a firm case: planned courses and their participants (issue #16).

Revision ID: f16a00000001
Revises: f17a00000001
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f16a00000001'
down_revision = 'j21a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plan_courses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=160), nullable=False),
        sa.Column('provider', sa.String(length=160), nullable=False),
        sa.Column('hours', sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column('hours_unit', sa.String(length=20), nullable=False),
        sa.Column('fees_cents', sa.BigInteger(), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('azav_approved', sa.Boolean(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_plan_courses_case_id_cases'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_courses')),
    )
    with op.batch_alter_table('plan_courses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_courses_case_id'), ['case_id'], unique=False)
    op.create_table(
        'plan_participants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['plan_courses.id'], name=op.f('fk_plan_participants_course_id_plan_courses'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_plan_participants_person_id_persons'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_participants')),
        sa.UniqueConstraint('course_id', 'person_id', name='uq_plan_participant'),
    )
    with op.batch_alter_table('plan_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_participants_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_participants_person_id'), ['person_id'], unique=False)


def downgrade():
    op.drop_table('plan_participants')
    op.drop_table('plan_courses')
