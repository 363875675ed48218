"""Factories for the funding view and service tests: a firm case with an employee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa


@dataclass(frozen=True)
class CaseIds:
    case_id: int
    firm_id: int
    person_id: int
    reference: str


def create_firm_case(
    region_code: str = "SW",
    district_key: str = "16066",
    assigned_to_id: int | None = None,
    status: str | None = None,
) -> CaseIds:
    """Inside an app context: firm + employee + firm case (committed)."""
    from tests.factories import FirmFactory, PersonFactory
    from wbagentur.cases.services import add_participant, open_case
    from wbagentur.extensions import db
    from wbagentur.regions.models import Region

    region = db.session.scalar(sa.select(Region).where(Region.code == region_code))
    firm = FirmFactory(
        name="Metallbau Muster GmbH",
        district_key=district_key,
        staff_over_30h=22,
        staff_up_to_30h=6,
        staff_up_to_20h=4,
        staff_up_to_10h=3,
        has_works_agreement_training=False,
        has_collective_agreement_training=False,
    )
    person = PersonFactory(
        first_name="Erika",
        last_name="Beispiel",
        district_key=None,
        birth_date=date(1988, 6, 15),
        employment_status="employed",
        employer_id=firm.id,
        qualification="vocational",
        qualification_year=2012,
        working_days_per_week=5,
        employed_since=date(2015, 8, 1),
    )
    case = open_case(
        None,
        region_id=region.id,
        kind="firm",
        title="CNC-Qualifizierung",
        channel="phone",
        firm_id=firm.id,
        assigned_to_id=assigned_to_id,
    )
    add_participant(None, case, person.id)
    if status:
        case.status = status
    db.session.commit()
    return CaseIds(case.id, firm.id, person.id, case.reference)


@pytest.fixture
def firm_case(clean_app: Any) -> Any:
    def _make(**kw: Any) -> CaseIds:
        with clean_app.app_context():
            return create_firm_case(**kw)

    return _make
