"""Single sign-on with OpenID Connect: the provider's subject on the account, the
provider's tokens on the session (issue #21 item 2)

Revision ID: oidc00000001
Revises: j21a00000002
Create Date: 2026-12-06 23:00:00

``users.oidc_subject`` links an account to the ``sub`` claim of the identity provider.
``user_sessions`` keeps the (encrypted) refresh and access token of a single sign-on
session and when the provider last confirmed the account, so that a deactivation at the
provider ends the session at the next request (wbagentur/accounts/oidc.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'oidc00000001'
down_revision = 'j21a00000002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_oidc_subject'), ['oidc_subject'])
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_refresh_token', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('oidc_access_token', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('oidc_checked_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_column('oidc_checked_at')
        batch_op.drop_column('oidc_access_token')
        batch_op.drop_column('oidc_refresh_token')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_oidc_subject'), type_='unique')
        batch_op.drop_column('oidc_subject')
