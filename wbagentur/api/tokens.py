"""Creating, checking and revoking API tokens. Only the SHA-256 of a token is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from wbagentur.api.models import ApiToken
from wbagentur.core import audit
from wbagentur.core.errors_domain import DomainError
from wbagentur.core.models import utcnow
from wbagentur.extensions import db

SCOPES = {
    "firms:read": "Unternehmen lesen",
    "firms:write": "Unternehmen anlegen und ändern",
    "persons:read": "Personen lesen (ohne besondere Kategorien)",
    "persons:write": "Personen anlegen und ändern (ohne besondere Kategorien)",
    "cases:read": "Fälle mit Verlauf lesen",
    "cases:write": "Fälle anlegen und ändern, Notizen schreiben",
    "referrals:read": "Weiterleitungen lesen",
    "referrals:write": "Weiterleitungen anlegen und ihren Zustand ändern",
    "funding:check": "Förderprüfung ausführen (im Fall: speichern)",
}
PREFIX = "wba_"
MAX_DAYS = 365


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    actor: Any, user: Any, name: str, scopes: list[str], days: int
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the secret (show it once)."""
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise DomainError("Unbekannte oder fehlende Berechtigung: " + ", ".join(sorted(unknown)))
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(f"Ein Token gilt 1 bis {MAX_DAYS} Tage.")
    if not user.is_active:
        raise DomainError("Das Konto ist deaktiviert.")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name.strip()[:80] or "Token",
        prefix=secret[:12],
        token_hash=_hash(secret),
        scopes=" ".join(sorted(set(scopes))),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        actor, "api_token.create", "api_token", token.id, user=user.id, scopes=sorted(scopes)
    )
    return token, secret


def revoke_token(actor: Any, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(actor, "api_token.revoke", "api_token", token.id)


def authenticate(header: str | None) -> ApiToken | None:
    """The live token named by an ``Authorization: Bearer …`` header, or None."""
    if not header or not header.startswith("Bearer "):
        return None
    secret = header[len("Bearer ") :].strip()
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    now = utcnow()
    if (
        token is None
        or token.revoked_at is not None
        or token.expires_at <= now
        or not token.user.is_active
    ):
        return None
    token.last_used_at = now
    return token
