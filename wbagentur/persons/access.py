"""Who may see and edit which person (security.md AC-02).

Advisors and supervisors see persons whose residence district lies in their region,
whose employer is a firm they may see, or who are the person or a participant of a case
of their region. They edit every person they see this way (all grounds are their own
region's). Coordinators see all persons, read-only; administrators none. Persons
outside the scope answer 404.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort

from wbagentur.extensions import db
from wbagentur.firms.access import visible_firm_ids
from wbagentur.persons.models import Person
from wbagentur.regions.models import District

REGIONAL_ROLES = ("advisor", "supervisor")


def person_scope(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition selecting the persons ``user`` may see."""
    if user.role in REGIONAL_ROLES and user.region_id is not None:
        # Imported here: cases.models imports persons.models, which loads this package.
        from wbagentur.cases.models import Case, case_participants

        in_region = sa.select(District.id).where(District.region_id == user.region_id)
        case_person = sa.select(Case.person_id).where(
            Case.region_id == user.region_id, Case.person_id.is_not(None)
        )
        participant = (
            sa.select(case_participants.c.person_id)
            .join(Case, Case.id == case_participants.c.case_id)
            .where(Case.region_id == user.region_id)
        )
        return sa.or_(
            Person.residence_district_id.in_(in_region),
            Person.employer_id.in_(visible_firm_ids(user)),
            Person.id.in_(case_person),
            Person.id.in_(participant),
        )
    if user.role == "coordinator":
        return sa.true()
    return sa.false()


def persons_visible_to(user: Any) -> sa.Select[tuple[Person]]:
    return sa.select(Person).where(person_scope(user))


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
