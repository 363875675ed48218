"""Scheduled referral work (``flask referrals remind``, the job runner): remind partners
before the due date, escalate overdue referrals to the region's supervisors (or the state
coordination), expire referrals nobody answered. Idempotent: once-only timestamps are set
with conditional UPDATEs, so parallel runs do nothing twice."""

from __future__ import annotations

import logging
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from wbagentur.accounts.models import User
from wbagentur.core import audit
from wbagentur.core.database import rowcount
from wbagentur.core.errors_domain import ConflictError
from wbagentur.core.models import utcnow
from wbagentur.core.timezone import local_today
from wbagentur.extensions import db
from wbagentur.referrals import rules
from wbagentur.referrals.models import Referral
from wbagentur.referrals.services import (
    _base_url,
    _notify_advisor,
    _path,
    _queue_mail,
    _transition,
)
from wbagentur.regions.models import ContactPoint

logger = logging.getLogger(__name__)


def _supervisor_emails(region_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(User.email)
            .join(User.contact_point)
            .where(
                ContactPoint.region_id == region_id,
                User.role == "supervisor",
                User.is_active.is_(True),
            )
            .order_by(User.id)
        )
    )


def _escalation_recipients(region_id: int) -> tuple[list[str], str]:
    """The region's active supervisors; without one, the state coordination (issue #14.9)."""
    emails = _supervisor_emails(region_id)
    if emails:
        return emails, "supervisor"
    coordinators = db.session.scalars(
        sa.select(User.email)
        .where(User.role == "coordinator", User.is_active.is_(True))
        .order_by(User.id)
    )
    return list(coordinators), "coordinator"


def run_reminders(today: date | None = None) -> dict[str, int]:
    """Reminders before the due date, escalation and expiry after it (idempotent)."""
    today = today or local_today()
    config = current_app.config
    remind_days = int(config.get("REFERRAL_REMINDER_DAYS", 2))
    escalate_days = int(config.get("REFERRAL_ESCALATION_DAYS", 5))
    expiry_days = int(config.get("REFERRAL_EXPIRY_DAYS", 20))
    counts = {"reminded": 0, "overdue": 0, "escalated": 0, "escalation_pending": 0, "expired": 0}
    now = utcnow()
    open_referrals = db.session.scalars(
        sa.select(Referral)
        .where(Referral.state.in_(("sent", "accepted")), Referral.due_date.is_not(None))
        .order_by(Referral.id)
    ).all()
    for referral in open_referrals:
        due = referral.due_date
        assert due is not None
        overdue_by = rules.working_days_between(due, today) if today > due else 0
        if referral.state == "sent" and overdue_by >= expiry_days:
            try:
                with db.session.begin_nested():
                    _transition(
                        None,
                        referral,
                        "expired",
                        via="system",
                        audit_action="referral.expire",
                        closed_at=now,
                        token_hash=None,
                    )
            except ConflictError:
                continue
            _notify_advisor(referral, "abgelaufen (keine Antwort)")
            counts["expired"] += 1
            continue
        if today > due:
            counts["overdue"] += 1
        if (
            referral.reminder_sent_at is None
            and today <= due
            and rules.working_days_between(today, due) <= remind_days
        ):
            if _mark_once(referral, "reminder_sent_at", now):
                link_note = "Bitte nutzen Sie den Link aus unserer ersten E-Mail."
                _queue_mail(
                    referral.partner.email,
                    f"Erinnerung: Weiterleitung {referral.case.reference} – Antwort bis "
                    f"{due:%d.%m.%Y}",
                    f"Guten Tag,\n\nwir erinnern an die Weiterleitung {referral.case.reference}. "
                    f"Bitte antworten Sie bis zum {due:%d.%m.%Y}. {link_note}\n",
                    "referral_reminder",
                )
                audit.record(
                    None, "referral.remind", "referral", referral.id, partner_id=referral.partner_id
                )
                counts["reminded"] += 1
        if referral.escalated_at is None and overdue_by >= escalate_days:
            emails, level = _escalation_recipients(referral.case.region_id)
            if not emails:
                # Nobody to tell: escalated_at stays empty, so the next run tries again.
                logger.warning("referral %s: no one to escalate to", referral.id)
                counts["escalation_pending"] += 1
            elif _mark_once(referral, "escalated_at", now):
                link = _base_url() + _path("referrals.detail", referral_id=referral.id)
                note = (
                    ""
                    if level == "supervisor"
                    else "\nDie Region hat keine aktive Leitung; die Meldung geht an die "
                    "Landeskoordination.\n"
                )
                ref = referral.case.reference
                body = (
                    f"Die Weiterleitung {ref} an {referral.partner.name} ist seit {overdue_by} "
                    f"Arbeitstagen überfällig (Frist {due:%d.%m.%Y}).\n{note}\n{link}\n"
                )
                for email in emails:
                    _queue_mail(
                        email, f"Überfällige Weiterleitung {ref}", body, "referral_escalation"
                    )
                audit.record(
                    None,
                    "referral.escalate",
                    "referral",
                    referral.id,
                    partner_id=referral.partner_id,
                    to=level,
                )
                counts["escalated"] += 1
    return counts


def _mark_once(referral: Referral, column: str, now: datetime) -> bool:
    """Set a once-only timestamp with a conditional UPDATE (a parallel run does nothing)."""
    col = getattr(Referral, column)
    result = db.session.execute(
        sa.update(Referral)
        .where(Referral.id == referral.id, col.is_(None))
        .values({column: now})
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(referral)
    return rowcount(result) == 1
