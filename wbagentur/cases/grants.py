"""What a region's cases open beyond the region (security.md AC-02), registered at app
creation (``wbagentur._connect_packages``): advisors and supervisors see the firm of a case
of their region, and the person and the participants of such a case. Firms and persons do
not import cases, which build on them (tests/test_import_graph.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wbagentur.cases.models import Case, case_participants
from wbagentur.firms.access import register_firm_grant
from wbagentur.persons.access import register_person_grant


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


def register_grants() -> None:
    """Called at app creation."""
    register_firm_grant("cases", scope=firms_of_cases)
    register_person_grant("cases", persons_of_cases)
