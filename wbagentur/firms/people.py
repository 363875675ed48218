"""The people on a firm's page: its employees and the consents its contacts gave.

Both are persons' records (``persons.models.Person`` and ``Consent``), and persons build on
firms (tests/test_import_graph.py): persons register at app creation
(``wbagentur._connect_packages``, ``persons.firm_people``) the reads and writes the firm
page needs, and firms ask here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True)
class FirmPeople:
    # (user, firm id) → the firm's employees the user may see, as a Select.
    employees_of: Callable[[Any, int], sa.Select[Any]]
    # contact ids → their consents, newest first.
    contact_consents: Callable[[Sequence[int]], Sequence[Any]]
    # (consent id, contact ids) → that consent if one of the contacts gave it, else None.
    contact_consent: Callable[[int, Sequence[int]], Any]
    # (actor, contact, consent) → the consent, withdrawn (flushes, never commits).
    withdraw_contact_consent: Callable[[Any, Any, Any], Any]
    # (actor, recipient=, contact=) → a share-partner consent of a contact.
    give_share_consent: Callable[..., Any]
    recipient_choices: Callable[[], dict[str, list[tuple[str, str]]]]
    recipient_label: Callable[[Any], str]
    # Consent purpose code → label.
    purposes: Mapping[str, Any]


_registered: list[FirmPeople] = []


def register_firm_people(people: FirmPeople) -> None:
    """Called once at app creation by the package that owns persons."""
    _registered[:] = [people]


def _people() -> FirmPeople:
    if not _registered:
        raise RuntimeError("persons are not registered (wbagentur._connect_packages)")
    return _registered[0]


def employees_of(user: Any, firm_id: int) -> sa.Select[Any]:
    return _people().employees_of(user, firm_id)


def contact_consents(contact_ids: Sequence[int]) -> Sequence[Any]:
    return _people().contact_consents(contact_ids)


def contact_consent(consent_id: int, contact_ids: Sequence[int]) -> Any:
    return _people().contact_consent(consent_id, contact_ids)


def withdraw_contact_consent(actor: Any, contact: Any, consent: Any) -> Any:
    return _people().withdraw_contact_consent(actor, contact, consent)


def give_share_consent(actor: Any, *, recipient: str | None, contact: Any) -> Any:
    return _people().give_share_consent(actor, recipient=recipient, contact=contact)


def recipient_choices() -> dict[str, list[tuple[str, str]]]:
    return _people().recipient_choices()


def recipient_label(consent: Any) -> str:
    return _people().recipient_label(consent)


def consent_purposes() -> Mapping[str, Any]:
    return _people().purposes
