"""Account use cases: create users, sign in and out, sessions, passwords, deactivation.

Services flush and never commit; the view or CLI command commits once.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm

from wbagentur.accounts import mfa
from wbagentur.accounts.models import (
    LoginAttempt,
    PasswordResetToken,
    RecoveryCode,
    User,
    UserSession,
)
from wbagentur.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problems,
    verify_dummy,
    verify_password,
)
from wbagentur.core import audit
from wbagentur.core.database import rowcount
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.regions.models import ContactPoint

logger = logging.getLogger(__name__)


class AccountError(Exception):
    """A use case was refused; ``str(error)`` is a German message for the user."""


class LoginFailed(AccountError):
    """Generic failure: unknown account, wrong password or inactive account."""


class LoginThrottled(AccountError):
    """Too many failed attempts for this account in the window."""


class PasswordRejected(AccountError):
    """The new password breaks the policy; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _account_key(email: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_by_email(email: str) -> User | None:
    """Return the user with this e-mail (case-insensitive), or None."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    actor: Any,
    *,
    email: str,
    display_name: str,
    role: str,
    password: str,
    contact_point_id: int | None = None,
) -> User:
    """Create a staff account after checking e-mail uniqueness and the password policy."""
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise AccountError("Für diese E-Mail-Adresse gibt es bereits ein Konto.")
    if role in ("advisor", "supervisor") and contact_point_id is None:
        raise AccountError("Berater/innen und Leitungen brauchen eine Kontaktstelle.")
    if role in ("coordinator", "admin"):
        contact_point_id = None
    problems = password_problems(password, (email.split("@")[0], display_name))
    if problems:
        raise PasswordRejected(problems)
    user = User(
        email=email,
        display_name=display_name.strip(),
        role=role,
        contact_point_id=contact_point_id,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", user.id, role=role)
    return user


def failed_attempts_in_window(email: str, now: datetime | None = None) -> int:
    """Number of failed logins for this account inside the throttle window."""
    now = now or utcnow()
    since = now - current_app.config["LOGIN_FAILURE_WINDOW"]
    return (
        db.session.scalar(
            sa.select(sa.func.count(LoginAttempt.id)).where(
                LoginAttempt.account_key == _account_key(email),
                LoginAttempt.at > since,
                LoginAttempt.succeeded.is_(False),
            )
        )
        or 0
    )


@dataclass
class SignIn:
    """Result of a successful sign-in: the user and the secret session token."""

    user: User
    token: str


class SecondFactorRequired(AccountError):
    """The password was right, but the account needs its TOTP code before a session opens."""

    def __init__(self, user: User) -> None:
        super().__init__("Bitte geben Sie den Code aus Ihrer App ein.")
        self.user = user


class CodeRejected(AccountError):
    """A TOTP or recovery code was wrong, malformed or already used."""


LOGIN_FAILED = "Anmeldung fehlgeschlagen. Bitte prüfen Sie E-Mail und Passwort."
CODE_FAILED = "Anmeldung fehlgeschlagen. Bitte prüfen Sie den Code."
CODE_USED = "Dieser Code wurde bereits verwendet."
THROTTLED = "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie eine Minute."


def _check_throttle(email: str) -> None:
    if failed_attempts_in_window(email) >= current_app.config["LOGIN_MAX_FAILURES"]:
        audit.record(None, "login.throttled")
        raise LoginThrottled(THROTTLED)


def _record_failure(email: str) -> None:
    db.session.add(LoginAttempt(account_key=_account_key(email), succeeded=False))
    db.session.flush()


@dataclass
class PendingLogin:
    """What the password check needs, read in the short first transaction of a login."""

    email: str
    attempt_id: int
    user_id: int | None
    password_hash: str | None
    is_active: bool


def reserve_attempt(email: str) -> PendingLogin:
    """Login, step 1: check the throttle, note the attempt as a failure until the password
    is proven, and read what the hash check needs.

    The login view commits this short transaction before ``check_reserved_password``:
    argon2 takes about 0.2 s of CPU, and on SQLite any transaction holds the write lock
    (``BEGIN IMMEDIATE``), so 50 simultaneous logins queued for it and some ran past the
    busy timeout (503). Attempts still running count against the throttle, so parallel
    guesses get no more tries than sequential ones.
    """
    _check_throttle(email)
    user = user_by_email(email)
    attempt = LoginAttempt(account_key=_account_key(email), succeeded=False)
    db.session.add(attempt)
    db.session.flush()
    return PendingLogin(
        email=email,
        attempt_id=attempt.id,
        user_id=user.id if user else None,
        password_hash=user.password_hash if user else None,
        is_active=bool(user and user.is_active),
    )


def check_reserved_password(pending: PendingLogin, password: str) -> User:
    """Login, step 2: check the password *before* the first statement of the transaction;
    a right password removes the reserved failure record. Opens nothing.

    The throttle counts failures in the database, so it holds across worker processes.
    Unknown accounts cost the same hashing time and produce the same error.
    """
    if pending.password_hash is None:
        verify_dummy(password)
        ok = False
    else:
        ok = verify_password(pending.password_hash, password) and pending.is_active
    user = db.session.get(User, pending.user_id) if ok else None
    # Changed or disabled between the two steps: as wrong as a wrong password.
    if user is None or not user.is_active or user.password_hash != pending.password_hash:
        audit.record(None, "login.failure", "user", pending.user_id)
        raise LoginFailed(LOGIN_FAILED)
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.id == pending.attempt_id))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def check_password(email: str, password: str) -> User:
    """Both password steps in one transaction (for callers without a request to commit)."""
    return check_reserved_password(reserve_attempt(email), password)


def complete_login(user: User, method: str = "password") -> SignIn:
    """Last login step: count the success, open a server-side session, audit."""
    db.session.add(LoginAttempt(account_key=_account_key(user.email), succeeded=True))
    user.last_login_at = utcnow()
    token = open_session(user)
    audit.record(user, "login.success", "user", user.id, method=method)
    return SignIn(user=user, token=token)


def authenticate(email: str, password: str) -> SignIn:
    """Password login for accounts without a second factor.

    Raises ``SecondFactorRequired`` (and opens no session) when the account has TOTP.
    """
    user = check_password(email, password)
    if user.has_totp:
        raise SecondFactorRequired(user)
    return complete_login(user)


def verify_second_factor(user: User, code: str, now: datetime | None = None) -> str:
    """Second login step: accept a TOTP code once, or an unused recovery code.

    Returns ``"totp"`` or ``"recovery"``. Failures count towards the same per-account
    throttle as wrong passwords (5 per 60 s).
    """
    now = now or utcnow()
    _check_throttle(user.email)
    if not user.is_active or not user.has_totp:
        _record_failure(user.email)
        raise LoginFailed(CODE_FAILED)
    kind = mfa.classify_code(code)
    message = CODE_FAILED
    if kind is mfa.CodeKind.TOTP:
        check = mfa.verify_totp(user.totp_secret or "", code, user.totp_last_step, now)
        if check.ok:
            user.totp_last_step = check.step
            return "totp"
        if check.verdict is mfa.TotpVerdict.REPLAYED:
            message = CODE_USED
    elif kind is mfa.CodeKind.RECOVERY:
        row = db.session.scalar(
            sa.select(RecoveryCode).where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == mfa.hash_recovery_code(code),
            )
        )
        if row is not None and row.used_at is None:
            # Compare-and-set: two parallel requests cannot both spend the same code.
            spent = rowcount(
                db.session.execute(
                    sa.update(RecoveryCode)
                    .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                    .values(used_at=now)
                    .execution_options(synchronize_session=False)
                )
            )
            if spent == 1:
                db.session.refresh(row)
                audit.record(
                    user,
                    "login.recovery_code",
                    "user",
                    user.id,
                    remaining=recovery_codes_left(user),
                )
                return "recovery"
        if row is not None:
            message = CODE_USED
    _record_failure(user.email)
    audit.record(None, "mfa.failure", "user", user.id)
    raise CodeRejected(message)


def recovery_codes_left(user: User) -> int:
    """Number of unused recovery codes of a user."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def totp_required(user: User) -> bool:
    """True when the user's role must sign in with a second factor (TOTP_REQUIRED_ROLES)."""
    return user.role in tuple(current_app.config.get("TOTP_REQUIRED_ROLES") or ())


def reauthenticate(user: User, password: str) -> None:
    """Ask for the password again before a change of the second factor (AUTH-06).

    Wrong passwords count towards the login throttle, so a hijacked session cannot
    guess the password here.
    """
    _check_throttle(user.email)
    if not verify_password(user.password_hash, password):
        _record_failure(user.email)
        audit.record(user, "reauth.failure", "user", user.id)
        raise AccountError("Das Passwort stimmt nicht.")


def _clear_second_factor(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def enable_totp(user: User, secret: str, code: str, now: datetime | None = None) -> list[str]:
    """Confirm a (new) TOTP secret with a current code; return 10 fresh recovery codes.

    The caller has checked re-authentication when the user already had a second
    factor; the old secret and its recovery codes are replaced.
    """
    now = now or utcnow()
    check = mfa.verify_totp(secret, code, None, now)
    if not check.ok:
        raise CodeRejected(
            "Der Code stimmt nicht. Bitte geben Sie den aktuellen Code aus Ihrer App ein."
        )
    re_enrolled = user.has_totp
    _clear_second_factor(user)
    user.totp_secret = secret
    user.totp_enabled_at = now
    user.totp_last_step = check.step
    codes = mfa.new_recovery_codes()
    for plain in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=mfa.hash_recovery_code(plain)))
    db.session.flush()
    audit.record(user, "mfa.enable", "user", user.id, re_enrolled=re_enrolled)
    return codes


def disable_totp(user: User, password: str) -> None:
    """Switch the own second factor off after re-entering the password."""
    if totp_required(user):
        raise AccountError(
            "Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben. "
            "Sie können sie nur neu einrichten."
        )
    reauthenticate(user, password)
    if not user.has_totp:
        raise AccountError("Die Zwei-Faktor-Anmeldung ist nicht eingerichtet.")
    _clear_second_factor(user)
    audit.record(user, "mfa.disable", "user", user.id)


def reset_second_factor(actor: Any, user: User) -> int:
    """Admin or CLI: remove a user's second factor after an identity check; end the
    user's sessions. Returns the number of sessions ended."""
    if actor is not None and getattr(actor, "id", None) == user.id:
        raise AccountError(
            "Ihren eigenen zweiten Faktor richten Sie unter „Zwei-Faktor-Anmeldung“ neu ein."
        )
    if not user.has_totp and user.totp_secret is None:
        raise AccountError("Für dieses Konto ist keine Zwei-Faktor-Anmeldung eingerichtet.")
    _clear_second_factor(user)
    ended = end_all_sessions(user)
    audit.record(actor, "mfa.reset", "user", user.id, sessions_ended=ended)
    return ended


def open_session(user: User) -> str:
    """Create a session row and return its secret token; end the oldest beyond the cap."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_token_hash(token), user_id=user.id))
    db.session.flush()
    keep = current_app.config["SESSION_MAX_PER_USER"]
    stale_ids = db.session.scalars(
        sa.select(UserSession.id)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())
        .offset(keep)
    ).all()
    if stale_ids:
        db.session.execute(sa.delete(UserSession).where(UserSession.id.in_(stale_ids)))
    return token


def rotate_session(user: User, token: str | None) -> str:
    """New session id after re-authentication (SESS-02): the old token stops working."""
    if token:
        db.session.execute(
            sa.delete(UserSession).where(UserSession.token_hash == _token_hash(token))
        )
    return open_session(user)


@functools.cache
def _session_user_statement() -> sa.Select[tuple[UserSession]]:
    """The session row of a token hash with its user (and the user's contact point) in one
    statement: every signed-in request loads both (issue #22 item 5: one statement less per
    request). Built once: building it and its cache key was a twentieth of a list page."""
    return (
        sa.select(UserSession)
        .where(UserSession.token_hash == sa.bindparam("token_hash"))
        .options(orm.joinedload(UserSession.user))
    )


def session_user(token: str | None, now: datetime | None = None) -> User | None:
    """Return the active user of a live session token, or None.

    Ends the session when it is idle longer than SESSION_IDLE_TIMEOUT or older than
    SESSION_ABSOLUTE_LIFETIME. Refreshes ``last_seen_at`` at most once a minute.
    """
    if not token:
        return None
    now = now or utcnow()
    row = db.session.scalar(_session_user_statement(), {"token_hash": _token_hash(token)})
    if row is None:
        return None
    cfg = current_app.config
    expired = (
        now - row.last_seen_at > cfg["SESSION_IDLE_TIMEOUT"]
        or now - row.created_at > cfg["SESSION_ABSOLUTE_LIFETIME"]
    )
    if expired or not row.user.is_active:
        db.session.delete(row)
        db.session.commit()
        return None
    if now - row.last_seen_at > timedelta(seconds=60):
        row.last_seen_at = now
        db.session.commit()
    return row.user


def session_row(token: str | None) -> UserSession | None:
    """The session row of a session token, or None."""
    if not token:
        return None
    return db.session.scalar(
        sa.select(UserSession).where(UserSession.token_hash == _token_hash(token))
    )


def session_expires_at(token: str) -> datetime | None:
    """When the session ends if idle from now on (for the timeout warning)."""
    row = db.session.scalar(
        sa.select(UserSession).where(UserSession.token_hash == _token_hash(token))
    )
    if row is None:
        return None
    cfg = current_app.config
    return min(
        row.last_seen_at + cfg["SESSION_IDLE_TIMEOUT"],
        row.created_at + cfg["SESSION_ABSOLUTE_LIFETIME"],
    )


def touch_session(token: str) -> None:
    """Mark the session as used now (the user chose to extend it)."""
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.token_hash == _token_hash(token))
        .values(last_seen_at=utcnow())
    )


def close_session(user: User | None, token: str | None) -> None:
    """Sign out: delete this session on the server."""
    if token:
        db.session.execute(
            sa.delete(UserSession).where(UserSession.token_hash == _token_hash(token))
        )
    if user is not None:
        audit.record(user, "logout", "user", user.id)


def end_all_sessions(user: User, except_token: str | None = None) -> int:
    """Delete every session of a user (optionally keeping one); return how many."""
    stmt = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if except_token:
        stmt = stmt.where(UserSession.token_hash != _token_hash(except_token))
    return rowcount(db.session.execute(stmt))


def change_password(user: User, current: str, new: str, token: str | None) -> None:
    """Change the own password; needs the current one; ends all other sessions."""
    if not verify_password(user.password_hash, current):
        raise AccountError("Das aktuelle Passwort stimmt nicht.")
    problems = password_problems(new, (user.email.split("@")[0], user.display_name))
    if problems:
        raise PasswordRejected(problems)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    ended = end_all_sessions(user, except_token=token)
    audit.record(user, "user.password_change", "user", user.id, sessions_ended=ended)


def set_password(actor: Any, user: User, new: str) -> None:
    """Set a password without the old one (admin/CLI); ends all sessions of the user."""
    problems = password_problems(new, (user.email.split("@")[0], user.display_name))
    if problems:
        raise PasswordRejected(problems)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    end_all_sessions(user)
    audit.record(actor, "user.password_set", "user", user.id)


def set_active(actor: Any, user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivation ends its sessions at once."""
    if actor is not None and getattr(actor, "id", None) == user.id and not active:
        raise AccountError("Sie können Ihr eigenes Konto nicht deaktivieren.")
    user.is_active = active
    if not active:
        end_all_sessions(user)
    audit.record(actor, "user.activate" if active else "user.deactivate", "user", user.id)


def generate_password() -> str:
    """A random password that passes the policy (for CLI-created and demo accounts)."""
    words = secrets.token_urlsafe(15)
    return f"{words[:5]}-{words[5:10]}-{words[10:]}"


# --- Password reset by e-mail (security.md AUTH-05, AUTH-06) ---

MAX_RESET_HOURS = 24


class ResetLinkInvalid(AccountError):
    """The reset link is unknown (404), or used or expired (400)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def reset_link_hours() -> int:
    """Validity of a reset link: PASSWORD_RESET_HOURS, kept within 1–24 h (AUTH-05)."""
    hours = int(current_app.config.get("PASSWORD_RESET_HOURS") or 1)
    return max(1, min(hours, MAX_RESET_HOURS))


def reset_url(token: str) -> str:
    """The link in the e-mail (host from ``mail.links``: PUBLIC_BASE_URL, else the request's
    host, which TRUSTED_HOSTS has checked)."""
    from wbagentur.mail.links import external_url

    return external_url("accounts.password_reset", token=token)


def _reset_requests_in_last_hour(user: User, now: datetime) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(PasswordResetToken.id)).where(
                PasswordResetToken.user_id == user.id,
                PasswordResetToken.created_at > now - timedelta(hours=1),
            )
        )
        or 0
    )


def request_password_reset(email: str, now: datetime | None = None) -> str | None:
    """Create a reset token and queue the e-mail, for an active account only.

    Returns the token (for tests) or None when nothing was sent: unknown or inactive
    account, or more than PASSWORD_RESET_MAX_PER_HOUR requests for this account in the
    last hour. The caller answers the same in every case.
    """
    from flask import render_template

    from wbagentur.mail.services import queue_mail

    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    token_hash = _token_hash(token)  # computed for every request: similar work either way
    user = user_by_email(email)
    if user is None or not user.is_active:
        audit.record(None, "password.reset_request", "user", None, sent=False)
        return None
    if user.oidc_subject is not None:
        # Single sign-on accounts have no password here: a reset link would let a password
        # side-step a deactivation at the identity provider.
        audit.record(None, "password.reset_request", "user", user.id, sent=False, sso=True)
        return None
    if _reset_requests_in_last_hour(user, now) >= int(
        current_app.config["PASSWORD_RESET_MAX_PER_HOUR"]
    ):
        audit.record(None, "password.reset_request", "user", user.id, sent=False, limited=True)
        return None
    hours = reset_link_hours()
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    body = render_template(
        "accounts/email_password_reset.txt", user=user, link=reset_url(token), hours=hours
    )
    outbox = queue_mail(
        user.email,
        "Passwort zurücksetzen – Weiterbildungsagentur Thüringen",
        body,
        kind="password_reset",
    )
    audit.record(None, "password.reset_request", "user", user.id, sent=True, outbox_id=outbox.id)
    return token


def reset_token_row(token: str, now: datetime | None = None) -> PasswordResetToken:
    """The valid token row for a link, or ResetLinkInvalid with a German message."""
    now = now or utcnow()
    row = None
    if token and len(token) <= 100:
        row = db.session.scalar(
            sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
        )
    if row is None:
        raise ResetLinkInvalid(
            "Diesen Link zum Zurücksetzen des Passworts kennen wir nicht. Bitte prüfen Sie, "
            "ob Sie ihn vollständig kopiert haben, oder fordern Sie einen neuen Link an.",
            404,
        )
    if row.used_at is not None:
        raise ResetLinkInvalid(
            "Dieser Link wurde bereits verwendet. Jeder Link funktioniert nur einmal. "
            "Bitte fordern Sie einen neuen Link an.",
            400,
        )
    if row.expires_at <= now or not db.session.get_one(User, row.user_id).is_active:
        raise ResetLinkInvalid(
            "Dieser Link ist abgelaufen. Bitte fordern Sie einen neuen Link an.", 400
        )
    return row


def reset_password(token: str, new_password: str, now: datetime | None = None) -> User:
    """Set a new password through a reset link.

    The token is spent with a compare-and-set, so it works exactly once even with two
    requests at the same time. All other open links of the user become invalid, all
    sessions end, and the user is told by e-mail at once. The second factor stays: the
    next login still asks for the code.
    """
    from flask import render_template

    from wbagentur.mail.services import queue_mail

    now = now or utcnow()
    row = reset_token_row(token, now)
    user = db.session.get_one(User, row.user_id)
    problems = password_problems(new_password, (user.email.split("@")[0], user.display_name))
    if problems:
        raise PasswordRejected(problems)
    spent = rowcount(
        db.session.execute(
            sa.update(PasswordResetToken)
            .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    if spent != 1:
        raise ResetLinkInvalid(
            "Dieser Link wurde bereits verwendet. Jeder Link funktioniert nur einmal. "
            "Bitte fordern Sie einen neuen Link an.",
            400,
        )
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    ended = end_all_sessions(user)
    from wbagentur.mail.links import external_url

    body = render_template(
        "accounts/email_password_changed.txt",
        user=user,
        forgot_link=external_url("accounts.password_forgot"),
    )
    outbox = queue_mail(user.email, "Ihr Passwort wurde geändert", body, kind="password_changed")
    audit.record(user, "password.reset", "user", user.id, sessions_ended=ended, outbox_id=outbox.id)
    return user


# ---------------------------------------------------------------- a region's staff

STAFF_ROLES = ("advisor", "supervisor")


def region_staff_statement(region_id: int, *columns: Any) -> sa.Select[Any]:
    """``columns`` of the active advisors and supervisors of a region, by name."""
    return (
        sa.select(*columns)
        .join(ContactPoint, ContactPoint.id == User.contact_point_id)
        .where(
            ContactPoint.region_id == region_id,
            User.is_active.is_(True),
            User.role.in_(STAFF_ROLES),
        )
        .order_by(User.display_name, User.id)
    )


def region_staff_names(region_id: int, user_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of a region's staff, for a form's choices: plain rows, no user objects
    (as objects with their eager loads, the 250 advisors of a region at 1,000,000 cases
    were a sixth of the case page on SQLite, issue #22). ``user_id``: only that user, if
    they are of the region's staff."""
    stmt = region_staff_statement(region_id, User.id, User.display_name)
    if user_id is not None:
        stmt = stmt.where(User.id == user_id)
    rows = db.session.execute(stmt)
    return [(int(staff_id), str(name)) for staff_id, name in rows]
