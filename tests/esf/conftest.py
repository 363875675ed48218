"""ESF+ test data: an advisor and a supervisor in SW, a coordinator, and helpers that create
cases with persons and participations through the services (clock set by each test)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.factories import ConsentFactory, TimelineEntryFactory, make_person
from tests.personas import create_persona


@dataclass
class World:
    advisor: Any
    supervisor: Any
    coordinator: Any
    other_advisor: Any
    sw_id: int
    no_id: int


@pytest.fixture
def world(clean_app: Any, fixed_clock: Any) -> World:
    from wbagentur.regions.models import Region

    with clean_app.app_context():
        from wbagentur.extensions import db

        sw = db.session.scalar(sa.select(Region.id).where(Region.code == "SW"))
        no = db.session.scalar(sa.select(Region.id).where(Region.code == "NT"))
        return World(
            advisor=create_persona("advisor", "SW"),
            supervisor=create_persona("supervisor", "SW"),
            coordinator=create_persona("coordinator"),
            other_advisor=create_persona("advisor", "NT"),
            sw_id=sw,
            no_id=no,
        )


def user(persona: Any) -> Any:
    from wbagentur.accounts.models import User
    from wbagentur.extensions import db

    return db.session.get(User, persona.id)


def counsel_over_two_days(case: Any) -> None:
    """Two contacts of two hours on two days: more than short counselling
    (ESF_SHORT_COUNSELLING_*), so the persons of the case count as ESF+ participants."""
    for day in (0, 1):
        TimelineEntryFactory(
            case=case,
            kind="contact",
            at=case.opened_at + timedelta(days=day),
            contact_channel="visit",
            duration_minutes=120,
            body="Beratung",
        )


def new_case(
    world: World, region_id: int | None = None, counselled: bool = False, **person_fields: Any
) -> tuple[Any, Any]:
    """An individual case (advisor's, region SW unless given) with one person; flushed.
    ``counselled``: with two days of counselling, so that its person is a participant."""
    from wbagentur.cases import services as cases

    advisor = user(world.advisor)
    person = make_person(
        person_fields.pop("first", "Anna"), person_fields.pop("last", "Muster"), **person_fields
    )
    case = cases.open_case(
        advisor,
        region_id=region_id or world.sw_id,
        kind="individual",
        title="ESF-Test",
        channel="phone",
        person_id=person.id,
        assigned_to_id=advisor.id,
    )
    if counselled:
        counsel_over_two_days(case)
    return case, person


ENTRY = {
    "entry_date": date(2026, 6, 1),
    "employment_status": "unemployed",
    "age_at_entry": 40,
    "isced_level": "isced_3_4",
    "gender": "weiblich",
    "postcode": "07743",
    "third_country_national": None,
    "foreign_background": None,
    "homeless": None,
    "rural_area": None,
    "disability": None,
    "minority": None,
}


def give_consent(person_id: int, *purposes: str) -> None:
    for purpose in purposes:
        ConsentFactory(person_id=person_id, purpose=purpose, text_version="test-1")
