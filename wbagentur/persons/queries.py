"""Reads of persons, returning Selects."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wbagentur.core.fulltext import name_condition
from wbagentur.core.pagination import with_count_subset
from wbagentur.core.text import normalise_search
from wbagentur.persons.access import persons_of_region, persons_visible_to
from wbagentur.persons.models import Consent, Person

SORTS: dict[str, tuple[Any, ...]] = {
    "name": (Person.last_name.asc(), Person.first_name.asc(), Person.id.asc()),
    "neu": (Person.created_at.desc(), Person.id.desc()),
}
DEFAULT_SORT = "name"


def person_list(
    user: Any, q: str | None = None, sort: str = DEFAULT_SORT
) -> sa.Select[tuple[Person]]:
    """Persons the user may see, searched over the normalised full name."""
    filters: list[sa.ColumnElement[bool]] = []
    if q and normalise_search(q):
        filters.append(name_condition(Person.name_search, q))
    stmt = persons_visible_to(user).where(*filters)
    residents = persons_of_region(user)
    return with_count_subset(
        stmt.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])),
        None if residents is None else residents.where(*filters),
    )


def employees_of(user: Any, firm_id: int) -> sa.Select[tuple[Person]]:
    """Persons with this employer that the user may see."""
    return (
        persons_visible_to(user)
        .where(Person.employer_id == firm_id)
        .order_by(Person.last_name, Person.first_name, Person.id)
    )


def consents_of(person_id: int) -> sa.Select[tuple[Consent]]:
    return (
        sa.select(Consent)
        .where(Consent.person_id == person_id)
        .order_by(Consent.given_at.desc(), Consent.id.desc())
    )


def duplicate_candidates(name_search: str, email: str | None) -> sa.Select[tuple[Person]]:
    """Coarse pre-selection across all regions; exact matching in ``rules``."""
    conditions: list[sa.ColumnElement[bool]] = []
    if name_search:
        conditions.append(Person.name_search == name_search)
    if email:
        conditions.append(sa.func.lower(Person.email) == email.strip().lower())
    if not conditions:
        return sa.select(Person).where(sa.false())
    return sa.select(Person).where(sa.or_(*conditions)).order_by(Person.id)
