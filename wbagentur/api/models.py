"""Personal and service tokens of the REST API."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbagentur.accounts.models import User
from wbagentur.core.models import utcnow
from wbagentur.extensions import db


class ApiToken(db.Model):  # type: ignore[name-defined]
    """A bearer token acting as ``user`` with the listed scopes until ``expires_at``.

    Only the SHA-256 of the secret is stored; the secret is shown once at creation. A
    service token is a token of a service account (a user of its own, e.g. with the
    coordinator role)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    prefix: Mapped[str] = mapped_column(sa.String(12))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
