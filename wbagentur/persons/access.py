"""Who may see and edit which person (security.md AC-02).

Advisors and supervisors see persons whose residence district lies in their region,
whose employer is a firm they may see, or who are the person or a participant of a case
of their region. They edit every person they see this way (all grounds are their own
region's). Coordinators see all persons, read-only; administrators none. Persons
outside the scope answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy import orm

from wbagentur.core.pagination import row_probe
from wbagentur.extensions import db
from wbagentur.firms.access import firm_scope
from wbagentur.firms.models import Firm
from wbagentur.persons.models import Person
from wbagentur.regions.models import District

REGIONAL_ROLES = ("advisor", "supervisor")

# Grounds that come from packages building on persons (the person or a participant of a
# case of the region) are registered at app creation (``wbagentur._connect_packages``), so
# persons need not import them; without a registration they grant nothing (fail closed).
# A scope grant: (region id, person-id column) → conditions on that column.
ScopeGrant = Callable[[int, Any], list[sa.ColumnElement[bool]]]
_SCOPE_GRANTS: dict[str, ScopeGrant] = {}


def register_person_grant(name: str, scope: ScopeGrant) -> None:
    """Let ``scope`` show persons beyond the region's (idempotent by ``name``)."""
    _SCOPE_GRANTS[name] = scope


def person_scope(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition selecting the persons ``user`` may see."""
    # Tests per row (correlated EXISTS on indexes), not sets: a list walking persons in
    # its display order stops after a page instead of first collecting everybody linked
    # to a case of the region or employed by a visible firm (issue #22).
    if user.role in REGIONAL_ROLES and user.region_id is not None:
        in_region = sa.select(District.id).where(District.region_id == user.region_id)
        grants = [c for g in _SCOPE_GRANTS.values() for c in g(user.region_id, Person.id)]
        employer = orm.aliased(Firm)
        return sa.or_(
            Person.residence_district_id.in_(in_region),
            row_probe(
                sa.select(employer.id).where(
                    employer.id == Person.employer_id, firm_scope(user, employer)
                )
            ),
            *grants,
        )
    if user.role == "coordinator":
        return sa.true()
    return sa.false()


def persons_visible_to(user: Any) -> sa.Select[tuple[Person]]:
    return sa.select(Person).where(person_scope(user))


def persons_of_region(user: Any) -> sa.Select[tuple[Person]] | None:
    """The persons living in the user's region – a subset of ``persons_visible_to`` found by
    an index, for counting (``core.pagination.with_count_subset``); None when the scope has
    no such part."""
    if user.role in REGIONAL_ROLES and user.region_id is not None:
        in_region = sa.select(District.id).where(District.region_id == user.region_id)
        return sa.select(Person).where(Person.residence_district_id.in_(in_region))
    return None


def can_edit_person(user: Any, person: Person) -> bool:
    """Regional roles edit the persons in their scope; coordinators only read."""
    return user.role in REGIONAL_ROLES and user.region_id is not None


def get_person_for(user: Any, person_id: int, need: str = "view") -> Person:
    """Load a person within the user's scope, or 404 (403 if visible but read-only)."""
    person = db.session.scalar(persons_visible_to(user).where(Person.id == person_id))
    if person is None:
        abort(404)
    if need == "edit" and not can_edit_person(user, person):
        abort(403)
    return person
