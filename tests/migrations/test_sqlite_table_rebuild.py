"""A migration that rebuilds a SQLite table (batch mode: copy, DROP, rename) must work on a
database with data and keep every row of the tables that point to it.

With foreign keys enforced, ``DROP TABLE users`` either failed ("FOREIGN KEY constraint
failed", e.g. a user who created a case) or – for ``ON DELETE CASCADE`` references –
silently deleted the users' sessions and recovery codes. migrations/env.py switches the
enforcement off for the migration, checks the keys before commit and switches it on again.
"""

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import app_without_schema, database_url
from wbagentur.extensions import db

# c5a1e0000003 widens users.totp_secret: on SQLite a rebuild of the users table.
BEFORE_REBUILD = "c5a1e0000002"


def test_users_table_rebuild_keeps_referencing_rows(tmp_path):

    url = database_url("sqlite", tmp_path, "rebuild")
    app = app_without_schema(url)
    with app.app_context():
        upgrade(revision=BEFORE_REBUILD)
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO users (id, email, display_name, role, password_hash, is_active, "
                    "password_changed_at, created_at, updated_at) VALUES (7, 'b@test.example', "
                    "'Berta', 'admin', 'x', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO user_sessions (token_hash, user_id, created_at, last_seen_at) "
                    "VALUES ('s1', 7, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO recovery_codes (user_id, code_hash, created_at) "
                    "VALUES (7, 'r1', CURRENT_TIMESTAMP)"
                )
            )
            # A reference without cascade: the rebuild failed on it before.
            conn.execute(sa.text("UPDATE retention_rules SET updated_by_id = 7"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM user_sessions")).scalar() == 1
            assert conn.execute(sa.text("SELECT count(*) FROM recovery_codes")).scalar() == 1
            assert conn.execute(sa.text("SELECT email FROM users")).scalar() == "b@test.example"
            assert (
                conn.execute(
                    sa.text("SELECT count(*) FROM retention_rules WHERE updated_by_id = 7")
                ).scalar()
                > 0
            )
            # Enforcement is back on for the application's connections.
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()
