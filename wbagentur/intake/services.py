"""Use cases of the public request: submit, status link, requester documents, and the
advisor's confirmation of the firm (link a known firm or create one from the request).

Services flush and audit (ids only) and never commit; the view commits once.
Firms are written here directly (not through ``wbagentur.firms.services``, which is
being written in parallel); keep the two in step when that module lands.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from wbagentur.cases import services as case_services
from wbagentur.cases.documents import store_upload
from wbagentur.cases.models import Case, Document
from wbagentur.core import audit
from wbagentur.core.errors_domain import DomainError, check_version
from wbagentur.core.models import utcnow
from wbagentur.core.text import like_pattern, normalise_search
from wbagentur.extensions import db
from wbagentur.firms import services as firm_services
from wbagentur.firms.models import Firm, FirmContact
from wbagentur.intake import rules
from wbagentur.intake.models import HEADCOUNT_BANDS, PREFERRED_CHANNELS, AdviceRequest
from wbagentur.mail.services import queue_mail, render_mail
from wbagentur.persons.models import Consent
from wbagentur.regions.models import ContactPoint, District

logger = logging.getLogger(__name__)

# Kept here (not only in the module) so tests can patch the timeline writer.
add_entry = case_services.add_entry


@dataclass
class Submission:
    """The result of a submitted request; ``token`` is the status-link secret (shown once)."""

    case: Case
    request: AdviceRequest
    token: str


def status_url(token: str) -> str:
    """The public status link (host from ``mail.links``: PUBLIC_BASE_URL, else the
    request's host, which TRUSTED_HOSTS has checked)."""
    from wbagentur.mail.links import external_url

    return external_url("intake.status", token=token)


def submit_request(actor: Any, data: Mapping[str, Any]) -> Submission:
    """Open an unassigned firm case in the region of the requester's district, keep what
    was submitted, queue the confirmation e-mail, and return the status-link secret.

    ``data`` holds the form values: firm_name, contact_name, email, phone, district_id,
    headcount_band, topics, message, preferred_channel, status_mails (optional).
    """
    district = db.session.get(District, int(data["district_id"]))
    if district is None:
        raise DomainError("Bitte wählen Sie Ihren Landkreis oder Ihre kreisfreie Stadt.")
    if data["headcount_band"] not in HEADCOUNT_BANDS:
        raise DomainError("Bitte wählen Sie die Zahl der Beschäftigten.")
    if data["preferred_channel"] not in PREFERRED_CHANNELS:
        raise DomainError("Bitte wählen Sie einen Kontaktweg.")
    topics = list(data["topics"])
    if not topics:
        raise DomainError("Bitte wählen Sie mindestens ein Thema.")
    case = case_services.open_case(
        actor,
        region_id=district.region_id,
        kind="firm",
        title=f"Anfrage: {data['firm_name']}"[:160],
        channel="public_form",
        topics=topics,
    )
    token = secrets.token_urlsafe(32)
    now = utcnow()
    advice_request = AdviceRequest(
        case_id=case.id,
        firm_name=data["firm_name"],
        contact_name=data["contact_name"],
        email=data["email"],
        phone=data.get("phone") or None,
        district_id=district.id,
        headcount_band=data["headcount_band"],
        message=data.get("message") or None,
        preferred_channel=data["preferred_channel"],
        consent_text_version=current_app.config["INTAKE_CONSENT_TEXT_VERSION"],
        status_mails=bool(data.get("status_mails")),
        submitted_at=now,
        status_token_hash=rules.hash_token(token),
        status_token_expires_at=now
        + timedelta(days=int(current_app.config["INTAKE_STATUS_LINK_DAYS"])),
    )
    db.session.add(advice_request)
    db.session.flush()
    add_entry(case, actor, "request", body=None, advice_request_id=advice_request.id)
    body = render_mail(
        "request_confirmation.txt",
        request=advice_request,
        case=case,
        district=district,
        contact_points=contact_points_of(district.region_id),
        status_link=status_url(token),
        link_days=int(current_app.config["INTAKE_STATUS_LINK_DAYS"]),
    )
    outbox = queue_mail(
        advice_request.email,
        f"Ihre Anfrage bei der Weiterbildungsagentur Thüringen – {case.reference}",
        body,
        kind="intake_confirmation",
    )
    audit.record(
        actor,
        "intake.submit",
        "advice_request",
        advice_request.id,
        case_id=case.id,
        region_id=district.region_id,
        outbox_id=outbox.id,
    )
    logger.info("public request %s opened case %s", advice_request.id, case.id)
    return Submission(case=case, request=advice_request, token=token)


def request_for_token(token: str, now: datetime | None = None) -> AdviceRequest | None:
    """The request behind a status-link secret, or None if unknown or expired."""
    if not token or len(token) > 200:
        return None
    advice_request = db.session.scalar(
        sa.select(AdviceRequest).where(AdviceRequest.status_token_hash == rules.hash_token(token))
    )
    if advice_request is None or advice_request.status_token_expires_at <= (now or utcnow()):
        return None
    return advice_request


def request_for_case(case: Case) -> AdviceRequest | None:
    """The public request that opened ``case``, if any."""
    return db.session.scalar(sa.select(AdviceRequest).where(AdviceRequest.case_id == case.id))


def contact_points_of(region_id: int) -> list[ContactPoint]:
    """The contact points of a region, for the requester."""
    return list(
        db.session.scalars(
            sa.select(ContactPoint)
            .where(ContactPoint.region_id == region_id)
            .order_by(ContactPoint.name, ContactPoint.id)
        )
    )


def requester_documents(case: Case) -> Sequence[Document]:
    """Documents the requester sent (never staff or partner documents)."""
    return db.session.scalars(
        sa.select(Document)
        .where(Document.case_id == case.id, Document.source == "requester")
        .order_by(Document.uploaded_at, Document.id)
    ).all()


def add_requester_document(
    actor: Any, advice_request: AdviceRequest, file_storage: Any
) -> Document:
    """Store a document sent through the status link and note it on the timeline."""
    case = advice_request.case
    document = store_upload(file_storage, case=case, source="requester", actor=actor)
    add_entry(case, actor, "document", body=None, document_id=document.id, source="requester")
    db.session.flush()
    audit.record(actor, "intake.upload", "document", document.id, case_id=case.id)
    return document


# --- the advisor confirms the firm --------------------------------------------------------


def request_panel(case: Case, want_candidates: bool) -> tuple[Any, dict[str, str], Sequence[Any]]:
    """The case page's request panel (registered with cases.cockpit): the request behind
    the case, its band and channel as labels, and, if asked, the firms that may be the
    requester's."""
    advice_request = request_for_case(case)
    if advice_request is None:
        return None, {}, ()
    labels = {
        "headcount": HEADCOUNT_BANDS.get(advice_request.headcount_band, ""),
        "channel": PREFERRED_CHANNELS.get(advice_request.preferred_channel, ""),
    }
    candidates = firm_candidates(advice_request, case.region_id) if want_candidates else ()
    return advice_request, labels, candidates


def firm_candidates(
    advice_request: AdviceRequest, region_id: int, limit: int = 20
) -> Sequence[Firm]:
    """Known firms in the case's region that may be the requester's: the same e-mail
    domain (not free-mail), or a similar name in the same district."""
    conditions = []
    domain = rules.email_domain(advice_request.email)
    if domain:
        conditions.append(Firm.email_domain == domain)
    words = rules.significant_words(advice_request.firm_name)
    if words:
        conditions.append(
            sa.and_(
                Firm.district_id == advice_request.district_id,
                sa.or_(*[Firm.name_search.like(like_pattern(w), escape="\\") for w in words]),
            )
        )
    if not conditions:
        return []
    return db.session.scalars(
        sa.select(Firm)
        .join(District, Firm.district_id == District.id)
        .where(District.region_id == region_id, sa.or_(*conditions))
        .order_by(Firm.name_search, Firm.id)
        .limit(limit)
    ).all()


def _confirm(actor: Any, advice_request: AdviceRequest, firm: Firm) -> FirmContact:
    case = advice_request.case
    case.firm_id = firm.id
    advice_request.firm_confirmed_at = utcnow()
    contact = FirmContact(
        firm_id=firm.id,
        name=advice_request.contact_name,
        name_search=normalise_search(advice_request.contact_name),
        email=advice_request.email,
        phone=advice_request.phone,
    )
    db.session.add(contact)
    db.session.flush()
    consent = Consent(
        firm_contact_id=contact.id,
        purpose="advice",
        text_version=advice_request.consent_text_version,
        given_at=advice_request.submitted_at,
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(consent)
    db.session.flush()
    add_entry(case, actor, "request", body=None, firm_id=firm.id, firm_contact_id=contact.id)
    db.session.flush()
    audit.record(
        actor,
        "intake.firm_confirm",
        "case",
        case.id,
        firm_id=firm.id,
        firm_contact_id=contact.id,
        consent_id=consent.id,
    )
    return contact


def _check_open(advice_request: AdviceRequest, expected_version: int | None) -> None:
    check_version(advice_request.case, expected_version, "Der Fall")
    if advice_request.firm_confirmed_at is not None or advice_request.case.firm_id is not None:
        raise DomainError("Diesem Fall ist bereits ein Unternehmen zugeordnet.")


def link_firm(
    actor: Any, advice_request: AdviceRequest, firm_id: int, expected_version: int | None
) -> Firm:
    """Link the request's case to a known firm of the case's region and record the
    contact person with the consent given on the form."""
    _check_open(advice_request, expected_version)
    firm = db.session.scalar(
        sa.select(Firm)
        .join(District, Firm.district_id == District.id)
        .where(Firm.id == firm_id, District.region_id == advice_request.case.region_id)
    )
    if firm is None:
        raise DomainError("Dieses Unternehmen gibt es in Ihrer Region nicht.")
    _confirm(actor, advice_request, firm)
    audit.record(actor, "intake.firm_link", "case", advice_request.case_id, firm_id=firm.id)
    return firm


def create_firm(actor: Any, advice_request: AdviceRequest, expected_version: int | None) -> Firm:
    """Create a firm from the request: name, district, e-mail domain, and staff at the lower
    edge of the chosen headcount band (so the size class follows the band, issue #14). What
    the form did not ask (agreements, works council) stays unknown (None), not "no"."""
    _check_open(advice_request, expected_version)
    firm = firm_services.create_firm(
        actor,
        {
            "name": advice_request.firm_name,
            "district_key": advice_request.district.key,
            "staff_over_30h": rules.BAND_LOWER_EDGE.get(advice_request.headcount_band, 0),
            "staff_up_to_30h": 0,
            "staff_up_to_20h": 0,
            "staff_up_to_10h": 0,
        },
        contact_email=advice_request.email,
        source="advice_request",
        advice_request_id=advice_request.id,
    )
    # Set after the INSERT: the ORM would fill None with the columns' default (False).
    firm.has_collective_agreement_training = None
    firm.has_works_agreement_training = None
    firm.has_works_council = None
    db.session.flush()
    _confirm(actor, advice_request, firm)
    return firm


# --- time trap ----------------------------------------------------------------------------

_FORM_TIME_SALT = "wbagentur.intake.form-time"


def _form_time_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_FORM_TIME_SALT)  # type: ignore[arg-type]


def issue_form_timestamp() -> str:
    """A signed timestamp for the hidden field of a freshly rendered form."""
    return _form_time_serializer().dumps("intake")


def form_age(signed: str | None, now: float | None = None) -> float | None:
    """Seconds since the form was rendered, or None if the value is missing or forged."""
    if not signed or len(signed) > 200:
        return None
    try:
        _payload, issued = _form_time_serializer().loads(signed, return_timestamp=True)
    except BadData:
        return None
    current = time.time() if now is None else now
    return current - issued.timestamp()


def form_time_problem(signed: str | None) -> str | None:
    """None when the form was open long enough and not too long; else the problem code."""
    config = current_app.config
    return rules.form_age_problem(
        form_age(signed),
        float(config["INTAKE_MIN_SECONDS"]),
        float(config["INTAKE_MAX_AGE_SECONDS"]),
    )
