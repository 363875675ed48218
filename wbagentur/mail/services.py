"""Queue e-mails in the outbox and deliver them (security.md ERR-02: SMTP down loses nothing).

``queue_mail`` only adds a row to the current transaction, so a request that fails sends
nothing. ``send_pending`` is run by ``flask mail send`` (cron, every minute). It is a job,
not a request: unlike the other services it commits, once per message, so one bad address
never blocks or rolls back the others.
"""

from __future__ import annotations

import logging
import re
import smtplib
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template

from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.mail.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]+")


@dataclass
class SendReport:
    """What one ``send_pending`` run did."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0


def _single_line(value: str, max_length: int) -> str:
    """Header values are one line: CR/LF would let a value add headers (injection)."""
    return _LINE_BREAKS.sub(" ", value).strip()[:max_length]


def queue_mail(recipient: str, subject: str, body: str, kind: str) -> OutboxMessage:
    """Add a message to the outbox in the current transaction; it is sent after commit."""
    message = OutboxMessage(
        recipient=_single_line(recipient, 254),
        subject=_single_line(subject, 200),
        body=body,
        kind=kind[:40],
    )
    db.session.add(message)
    db.session.flush()
    logger.info("mail queued: outbox %s kind %s", message.id, message.kind)
    return message


def render_mail(template: str, **context: Any) -> str:
    """Render a plain-text body from ``templates/mail/*.txt`` (no HTML escaping)."""
    return render_template(f"mail/{template}", **context)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4 … minutes after 1, 2, 3 … failures, at most 6 h."""
    if attempts < 1:
        return timedelta(0)
    return min(timedelta(minutes=2 ** min(attempts - 1, 20)), MAX_BACKOFF)


def build_message(message: OutboxMessage) -> EmailMessage:
    """The RFC 5322 message for an outbox row."""
    sender = current_app.config["MAIL_SENDER"]
    email = EmailMessage()
    email["Subject"] = _single_line(message.subject, 200)
    email["From"] = sender
    email["To"] = _single_line(message.recipient, 254)
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = make_msgid(
        idstring=f"outbox{message.id}", domain=sender.rpartition("@")[2] or "localhost"
    )
    email.set_content(message.body)
    return email


def _deliver(email: EmailMessage) -> None:
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if backend == "console":
        sys.stdout.write(email.as_string() + "\n")
        sys.stdout.flush()
        return
    if backend == "file":
        from wbagentur.mail.mailbox import write_message

        write_message(email)
        return
    if backend != "smtp":
        raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")
    with smtplib.SMTP(
        config["MAIL_SMTP_HOST"], int(config["MAIL_SMTP_PORT"]), timeout=config["MAIL_SMTP_TIMEOUT"]
    ) as smtp:
        smtp.send_message(email)


def pending_count(now: datetime | None = None) -> tuple[int, int]:
    """(unsent messages, of which due now)."""
    now = now or utcnow()
    unsent = db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None))
    )
    due = db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now
        )
    )
    return int(unsent or 0), int(due or 0)


def send_pending(limit: int = 100, now: datetime | None = None) -> SendReport:
    """Send up to ``limit`` due messages, each in its own transaction.

    A message is locked while it is sent (PostgreSQL ``FOR UPDATE SKIP LOCKED``), so two
    runs at once never send it twice; a sent message is never picked up again. On failure
    it keeps its place with ``attempts`` + 1, the error class name and a later
    ``next_attempt_at``.
    """
    now = now or utcnow()
    report = SendReport()
    ids = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    for message_id in ids:
        message = db.session.scalar(
            sa.select(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        if message is None:
            report.skipped += 1  # sent meanwhile, or another run holds it
            db.session.commit()
            continue
        try:
            _deliver(build_message(message))
        except Exception as exc:  # noqa: BLE001 - any failure must keep the message queued
            message.attempts += 1
            message.last_error = type(exc).__name__[:200]
            message.next_attempt_at = now + backoff(message.attempts)
            report.failed += 1
            logger.warning(
                "mail not sent: outbox %s attempt %s %s",
                message.id,
                message.attempts,
                message.last_error,
            )
        else:
            message.sent_at = utcnow()
            message.last_error = None
            report.sent += 1
            logger.info("mail sent: outbox %s", message.id)
        db.session.commit()
    return report
