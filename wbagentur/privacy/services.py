"""Build the Art. 15 DSGVO export of everything held on one person.

The export is assembled from the data inventory: every column of ``persons`` is
included, so a new personal column appears without code changes (and a test compares
the export against the model's columns). It covers consents, the cases the person is
part of, the notes of their own (individual) cases, documents, saved funding checks and,
per Art. 15(1)(c), every referral through which their data went to a recipient.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from wbagentur.cases.models import Case, Document, TimelineEntry, case_participants
from wbagentur.core import audit
from wbagentur.core.i18n import german
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.persons.models import CONSENT_PURPOSES, Consent, Person

PURPOSES = {
    "advice": "Beratung zu Weiterbildung und Förderung (Art. 6 Abs. 1 lit. a/e DSGVO)",
    "referral": "Weiterleitung an zuständige Stellen, soweit eingewilligt oder gesetzlich "
    "vorgesehen",
    "esf_reporting": "Berichtspflichten des ESF+ (nur mit Einwilligung)",
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        c.key: _plain(getattr(obj, c.key))
        for c in sa.inspect(type(obj)).columns
        if c.key not in skip
    }


def person_cases(person: Person) -> list[Case]:
    """Cases where the person is the client or a participant."""
    participant = sa.select(case_participants.c.case_id).where(
        case_participants.c.person_id == person.id
    )
    return list(
        db.session.scalars(
            sa.select(Case)
            .where(sa.or_(Case.person_id == person.id, Case.id.in_(participant)))
            .order_by(Case.opened_at, Case.id)
        )
    )


def _referrals(cases: list[Case]) -> list[dict[str, Any]]:
    try:
        from wbagentur.referrals.models import Referral
    except ImportError:  # referrals module not installed
        return []
    if not cases:
        return []
    rows = db.session.scalars(
        sa.select(Referral)
        .where(Referral.case_id.in_([c.id for c in cases]), Referral.sent_at.is_not(None))
        .order_by(Referral.sent_at, Referral.id)
    )
    return [
        {
            "case_reference": r.case.reference,
            "recipient": r.partner.name,
            "sent_at": _plain(r.sent_at),
            "data_categories": r.categories,
            "basis": "Einwilligung" if r.consent_id else r.legal_basis,
            "programme": r.programme,
            "state": r.state,
        }
        for r in rows
    ]


def _funding_checks(person: Person) -> list[dict[str, Any]]:
    try:
        from wbagentur.funding.models import FundingCheck
    except ImportError:
        return []
    rows = db.session.scalars(
        sa.select(FundingCheck).where(FundingCheck.person_id == person.id).order_by(FundingCheck.id)
    )
    return [
        {
            "created_at": _plain(fc.created_at),
            "input": json.loads(fc.input_json),
            "result": json.loads(fc.result_json),
        }
        for fc in rows
    ]


def _recipient_text(consent: Consent) -> str | None:
    """Who a share-partner consent lets the data go to, in words (no codes or ids)."""
    from wbagentur.referrals.consents import recipient_label

    return recipient_label(consent) if consent.purpose == "share_partner" else None


def _esf_records(person: Person) -> list[dict[str, Any]]:
    from wbagentur.esf.services import access_records

    return access_records(person.id)


def access_export(actor: Any, person: Person) -> dict[str, Any]:
    """Everything held on ``person`` as a JSON-serialisable document; audited."""
    cases = person_cases(person)
    own_case_ids = [c.id for c in cases if c.person_id == person.id]
    consents = db.session.scalars(
        sa.select(Consent)
        .where(Consent.person_id == person.id)
        .order_by(Consent.given_at, Consent.id)
    )
    notes: Iterable[TimelineEntry] = (
        db.session.scalars(
            sa.select(TimelineEntry)
            .where(TimelineEntry.case_id.in_(own_case_ids), TimelineEntry.body.is_not(None))
            .order_by(TimelineEntry.at, TimelineEntry.id)
        )
        if own_case_ids
        else []
    )
    documents: Iterable[Document] = (
        db.session.scalars(
            sa.select(Document).where(Document.case_id.in_(own_case_ids)).order_by(Document.id)
        )
        if own_case_ids
        else []
    )
    export = {
        "created_at": _plain(utcnow()),
        "controller": "Weiterbildungsagentur Thüringen",
        "person": _row(person, skip=("name_search", "version")),
        "employer": person.employer.name if person.employer else None,
        "residence_district": person.residence_district.name if person.residence_district else None,
        "purposes": PURPOSES,
        "consents": [
            {
                **_row(c, skip=("person_id", "firm_contact_id", "recorded_by_id")),
                "purpose_text": german(CONSENT_PURPOSES[c.purpose]),
                "recipient_text": _recipient_text(c),
            }
            for c in consents
        ],
        "cases": [
            {
                "reference": c.reference,
                "title": c.title,
                "role": "Ratsuchende Person" if c.person_id == person.id else "Teilnehmende Person",
                "status": c.status,
                "opened_at": _plain(c.opened_at),
                "closed_at": _plain(c.closed_at),
                "outcome": c.outcome,
                "topics": c.topics,
                "contact_point": c.region.name,
            }
            for c in cases
        ],
        "notes_and_contacts": [
            {"case_id": e.case_id, "at": _plain(e.at), "kind": e.kind, "text": e.body}
            for e in notes
        ],
        "documents": [
            {"name": d.original_name, "uploaded_at": _plain(d.uploaded_at), "type": d.content_type}
            for d in documents
        ],
        "funding_checks": _funding_checks(person),
        "esf_participations": _esf_records(person),
        "recipients": _referrals(cases),
        "retention": "Die Daten werden nach dem Löschkonzept gelöscht; siehe Datenschutzhinweise.",
        "rights": "Sie haben das Recht auf Berichtigung (Art. 16), Löschung (Art. 17), "
        "Einschränkung "
        "(Art. 18) und Widerspruch (Art. 21) sowie auf Beschwerde beim Thüringer "
        "Landesbeauftragten für den Datenschutz und die Informationsfreiheit.",
    }
    audit.record(actor, "person.export", "person", person.id, cases=len(cases))
    return export
