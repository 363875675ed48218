"""Login under concurrency: no write lock is held while the password hash is checked, and
attempts still running count against the per-account throttle."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import make_app
from tests.personas import TEST_PASSWORD
from wbagentur.accounts import services
from wbagentur.accounts.models import LoginAttempt
from wbagentur.extensions import db


@pytest.fixture
def file_app(tmp_path: Path) -> Any:
    """A SQLite file database without the test's outer transaction: commits are real."""
    path = tmp_path / "login.sqlite"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        services.create_user(
            None,
            email="lock@test.example",
            display_name="Lock",
            role="admin",
            password=TEST_PASSWORD,
        )
        db.session.commit()
    yield app, path
    with app.app_context():
        db.engine.dispose()


def test_password_hash_is_checked_without_holding_the_write_lock(file_app, monkeypatch):
    app, path = file_app
    real_verify = services.verify_password
    other_writer: list[str] = []

    def verify_while_another_worker_writes(hash_: str, password: str) -> bool:
        # Another worker (own connection, no waiting) must get the write lock right now.
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            other_writer.append("ok")
        except sqlite3.OperationalError as exc:
            other_writer.append(str(exc))
        finally:
            conn.close()
        return real_verify(hash_, password)

    monkeypatch.setattr(services, "verify_password", verify_while_another_worker_writes)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    response = client.post(
        "/anmelden", data={"email": "lock@test.example", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert other_writer == ["ok"]
    with app.app_context():
        # The reserved attempt became the success record of complete_login, nothing else.
        rows = db.session.execute(sa.select(LoginAttempt.succeeded)).scalars().all()
        assert rows == [True]


def test_attempts_in_flight_count_against_the_throttle(clean_app, make_user):
    user = make_user("advisor", "SW")
    with clean_app.test_request_context():
        limit = clean_app.config["LOGIN_MAX_FAILURES"]
        # Five logins of one account started, none has finished its hash check yet.
        pending = [services.reserve_attempt(user.email) for _ in range(limit)]
        with pytest.raises(services.LoginThrottled):
            services.reserve_attempt(user.email)
        # A right password of a reserved attempt removes its failure record …
        services.check_reserved_password(pending[0], TEST_PASSWORD)
        assert services.failed_attempts_in_window(user.email) == limit - 1
        # … a wrong one keeps it.
        with pytest.raises(services.LoginFailed):
            services.check_reserved_password(pending[1], "falsch-falsch-falsch")
        assert services.failed_attempts_in_window(user.email) == limit - 1
