"""Data migration c5a1e0000003 encrypts TOTP secrets stored in plain text, and the
downgrade decrypts them again, so existing enrolments keep working."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.conftest import app_without_schema, database_url
from wbagentur.extensions import db

PLAIN = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_plain_totp_secret_is_encrypted_and_decrypted_back(backend, tmp_path):
    from wbagentur.accounts import secretbox

    url = database_url(backend, tmp_path, "mig_c5a1e3")
    app = app_without_schema(url)
    with app.app_context():
        upgrade(revision="c5a1e0000002")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO users (email, display_name, role, password_hash, is_active, "
                    "password_changed_at, totp_secret, totp_enabled_at, created_at, updated_at) "
                    "VALUES ('alt@test.example', 'Alt', 'admin', 'x', true, CURRENT_TIMESTAMP, "
                    ":secret, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"secret": PLAIN},
            )
        upgrade(revision="c5a1e0000003")
        with db.engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT totp_secret FROM users")).scalar()
        assert stored.startswith(secretbox.TOKEN_PREFIX)
        assert PLAIN not in stored
        # Decrypted with the app's key as the model does (the ORM model itself belongs to
        # the newest schema, not to this revision).
        assert secretbox.decrypt(stored, app.config) == PLAIN
        downgrade(revision="c5a1e0000002")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT totp_secret FROM users")).scalar() == PLAIN
        db.engine.dispose()
