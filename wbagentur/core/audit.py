"""Append-only, hash-chained audit trail of who did what to which object.

Entries hold ids and action names only, never personal data values. Each entry stores
the SHA-256 of its predecessor's hash plus its own content, so an edited or deleted
entry breaks the chain; ``flask audit verify`` reports the first break. The newest entry
is anchored outside the database (``flask audit anchor``), so removing the newest entries
is detected too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column

from wbagentur.core.models import utcnow
from wbagentur.extensions import db

GENESIS = "0" * 64
AUDIT_LOCK_KEY = 7_311_001


class AuditEvent(db.Model):  # type: ignore[name-defined]
    """One audited action."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    actor_role: Mapped[str | None] = mapped_column(sa.String(20))
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[int | None] = mapped_column(sa.Integer)
    details: Mapped[str] = mapped_column(sa.Text, default="{}")
    request_id: Mapped[str | None] = mapped_column(sa.String(32))
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)

    def compute_hash(self) -> str:
        payload = json.dumps(
            [
                self.prev_hash,
                self.at.isoformat(),
                self.actor_id,
                self.actor_role,
                self.action,
                self.object_type,
                self.object_id,
                self.details,
            ],
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()


def record(
    actor: Any,
    action: str,
    object_type: str | None = None,
    object_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Append an audit entry in the current transaction and return it.

    ``details`` must hold ids, codes and counts only — no names, e-mail addresses or
    free text about people.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        # Serialise appends so two transactions never chain onto the same predecessor;
        # the lock is released at commit/rollback.
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
    last = db.session.execute(
        sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar()
    event = AuditEvent(
        at=utcnow().replace(microsecond=0),
        actor_id=getattr(actor, "id", None),
        actor_role=getattr(actor, "role", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=json.dumps(details, sort_keys=True, default=str),
        request_id=request.environ.get("wbagentur.request_id") if has_request_context() else None,
        prev_hash=last or GENESIS,
    )
    event.hash = event.compute_hash()
    db.session.add(event)
    db.session.flush()
    return event


# Where the chain may start besides GENESIS: the module that removes old entries (the
# retention runs) registers a provider at app creation, so core imports no domain module.
_ANCHOR_PROVIDERS: dict[str, Callable[[], set[str]]] = {}


def register_chain_anchors(name: str, provider: Callable[[], set[str]]) -> None:
    """Register ``provider``: the hashes of the newest entries a run removed."""
    _ANCHOR_PROVIDERS[name] = provider


def _retention_anchors() -> set[str]:
    """Hashes of the newest entries removed by retention runs (the chain starts there)."""
    anchors: set[str] = set()
    for provider in _ANCHOR_PROVIDERS.values():
        anchors |= provider()
    return anchors


def verify_chain() -> tuple[int, int | None]:
    """Check the whole chain; return (entries checked, id of the first broken entry).

    After retention removed old entries the chain starts at the hash recorded by that
    run; any other start is a break.
    """
    prev: str | None = None
    count = 0
    for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        count += 1
        if prev is None:
            if event.prev_hash != GENESIS and event.prev_hash not in _retention_anchors():
                return count, event.id
        elif event.prev_hash != prev:
            return count, event.id
        if event.compute_hash() != event.hash:
            return count, event.id
        prev = event.hash
    return count, None


# --- Anchor of the chain's head -------------------------------------------------------
# The chain proves that nothing *inside* it was changed, but deleting the newest entries
# leaves a shorter chain that is still intact (issue #19 item 10). ``write_anchor`` signs
# the current head (id and hash) with an HMAC key the database does not hold and stores
# it outside the database (a file; operators also copy its line off the host);
# ``verify_anchor`` then fails when the anchored entry is gone or differs.

ANCHOR_VERSION = 1


class AnchorError(Exception):
    """The anchor is missing, unreadable, forged, or the chain no longer reaches it."""


def _anchor_key() -> bytes:
    from flask import current_app

    configured = current_app.config.get("AUDIT_ANCHOR_KEY")
    if configured:
        return str(configured).encode()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"wbagentur-audit-anchor", hashlib.sha256).digest()


def anchor_path() -> Path:
    from flask import current_app

    configured = current_app.config.get("AUDIT_ANCHOR_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit-anchor"


def _signature(body: dict[str, Any]) -> str:
    message = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(_anchor_key(), message, hashlib.sha256).hexdigest()


def make_anchor() -> dict[str, Any]:
    """The signed head of the chain: id and hash of the newest entry."""
    head = db.session.execute(
        sa.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    body: dict[str, Any] = {
        "v": ANCHOR_VERSION,
        "id": head.id if head else 0,
        "hash": head.hash if head else GENESIS,
        "at": utcnow().replace(microsecond=0).isoformat(),
    }
    return {**body, "sig": _signature(body)}


def write_anchor(path: Path | None = None) -> dict[str, Any]:
    """Write the signed head to ``path`` (atomically, mode 0600) and return it."""
    anchor = make_anchor()
    target = path or anchor_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(json.dumps(anchor, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, target)
    return anchor


def read_anchor(text: str) -> dict[str, Any]:
    """Parse and authenticate an anchor line; ``AnchorError`` if it is not genuine."""
    try:
        anchor = json.loads(text)
        body = {k: anchor[k] for k in ("v", "id", "hash", "at")}
        signature = str(anchor["sig"])
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorError("Der Anker ist unlesbar.") from exc
    if not hmac.compare_digest(signature, _signature(body)):
        raise AnchorError(
            "Die Signatur des Ankers stimmt nicht (gefälscht oder anderer Schlüssel)."
        )
    return anchor


def verify_anchor(anchor: dict[str, Any]) -> None:
    """The anchored entry must still be in the (already verified) chain with its hash.

    Entries up to the anchor cannot be removed without detection: the chain runs from
    its start up to the anchored entry. Only entries written after the last anchor are
    unprotected, so the anchor is renewed often (docs/operations.md).
    """
    anchored_id, anchored_hash = int(anchor["id"]), str(anchor["hash"])
    if anchored_id == 0:
        return  # anchored while the trail was empty
    stored = db.session.scalar(sa.select(AuditEvent.hash).where(AuditEvent.id == anchored_id))
    if stored == anchored_hash:
        return
    if stored is None:
        oldest = db.session.scalar(sa.select(sa.func.min(AuditEvent.id)))
        if oldest is not None and anchored_id < oldest and _retention_anchors():
            return  # retention has removed it since (it records where the chain starts)
        raise AnchorError(
            f"Eintrag {anchored_id} aus dem Anker fehlt: neuere Einträge wurden gelöscht."
        )
    raise AnchorError(f"Eintrag {anchored_id} weicht vom Anker ab.")
