"""Referral use cases: create, send, answer (staff or partner link), withdraw, complete.
Reminders, escalation and expiry are in ``reminders``, transfers between regions in
``transfers``, the partner directory in the ``partners`` package.

Every referral state change is ONE conditional UPDATE (``… WHERE id = :id AND state =
:expected``): when two people act at once exactly one wins and the other gets a
ConflictError; nothing else is written for the loser. Services flush and never commit.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from wbagentur.cases import services as case_services
from wbagentur.cases.models import Case, case_participants
from wbagentur.core import audit
from wbagentur.core.database import rowcount
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.core.i18n import german
from wbagentur.core.models import utcnow
from wbagentur.core.timezone import local_today
from wbagentur.extensions import db
from wbagentur.firms.models import FirmContact
from wbagentur.mail import links
from wbagentur.partners.data import PROGRAMMES
from wbagentur.partners.models import Partner
from wbagentur.persons.models import Consent
from wbagentur.referrals import rules
from wbagentur.referrals.data import (
    DATA_CATEGORIES,
    DECLINE_REASONS,
    OUTCOMES,
    STATES,
    TRANSITIONS,
)
from wbagentur.referrals.models import Referral, ReferralEvent

logger = logging.getLogger(__name__)


def _queue_mail(recipient: str, subject: str, body: str, kind: str) -> None:
    """Through the mail outbox (delivered by ``flask mail send``)."""
    from wbagentur.mail.services import queue_mail

    queue_mail(recipient, subject, body, kind)


def _base_url() -> str:
    """Scheme and host of mailed links (``mail.links``: configuration, else the request)."""
    return links.base_url()


def _path(endpoint: str, **values: Any) -> str:
    """URL path of an endpoint, also outside a request (CLI jobs)."""
    return links.path(endpoint, **values)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---------------------------------------------------------------- consents


def usable_consents(case: Case, partner: Partner | None = None) -> list[Consent]:
    """Active share_partner consents of the case's person, participants and firm contacts
    (optionally only those whose recipient covers ``partner``: referrals/consents.py)."""
    person_ids = [pid for pid in [case.person_id] if pid] + list(
        db.session.scalars(
            sa.select(case_participants.c.person_id).where(case_participants.c.case_id == case.id)
        )
    )
    contact_ids = (
        list(
            db.session.scalars(sa.select(FirmContact.id).where(FirmContact.firm_id == case.firm_id))
        )
        if case.firm_id
        else []
    )
    subject = sa.or_(
        Consent.person_id.in_(person_ids or [-1]), Consent.firm_contact_id.in_(contact_ids or [-1])
    )
    stmt = (
        sa.select(Consent)
        .where(subject, Consent.purpose == "share_partner", Consent.withdrawn_at.is_(None))
        .order_by(Consent.given_at.desc(), Consent.id.desc())
    )
    if partner is not None:
        from wbagentur.referrals.consents import coverage

        stmt = stmt.where(coverage(partner))
    return list(db.session.scalars(stmt))


def _check_basis(
    case: Case, partner: Partner, consent_id: int | None, legal_basis: str | None
) -> None:
    if consent_id:
        if consent_id not in {c.id for c in usable_consents(case, partner)}:
            raise DomainError(
                "Die gewählte Einwilligung ist widerrufen oder gilt nicht für diese Partnerstelle. "
                "Bitte wählen Sie eine gültige Einwilligung oder geben Sie eine Rechtsgrundlage an."
            )
    elif not (legal_basis or "").strip():
        raise DomainError(
            "Ohne Einwilligung oder dokumentierte Rechtsgrundlage darf nichts weitergegeben "
            "werden. "
            "Bitte wählen Sie eine Einwilligung oder geben Sie die Rechtsgrundlage an."
        )


# ---------------------------------------------------------------- referrals: create and transitions


def create_referral(
    actor: Any,
    case: Case,
    *,
    partner_id: int,
    programme: str | None,
    purpose: str,
    data_categories: Iterable[str],
    consent_id: int | None,
    legal_basis: str | None,
    due_days: int | None,
    message: str | None,
    send: bool,
) -> Referral:
    """Create a referral (draft) and, if ``send``, send it at once."""
    partner = db.session.get(Partner, partner_id)
    if partner is None or not partner.is_active:
        raise DomainError("Bitte wählen Sie eine aktive Partnerstelle.")
    if programme and programme not in PROGRAMMES:
        raise DomainError("Unbekanntes Förderprogramm.")
    categories = [c for c in dict.fromkeys(data_categories)]
    if not categories or any(c not in DATA_CATEGORIES for c in categories):
        raise DomainError(
            "Bitte wählen Sie mindestens eine Datenkategorie, die weitergegeben wird."
        )
    if not purpose.strip():
        raise DomainError("Bitte geben Sie den Zweck der Weiterleitung an.")
    _check_basis(case, partner, consent_id, legal_basis)
    days = due_days or partner.answer_days
    if not 1 <= days <= 60:
        raise DomainError("Die Antwortfrist muss zwischen 1 und 60 Arbeitstagen liegen.")
    referral = Referral(
        case_id=case.id,
        partner_id=partner.id,
        programme=programme or None,
        purpose=purpose,
        message=message or None,
        data_categories=",".join(categories),
        consent_id=consent_id or None,
        legal_basis=None if consent_id else (legal_basis or None),
        state="draft",
        due_days=days,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(referral)
    db.session.flush()
    db.session.add(
        ReferralEvent(
            referral_id=referral.id,
            from_state=None,
            to_state="draft",
            via="staff",
            actor_id=getattr(actor, "id", None),
        )
    )
    case_services.add_entry(
        case,
        actor,
        "referral",
        body=f"Weiterleitung an {partner.name} angelegt",
        referral_id=referral.id,
        to="draft",
    )
    audit.record(
        actor,
        "referral.create",
        "referral",
        referral.id,
        case_id=case.id,
        partner_id=partner.id,
        categories=categories,
        basis="consent" if consent_id else "legal_basis",
    )
    if send:
        send_referral(actor, referral)
    return referral


def _conflict_message(referral_id: int) -> str:
    state = db.session.scalar(sa.select(Referral.state).where(Referral.id == referral_id))
    label = STATES.get(state or "", state or "gelöscht")
    return f"Die Weiterleitung wurde inzwischen {label} – bitte Seite neu laden."


def _transition(
    actor: Any,
    referral: Referral,
    new: str,
    *,
    via: str,
    note: str | None = None,
    audit_action: str,
    audit_details: dict[str, Any] | None = None,
    **values: Any,
) -> Referral:
    """The one conditional UPDATE of a state change, plus event, timeline and audit."""
    old = referral.state
    if new not in TRANSITIONS.get(old, ()):
        raise DomainError(
            f"Eine Weiterleitung im Zustand „{STATES[old]}“ kann nicht „{STATES[new]}“ werden."
        )
    now = utcnow()
    result = db.session.execute(
        sa.update(Referral)
        .where(Referral.id == referral.id, Referral.state == old)
        .values(state=new, version=Referral.version + 1, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise ConflictError(_conflict_message(referral.id))
    db.session.refresh(referral)
    actor_id = getattr(actor, "id", None)
    db.session.add(
        ReferralEvent(
            referral_id=referral.id,
            from_state=old,
            to_state=new,
            via=via,
            actor_id=actor_id,
            note=note or None,
            at=now,
        )
    )
    case = referral.case
    case_services.add_entry(
        case,
        actor,
        "referral",
        body=f"Weiterleitung an {referral.partner.name}: {german(STATES[new])}",
        referral_id=referral.id,
        to=new,
        via=via,
    )
    db.session.flush()
    audit.record(
        actor,
        audit_action,
        "referral",
        referral.id,
        case_id=case.id,
        partner_id=referral.partner_id,
        via=via,
        **(audit_details or {}),
    )
    return referral


def _advisor_emails(referral: Referral) -> list[str]:
    users = [referral.case.assigned_to, referral.created_by]
    emails = [u.email for u in users if u is not None and u.is_active]
    return list(dict.fromkeys(emails))


def _notify_advisor(referral: Referral, what: str) -> None:
    link = _base_url() + _path("referrals.detail", referral_id=referral.id)
    for email in _advisor_emails(referral):
        _queue_mail(
            email,
            f"Weiterleitung {referral.case.reference}: {what}",
            f"Die Weiterleitung zum Fall {referral.case.reference} an {referral.partner.name} "
            f"ist jetzt: {what}.\n\nDetails: {link}\n",
            "referral_advisor",
        )


def send_referral(actor: Any, referral: Referral) -> str:
    """Send (or re-send after a return): new secret link, due date, e-mail to the partner.

    Returns the link token (shown nowhere; only its hash is stored).
    """
    case = referral.case
    if referral.consent_id:
        _check_basis(case, referral.partner, referral.consent_id, None)
    from wbagentur.persons.rules import ensure_not_restricted

    # Art. 18 DSGVO: no disclosure of a restricted person's data.
    for person in [case.person, *case.participants]:
        ensure_not_restricted(person)
    if not referral.partner.is_active:
        raise DomainError("Die Partnerstelle ist nicht mehr aktiv.")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    days = int(current_app.config.get("REFERRAL_LINK_DAYS", 60))
    due = rules.add_working_days(local_today(), referral.due_days)
    _transition(
        actor,
        referral,
        "sent",
        via="staff",
        audit_action="referral.send",
        audit_details={
            "categories": referral.categories,
            "basis": "consent" if referral.consent_id else "legal_basis",
            "consent_id": referral.consent_id,
        },
        token_hash=hash_token(token),
        token_expires_at=now + timedelta(days=days),
        sent_at=now,
        due_date=due,
        reminder_sent_at=None,
        escalated_at=None,
    )
    link = _base_url() + _path("referrals.partner_page", token=token)
    # No personal data in the e-mail (DP-10): the partner reads it behind the link.
    _queue_mail(
        referral.partner.email,
        f"Weiterleitung der Weiterbildungsagentur Thüringen – {case.reference}",
        "Guten Tag,\n\ndie Weiterbildungsagentur Thüringen hat Ihnen einen Fall weitergeleitet "
        f"(Aktenzeichen {case.reference}).\nBitte antworten Sie bis zum {due:%d.%m.%Y} über diesen "
        f"Link (gültig {days} Tage, nur für diese Weiterleitung):\n\n{link}\n\n"
        "Bitte leiten Sie diese E-Mail nicht weiter.\n",
        "referral_partner",
    )
    if case.status in ("in_advice", "waiting"):
        case_services.change_status(actor, case, "referred", None)
    return token


def withdraw_referral(actor: Any, referral: Referral, note: str | None = None) -> Referral:
    """The advisor withdraws the referral (draft, sent, accepted or returned)."""
    was_sent = referral.state != "draft"
    _transition(
        actor,
        referral,
        "withdrawn",
        via="staff",
        note=note,
        audit_action="referral.withdraw",
        closed_at=utcnow(),
        token_hash=None,
    )
    if was_sent:
        _queue_mail(
            referral.partner.email,
            f"Weiterleitung {referral.case.reference} zurückgezogen",
            f"Die Weiterbildungsagentur Thüringen hat die Weiterleitung {referral.case.reference} "
            "zurückgezogen. Der Link ist nicht mehr gültig.\n",
            "referral_partner",
        )
    return referral


def _answer_values(via: str) -> dict[str, Any]:
    return {"answered_at": utcnow()}


def accept_referral(
    actor: Any, referral: Referral, *, via: str, note: str | None = None
) -> Referral:
    """The partner accepts (through the link, or recorded by staff after a call or letter)."""
    values = {} if referral.answered_at else _answer_values(via)
    _transition(
        actor, referral, "accepted", via=via, note=note, audit_action="referral.accept", **values
    )
    _after_answer(referral, via, "angenommen")
    return referral


def decline_referral(
    actor: Any, referral: Referral, *, via: str, reason: str, note: str | None = None
) -> Referral:
    """The partner declines with a coded reason."""
    if reason not in DECLINE_REASONS:
        raise DomainError("Bitte wählen Sie einen Grund für die Ablehnung.")
    values = {} if referral.answered_at else _answer_values(via)
    _transition(
        actor,
        referral,
        "declined",
        via=via,
        note=note,
        audit_action="referral.decline",
        audit_details={"reason": reason},
        decline_reason=reason,
        answer_note=note or None,
        closed_at=utcnow(),
        token_hash=None,
        **values,
    )
    _after_answer(referral, via, "abgelehnt")
    return referral


def return_referral(actor: Any, referral: Referral, *, via: str, note: str) -> Referral:
    """The partner needs more information; the advisor can re-send."""
    if not (note or "").strip():
        raise DomainError("Bitte geben Sie an, was fehlt.")
    values = {} if referral.answered_at else _answer_values(via)
    _transition(
        actor,
        referral,
        "returned",
        via=via,
        note=note,
        audit_action="referral.return",
        answer_note=note,
        token_hash=None,
        **values,
    )
    _after_answer(referral, via, "Rückfrage")
    return referral


def complete_referral(
    actor: Any,
    referral: Referral,
    *,
    via: str,
    outcome: str,
    amount_cents: int | None,
    decision_date: date | None,
    course_start: date | None,
    voucher_issued: bool | None,
    note: str | None = None,
) -> Referral:
    """The partner reports the structured outcome."""
    if outcome not in OUTCOMES:
        raise DomainError("Bitte wählen Sie ein Ergebnis.")
    if amount_cents is not None and amount_cents < 0:
        raise DomainError("Der Betrag darf nicht negativ sein.")
    _transition(
        actor,
        referral,
        "completed",
        via=via,
        note=note,
        audit_action="referral.complete",
        audit_details={"outcome": outcome},
        outcome=outcome,
        amount_cents=amount_cents,
        decision_date=decision_date,
        course_start=course_start,
        voucher_issued=voucher_issued,
        answer_note=note or referral.answer_note,
        closed_at=utcnow(),
        token_hash=None,
    )
    _after_answer(referral, via, f"abgeschlossen ({german(OUTCOMES[outcome])})")
    return referral


def _after_answer(referral: Referral, via: str, what: str) -> None:
    if via == "partner_link":
        _notify_advisor(referral, what)


def referral_for_token(token: str) -> tuple[Referral | None, str]:
    """The referral of a partner link and its status: ok, unknown, expired or closed."""
    if not token or len(token) > 100:
        return None, "unknown"
    referral = db.session.scalar(
        sa.select(Referral).where(Referral.token_hash == hash_token(token))
    )
    if referral is None:
        return None, "unknown"
    if referral.token_expires_at is not None and referral.token_expires_at < utcnow():
        return referral, "expired"
    if referral.state not in ("sent", "accepted"):
        return referral, "closed"
    return referral, "ok"
