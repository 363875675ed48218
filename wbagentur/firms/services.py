"""State changes of firms and their contact persons. Services flush, audit, never commit."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from wbagentur.core import audit
from wbagentur.core.errors_domain import ConflictError, DomainError, check_version
from wbagentur.core.text import normalise_search
from wbagentur.extensions import db
from wbagentur.firms import queries, rules
from wbagentur.firms.models import Firm, FirmContact
from wbagentur.regions.models import District

FIRM_FIELDS = (
    "name",
    "legal_form",
    "register_number",
    "wz_code",
    "street",
    "postcode",
    "city",
    "email",
    "phone",
    "staff_over_30h",
    "staff_up_to_30h",
    "staff_up_to_20h",
    "staff_up_to_10h",
    "group_headcount",
    "turnover_cents",
    "balance_sheet_cents",
    "has_collective_agreement_training",
    "has_works_agreement_training",
    "has_works_council",
    "seat_in_thuringia",
)
CONTACT_FIELDS = ("name", "function", "email", "phone")


def district_by_key(key: str | None) -> District:
    district = db.session.scalar(sa.select(District).where(District.key == key)) if key else None
    if district is None:
        raise DomainError("Bitte wählen Sie den Landkreis oder die kreisfreie Stadt.")
    return district


def _check_region(actor: Any, district: District) -> None:
    if (
        actor is not None
        and getattr(actor, "role", None) in ("advisor", "supervisor")
        and (district.region_id != actor.region_id)
    ):
        raise DomainError(
            "Bitte wählen Sie einen Kreis Ihrer Planungsregion. Unternehmen anderer Regionen "
            "legt die dortige Kontaktstelle an."
        )


def _apply(firm: Firm, data: dict[str, Any]) -> list[str]:
    """Set the allowlisted fields; keep the derived search columns in sync."""
    changed = []
    for name in FIRM_FIELDS:
        if name in data and getattr(firm, name) != data[name]:
            setattr(firm, name, data[name])
            changed.append(name)
    if firm.register_number:
        firm.register_number = rules.normalise_register_number(firm.register_number)
    if firm.email:
        firm.email = firm.email.strip()
    firm.name_search = normalise_search(firm.name)
    firm.email_domain = rules.email_domain(firm.email)
    return changed


def facts_of(firm: Firm) -> rules.FirmFacts:
    return rules.FirmFacts(
        id=firm.id,
        name_search=firm.name_search,
        district_key=firm.district.key if firm.district else None,
        register_number=firm.register_number,
        email_domain=firm.email_domain,
    )


def find_duplicates(
    data: dict[str, Any], exclude_id: int | None = None
) -> list[tuple[Firm, tuple[str, ...]]]:
    """Existing firms (all regions) that may be the firm described by ``data``."""
    district = db.session.scalar(
        sa.select(District).where(District.key == data.get("district_key"))
    )
    register_number = data.get("register_number")
    try:
        register_number = rules.normalise_register_number(register_number)
    except ValueError:
        register_number = None
    new = rules.FirmFacts(
        id=exclude_id,
        name_search=normalise_search(data.get("name")),
        district_key=district.key if district else None,
        register_number=register_number,
        email_domain=rules.company_domain(data.get("email")),
    )
    candidates = {
        f.id: f
        for f in db.session.scalars(
            queries.duplicate_candidates(
                new.name_search,
                district.id if district else None,
                new.register_number,
                new.email_domain,
            )
        )
    }
    matches = rules.find_duplicates(new, [facts_of(f) for f in candidates.values()])
    return [(candidates[m.firm_id], m.reasons) for m in matches if m.firm_id is not None]


def create_firm(
    actor: Any, data: dict[str, Any], *, contact_email: str | None = None, **audit_details: Any
) -> Firm:
    """Create a firm; the caller has already dealt with duplicates.

    The one way to create a firm (forms, public requests): the region check and the
    normalised search columns hold for every firm. ``contact_email``: the address of the
    person who named the firm; its domain (unless free mail) helps find duplicates while
    the firm has no address of its own."""
    district = district_by_key(data.get("district_key"))
    _check_region(actor, district)
    firm = Firm(district_id=district.id, district=district)
    _apply(firm, data)
    if firm.email_domain is None:
        firm.email_domain = rules.company_domain(contact_email)
    db.session.add(firm)
    db.session.flush()
    audit.record(actor, "firm.create", "firm", firm.id, district=district.key, **audit_details)
    return firm


def update_firm(actor: Any, firm: Firm, data: dict[str, Any], expected_version: int | None) -> Firm:
    """Change a firm; refuse if somebody else saved since the form was loaded."""
    check_version(firm, expected_version, "Das Unternehmen")
    district = district_by_key(data.get("district_key"))
    if district.id != firm.district_id:
        # Keeping the district is fine (a firm handed over with its case: issue #14.8).
        _check_region(actor, district)
    changed = _apply(firm, data)
    if firm.district_id != district.id:
        firm.district_id = district.id
        firm.district = district
        changed.append("district")
    if not changed:
        return firm
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConflictError(
            "Das Unternehmen wurde inzwischen von jemand anderem geändert. "
            "Bitte prüfen Sie die aktuellen Angaben und speichern Sie erneut."
        ) from exc
    audit.record(actor, "firm.update", "firm", firm.id, fields=sorted(changed))
    return firm


def _apply_contact(contact: FirmContact, data: dict[str, Any]) -> list[str]:
    changed = []
    for name in CONTACT_FIELDS:
        if name in data and getattr(contact, name) != data[name]:
            setattr(contact, name, data[name])
            changed.append(name)
    contact.name_search = normalise_search(contact.name)
    return changed


def add_contact(actor: Any, firm: Firm, data: dict[str, Any]) -> FirmContact:
    contact = FirmContact(firm_id=firm.id)
    _apply_contact(contact, data)
    db.session.add(contact)
    db.session.flush()
    audit.record(actor, "firm.contact_create", "firm", firm.id, contact_id=contact.id)
    return contact


def update_contact(actor: Any, contact: FirmContact, data: dict[str, Any]) -> FirmContact:
    changed = _apply_contact(contact, data)
    if changed:
        db.session.flush()
        audit.record(
            actor,
            "firm.contact_update",
            "firm",
            contact.firm_id,
            contact_id=contact.id,
            fields=sorted(changed),
        )
    return contact


def remove_contact(actor: Any, contact: FirmContact) -> None:
    firm_id, contact_id = contact.firm_id, contact.id
    db.session.delete(contact)
    db.session.flush()
    audit.record(actor, "firm.contact_delete", "firm", firm_id, contact_id=contact_id)
