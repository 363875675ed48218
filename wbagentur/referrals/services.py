"""Referral and transfer use cases: partner directory, send, answer, withdraw, expire,
reminders, and handing cases between regions.

Every referral state change is ONE conditional UPDATE (``… WHERE id = :id AND state =
:expected``): when two people act at once exactly one wins and the other gets a
ConflictError; nothing else is written for the loser. Services flush and never commit.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from wbagentur.accounts.models import User
from wbagentur.cases import services as case_services
from wbagentur.cases.models import Case, case_participants
from wbagentur.core import audit
from wbagentur.core.database import rowcount
from wbagentur.core.errors_domain import ConflictError, DomainError, check_version
from wbagentur.core.i18n import german
from wbagentur.core.models import utcnow
from wbagentur.core.timezone import local_today
from wbagentur.extensions import db
from wbagentur.firms.models import FirmContact
from wbagentur.mail import links
from wbagentur.persons.models import Consent
from wbagentur.referrals import rules
from wbagentur.referrals.data import (
    DATA_CATEGORIES,
    DECLINE_REASONS,
    OUTCOMES,
    PARTNER_KINDS,
    PROGRAMMES,
    STATES,
    TRANSITIONS,
)
from wbagentur.referrals.models import (
    Partner,
    Referral,
    ReferralEvent,
    Transfer,
    partner_districts,
    partner_programmes,
)
from wbagentur.regions.models import ContactPoint, District, Region

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


# ---------------------------------------------------------------- partner directory


def _set_partner_links(
    partner: Partner, district_ids: Iterable[int], programmes: Iterable[str]
) -> None:
    programmes = list(dict.fromkeys(programmes))
    if any(p not in PROGRAMMES for p in programmes):
        raise DomainError("Unbekanntes Förderprogramm.")
    district_ids = list(dict.fromkeys(int(d) for d in district_ids))
    partner.districts = list(
        db.session.scalars(
            sa.select(District).where(District.id.in_(district_ids)).order_by(District.key)
        )
    )
    db.session.flush()
    db.session.execute(
        sa.delete(partner_programmes).where(partner_programmes.c.partner_id == partner.id)
    )
    if programmes:
        db.session.execute(
            sa.insert(partner_programmes),
            [{"partner_id": partner.id, "programme": p} for p in programmes],
        )


def _check_partner_fields(kind: str, region_id: int | None, answer_days: int) -> None:
    if kind not in PARTNER_KINDS:
        raise DomainError("Unbekannte Art der Partnerstelle.")
    if (kind == "wba_contact_point") != (region_id is not None):
        raise DomainError(
            "Eine Kontaktstelle der Weiterbildungsagentur braucht eine Region – andere Partner "
            "keine."
        )
    if not 1 <= answer_days <= 60:
        raise DomainError("Die Antwortfrist muss zwischen 1 und 60 Arbeitstagen liegen.")


def create_partner(
    actor: Any,
    *,
    code: str,
    name: str,
    kind: str,
    email: str,
    phone: str | None,
    answer_days: int,
    region_id: int | None,
    district_ids: Iterable[int],
    programmes: Iterable[str],
) -> Partner:
    """Add a partner to the directory."""
    _check_partner_fields(kind, region_id, answer_days)
    if db.session.scalar(sa.select(Partner.id).where(Partner.code == code)):
        raise DomainError("Dieses Kürzel ist bereits vergeben.")
    partner = Partner(
        code=code,
        name=name,
        kind=kind,
        email=email,
        phone=phone or None,
        answer_days=answer_days,
        region_id=region_id,
    )
    db.session.add(partner)
    db.session.flush()
    _set_partner_links(partner, district_ids, programmes)
    db.session.flush()
    audit.record(actor, "partner.create", "partner", partner.id)
    return partner


def update_partner(
    actor: Any,
    partner: Partner,
    *,
    expected_version: int | None,
    name: str,
    kind: str,
    email: str,
    phone: str | None,
    answer_days: int,
    region_id: int | None,
    district_ids: Iterable[int],
    programmes: Iterable[str],
) -> Partner:
    """Edit a partner (version-checked)."""
    check_version(partner, expected_version, "Die Partnerstelle")
    _check_partner_fields(kind, region_id, answer_days)
    partner.name, partner.kind, partner.email = name, kind, email
    partner.phone, partner.answer_days, partner.region_id = phone or None, answer_days, region_id
    _set_partner_links(partner, district_ids, programmes)
    partner.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "partner.update", "partner", partner.id)
    return partner


def set_partner_active(
    actor: Any, partner: Partner, active: bool, expected_version: int | None
) -> Partner:
    """Deactivate (or reactivate) a partner; referrals already made keep it."""
    check_version(partner, expected_version, "Die Partnerstelle")
    partner.is_active = active
    partner.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor, "partner.activate" if active else "partner.deactivate", "partner", partner.id
    )
    return partner


def partner_infos(active_only: bool = True) -> list[rules.PartnerInfo]:
    """All partners as plain values for the suggestion rule."""
    districts: dict[int, set[str]] = {}
    for pid, key in db.session.execute(
        sa.select(partner_districts.c.partner_id, District.key).join(District)
    ):
        districts.setdefault(pid, set()).add(key)
    programmes: dict[int, set[str]] = {}
    for pid, code in db.session.execute(
        sa.select(partner_programmes.c.partner_id, partner_programmes.c.programme)
    ):
        programmes.setdefault(pid, set()).add(code)
    stmt = sa.select(Partner).order_by(Partner.name, Partner.id)
    if active_only:
        stmt = stmt.where(Partner.is_active.is_(True))
    return [
        rules.PartnerInfo(
            p.id,
            p.code,
            p.name,
            p.kind,
            frozenset(districts.get(p.id, ())),
            frozenset(programmes.get(p.id, ())),
            p.is_active,
        )
        for p in db.session.scalars(stmt)
    ]


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


# ------------------------------------------------ scheduled: reminders, escalation, expiry


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


# ---------------------------------------------------------------- transfers


def request_transfer(actor: Any, case: Case, *, to_region_id: int, reason: str) -> Transfer:
    """Offer the case to another region's contact point."""
    if db.session.get(Region, to_region_id) is None or to_region_id == case.region_id:
        raise DomainError("Bitte wählen Sie eine andere Region.")
    if not reason.strip():
        raise DomainError("Bitte geben Sie einen Grund für die Übergabe an.")
    pending = db.session.scalar(
        sa.select(Transfer.id).where(Transfer.case_id == case.id, Transfer.state == "pending")
    )
    if pending:
        raise DomainError("Für diesen Fall ist bereits eine Übergabe offen.")
    transfer = Transfer(
        case_id=case.id,
        from_region_id=case.region_id,
        to_region_id=to_region_id,
        reason=reason,
        requested_by_id=getattr(actor, "id", None),
    )
    db.session.add(transfer)
    db.session.flush()
    case_services.add_entry(
        case,
        actor,
        "transfer",
        body=f"Übergabe an {transfer.to_region.name} angefragt",
        transfer_id=transfer.id,
        to="pending",
    )
    audit.record(
        actor,
        "transfer.request",
        "transfer",
        transfer.id,
        case_id=case.id,
        from_region_id=case.region_id,
        to_region_id=to_region_id,
    )
    link = _base_url() + _path("referrals.transfers")
    for email in db.session.scalars(
        sa.select(User.email)
        .join(User.contact_point)
        .where(
            ContactPoint.region_id == to_region_id,
            User.role.in_(("advisor", "supervisor")),
            User.is_active.is_(True),
        )
        .order_by(User.id)
    ):
        _queue_mail(
            email,
            f"Neue Übergabe: Fall {case.reference}",
            f"Die Region {transfer.from_region.name} möchte Ihnen den Fall {case.reference} "
            f"übergeben.\n\n{link}\n",
            "transfer",
        )
    return transfer


def _decide_transfer(
    actor: Any, transfer: Transfer, new: str, expected_version: int | None, **values: Any
) -> None:
    if transfer.state != "pending":
        raise DomainError("Diese Übergabe ist nicht mehr offen.")
    if expected_version is not None and int(expected_version) != transfer.version:
        raise ConflictError("Die Übergabe wurde inzwischen geändert – bitte Seite neu laden.")
    result = db.session.execute(
        sa.update(Transfer)
        .where(Transfer.id == transfer.id, Transfer.state == "pending")
        .values(
            state=new,
            version=Transfer.version + 1,
            decided_by_id=getattr(actor, "id", None),
            decided_at=utcnow(),
            **values,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise ConflictError("Die Übergabe wurde inzwischen bearbeitet – bitte Seite neu laden.")
    db.session.refresh(transfer)


def accept_transfer(
    actor: Any, transfer: Transfer, expected_version: int | None = None
) -> Transfer:
    """The receiving region takes over: region and responsible advisor change, status stays."""
    if actor.role not in ("advisor", "supervisor") or actor.region_id != transfer.to_region_id:
        raise DomainError("Nur die empfangende Region kann die Übergabe annehmen.")
    _decide_transfer(actor, transfer, "accepted", expected_version)
    case = transfer.case
    db.session.refresh(case)
    case_services.add_entry(
        case,
        actor,
        "transfer",
        body=f"Übergabe an {transfer.to_region.name} angenommen",
        transfer_id=transfer.id,
        to="accepted",
    )
    db.session.flush()
    # Timeline entry first: it is the last one the sending region may still read.
    case.region_id = transfer.to_region_id
    case.assigned_to_id = actor.id
    db.session.flush()
    moved = _move_open_follow_ups(actor, case)
    audit.record(
        actor,
        "transfer.accept",
        "transfer",
        transfer.id,
        case_id=case.id,
        from_region_id=transfer.from_region_id,
        to_region_id=transfer.to_region_id,
        follow_ups_moved=moved,
    )
    if transfer.requested_by is not None and transfer.requested_by.is_active:
        _queue_mail(
            transfer.requested_by.email,
            f"Übergabe angenommen: Fall {case.reference}",
            f"{transfer.to_region.name} hat den Fall {case.reference} übernommen.\n",
            "transfer",
        )
    return transfer


def _move_open_follow_ups(actor: Any, case: Case) -> int:
    """Open follow-ups go with the case to the advisor who accepted it (issue #14.8): the
    sending region can no longer edit the case, so it could never complete them."""
    from wbagentur.cases.models import FollowUp

    open_ones = db.session.scalars(
        sa.select(FollowUp)
        .where(FollowUp.case_id == case.id, FollowUp.done_at.is_(None))
        .order_by(FollowUp.id)
    ).all()
    for follow_up in open_ones:
        follow_up.assignee_id = actor.id
    if open_ones:
        case_services.add_entry(
            case,
            actor,
            "follow_up",
            body=f"{len(open_ones)} offene Wiedervorlage(n) mit dem Fall übernommen",
            moved=[f.id for f in open_ones],
            assignee_id=actor.id,
        )
        db.session.flush()
    return len(open_ones)


def decline_transfer(
    actor: Any, transfer: Transfer, reason: str, expected_version: int | None = None
) -> Transfer:
    """The receiving region declines (with a reason); the case stays where it is."""
    if actor.role not in ("advisor", "supervisor") or actor.region_id != transfer.to_region_id:
        raise DomainError("Nur die empfangende Region kann die Übergabe ablehnen.")
    if not reason.strip():
        raise DomainError("Bitte geben Sie einen Grund für die Ablehnung an.")
    _decide_transfer(actor, transfer, "declined", expected_version, decline_reason=reason)
    case_services.add_entry(
        transfer.case,
        actor,
        "transfer",
        body=f"Übergabe abgelehnt: {reason}",
        transfer_id=transfer.id,
        to="declined",
    )
    db.session.flush()
    audit.record(actor, "transfer.decline", "transfer", transfer.id, case_id=transfer.case_id)
    if transfer.requested_by is not None and transfer.requested_by.is_active:
        _queue_mail(
            transfer.requested_by.email,
            f"Übergabe abgelehnt: Fall {transfer.case.reference}",
            f"{transfer.to_region.name} hat die Übergabe abgelehnt.\n",
            "transfer",
        )
    return transfer


def cancel_transfer(
    actor: Any, transfer: Transfer, expected_version: int | None = None
) -> Transfer:
    """The sending region takes back a pending transfer."""
    if actor.role not in ("advisor", "supervisor") or actor.region_id != transfer.from_region_id:
        raise DomainError("Nur die abgebende Region kann die Übergabe zurücknehmen.")
    _decide_transfer(actor, transfer, "cancelled", expected_version)
    case_services.add_entry(
        transfer.case,
        actor,
        "transfer",
        body="Übergabe zurückgenommen",
        transfer_id=transfer.id,
        to="cancelled",
    )
    db.session.flush()
    audit.record(actor, "transfer.cancel", "transfer", transfer.id, case_id=transfer.case_id)
    return transfer
