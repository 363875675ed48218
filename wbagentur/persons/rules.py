"""Pure rules for persons: plausibility of dates, consent texts, duplicate matching."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from wbagentur.core.errors_domain import DomainError

# Versions of the consent texts shown to people; a new wording gets a new version.
CONSENT_TEXT_VERSIONS: dict[str, str] = {
    "advice": "2026-01",
    "share_partner": "2026-01",
    "esf_reporting": "2026-01",
    "special_categories": "2026-01",
}
SPECIAL_CATEGORIES = "special_categories"
EARLIEST_BIRTH_YEAR = 1920
MIN_QUALIFICATION_AGE = 14


def birth_date_problem(birth: date | None, today: date) -> str | None:
    """German message if a birth date is implausible, else None."""
    if birth is None:
        return None
    if birth > today:
        return "Das Geburtsdatum darf nicht in der Zukunft liegen."
    if birth.year < EARLIEST_BIRTH_YEAR:
        return f"Bitte prüfen Sie das Geburtsdatum: es liegt vor {EARLIEST_BIRTH_YEAR}."
    return None


def employed_since_problem(since: date | None, birth: date | None, today: date) -> str | None:
    if since is None:
        return None
    if since > today:
        return "Das Beschäftigungsdatum darf nicht in der Zukunft liegen."
    if birth is not None and since < birth:
        return "Die Beschäftigung kann nicht vor der Geburt begonnen haben."
    return None


def qualification_year_problem(year: int | None, birth: date | None, today: date) -> str | None:
    if year is None:
        return None
    if year > today.year:
        return "Das Abschlussjahr darf nicht in der Zukunft liegen."
    if birth is not None and year < birth.year + MIN_QUALIFICATION_AGE:
        return (
            f"Das Abschlussjahr kann frühestens {birth.year + MIN_QUALIFICATION_AGE} sein "
            f"(Geburtsjahr + {MIN_QUALIFICATION_AGE})."
        )
    if year < EARLIEST_BIRTH_YEAR + MIN_QUALIFICATION_AGE:
        return "Bitte prüfen Sie das Abschlussjahr."
    return None


@dataclass(frozen=True)
class PersonFacts:
    id: int | None
    name_search: str
    birth_date: date | None
    email: str | None


def duplicate_reasons(new: PersonFacts, existing: PersonFacts) -> tuple[str, ...]:
    """Same normalised full name and birth date, or the same e-mail (case-insensitive)."""
    reasons = []
    if (
        new.name_search
        and new.birth_date is not None
        and new.name_search == existing.name_search
        and new.birth_date == existing.birth_date
    ):
        reasons.append("gleicher Name und gleiches Geburtsdatum")
    if new.email and existing.email and new.email.strip().lower() == existing.email.strip().lower():
        reasons.append("gleiche E-Mail-Adresse")
    return tuple(reasons)


def find_duplicates(
    new: PersonFacts, existing: Iterable[PersonFacts]
) -> list[tuple[int | None, tuple[str, ...]]]:
    matches = []
    for other in existing:
        if new.id is not None and other.id == new.id:
            continue
        reasons = duplicate_reasons(new, other)
        if reasons:
            matches.append((other.id, reasons))
    return matches


def ensure_not_restricted(person: Any) -> None:
    """Refuse processing of a restricted person's data (Art. 18 DSGVO)."""
    if person is not None and person.restricted_at is not None:
        raise DomainError(
            "Die Verarbeitung der Daten dieser Person ist eingeschränkt (Art. 18 DSGVO); "
            "nur Speicherung ist erlaubt."
        )
