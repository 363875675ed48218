"""TOTP secrets encrypted at rest

Revision ID: c5a1e0000003
Revises: c5a1e0000002
Create Date: 2026-11-21 12:00:00

``users.totp_secret`` grows to 255 characters and holds a Fernet token instead of the
base32 secret (wbagentur/accounts/secretbox.py). Secrets stored in plain text by earlier
versions are encrypted here with the configured key, so existing enrolments keep working;
the downgrade decrypts them again.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5a1e0000003'
down_revision = 'c5a1e0000002'
branch_labels = None
depends_on = None

users = sa.table("users", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))


def _convert(transform):
    from flask import current_app

    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))).all()
    for user_id, stored in rows:
        new = transform(stored, current_app.config)
        if new != stored:
            conn.execute(sa.update(users).where(users.c.id == user_id).values(totp_secret=new))


def _encrypt(stored, config):
    from wbagentur.accounts import secretbox

    return stored if secretbox.is_encrypted(stored) else secretbox.encrypt(stored, config)


def _decrypt(stored, config):
    from wbagentur.accounts import secretbox

    return secretbox.decrypt(stored, config) if secretbox.is_encrypted(stored) else stored


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
    _convert(_encrypt)


def downgrade():
    _convert(_decrypt)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)
