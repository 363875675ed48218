"""What a partner may see of a case behind its secret link (DP-10): plain rules, no database
and no request, so tests call them with plain objects.

A category of data is shown only when all of these hold:

* the referral has a **basis** for sharing: a consent to share with partners that is not
  withdrawn, or a documented legal basis (a consent withdrawn after sending stops the
  disclosure at once; a documented legal basis does not depend on a consent);
* the advisor **chose** the category for this referral;
* the category is on the **allowlist** (``DATA_CATEGORIES``); an unknown code shows nothing.

Everything else of the case (notes, documents, other people's data) is never shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from wbagentur.cases.models import TOPICS
from wbagentur.core import numbers
from wbagentur.core.translation import gettext as _
from wbagentur.core.translation import pgettext
from wbagentur.persons.models import EMPLOYMENT_STATUSES, QUALIFICATIONS
from wbagentur.referrals.data import DATA_CATEGORIES

Rows = list[tuple[str, str]]
Section = tuple[str, Rows]


@dataclass(frozen=True)
class Basis:
    """Why the referral may share data: a live consent or a documented legal basis."""

    consent_active: bool
    legal_basis: str | None = None

    @property
    def holds(self) -> bool:
        return self.consent_active or bool((self.legal_basis or "").strip())


def shown_categories(chosen: Iterable[str], basis: Basis) -> list[str]:
    """The chosen categories the partner may see, in the chosen order, each once."""
    if not basis.holds:
        return []
    return [code for code in dict.fromkeys(chosen) if code in DATA_CATEGORIES]


def people_of(case: Any) -> list[Any]:
    """The case's person and its participants (each once, in that order)."""
    people: dict[int, Any] = {}
    for person in [case.person, *case.participants]:
        if person is not None:
            people.setdefault(id(person), person)
    return list(people.values())


def _joined(*values: str | None) -> str:
    return ", ".join(v for v in values if v) or "–"


def contact_rows(people: Sequence[Any], firm: Any) -> Rows:
    rows = [(p.full_name, _joined(p.email, p.phone)) for p in people]
    if firm is not None:
        rows += [(c.name, _joined(c.function, c.email, c.phone)) for c in firm.contacts]
    return rows


def firm_rows(firm: Any) -> Rows:
    if firm is None:
        return []
    address = " ".join(v for v in (firm.street, firm.postcode, firm.city) if v) or "–"
    return [
        (pgettext("firm, singular", "Unternehmen"), firm.name),
        (_("Anschrift"), address),
        (_("Landkreis"), firm.district.name),
        (_("Beschäftigte"), str(firm.headcount)),
    ]


def employment_rows(people: Sequence[Any]) -> Rows:
    rows = []
    for p in people:
        status = EMPLOYMENT_STATUSES.get(p.employment_status or "", "–")
        hours = f", {numbers.format_number(p.weekly_hours)} Std./Woche" if p.weekly_hours else ""
        rows.append((p.full_name, f"{status}{hours}"))
    return rows


def qualification_rows(people: Sequence[Any]) -> Rows:
    rows = []
    for p in people:
        qualification = QUALIFICATIONS.get(p.qualification or "", "–")
        year = f" ({p.qualification_year})" if p.qualification_year else ""
        rows.append((p.full_name, f"{qualification}{year}"))
    return rows


def planned_course_rows(case: Any) -> Rows:
    rows = [(_("Vorhaben"), case.title)]
    topics = ", ".join(str(TOPICS[t]) for t in case.topics)
    if topics:
        rows.append((_("Themen"), topics))
    return rows


def funding_check_rows(summary: str | None) -> Rows:
    return [(_("Förderprüfung"), summary or _("keine Förderprüfung erfasst"))]


def disclosed_data(
    chosen: Iterable[str], basis: Basis, case: Any, funding_check: str | None = None
) -> list[Section]:
    """The partner's view of ``case``: one (label, rows) section per shown category.

    ``funding_check`` is the summary of the case's latest saved funding check, if any.
    """
    people = people_of(case)
    builders = {
        "contact": lambda: contact_rows(people, case.firm),
        "firm": lambda: firm_rows(case.firm),
        "employment": lambda: employment_rows(people),
        "qualification": lambda: qualification_rows(people),
        "planned_course": lambda: planned_course_rows(case),
        "funding_check": lambda: funding_check_rows(funding_check),
    }
    return [
        (DATA_CATEGORIES[code], builders[code]() if code in builders else [])
        for code in shown_categories(chosen, basis)
    ]
