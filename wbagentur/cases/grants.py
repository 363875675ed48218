"""What cases add to firms and persons, registered at app creation
(``wbagentur._connect_packages``); firms and persons do not import cases, which build on
them (tests/test_import_graph.py).

Advisors and supervisors see the firm of a case of their region, and the person and the
participants of such a case (security.md AC-02); a person created from a firm case joins
it (issue #14.5)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wbagentur.cases import services
from wbagentur.cases.access import can_edit_case, cases_visible_to
from wbagentur.cases.models import Case, case_participants
from wbagentur.extensions import db
from wbagentur.firms.access import register_firm_grant
from wbagentur.persons.access import register_person_grant
from wbagentur.persons.case_join import register_case_join


def firms_of_cases(region_id: int, firm_id: Any) -> list[sa.ColumnElement[bool]]:
    """Firms linked to a case of the region."""
    via_case = sa.select(Case.firm_id).where(Case.region_id == region_id, Case.firm_id.is_not(None))
    return [firm_id.in_(via_case)]


def persons_of_cases(region_id: int, person_id: Any) -> list[sa.ColumnElement[bool]]:
    """The person and the participants of a case of the region."""
    case_person = sa.select(Case.person_id).where(
        Case.region_id == region_id, Case.person_id.is_not(None)
    )
    participant = (
        sa.select(case_participants.c.person_id)
        .join(Case, Case.id == case_participants.c.case_id)
        .where(Case.region_id == region_id)
    )
    return [person_id.in_(case_person), person_id.in_(participant)]


def firm_case_to_join(user: Any, case_id: int) -> Case | None:
    """The firm case a new employee may join: visible to and editable by ``user``."""
    case = db.session.scalar(cases_visible_to(user).where(Case.id == case_id))
    if case is None or case.kind != "firm" or not can_edit_case(user, case):
        return None
    return case


def register_grants() -> None:
    """Called at app creation."""
    register_firm_grant("cases", scope=firms_of_cases)
    register_person_grant("cases", persons_of_cases)
    register_case_join(firm_case_to_join, services.add_participants)
