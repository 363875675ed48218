"""What the in-case funding check starts from and sends to the engine: the form's values
taken from the case's firm and the chosen person, and the facts the form does not ask
for (residence district, highest qualification, the firm's name). Plain functions of the
case and the person, shared by the case check page and the API's case check."""

from __future__ import annotations

from datetime import date
from typing import Any

#: The person's employment status → the engine's term, where they differ.
PERSON_EMPLOYMENT = {"threatened": "threatened_by_unemployment"}


def _fmt(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def prefill(case: Any, person: Any | None) -> dict[str, Any]:
    """Form values taken from the case's firm and the chosen person."""
    data: dict[str, Any] = {"seat_in_thuringia": True}
    firm = case.firm
    if firm is not None:
        data.update(
            staff_over_30h=firm.staff_over_30h,
            staff_up_to_30h=firm.staff_up_to_30h,
            staff_up_to_20h=firm.staff_up_to_20h,
            staff_up_to_10h=firm.staff_up_to_10h,
            group_headcount=firm.group_headcount,
            district_key=firm.district.key if firm.district else "",
            works_agreement=firm.has_works_agreement_training,
            collective_agreement=firm.has_collective_agreement_training,
            seat_in_thuringia=firm.seat_in_thuringia,
        )
    if person is not None:
        qualification = person.qualification
        data.update(
            birth_date=_fmt(person.birth_date),
            employment_status=PERSON_EMPLOYMENT.get(
                person.employment_status or "", person.employment_status or ""
            ),
            has_qualification=""
            if qualification is None
            else ("no" if qualification == "none" else "yes"),
            qualification_year=person.qualification_year,
            employed_since=_fmt(person.employed_since),
            working_days=person.working_days_per_week,
            severely_disabled=_yes_no(person.severely_disabled),
        )
    return data


def person_extras(person: Any | None) -> dict[str, Any]:
    """The person's facts the form does not ask for but the engine uses."""
    if person is None:
        return {}
    extra: dict[str, Any] = {}
    if person.residence_district is not None:
        extra["residence_district_key"] = person.residence_district.key
    if person.qualification is not None:
        extra["highest_qualification"] = person.qualification
    return extra


def case_document(entered: dict[str, Any], case: Any, person: Any | None) -> dict[str, Any]:
    """The engine's input document: the form's document plus the case's facts (in place)."""
    entered["person"].update(person_extras(person))
    if case.firm is not None:
        entered["firm"]["name"] = case.firm.name
    return entered
