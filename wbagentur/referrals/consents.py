"""Which partner a share-partner consent covers (issue #14).

A consent names its recipient from the partner directory: a partner kind ("every
Agentur für Arbeit") or one partner ("Agentur für Arbeit Thüringen Südwest"). The choice
travels through forms as ``kind:<code>`` or ``partner:<id>``. Consents recorded before
that carry a free text in ``recipient``; such a text covers no partner (the person must
consent again); a consent without any recipient (never recorded through the forms)
keeps its old meaning "every partner".
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wbagentur.core.errors_domain import DomainError
from wbagentur.core.translation import gettext as _
from wbagentur.extensions import db
from wbagentur.partners.data import PARTNER_KINDS
from wbagentur.partners.models import Partner
from wbagentur.persons.models import Consent

NO_RECIPIENT = "Bitte wählen Sie, an welche Partnerstelle die Daten gehen dürfen."


def recipient_choices() -> dict[str, list[tuple[str, str]]]:
    """Grouped select choices: every kind, then every active partner of the directory."""
    partners = db.session.scalars(
        sa.select(Partner).where(Partner.is_active.is_(True)).order_by(Partner.name, Partner.id)
    )
    return {
        _("Art der Partnerstelle (alle Stellen dieser Art)"): [
            (f"kind:{code}", _("alle: %(kind)s", kind=_(label)))
            for code, label in PARTNER_KINDS.items()
        ],
        _("Eine Partnerstelle"): [(f"partner:{p.id}", p.name) for p in partners],
    }


def parse_recipient(value: str | None) -> tuple[str | None, int | None]:
    """``kind:<code>`` / ``partner:<id>`` → (kind, partner id); anything else is refused."""
    prefix, _sep, rest = (value or "").partition(":")
    if prefix == "kind" and rest in PARTNER_KINDS:
        return rest, None
    if prefix == "partner" and rest.isdigit():
        partner = db.session.get(Partner, int(rest))
        if partner is not None and partner.is_active:
            return None, partner.id
    raise DomainError(NO_RECIPIENT)


def recipient_value(partner: Partner | None) -> str:
    """The choice value that covers exactly ``partner`` (to preselect it)."""
    return f"partner:{partner.id}" if partner is not None else ""


def coverage(partner: Partner) -> sa.ColumnElement[bool]:
    """SQL condition: consents whose recipient covers ``partner``."""
    unnamed = sa.and_(
        Consent.recipient_kind.is_(None),
        Consent.recipient_partner_id.is_(None),
        sa.or_(Consent.recipient.is_(None), Consent.recipient == ""),
    )
    return sa.or_(
        Consent.recipient_partner_id == partner.id,
        Consent.recipient_kind == partner.kind,
        unnamed,
    )


def is_legacy(consent: Consent) -> bool:
    """A free-text recipient from before the directory choice: covers no partner."""
    return (
        consent.recipient_kind is None
        and consent.recipient_partner_id is None
        and bool((consent.recipient or "").strip())
    )


def recipient_label(consent: Consent) -> str:
    """What a person reads about the recipient of a consent."""
    if consent.purpose != "share_partner":
        return "–"
    if consent.recipient_partner_id:
        partner = db.session.get(Partner, consent.recipient_partner_id)
        return partner.name if partner else "–"
    if consent.recipient_kind:
        kind = PARTNER_KINDS.get(consent.recipient_kind, consent.recipient_kind)
        return _("alle: %(kind)s", kind=_(kind))
    if is_legacy(consent):
        return _(
            "„%(text)s“ (freier Text, gilt für keine Partnerstelle – bitte neu erfassen)",
            text=consent.recipient,
        )
    return _("alle Partnerstellen")


def give_share_consent(
    actor: Any, *, recipient: str | None, person: Any = None, contact: Any = None
) -> Consent:
    """Record a share-partner consent of a person or a firm contact for one recipient."""
    from wbagentur.persons import services as person_services

    kind, partner_id = parse_recipient(recipient)
    return person_services.give_consent(
        actor,
        person,
        "share_partner",
        recipient_kind=kind,
        recipient_partner_id=partner_id,
        contact=contact,
    )
