"""Whom a share-partner consent may name as its recipient: the partner directory (issue #14).

The directory lives with the referrals, which build on persons (tests/test_import_graph.py):
they register at app creation (``wbagentur._connect_packages``) the grouped choices for
the consent forms, the words for a recorded recipient and how a chosen recipient is
recorded (``referrals.consents``). Persons and firms ask here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wbagentur.persons.models import Consent


@dataclass(frozen=True)
class RecipientDirectory:
    # Grouped select choices: group label → [(value, label)].
    choices: Callable[[], dict[str, list[tuple[str, str]]]]
    # What a person reads about the recipient of a consent.
    label: Callable[[Consent], str]
    # Record a share-partner consent of a person or a firm contact for one chosen recipient.
    give_share_consent: Callable[..., Consent]


_directories: list[RecipientDirectory] = []


def register_recipient_directory(directory: RecipientDirectory) -> None:
    """Called once at app creation by the package that owns the partner directory."""
    _directories[:] = [directory]


def _directory() -> RecipientDirectory:
    if not _directories:
        raise RuntimeError("no partner directory registered (wbagentur._connect_packages)")
    return _directories[0]


def recipient_choices() -> dict[str, list[tuple[str, str]]]:
    return _directory().choices()


def recipient_label(consent: Consent) -> str:
    return _directory().label(consent)


def give_share_consent(
    actor: Any, *, recipient: str | None, person: Any = None, contact: Any = None
) -> Consent:
    return _directory().give_share_consent(
        actor, recipient=recipient, person=person, contact=contact
    )
