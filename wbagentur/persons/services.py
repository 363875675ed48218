"""State changes of persons and their consents. Services flush, audit, never commit.

Art. 9 DSGVO: ``severely_disabled`` is stored only while an active consent for the
purpose ``special_categories`` exists (or is recorded in the same call); withdrawing it
clears the value in the same transaction.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from wbagentur.core import audit
from wbagentur.core.errors_domain import ConflictError, DomainError, check_version
from wbagentur.core.models import utcnow
from wbagentur.core.text import normalise_search
from wbagentur.extensions import db
from wbagentur.persons import queries, rules
from wbagentur.persons.models import CONSENT_PURPOSES, Consent, Person

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "birth_date",
    "gender",
    "employment_status",
    "employer_id",
    "weekly_hours",
    "working_days_per_week",
    "employed_since",
    "qualification",
    "qualification_year",
    "isced_level",
    "residence_district_id",
)
NO_CONSENT = (
    "Die Angabe zur Schwerbehinderung darf nur mit ausdrücklicher Einwilligung der Person "
    "gespeichert werden. Bitte bestätigen Sie die Einwilligung oder lassen Sie das Feld leer."
)


def has_active_consent(person: Person, purpose: str) -> bool:
    if person.id is None:
        return False
    count = db.session.scalar(
        sa.select(sa.func.count(Consent.id)).where(
            Consent.person_id == person.id,
            Consent.purpose == purpose,
            Consent.withdrawn_at.is_(None),
        )
    )
    return bool(count)


def _apply(person: Person, data: dict[str, Any]) -> list[str]:
    changed = []
    for name in PERSON_FIELDS:
        if name in data and getattr(person, name) != data[name]:
            setattr(person, name, data[name])
            changed.append(name)
    if person.email:
        person.email = person.email.strip()
    person.name_search = normalise_search(f"{person.first_name} {person.last_name}")
    return changed


OUT_OF_SCOPE = (
    "Bitte geben Sie einen Wohnort (Kreis) in Ihrer Planungsregion oder einen Arbeitgeber an, "
    "den Sie sehen dürfen – sonst wäre die Person für Sie nicht mehr auffindbar."
)


def _check_scope(actor: Any, person: Person) -> None:
    """Regional staff must not create or move a person out of their own reach."""
    if getattr(actor, "role", None) not in ("advisor", "supervisor"):
        return
    from wbagentur.persons.access import person_scope

    db.session.flush()
    if (
        db.session.scalar(sa.select(Person.id).where(Person.id == person.id, person_scope(actor)))
        is None
    ):
        raise DomainError(OUT_OF_SCOPE)


def _set_special(actor: Any, person: Person, value: bool | None, consent_given: bool) -> bool:
    """Store the special-category value if consent allows; return True if it changed."""
    if value is not None and not has_active_consent(person, rules.SPECIAL_CATEGORIES):
        if not consent_given:
            raise DomainError(NO_CONSENT)
        give_consent(actor, person, rules.SPECIAL_CATEGORIES)
    if person.severely_disabled != value:
        person.severely_disabled = value
        return True
    return False


def create_person(
    actor: Any,
    data: dict[str, Any],
    severely_disabled: bool | None = None,
    special_consent: bool = False,
) -> Person:
    if severely_disabled is not None and not special_consent:
        raise DomainError(NO_CONSENT)
    person = Person()
    _apply(person, data)
    db.session.add(person)
    db.session.flush()
    _check_scope(actor, person)
    audit.record(actor, "person.create", "person", person.id)
    _set_special(actor, person, severely_disabled, special_consent)
    db.session.flush()
    return person


def update_person(
    actor: Any,
    person: Person,
    data: dict[str, Any],
    expected_version: int | None,
    severely_disabled: bool | None = None,
    special_consent: bool = False,
) -> Person:
    check_version(person, expected_version, "Die Person")
    from wbagentur.persons.rules import ensure_not_restricted

    ensure_not_restricted(person)
    changed = _apply(person, data)
    if _set_special(actor, person, severely_disabled, special_consent):
        changed.append("severely_disabled")
    if not changed:
        return person
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConflictError(
            "Die Person wurde inzwischen von jemand anderem geändert. "
            "Bitte prüfen Sie die aktuellen Angaben und speichern Sie erneut."
        ) from exc
    _check_scope(actor, person)
    audit.record(actor, "person.update", "person", person.id, fields=sorted(changed))
    return person


def record_view(actor: Any, person: Person) -> None:
    """Reading personal data is audited (security.md, DSGVO accountability)."""
    audit.record_read(actor, "person.view", "person", person.id)


def give_consent(
    actor: Any,
    person: Person | None,
    purpose: str,
    *,
    recipient_kind: str | None = None,
    recipient_partner_id: int | None = None,
    contact: Any = None,
) -> Consent:
    """Record a consent of a person (or of a firm contact, ``contact``).

    A share-partner consent names its recipient from the partner directory: a partner
    kind or one partner (wbagentur/referrals/consents.py checks the choice).
    """
    if purpose not in CONSENT_PURPOSES:
        raise DomainError("Bitte wählen Sie einen Zweck der Einwilligung.")
    if (person is None) == (contact is None):
        raise DomainError("Eine Einwilligung gehört zu genau einer Person oder Ansprechperson.")
    if purpose == "share_partner" and not (recipient_kind or recipient_partner_id):
        raise DomainError("Bitte wählen Sie, an welche Partnerstelle die Daten gehen dürfen.")
    if contact is not None and purpose == rules.SPECIAL_CATEGORIES:
        raise DomainError("Bitte wählen Sie einen Zweck der Einwilligung.")
    share = purpose == "share_partner"
    consent = Consent(
        person_id=person.id if person is not None else None,
        firm_contact_id=contact.id if contact is not None else None,
        purpose=purpose,
        recipient_kind=recipient_kind if share else None,
        recipient_partner_id=recipient_partner_id if share else None,
        text_version=rules.CONSENT_TEXT_VERSIONS[purpose],
        given_at=utcnow(),
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(consent)
    db.session.flush()
    if person is not None:
        audit.record(
            actor, "consent.give", "person", person.id, consent_id=consent.id, purpose=purpose
        )
    else:
        audit.record(
            actor,
            "consent.give",
            "firm",
            contact.firm_id,
            consent_id=consent.id,
            purpose=purpose,
            firm_contact_id=contact.id,
        )
    return consent


def withdraw_consent(actor: Any, person: Person, consent: Consent) -> Consent:
    """Mark a consent withdrawn; for special categories erase the data it covered."""
    if consent.person_id != person.id:
        raise DomainError("Diese Einwilligung gehört nicht zu dieser Person.")
    if consent.withdrawn_at is not None:
        raise DomainError("Diese Einwilligung wurde bereits widerrufen.")
    consent.withdrawn_at = utcnow()
    db.session.flush()
    cleared = False
    if (
        consent.purpose == rules.SPECIAL_CATEGORIES
        and not has_active_consent(person, rules.SPECIAL_CATEGORIES)
        and person.severely_disabled is not None
    ):
        person.severely_disabled = None
        db.session.flush()
        cleared = True
    audit.record(
        actor,
        "consent.withdraw",
        "person",
        person.id,
        consent_id=consent.id,
        purpose=consent.purpose,
        special_data_cleared=cleared,
    )
    return consent


def withdraw_contact_consent(actor: Any, contact: Any, consent: Consent) -> Consent:
    """Mark a consent of a firm contact withdrawn."""
    if consent.firm_contact_id != contact.id:
        raise DomainError("Diese Einwilligung gehört nicht zu dieser Ansprechperson.")
    if consent.withdrawn_at is not None:
        raise DomainError("Diese Einwilligung wurde bereits widerrufen.")
    consent.withdrawn_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "consent.withdraw",
        "firm",
        contact.firm_id,
        consent_id=consent.id,
        purpose=consent.purpose,
        firm_contact_id=contact.id,
    )
    return consent


def find_duplicates(
    data: dict[str, Any], exclude_id: int | None = None
) -> list[tuple[Person, tuple[str, ...]]]:
    new = rules.PersonFacts(
        id=exclude_id,
        name_search=normalise_search(
            f"{data.get('first_name') or ''} {data.get('last_name') or ''}"
        ),
        birth_date=data.get("birth_date"),
        email=data.get("email"),
    )
    candidates = {
        p.id: p
        for p in db.session.scalars(queries.duplicate_candidates(new.name_search, new.email))
    }
    facts = [
        rules.PersonFacts(p.id, p.name_search, p.birth_date, p.email) for p in candidates.values()
    ]
    return [
        (candidates[pid], reasons)
        for pid, reasons in rules.find_duplicates(new, facts)
        if pid is not None
    ]
