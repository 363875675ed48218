"""Account use cases: create users, sign in and out, sessions, passwords, deactivation.

Services flush and never commit; the view or CLI command commits once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from wbagentur.accounts.models import LoginAttempt, User, UserSession
from wbagentur.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problems,
    verify_dummy,
    verify_password,
)
from wbagentur.core import audit
from wbagentur.core.models import utcnow
from wbagentur.extensions import db

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
    return db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id)).where(
            LoginAttempt.account_key == _account_key(email),
            LoginAttempt.at > since,
            LoginAttempt.succeeded.is_(False),
        )
    ) or 0


@dataclass
class SignIn:
    """Result of a successful sign-in: the user and the secret session token."""

    user: User
    token: str


def authenticate(email: str, password: str) -> SignIn:
    """Check credentials with per-account throttling and open a server-side session.

    The throttle counts failures in the database, so it holds across worker processes.
    Unknown accounts cost the same hashing time and produce the same error.
    """
    if failed_attempts_in_window(email) >= current_app.config["LOGIN_MAX_FAILURES"]:
        audit.record(None, "login.throttled")
        raise LoginThrottled(
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie eine Minute."
        )
    user = user_by_email(email)
    if user is None:
        verify_dummy(password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.is_active
    if not ok or user is None:
        db.session.add(LoginAttempt(account_key=_account_key(email), succeeded=False))
        audit.record(None, "login.failure", "user", user.id if user else None)
        db.session.flush()
        raise LoginFailed("Anmeldung fehlgeschlagen. Bitte prüfen Sie E-Mail und Passwort.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.add(LoginAttempt(account_key=_account_key(email), succeeded=True))
    user.last_login_at = utcnow()
    token = open_session(user)
    audit.record(user, "login.success", "user", user.id)
    return SignIn(user=user, token=token)


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


def session_user(token: str | None, now: datetime | None = None) -> User | None:
    """Return the active user of a live session token, or None.

    Ends the session when it is idle longer than SESSION_IDLE_TIMEOUT or older than
    SESSION_ABSOLUTE_LIFETIME. Refreshes ``last_seen_at`` at most once a minute.
    """
    if not token:
        return None
    now = now or utcnow()
    row = db.session.scalar(
        sa.select(UserSession).where(UserSession.token_hash == _token_hash(token))
    )
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
        db.session.execute(sa.delete(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if user is not None:
        audit.record(user, "logout", "user", user.id)


def end_all_sessions(user: User, except_token: str | None = None) -> int:
    """Delete every session of a user (optionally keeping one); return how many."""
    stmt = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if except_token:
        stmt = stmt.where(UserSession.token_hash != _token_hash(except_token))
    return db.session.execute(stmt).rowcount or 0


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
