"""What persons show and record on a firm's page (``firms.people``): its employees and the
consents of its contacts. Registered at app creation (``wbagentur._connect_packages``)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from wbagentur.extensions import db
from wbagentur.firms.people import FirmPeople
from wbagentur.persons import queries, recipients, services
from wbagentur.persons.models import CONSENT_PURPOSES, Consent


def contact_consents(contact_ids: Sequence[int]) -> Sequence[Consent]:
    """The consents of these firm contacts, newest first."""
    return db.session.scalars(
        sa.select(Consent)
        .where(Consent.firm_contact_id.in_(list(contact_ids) or [-1]))
        .order_by(Consent.given_at.desc(), Consent.id.desc())
    ).all()


def contact_consent(consent_id: int, contact_ids: Sequence[int]) -> Consent | None:
    """The consent ``consent_id`` if one of these firm contacts gave it."""
    return db.session.scalar(
        sa.select(Consent).where(
            Consent.id == consent_id,
            Consent.firm_contact_id.in_(list(contact_ids) or [-1]),
        )
    )


FIRM_PEOPLE = FirmPeople(
    employees_of=queries.employees_of,
    contact_consents=contact_consents,
    contact_consent=contact_consent,
    withdraw_contact_consent=services.withdraw_contact_consent,
    give_share_consent=recipients.give_share_consent,
    recipient_choices=recipients.recipient_choices,
    recipient_label=recipients.recipient_label,
    purposes=CONSENT_PURPOSES,
)
