"""ESF+ participant lifecycle (issue #20): esf_participations and the Löschkonzept rule
``esf_participant`` (data: anonymise 5 years after the end of the closing year).

Revision ID: f20a00000001
Revises: f16a00000001
Create Date: 2026-12-06 20:45:00
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = 'f20a00000001'
down_revision = 'f16a00000001'
branch_labels = None
depends_on = None


def _enum(*values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(map(len, values)))


def upgrade():
    op.create_table(
        'esf_participations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('entry_date', sa.Date(), nullable=False),
        sa.Column('employment_status', _enum('unemployed', 'long_term_unemployed', 'inactive', 'employed', name='employment_status'), nullable=True),
        sa.Column('age_at_entry', sa.Integer(), nullable=True),
        sa.Column('isced_level', _enum('isced_0_2', 'isced_3_4', 'isced_5_8', name='isced_level'), nullable=True),
        sa.Column('gender', _enum('weiblich', 'maennlich', 'divers', name='gender'), nullable=True),
        sa.Column('postcode', sa.String(length=5), nullable=True),
        sa.Column('third_country_national', sa.Boolean(), nullable=True),
        sa.Column('foreign_background', sa.Boolean(), nullable=True),
        sa.Column('homeless', sa.Boolean(), nullable=True),
        sa.Column('rural_area', sa.Boolean(), nullable=True),
        sa.Column('disability', sa.Boolean(), nullable=True),
        sa.Column('minority', sa.Boolean(), nullable=True),
        sa.Column('survey_consent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('exit_date', sa.Date(), nullable=True),
        sa.Column('exit_situation', _enum('employed', 'unemployed', 'inactive', 'education', name='exit_situation'), nullable=True),
        sa.Column('results_on', sa.Date(), nullable=True),
        sa.Column('result_job_searching', sa.Boolean(), nullable=False),
        sa.Column('result_education', sa.Boolean(), nullable=False),
        sa.Column('result_qualification', sa.Boolean(), nullable=False),
        sa.Column('result_employment', sa.Boolean(), nullable=False),
        sa.Column('survey_state', _enum('not_due', 'no_consent', 'sent', 'reminded', 'answered', 'no_response', name='survey_state'), nullable=False),
        sa.Column('survey_token_hash', sa.String(length=64), nullable=True),
        sa.Column('survey_expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('survey_sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('survey_reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('survey_answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('longterm_employment', sa.Boolean(), nullable=True),
        sa.Column('longterm_improved', sa.Boolean(), nullable=True),
        sa.Column('missing_reason', sa.String(length=500), nullable=True),
        sa.Column('missing_reason_by_id', sa.Integer(), nullable=True),
        sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('age_at_entry IS NULL OR (age_at_entry BETWEEN 0 AND 120)', name=op.f('ck_esf_participations_age_range')),
        sa.CheckConstraint('NOT (result_job_searching AND result_employment)', name=op.f('ck_esf_participations_search_or_employment')),
        sa.CheckConstraint('exit_date IS NULL OR exit_date >= entry_date', name=op.f('ck_esf_participations_exit_after_entry')),
        sa.CheckConstraint('results_on IS NULL OR (exit_date IS NOT NULL AND results_on >= exit_date)', name=op.f('ck_esf_participations_results_after_exit')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_esf_participations_case_id_cases'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_esf_participations_person_id_persons'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_esf_participations_created_by_id_users')),
        sa.ForeignKeyConstraint(['missing_reason_by_id'], ['users.id'], name=op.f('fk_esf_participations_missing_reason_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_esf_participations')),
        sa.UniqueConstraint('case_id', 'person_id', name='uq_esf_participations_case_person'),
        sa.UniqueConstraint('survey_token_hash', name=op.f('uq_esf_participations_survey_token_hash')),
    )
    with op.batch_alter_table('esf_participations') as batch_op:
        batch_op.create_index(batch_op.f('ix_esf_participations_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_esf_participations_entry', ['entry_date'], unique=False)
        batch_op.create_index('ix_esf_participations_exit', ['exit_date', 'survey_state'], unique=False)

    rules = sa.table(
        "retention_rules", sa.column("code", sa.String), sa.column("label", sa.String),
        sa.column("start_event", sa.String), sa.column("period_days", sa.Integer),
        sa.column("action", sa.String), sa.column("legal_basis", sa.String),
        sa.column("is_active", sa.Boolean), sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("version", sa.Integer),
    )
    op.bulk_insert(rules, [{
        "code": "esf_participant",
        "label": "ESF+-Teilnahmedaten (Eintritt, Austritt, Ergebnisse, Nachbefragung)",
        "start_event": "end_of_closing_year",
        "period_days": 1826,
        "action": "anonymise",
        "legal_basis": "Art. 82 VO (EU) 2021/1060; Anhang I VO (EU) 2021/1057: 5 Jahre ab 31.12. "
                       "des Jahres des Fallabschlusses (UNGEPRÜFT, mit TLVwA abzustimmen)",
        "is_active": True,
        "updated_at": datetime.now(timezone.utc),
        "version": 1,
    }])


def downgrade():
    op.execute("DELETE FROM retention_rules WHERE code = 'esf_participant'")
    with op.batch_alter_table('esf_participations') as batch_op:
        batch_op.drop_index('ix_esf_participations_exit')
        batch_op.drop_index('ix_esf_participations_entry')
        batch_op.drop_index(batch_op.f('ix_esf_participations_person_id'))
    op.drop_table('esf_participations')
