"""Account services without HTTP: creation, throttling, sessions, deactivation."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.figures import backend_of, record_figure
from tests.personas import TEST_PASSWORD, create_persona
from wbagentur.accounts import services
from wbagentur.accounts.models import User, UserSession
from wbagentur.core.audit import AuditEvent
from wbagentur.extensions import db


@pytest.fixture
def ctx(clean_app):
    with clean_app.app_context():
        yield clean_app


def _actions():
    return [a for (a,) in db.session.execute(sa.select(AuditEvent.action).order_by(AuditEvent.id))]


def test_create_user_normalises_email_and_writes_audit(ctx):
    user = services.create_user(
        None,
        email="  Neue.Beraterin@Test.Example ",
        display_name="Neue Beraterin",
        role="coordinator",
        password="Kartoffel-Salat-mit-Gurke-42",
    )
    assert user.email == "neue.beraterin@test.example"
    assert user.password_hash.startswith("$argon2id$")
    assert _actions() == ["user.create"]


def test_create_user_duplicate_email_refused(ctx):
    create_persona("coordinator", email="doppelt@test.example")
    with pytest.raises(services.AccountError, match="bereits ein Konto"):
        services.create_user(
            None,
            email="DOPPELT@test.example",
            display_name="X",
            role="admin",
            password="Kartoffel-Salat-mit-Gurke-42",
        )


def test_create_user_advisor_without_contact_point_refused(ctx):
    with pytest.raises(services.AccountError, match="Kontaktstelle"):
        services.create_user(
            None,
            email="a@test.example",
            display_name="A",
            role="advisor",
            password="Kartoffel-Salat-mit-Gurke-42",
        )


def test_create_user_weak_password_refused(ctx):
    with pytest.raises(services.PasswordRejected) as info:
        services.create_user(
            None,
            email="b@test.example",
            display_name="B",
            role="admin",
            password="password1234",
        )
    assert "verbreitet" in info.value.problems[0]
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_authenticate_success_opens_session(ctx):
    persona = create_persona("advisor", "SW")
    result = services.authenticate(persona.email.upper(), TEST_PASSWORD)
    assert result.user.id == persona.id
    assert services.session_user(result.token).id == persona.id
    assert "login.success" in _actions()


def test_authenticate_unknown_and_wrong_password_give_same_message(ctx):
    persona = create_persona("advisor", "SW")
    with pytest.raises(services.LoginFailed) as unknown:
        services.authenticate("niemand@test.example", TEST_PASSWORD)
    with pytest.raises(services.LoginFailed) as wrong:
        services.authenticate(persona.email, "falsches-Passwort-123")
    assert str(unknown.value) == str(wrong.value)


def test_authenticate_throttles_after_five_failures_and_recovers_after_window(ctx):
    persona = create_persona("advisor", "SW")
    other = create_persona("advisor", "NT")
    with time_machine.travel("2026-11-21 10:00:00+00:00", tick=False) as traveller:
        for _ in range(5):
            with pytest.raises(services.LoginFailed):
                services.authenticate(persona.email, "falsches-Passwort-123")
        # Figure 12 (the gunicorn test in tests/test_multiprocess.py measures it across workers).
        allowed = 5
        for _ in range(5):
            try:
                services.authenticate(persona.email, TEST_PASSWORD)
            except services.LoginThrottled:
                break
            allowed += 1
        record_figure("throttle.login", allowed, target="≤ 5", ok=allowed <= 5, db=backend_of(ctx))
        # The sixth attempt is throttled even with the right password ...
        with pytest.raises(services.LoginThrottled):
            services.authenticate(persona.email, TEST_PASSWORD)
        # ... but other accounts are not affected.
        assert services.authenticate(other.email, TEST_PASSWORD).user.id == other.id
        traveller.shift(timedelta(seconds=61))
        assert services.authenticate(persona.email, TEST_PASSWORD).user.id == persona.id


def test_authenticate_inactive_user_fails(ctx):
    persona = create_persona("advisor", "SW", is_active=False)
    with pytest.raises(services.LoginFailed):
        services.authenticate(persona.email, TEST_PASSWORD)


def test_session_idle_timeout_and_absolute_lifetime(ctx):
    persona = create_persona("advisor", "SW")
    idle, absolute = ctx.config["SESSION_IDLE_TIMEOUT"], ctx.config["SESSION_ABSOLUTE_LIFETIME"]
    record_figure(
        "session.idle",
        f"{idle.total_seconds() / 60:.0f} min",
        target="≤ 30 min",
        ok=idle <= timedelta(minutes=30),
        db=backend_of(ctx),
    )
    record_figure(
        "session.absolute",
        f"{absolute.total_seconds() / 3600:.0f} h",
        target="≤ 12 h",
        ok=absolute <= timedelta(hours=12),
        db=backend_of(ctx),
    )
    with time_machine.travel("2026-11-21 08:00:00+00:00", tick=False) as traveller:
        token = services.authenticate(persona.email, TEST_PASSWORD).token
        traveller.shift(timedelta(minutes=29))
        assert services.session_user(token) is not None  # activity refreshes idle timer
        # Keep it active every 20 minutes until the 12-hour cap.
        for _ in range(34):  # up to 11 h 49 min
            traveller.shift(timedelta(minutes=20))
            assert services.session_user(token) is not None
        traveller.shift(timedelta(minutes=20))  # 12 h 09 min after login: over the cap
        assert services.session_user(token) is None
    with time_machine.travel("2026-11-22 08:00:00+00:00", tick=False) as traveller:
        token = services.authenticate(persona.email, TEST_PASSWORD).token
        traveller.shift(timedelta(minutes=31))
        assert services.session_user(token) is None


def test_at_most_three_sessions_per_user_oldest_ended(ctx):
    persona = create_persona("advisor", "SW")
    tokens = []
    with time_machine.travel("2026-11-21 08:00:00+00:00", tick=False) as traveller:
        for _ in range(4):
            tokens.append(services.authenticate(persona.email, TEST_PASSWORD).token)
            traveller.shift(timedelta(seconds=5))
        assert services.session_user(tokens[0]) is None
        assert all(services.session_user(t) is not None for t in tokens[1:])


def test_deactivation_ends_all_sessions(ctx):
    persona = create_persona("advisor", "SW")
    token = services.authenticate(persona.email, TEST_PASSWORD).token
    user = db.session.get(User, persona.id)
    services.set_active(None, user, False)
    assert services.session_user(token) is None
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0
    assert "user.deactivate" in _actions()


def test_change_password_needs_current_and_ends_other_sessions(ctx):
    persona = create_persona("advisor", "SW")
    first = services.authenticate(persona.email, TEST_PASSWORD).token
    second = services.authenticate(persona.email, TEST_PASSWORD).token
    user = db.session.get(User, persona.id)
    with pytest.raises(services.AccountError, match="aktuelle Passwort"):
        services.change_password(user, "falsch-falsch-falsch", "Neues-Passwort-Gurke-77", first)
    services.change_password(user, TEST_PASSWORD, "Neues-Passwort-Gurke-77", first)
    usable = services.session_user(second) is not None
    record_figure(
        "session.old_after_password_change",
        "ja" if usable else "nein",
        target="nein",
        ok=not usable,
        db=backend_of(ctx),
    )
    assert services.session_user(first) is not None
    assert services.session_user(second) is None
    assert services.authenticate(persona.email, "Neues-Passwort-Gurke-77").user.id == persona.id


def test_login_attempts_do_not_store_the_email(ctx):
    from wbagentur.accounts.models import LoginAttempt

    with pytest.raises(services.LoginFailed):
        services.authenticate("canary.person@test.example", "irgendwas-falsches-1")
    keys = db.session.scalars(sa.select(LoginAttempt.account_key)).all()
    assert keys
    assert all("canary" not in k for k in keys)
