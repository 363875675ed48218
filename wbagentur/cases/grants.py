"""What cases add to firms and persons, registered at app creation
(``wbagentur._connect_packages``); firms and persons do not import cases, which build on
them (tests/test_import_graph.py).

Advisors and supervisors see the firm of a case of their region, and the person and the
participants of such a case (security.md AC-02); a person created from a firm case joins
it (issue #14.5)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from wbagentur.cases import services
from wbagentur.cases.access import can_edit_case, cases_visible_to
from wbagentur.cases.models import Case, case_participants
from wbagentur.core.pagination import row_probe
from wbagentur.extensions import db
from wbagentur.firms.access import register_firm_grant
from wbagentur.persons.access import register_person_grant
from wbagentur.persons.case_join import register_case_join


def firms_of_cases(region_id: int, firm_id: Any) -> list[sa.ColumnElement[bool]]:
    """Firms linked to a case of the region: one probe of ix_cases_firm_region per firm
    (an alias, so an outer query may join cases itself)."""
    case = orm.aliased(Case)
    return [
        row_probe(
            sa.select(case.firm_id).where(case.firm_id == firm_id, case.region_id == region_id)
        )
    ]


def persons_of_cases(region_id: int, person_id: Any) -> list[sa.ColumnElement[bool]]:
    """The person and the participants of a case of the region: probes of
    ix_cases_person_region and ix_case_participants_person_case per person."""
    case = orm.aliased(Case)
    participation = case_participants.alias()
    joined = orm.aliased(Case)
    return [
        row_probe(
            sa.select(case.person_id).where(
                case.person_id == person_id, case.region_id == region_id
            )
        ),
        row_probe(
            sa.select(joined.id).where(
                participation.c.person_id == person_id,
                joined.id == participation.c.case_id,
                joined.region_id == region_id,
            )
        ),
    ]


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
