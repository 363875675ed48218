"""Reads of the audit trail."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from wbagentur.core.audit import AuditEvent
from wbagentur.core.timezone import BERLIN

READ_ACTIONS = (
    "case.view",
    "person.view",
    "referral.view",
    "case.document_download",
    "referral.partner_view",
)


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BERLIN)


def audit_events(
    *,
    actor_id: int | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> sa.Select[tuple[AuditEvent]]:
    """Audit entries matching the filters, newest first (``action`` matches as prefix)."""
    stmt = sa.select(AuditEvent)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if action:
        escaped = action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(AuditEvent.action.like(f"{escaped}%", escape="\\"))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if since:
        stmt = stmt.where(AuditEvent.at >= _start(since))
    if until:
        stmt = stmt.where(AuditEvent.at < _start(until + timedelta(days=1)))
    return stmt.order_by(AuditEvent.id.desc())


def objects_accessed_by(
    actor_id: int, since: datetime, until: datetime
) -> sa.Select[tuple[str | None, int | None]]:
    """Which objects (type, id) an account viewed, downloaded or exported in a period –
    the question to answer within the 72 hours of Art. 33 DSGVO after a breach."""
    return (
        sa.select(AuditEvent.object_type, AuditEvent.object_id)
        .where(
            AuditEvent.actor_id == actor_id,
            AuditEvent.at >= since,
            AuditEvent.at <= until,
            sa.or_(AuditEvent.action.in_(READ_ACTIONS), AuditEvent.action.like("%.export%")),
            AuditEvent.object_id.is_not(None),
        )
        .distinct()
        .order_by(AuditEvent.object_type, AuditEvent.object_id)
    )
