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
    from wbagentur.cases.services import add_participant, open_case
    from wbagentur.extensions import db
    from wbagentur.firms.models import Firm
    from wbagentur.persons.models import Person
    from wbagentur.plans.models import PlanCourse, PlanParticipant
    from wbagentur.regions.models import District, Region

    district = db.session.scalar(sa.select(District).where(District.key == "16054"))
    region = db.session.scalar(sa.select(Region).where(Region.code == "SW"))
    firm = Firm(
        name="Präzisionsteile Suhl GmbH",
        district_id=district.id,
        street="Auenstraße 3",
        postcode="98527",
        city="Suhl",
        staff_over_30h=12,
        has_works_agreement_training=False,
        has_collective_agreement_training=False,
    )
    db.session.add(firm)
    db.session.flush()
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
        person = Person(
            first_name=first,
            last_name=last,
            birth_date=born,
            employment_status="employed",
            employer_id=firm.id,
            qualification="vocational",
            qualification_year=2012,
            working_days_per_week=5,
            employed_since=date(2015, 8, 1),
        )
        db.session.add(person)
        db.session.flush()
        add_participant(None, case, person.id)
        persons.append(person)
    course_ids: tuple[int, int] = (0, 0)
    if with_courses:
        cnc = PlanCourse(
            case_id=case.id,
            title="CNC-Fachkraft",
            provider="Bildungswerk Suhl",
            hours=320,
            hours_unit="teaching_units_45",
            fees_cents=1_464_000,
            start_date=date(2027, 2, 1),
            end_date=date(2027, 5, 31),
            azav_approved=True,
        )
        sps = PlanCourse(
            case_id=case.id,
            title="SPS-Programmierung",
            provider="TÜV Thüringen",
            hours=80,
            hours_unit="teaching_units_45",
            fees_cents=240_000,
            start_date=date(2027, 3, 1),
            end_date=date(2027, 3, 26),
            azav_approved=True,
        )
        cnc.participants = [PlanParticipant(person_id=p.id) for p in persons[:2]]
        sps.participants = [PlanParticipant(person_id=persons[2].id)]
        db.session.add_all([cnc, sps])
        db.session.flush()
        course_ids = (cnc.id, sps.id)
    db.session.commit()
    return PlanIds(case.id, tuple(p.id for p in persons), course_ids, case.reference)  # type: ignore[arg-type]


@pytest.fixture
def plan_case(clean_app: Any) -> Any:
    def _make(**kw: Any) -> PlanIds:
        with clean_app.app_context():
            return create_plan_case(**kw)

    return _make
