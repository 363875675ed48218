"""Second factor and password-reset services without HTTP (AUTH-03, AUTH-05, AUTH-06)."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.accounts.conftest import code_for, enrol_user
from tests.personas import TEST_PASSWORD, create_persona
from wbagentur.accounts import mfa, services
from wbagentur.accounts.models import PasswordResetToken, RecoveryCode, User, UserSession
from wbagentur.core.audit import AuditEvent
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.mail.models import OutboxMessage

NEW_PASSWORD = "Neues-Passwort-Gurke-77"


@pytest.fixture
def ctx(clean_app):
    with clean_app.app_context():
        yield clean_app


def _count(model):
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def _events(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def _enrolled(ctx, role="advisor", region="SW"):
    persona = create_persona(role, region)
    enrolment = enrol_user(ctx, persona.id)
    return persona, db.session.get(User, persona.id), enrolment


# --- login with the second factor ---


def test_authenticate_totp_account_requires_code_and_opens_no_session(ctx):
    persona, _, _ = _enrolled(ctx)
    with pytest.raises(services.SecondFactorRequired) as info:
        services.authenticate(persona.email, TEST_PASSWORD)
    assert info.value.user.id == persona.id
    assert _count(UserSession) == 0
    assert not _events("login.success")


def test_verify_second_factor_accepts_code_once_and_stores_step(ctx):
    _, user, enrolment = _enrolled(ctx)
    code = code_for(enrolment.secret)
    assert services.verify_second_factor(user, code) == "totp"
    assert user.totp_last_step == mfa.time_step(utcnow())
    with pytest.raises(services.CodeRejected, match="Dieser Code wurde bereits verwendet."):
        services.verify_second_factor(user, code)


def test_verify_second_factor_replay_after_failed_login_rejected(ctx):
    _, user, enrolment = _enrolled(ctx)
    code = code_for(enrolment.secret)
    services.verify_second_factor(user, code)
    with pytest.raises(services.CodeRejected):
        services.verify_second_factor(user, "000000" if code != "000000" else "111111")
    with pytest.raises(services.CodeRejected, match="bereits verwendet"):
        services.verify_second_factor(user, code)


def test_verify_second_factor_code_from_90_seconds_ago_rejected(ctx):
    _, user, enrolment = _enrolled(ctx)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        old_code = code_for(enrolment.secret)
        traveller.shift(timedelta(seconds=90))
        with pytest.raises(services.CodeRejected, match="Bitte prüfen Sie den Code"):
            services.verify_second_factor(user, old_code)
    assert [e.object_id for e in _events("mfa.failure")] == [user.id]


def test_verify_second_factor_recovery_code_works_once(ctx):
    _, user, enrolment = _enrolled(ctx)
    code = enrolment.codes[3]
    assert services.verify_second_factor(user, code.upper().replace("-", " ")) == "recovery"
    assert services.recovery_codes_left(user) == 9
    event = _events("login.recovery_code")[0]
    assert json.loads(event.details) == {"remaining": 9}
    with pytest.raises(services.CodeRejected, match="bereits verwendet"):
        services.verify_second_factor(user, code)


def test_verify_second_factor_unknown_recovery_code_rejected(ctx):
    _, user, _ = _enrolled(ctx)
    with pytest.raises(services.CodeRejected, match="Bitte prüfen Sie den Code"):
        services.verify_second_factor(user, "aaaa-bbbb-cccc-dddd")
    assert services.recovery_codes_left(user) == 10


def test_recovery_codes_of_another_user_do_not_work(ctx):
    _, user, _ = _enrolled(ctx)
    _, _, other = _enrolled(ctx, "advisor", "NT")
    with pytest.raises(services.CodeRejected):
        services.verify_second_factor(user, other.codes[0])


def test_wrong_codes_count_towards_the_login_throttle(ctx):
    # The enrolment confirms a code and stores its time step: it must happen on the same
    # clock as the logins, or every code of the travelled day counts as already used.
    with time_machine.travel("2026-11-21 10:00:10+00:00", tick=False) as traveller:
        persona, user, enrolment = _enrolled(ctx)
        for _ in range(5):
            with pytest.raises(services.CodeRejected):
                services.verify_second_factor(user, "aaaa-aaaa-aaaa-aaaa")
        with pytest.raises(services.LoginThrottled):
            services.verify_second_factor(user, code_for(enrolment.secret))
        with pytest.raises(services.LoginThrottled):
            services.check_password(persona.email, TEST_PASSWORD)
        traveller.shift(timedelta(seconds=61))
        assert services.verify_second_factor(user, code_for(enrolment.secret)) == "totp"


def test_complete_login_opens_session_and_audits_method(ctx):
    _, user, _ = _enrolled(ctx)
    result = services.complete_login(user, "totp")
    assert services.session_user(result.token).id == user.id
    assert json.loads(_events("login.success")[0].details) == {"method": "totp"}


# --- enrolment, disabling, admin reset ---


def test_enable_totp_wrong_code_changes_nothing(ctx):
    persona = create_persona("advisor", "SW")
    user = db.session.get(User, persona.id)
    secret = mfa.new_secret()
    with pytest.raises(services.CodeRejected, match="Code stimmt nicht"):
        services.enable_totp(user, secret, "000000" if code_for(secret) != "000000" else "111111")
    assert not user.has_totp
    assert _count(RecoveryCode) == 0


def test_enable_totp_stores_secret_step_and_hashed_recovery_codes(ctx):
    persona = create_persona("advisor", "SW")
    user = db.session.get(User, persona.id)
    secret = mfa.new_secret()
    codes = services.enable_totp(user, secret, code_for(secret))
    assert user.has_totp
    assert user.totp_secret == secret
    assert user.totp_last_step == mfa.time_step(utcnow())
    hashes = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert sorted(hashes) == sorted(mfa.hash_recovery_code(c) for c in codes)
    assert not any(c.replace("-", "") in h for c in codes for h in hashes)
    assert json.loads(_events("mfa.enable")[0].details) == {"re_enrolled": False}


def test_enable_totp_again_replaces_secret_and_recovery_codes(ctx):
    _, user, old = _enrolled(ctx)
    secret = mfa.new_secret()
    services.enable_totp(user, secret, code_for(secret))
    assert user.totp_secret == secret
    assert _count(RecoveryCode) == 10
    with pytest.raises(services.CodeRejected):
        services.verify_second_factor(user, old.codes[0])


def test_disable_totp_needs_password(ctx):
    _, user, _ = _enrolled(ctx)
    with pytest.raises(services.AccountError, match="Passwort stimmt nicht"):
        services.disable_totp(user, "falsch-falsch-falsch")
    assert user.has_totp
    services.disable_totp(user, TEST_PASSWORD)
    assert not user.has_totp
    assert user.totp_secret is None
    assert _count(RecoveryCode) == 0
    assert _events("mfa.disable")


def test_disable_totp_refused_for_required_role(ctx):
    ctx.config["TOTP_REQUIRED_ROLES"] = ("admin", "coordinator")
    try:
        _, user, _ = _enrolled(ctx, "admin", None)
        with pytest.raises(services.AccountError, match="vorgeschrieben"):
            services.disable_totp(user, TEST_PASSWORD)
        assert user.has_totp
    finally:
        ctx.config["TOTP_REQUIRED_ROLES"] = ()


def test_reset_second_factor_by_admin_ends_sessions_and_is_audited(ctx):
    admin = db.session.get(User, create_persona("admin").id)
    _, user, _ = _enrolled(ctx)
    services.complete_login(user)
    assert services.reset_second_factor(admin, user) == 1
    assert not user.has_totp
    assert _count(RecoveryCode) == 0
    assert _count(UserSession) == 0
    event = _events("mfa.reset")[0]
    assert (event.actor_id, event.object_id) == (admin.id, user.id)


def test_reset_second_factor_of_self_refused(ctx):
    persona, user, _ = _enrolled(ctx, "admin", None)
    with pytest.raises(services.AccountError, match="eigenen"):
        services.reset_second_factor(user, user)
    assert user.has_totp


def test_reauthenticate_wrong_password_counts_towards_throttle(ctx):
    persona = create_persona("advisor", "SW")
    user = db.session.get(User, persona.id)
    for _ in range(5):
        with pytest.raises(services.AccountError):
            services.reauthenticate(user, "falsch-falsch-falsch")
    with pytest.raises(services.LoginThrottled):
        services.reauthenticate(user, TEST_PASSWORD)


# --- password reset ---


def test_request_password_reset_stores_hash_and_queues_link_from_base_url(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "PUBLIC_BASE_URL", "https://wba.example/")
    persona = create_persona("advisor", "SW")
    with ctx.test_request_context(base_url="http://127.0.0.1:8123"):
        token = services.request_password_reset(persona.email.upper())
    assert token
    assert len(token) >= 43
    row = db.session.scalar(sa.select(PasswordResetToken))
    assert row.token_hash != token
    assert token not in row.token_hash
    assert row.expires_at - row.created_at == timedelta(hours=1)
    mail = db.session.scalar(sa.select(OutboxMessage))
    assert mail.recipient == persona.email
    assert mail.kind == "password_reset"
    assert f"https://wba.example/passwort-neu/{token}" in mail.body
    assert "127.0.0.1:8123" not in mail.body
    event = _events("password.reset_request")[0]
    assert persona.email not in event.details
    assert "@" not in event.details


def test_request_password_reset_unknown_or_inactive_sends_nothing(ctx):
    inactive = create_persona("advisor", "SW", is_active=False)
    with ctx.test_request_context():
        assert services.request_password_reset("niemand@test.example") is None
        assert services.request_password_reset(inactive.email) is None
    assert _count(PasswordResetToken) == 0
    assert _count(OutboxMessage) == 0
    assert all("@" not in e.details for e in _events("password.reset_request"))


def test_request_password_reset_fourth_in_an_hour_sends_nothing(ctx):
    persona = create_persona("advisor", "SW")
    with (
        ctx.test_request_context(),
        time_machine.travel("2026-11-21 10:00:00+00:00", tick=False) as t,
    ):
        for _ in range(3):
            assert services.request_password_reset(persona.email)
            t.shift(timedelta(minutes=5))
        assert services.request_password_reset(persona.email) is None
        assert _count(OutboxMessage) == 3
        t.shift(timedelta(minutes=51))  # the first request is now older than an hour
        assert services.request_password_reset(persona.email)


def test_reset_link_hours_capped_at_24(ctx):
    ctx.config["PASSWORD_RESET_HOURS"] = 48
    try:
        assert services.reset_link_hours() == 24
    finally:
        ctx.config["PASSWORD_RESET_HOURS"] = 1


def _request(ctx, persona):
    with ctx.test_request_context():
        return services.request_password_reset(persona.email)


def test_reset_password_sets_password_ends_sessions_notifies_and_keeps_totp(ctx):
    persona, user, _ = _enrolled(ctx)
    services.complete_login(user)
    first = _request(ctx, persona)
    second = _request(ctx, persona)
    with ctx.test_request_context():
        services.reset_password(second, NEW_PASSWORD)
    assert _count(UserSession) == 0
    used = db.session.scalars(sa.select(PasswordResetToken.used_at)).all()
    assert len(used) == 2
    assert all(used)
    with pytest.raises(services.ResetLinkInvalid) as info:
        services.reset_token_row(first)
    assert info.value.status == 400
    kinds = db.session.scalars(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["password_reset", "password_reset", "password_changed"]
    assert _events("password.reset")[0].actor_id == user.id
    assert user.has_totp
    with pytest.raises(services.SecondFactorRequired):
        services.authenticate(persona.email, NEW_PASSWORD)


def test_reset_password_token_works_once(ctx):
    persona = create_persona("advisor", "SW")
    token = _request(ctx, persona)
    with ctx.test_request_context():
        services.reset_password(token, NEW_PASSWORD)
        with pytest.raises(services.ResetLinkInvalid, match="bereits verwendet") as info:
            services.reset_password(token, "Noch-ein-Passwort-Gurke-88")
    assert info.value.status == 400
    assert services.authenticate(persona.email, NEW_PASSWORD).user.id == persona.id


def test_reset_password_expired_after_configured_hours(ctx):
    persona = create_persona("advisor", "SW")
    ctx.config["PASSWORD_RESET_HOURS"] = 2
    try:
        with time_machine.travel("2026-11-21 10:00:00+00:00", tick=False) as traveller:
            token = _request(ctx, persona)
            traveller.shift(timedelta(hours=2, minutes=-1))
            assert services.reset_token_row(token)
            traveller.shift(timedelta(minutes=2))
            with pytest.raises(services.ResetLinkInvalid, match="abgelaufen") as info:
                services.reset_token_row(token)
    finally:
        ctx.config["PASSWORD_RESET_HOURS"] = 1
    assert info.value.status == 400


def test_reset_password_unknown_token_is_404(ctx):
    with pytest.raises(services.ResetLinkInvalid) as info:
        services.reset_token_row("x" * 43)
    assert info.value.status == 404


def test_reset_password_weak_password_keeps_token(ctx):
    persona = create_persona("advisor", "SW")
    token = _request(ctx, persona)
    with ctx.test_request_context(), pytest.raises(services.PasswordRejected):
        services.reset_password(token, "kurz")
    assert services.reset_token_row(token).used_at is None
    assert _count(OutboxMessage) == 1
