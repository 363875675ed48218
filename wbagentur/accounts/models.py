"""Staff accounts, their server-side sessions and login attempts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbagentur.core.models import TimestampMixin, enum_column, utcnow
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.extensions import db
from wbagentur.regions.models import ContactPoint

ROLE_LABELS = {
    "advisor": _l("Berater/in"),
    "supervisor": _l("Leitung"),
    "coordinator": _l("Landeskoordination"),
    "admin": _l("Administration"),
}


class User(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """A staff member. Advisors and supervisors belong to a contact point (a region)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, info={"pii": "staff"})
    display_name: Mapped[str] = mapped_column(sa.String(100), info={"pii": "staff"})
    role: Mapped[str] = mapped_column(
        enum_column("advisor", "supervisor", "coordinator", "admin", name="role")
    )
    contact_point_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contact_points.id"), index=True
    )
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # TOTP second factor (RFC 6238): the base32 secret, encrypted (accounts/secretbox.py;
    # read and set it through ``totp_secret``), when it was confirmed, and the last
    # accepted time step so that every code works only once.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(
        "totp_secret", sa.String(255), info={"pii": "secret"}
    )
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The ``sub`` claim of the account at the OpenID Connect provider (accounts/oidc.py);
    # set when the account was provisioned or linked by single sign-on.
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(255), unique=True)

    contact_point: Mapped[ContactPoint | None] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(
            "role NOT IN ('advisor', 'supervisor') OR contact_point_id IS NOT NULL",
            name="regional_roles_have_contact_point",
        ),
    )

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def has_totp(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret_encrypted is not None

    @property
    def totp_secret(self) -> str | None:
        """The decrypted base32 secret (raises ``TotpSecretUnreadable`` on a key mismatch)."""
        from wbagentur.accounts import secretbox

        stored = self.totp_secret_encrypted
        return None if stored is None else secretbox.decrypt(stored, owner=f"user {self.id}")

    @totp_secret.setter
    def totp_secret(self, secret: str | None) -> None:
        from wbagentur.accounts import secretbox

        self.totp_secret_encrypted = None if secret is None else secretbox.encrypt(secret)

    @property
    def region_id(self) -> int | None:
        return self.contact_point.region_id if self.contact_point else None

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(db.Model):  # type: ignore[name-defined]
    """A signed-in browser session. The cookie holds a random token; only its SHA-256
    is stored, so a database copy does not yield live sessions."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Single sign-on sessions only (accounts/oidc.py): the provider's tokens, encrypted like
    # the TOTP secrets, and when the provider last confirmed the account. A session whose
    # check is older than OIDC_REVALIDATE_SECONDS asks the provider again before it serves
    # a request; a refusal ends it. NULL for password sessions.
    oidc_refresh_token: Mapped[str | None] = mapped_column(sa.Text)
    oidc_access_token: Mapped[str | None] = mapped_column(sa.Text)
    oidc_checked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def is_sso(self) -> bool:
        return self.oidc_checked_at is not None


class LoginAttempt(db.Model):  # type: ignore[name-defined]
    """A login attempt for an account key (HMAC of the e-mail, never the address)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (sa.Index("ix_login_attempts_key_at", "account_key", "at"),)


class RecoveryCode(db.Model):  # type: ignore[name-defined]
    """A single-use recovery code for the second factor (only its SHA-256 is stored;
    the codes are random with 80 bits, so a fast hash suffices)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class PasswordResetToken(db.Model):  # type: ignore[name-defined]
    """A single-use, expiring password-reset link (only the SHA-256 of the token)."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
