"""Append-only, hash-chained audit trail of who did what to which object.

Entries hold ids and action names only, never personal data values. Each entry stores
the SHA-256 of its predecessor's hash plus its own content, so an edited or deleted
entry breaks the chain; ``flask audit verify`` reports the first break.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
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


def _retention_anchors() -> set[str]:
    """Hashes of the newest entries removed by retention runs (the chain starts there)."""
    from wbagentur.retention.models import RetentionRun

    anchors = set()
    for report in db.session.scalars(sa.select(RetentionRun.report)):
        anchor = json.loads(report or "{}").get("audit_anchor")
        if anchor:
            anchors.add(anchor)
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
