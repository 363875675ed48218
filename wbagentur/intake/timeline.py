"""What the requester reads about their request: the steps of the status page, and the
e-mail on each change (only where the requester asked for it on the form).

The steps come from the case's timeline and referrals; they name the contact point, the
advisor and the kind of partner body (never a partner's internal id or code). The mail is
written by a ``before_flush`` hook when a status change, an assignment or a sent referral
is added to the timeline of a case opened by a public request, so every path that changes
a case (case page, referral sending, transfers) tells the requester without knowing of it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from wbagentur.cases.models import OUTCOMES, Case, TimelineEntry
from wbagentur.extensions import db
from wbagentur.intake.models import AdviceRequest
from wbagentur.mail.models import OutboxMessage
from wbagentur.partners.data import PARTNER_KINDS
from wbagentur.partners.models import Partner
from wbagentur.referrals.models import Referral

logger = logging.getLogger(__name__)

# Referral states in which the requester reads "weitergeleitet an …".
SHOWN_REFERRAL_STATES = ("sent", "accepted", "returned", "completed", "declined", "expired")


@dataclass
class Step:
    """One step of the status timeline; the template words it by ``key``. ``value`` is the
    advisor's name, the partner kind or the outcome (German labels)."""

    key: str
    value: str | None
    at: datetime | None
    done: bool


def _status_entries(case: Case) -> list[tuple[datetime, dict[str, Any]]]:
    rows = db.session.execute(
        sa.select(TimelineEntry.at, TimelineEntry.data)
        .where(TimelineEntry.case_id == case.id, TimelineEntry.kind == "status")
        .order_by(TimelineEntry.at, TimelineEntry.id)
    ).all()
    return [(at, json.loads(data or "{}")) for at, data in rows]


def _first_assignment(case: Case) -> datetime | None:
    return db.session.scalar(
        sa.select(sa.func.min(TimelineEntry.at)).where(
            TimelineEntry.case_id == case.id, TimelineEntry.kind == "assignment"
        )
    )


def referral_steps(case: Case) -> list[tuple[str, datetime | None]]:
    """(partner kind label, sent at) of the case's referrals the requester may read about."""
    rows = db.session.execute(
        sa.select(Partner.kind, Referral.sent_at)
        .join(Partner, Referral.partner_id == Partner.id)
        .where(Referral.case_id == case.id, Referral.state.in_(SHOWN_REFERRAL_STATES))
        .order_by(Referral.sent_at, Referral.id)
    ).all()
    return [(PARTNER_KINDS.get(kind, PARTNER_KINDS["other"]), sent_at) for kind, sent_at in rows]


def requester_steps(advice_request: AdviceRequest) -> list[Step]:
    """The steps of the status page, in order; later steps not reached yet are ``done=False``."""
    case = advice_request.case
    statuses = _status_entries(case)
    advice_at = next((at for at, d in statuses if d.get("to") == "in_advice"), None)
    advisor = case.assigned_to.display_name if case.assigned_to is not None else None
    steps = [
        Step("received", None, advice_request.submitted_at, True),
        Step("assigned", advisor, _first_assignment(case), advisor is not None),
        Step("in_advice", None, advice_at, advice_at is not None),
    ]
    referrals = referral_steps(case)
    steps += [Step("referred", label, sent_at, True) for label, sent_at in referrals]
    if not referrals:
        steps.append(Step("referred", None, None, False))
    closed = case.status == "closed"
    outcome = OUTCOMES.get(case.outcome or "") if closed else None
    steps.append(Step("closed", outcome, case.closed_at if closed else None, closed))
    return steps


# --- the mail on each change ---------------------------------------------------------------


def _change_line(session: Session, kind: str, data: dict[str, Any]) -> str | None:
    if kind == "assignment":
        from wbagentur.accounts.models import User

        user = session.get(User, data.get("assignee_id")) if data.get("assignee_id") else None
        if user is None:
            return None
        return f"Ihre Ansprechperson ist jetzt {user.display_name}."
    if kind == "status":
        to = data.get("to")
        if to == "in_advice":
            return "Ihre Anfrage ist jetzt in Beratung."
        if to == "waiting":
            return (
                "Wir warten auf eine Rückmeldung, zum Beispiel von Ihnen oder einer Förderstelle."
            )
        if to == "closed":
            outcome = OUTCOMES.get(str(data.get("outcome") or ""), None)
            return "Ihre Anfrage ist abgeschlossen" + (
                f". Ergebnis: {outcome}." if outcome else "."
            )
        return None  # "new" is the confirmation mail; "referred" follows the referral line
    if kind == "referral" and data.get("to") == "sent":
        referral = (
            session.get(Referral, data.get("referral_id")) if data.get("referral_id") else None
        )
        if referral is None:
            return None
        label = PARTNER_KINDS.get(referral.partner.kind, PARTNER_KINDS["other"])
        return f"Wir haben Ihr Anliegen weitergeleitet an: {label}."
    return None


def _mail_body(reference: str, lines: list[str]) -> str:
    changes = "\n".join(f"- {line}" for line in lines)
    return (
        "Guten Tag,\n\n"
        f"der Stand Ihrer Anfrage {reference} bei der Weiterbildungsagentur Thüringen hat "
        f"sich geändert:\n\n{changes}\n\n"
        "Alle Einzelheiten und die Kontaktdaten Ihrer Kontaktstelle sehen Sie über den "
        "persönlichen Link aus unserer ersten E-Mail.\n\n"
        "Mit freundlichen Grüßen\nIhre Weiterbildungsagentur Thüringen\n\n"
        "--\nSie bekommen diese E-Mail, weil Sie im Formular um Nachricht bei jeder Änderung "
        "gebeten haben. Wenn Sie keine weiteren E-Mails möchten, antworten Sie kurz auf "
        "diese Nachricht.\n"
    )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    entries = [
        o
        for o in session.new
        if isinstance(o, TimelineEntry) and o.kind in ("status", "assignment", "referral")
    ]
    if not entries:
        return
    with session.no_autoflush:
        by_case: dict[int, list[str]] = {}
        for entry in sorted(entries, key=lambda e: (e.at or datetime.min, e.kind)):
            line = _change_line(session, entry.kind, json.loads(entry.data or "{}"))
            if line:
                by_case.setdefault(entry.case_id, []).append(line)
        for case_id, lines in by_case.items():
            advice_request = session.scalar(
                sa.select(AdviceRequest).where(AdviceRequest.case_id == case_id)
            )
            if advice_request is None or not advice_request.status_mails:
                continue
            reference = advice_request.case.reference
            session.add(
                OutboxMessage(
                    recipient=advice_request.email,
                    subject=f"Neuer Stand Ihrer Anfrage – {reference}",
                    body=_mail_body(reference, lines),
                    kind="intake_status",
                )
            )
            logger.info("status mail queued for public request %s", advice_request.id)


def install() -> None:
    """Register the hook once (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
