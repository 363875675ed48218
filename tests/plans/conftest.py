"""A firm in Suhl with three employees and two planned courses (issue #16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa


@dataclass(frozen=True)
class PlanIds:
    case_id: int
    person_ids: tuple[int, int, int]
    course_ids: tuple[int, int]
    reference: str


EMPLOYEES = [
    ("Erika", "Beispiel", date(1988, 6, 15)),
    ("Jonas", "Schmidt", date(1975, 2, 1)),
    ("Aylin", "Kaya", date(1995, 9, 30)),
]


def create_plan_case(advisor_id: int | None = None, with_courses: bool = True) -> PlanIds:
    """Inside an app context: firm (Suhl, 12 staff), three employees, a firm case, two courses."""
    from tests.factories import FirmFactory, PersonFactory, PlanCourseFactory
    from wbagentur.cases.services import add_participant, open_case
    from wbagentur.extensions import db
    from wbagentur.regions.models import Region

    region = db.session.scalar(sa.select(Region).where(Region.code == "SW"))
    firm = FirmFactory(
        name="Präzisionsteile Suhl GmbH",
        district_key="16054",
        street="Auenstraße 3",
        postcode="98527",
        city="Suhl",
        staff_over_30h=12,
        has_works_agreement_training=False,
        has_collective_agreement_training=False,
    )
    case = open_case(
        None,
        region_id=region.id,
        kind="firm",
        title="Qualifizierung 2027",
        channel="phone",
        firm_id=firm.id,
        assigned_to_id=advisor_id,
    )
    persons = []
    for first, last, born in EMPLOYEES:
        person = PersonFactory(
            first_name=first,
            last_name=last,
            district_key=None,
            birth_date=born,
            employment_status="employed",
            employer_id=firm.id,
            qualification="vocational",
            qualification_year=2012,
            working_days_per_week=5,
            employed_since=date(2015, 8, 1),
        )
        add_participant(None, case, person.id)
        persons.append(person)
    course_ids: tuple[int, int] = (0, 0)
    if with_courses:
        cnc = PlanCourseFactory(
            case=case,
            title="CNC-Fachkraft",
            provider="Bildungswerk Suhl",
            hours=320,
            hours_unit="teaching_units_45",
            fees_cents=1_464_000,
            start_date=date(2027, 2, 1),
            end_date=date(2027, 5, 31),
            azav_approved=True,
            participants=persons[:2],
        )
        sps = PlanCourseFactory(
            case=case,
            title="SPS-Programmierung",
            provider="TÜV Thüringen",
            hours=80,
            hours_unit="teaching_units_45",
            fees_cents=240_000,
            start_date=date(2027, 3, 1),
            end_date=date(2027, 3, 26),
            azav_approved=True,
            participants=persons[2:],
        )
        course_ids = (cnc.id, sps.id)
    db.session.commit()
    return PlanIds(case.id, tuple(p.id for p in persons), course_ids, case.reference)  # type: ignore[arg-type]


@pytest.fixture
def plan_case(clean_app: Any) -> Any:
    def _make(**kw: Any) -> PlanIds:
        with clean_app.app_context():
            return create_plan_case(**kw)

    return _make
