"""Input data of one funding check: firm, person, course, ThürBfG details, reference date.

Every field defaults to ``None`` (= unknown). :meth:`CaseInput.from_dict` reads the JSON document
strictly: unknown keys and wrong types raise one :class:`ValueError` listing every problem with its
field path. Euro amounts arrive as JSON numbers in fields named ``*_eur`` and are stored as integer
cents in the matching ``*_cents`` attribute.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .money import eur_to_cents
from .plausibility import impossible

__all__ = ["CaseInput", "Child", "Course", "Firm", "Person", "StaffGroup", "ThuerbfgInput"]

EMPLOYMENT_STATUSES = (
    "employed",
    "unemployed",
    "threatened_by_unemployment",
    "apprentice",
    "self_employed",
    "not_employed",
)
MARITAL_STATUSES = ("single", "married", "civil_partnership", "separated", "divorced", "widowed")
HEALTH_INSURANCE = ("statutory_own", "statutory_family", "private", "none")
QUALIFICATIONS = ("none", "school", "vocational", "upgrade", "bachelor", "master", "doctorate")
GOALS = ("afbg", "vocational_qualification", "university_degree", "other")
MODES = ("full_time", "part_time")
HOURS_UNITS = ("clock_hours", "teaching_units_45")
#: Land of the place of work (ISO 3166-2:DE suffix): Thuringia and its neighbours.
WORKPLACE_STATES = ("TH", "HE", "NI", "ST", "BY", "SN", "other")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEY_RE = re.compile(r"^\d{5}$")

#: Hard input bounds (beyond them the value cannot describe a real case; the document is refused
#: with a 400 instead of computing deadlines in year 9999 or amounts of 1e26 €). What is possible
#: but implausible inside them gets a warning (see ``plausibility.py``).
MIN_DATE = date(1800, 1, 1)
MAX_DATE = date(2199, 12, 31)
MAX_NUMBER = 1e15
MAX_EUR = 1e12
MAX_LIST = 10_000

_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlevel = 2
_REPR.maxlist = 4
_REPR.maxdict = 4


def _show(v: Any) -> str:
    """Short, recursion-safe representation of a bad input value for an error message."""
    return _REPR.repr(v)


class _Invalid:
    """Marker for a value that failed conversion (the error is already recorded)."""


_BAD = _Invalid()
Conv = Callable[[Any, str, list[str]], Any]


def _bool(v: Any, path: str, errs: list[str]) -> Any:
    if isinstance(v, bool):
        return v
    errs.append(f"{path}: true/false erwartet / expected a boolean, got {_show(v)}")
    return _BAD


def _bounded(v: Any, path: str, errs: list[str], limit: float) -> Any:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and v >= 0:
        if v <= limit:
            return v
        errs.append(
            f"{path}: Zahl zu groß (höchstens {limit:.0e}) / number too large (at most "
            f"{limit:.0e}), got {_show(v)}"
        )
        return _BAD
    errs.append(
        f"{path}: nicht-negative Zahl erwartet / expected a non-negative number, got {_show(v)}"
    )
    return _BAD


def _num(v: Any, path: str, errs: list[str]) -> Any:
    return _bounded(v, path, errs, MAX_NUMBER)


def _int(v: Any, path: str, errs: list[str]) -> Any:
    if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
        return _bounded(v, path, errs, MAX_NUMBER)
    errs.append(
        f"{path}: nicht-negative ganze Zahl erwartet / expected a non-negative integer, got "
        f"{_show(v)}"
    )
    return _BAD


def _year(v: Any, path: str, errs: list[str]) -> Any:
    if isinstance(v, int) and not isinstance(v, bool) and MIN_DATE.year <= v <= MAX_DATE.year:
        return v
    errs.append(
        f"{path}: Jahreszahl zwischen {MIN_DATE.year} und {MAX_DATE.year} erwartet / expected a "
        f"year {MIN_DATE.year}..{MAX_DATE.year}, got {_show(v)}"
    )
    return _BAD


def _share(v: Any, path: str, errs: list[str]) -> Any:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1:
        return v
    errs.append(f"{path}: Anteil zwischen 0 und 1 erwartet / expected a share 0..1, got {_show(v)}")
    return _BAD


def _str(v: Any, path: str, errs: list[str]) -> Any:
    if isinstance(v, str):
        return v
    errs.append(f"{path}: Text erwartet / expected a string, got {_show(v)}")
    return _BAD


def _district(v: Any, path: str, errs: list[str]) -> Any:
    if isinstance(v, str) and _KEY_RE.match(v):
        return v
    errs.append(
        f"{path}: fünfstelliger Kreisschlüssel als Text erwartet / expected 5-digit string, got "
        f"{_show(v)}"
    )
    return _BAD


def _date(v: Any, path: str, errs: list[str]) -> Any:
    if isinstance(v, str) and _DATE_RE.match(v):
        try:
            d = date.fromisoformat(v)
        except ValueError:
            pass
        else:
            if MIN_DATE <= d <= MAX_DATE:
                return d
            errs.append(
                f"{path}: Datum außerhalb des möglichen Bereichs {MIN_DATE.year}–{MAX_DATE.year} "
                f"/ date out of range, got {_show(v)}"
            )
            return _BAD
    errs.append(f"{path}: Datum JJJJ-MM-TT erwartet / expected ISO date YYYY-MM-DD, got {_show(v)}")
    return _BAD


def _eur(v: Any, path: str, errs: list[str]) -> Any:
    out = _bounded(v, path, errs, MAX_EUR)
    return out if out is _BAD else eur_to_cents(out)


def _enum(*values: str | int) -> Conv:
    def conv(v: Any, path: str, errs: list[str]) -> Any:
        if isinstance(v, (str, int)) and not isinstance(v, bool) and v in values:
            return v
        allowed = ", ".join(repr(x) for x in values)
        errs.append(f"{path}: erlaubt sind / allowed values: {allowed}; got {_show(v)}")
        return _BAD

    return conv


def _parse(
    cls: type, spec: Mapping[str, tuple[str, Conv]], data: Any, path: str, errs: list[str]
) -> Any:
    """Build ``cls`` from ``data`` following ``spec`` (JSON key → (attribute, converter))."""
    if data is None:
        return cls()
    if not isinstance(data, Mapping):
        errs.append(f"{path}: Objekt erwartet / expected an object, got {type(data).__name__}")
        return cls()
    unknown = [k for k in data if k not in spec]
    if unknown:
        names = ", ".join(sorted(_REPR.repr(str(k)).strip("'") for k in unknown)[:20])
        errs.append(f"{path}: unbekannte Felder / unknown fields: {names}")
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        entry = spec.get(key)
        if entry is None or value is None:
            continue
        attr, conv = entry
        out = conv(value, f"{path}.{key}", errs)
        if out is not _BAD:
            kwargs[attr] = out
    return cls(**kwargs)


@dataclass(frozen=True, slots=True)
class StaffGroup:
    """``count`` employees working ``weekly_hours`` per week (for the § 82 Abs. 6 weighting)."""

    weekly_hours: float = 40.0
    count: int = 1


@dataclass(frozen=True, slots=True)
class Child:
    """A child of the participant (birth date preferred; age as fallback)."""

    birth_date: date | None = None
    age: int | None = None
    receives_kindergeld: bool | None = None


_STAFF_SPEC: dict[str, tuple[str, Conv]] = {
    "weekly_hours": ("weekly_hours", _num),
    "count": ("count", _int),
}
MAX_CHILD_AGE = 150


def _child_age(v: Any, path: str, errs: list[str]) -> Any:
    out = _int(v, path, errs)
    if out is not _BAD and out > MAX_CHILD_AGE:
        errs.append(f"{path}: Alter höchstens {MAX_CHILD_AGE} / age at most {MAX_CHILD_AGE}")
        return _BAD
    return out


_CHILD_SPEC: dict[str, tuple[str, Conv]] = {
    "birth_date": ("birth_date", _date),
    "age": ("age", _child_age),
    "receives_kindergeld": ("receives_kindergeld", _bool),
}


def _list_ok(v: Any, path: str, errs: list[str]) -> bool:
    if not isinstance(v, list):
        errs.append(f"{path}: Liste erwartet / expected a list")
        return False
    if len(v) > MAX_LIST:
        errs.append(
            f"{path}: höchstens {MAX_LIST} Einträge / at most {MAX_LIST} entries, got {len(v)}"
        )
        return False
    return True


def _staff(v: Any, path: str, errs: list[str]) -> Any:
    if not _list_ok(v, path, errs):
        return _BAD
    out = []
    for i, item in enumerate(v):
        if isinstance(item, Mapping) and "weekly_hours" not in item:
            errs.append(f"{path}[{i}].weekly_hours: Pflichtfeld fehlt / required")
        out.append(_parse(StaffGroup, _STAFF_SPEC, item, f"{path}[{i}]", errs))
    return tuple(out)


def _children(v: Any, path: str, errs: list[str]) -> Any:
    if not _list_ok(v, path, errs):
        return _BAD
    out = []
    for i, item in enumerate(v):
        if isinstance(item, int) and not isinstance(item, bool):
            ok = 0 <= item <= MAX_CHILD_AGE
            out.append(Child(age=item) if ok else Child())
            if not ok:
                errs.append(
                    f"{path}[{i}]: Alter zwischen 0 und {MAX_CHILD_AGE} erwartet / expected age "
                    f"0..{MAX_CHILD_AGE}"
                )
        else:
            out.append(_parse(Child, _CHILD_SPEC, item, f"{path}[{i}]", errs))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Firm:
    """The employer (Betrieb / Unternehmen)."""

    name: str | None = None
    headcount: float | None = None
    staff: tuple[StaffGroup, ...] | None = None
    group_headcount: float | None = None
    district_key: str | None = None
    seat_in_thuringia: bool | None = None
    has_works_agreement_training: bool | None = None
    has_collective_agreement_training: bool | None = None
    structural_change_share: float | None = None
    has_qualifizierungsgeld_agreement: bool | None = None
    written_declaration: bool | None = None
    employer_pays_full_course: bool | None = None
    is_public_sector: bool | None = None
    annual_turnover_cents: int | None = None
    balance_sheet_total_cents: int | None = None
    linked_to_large_enterprise: bool | None = None
    restructuring: bool | None = None
    transfer_advice_by_agency: bool | None = None


_FIRM_SPEC: dict[str, tuple[str, Conv]] = {
    "name": ("name", _str),
    "headcount": ("headcount", _num),
    "staff": ("staff", _staff),
    "group_headcount": ("group_headcount", _num),
    "district_key": ("district_key", _district),
    "seat_in_thuringia": ("seat_in_thuringia", _bool),
    "has_works_agreement_training": ("has_works_agreement_training", _bool),
    "has_collective_agreement_training": ("has_collective_agreement_training", _bool),
    "structural_change_share": ("structural_change_share", _share),
    "has_qualifizierungsgeld_agreement": ("has_qualifizierungsgeld_agreement", _bool),
    "written_declaration": ("written_declaration", _bool),
    "employer_pays_full_course": ("employer_pays_full_course", _bool),
    "is_public_sector": ("is_public_sector", _bool),
    "annual_turnover_eur": ("annual_turnover_cents", _eur),
    "balance_sheet_total_eur": ("balance_sheet_total_cents", _eur),
    "linked_to_large_enterprise": ("linked_to_large_enterprise", _bool),
    "restructuring": ("restructuring", _bool),
    "transfer_advice_by_agency": ("transfer_advice_by_agency", _bool),
}


@dataclass(frozen=True, slots=True)
class Person:
    """The participant (employee, jobseeker or self-employed)."""

    birth_date: date | None = None
    employment_status: str | None = None
    employment_terminated: bool | None = None
    severely_disabled: bool | None = None
    has_usable_vocational_qualification: bool | None = None
    vocational_qualification_year: int | None = None
    years_of_work: float | None = None
    last_82_funding_date: date | None = None
    last_82a_funding_date: date | None = None
    taxable_income_cents: int | None = None
    joint_assessment: bool | None = None
    weiterbildungsscheck_used_this_year: bool | None = None
    marital_status: str | None = None
    children: tuple[Child, ...] | None = None
    single_parent: bool | None = None
    health_insurance: str | None = None
    assets_cents: int | None = None
    income_cents: int | None = None
    partner_income_cents: int | None = None
    net_pay_difference_monthly_cents: int | None = None
    employed_since: date | None = None
    working_days_per_week: float | None = None
    highest_qualification: str | None = None
    residence_district_key: str | None = None
    foreign_qualification: bool | None = None
    receives_sgb2: bool | None = None
    short_time_work_at_course_start: bool | None = None
    childcare_needed: bool | None = None
    rehabilitation_need: bool | None = None
    workplace_state: str | None = None
    transfer_short_time_work: bool | None = None


_PERSON_SPEC: dict[str, tuple[str, Conv]] = {
    "birth_date": ("birth_date", _date),
    "employment_status": ("employment_status", _enum(*EMPLOYMENT_STATUSES)),
    "employment_terminated": ("employment_terminated", _bool),
    "severely_disabled": ("severely_disabled", _bool),
    "has_usable_vocational_qualification": ("has_usable_vocational_qualification", _bool),
    "vocational_qualification_year": ("vocational_qualification_year", _year),
    "years_of_work": ("years_of_work", _num),
    "last_82_funding_date": ("last_82_funding_date", _date),
    "last_82a_funding_date": ("last_82a_funding_date", _date),
    "taxable_income_eur": ("taxable_income_cents", _eur),
    "joint_assessment": ("joint_assessment", _bool),
    "weiterbildungsscheck_used_this_year": ("weiterbildungsscheck_used_this_year", _bool),
    "marital_status": ("marital_status", _enum(*MARITAL_STATUSES)),
    "children": ("children", _children),
    "single_parent": ("single_parent", _bool),
    "health_insurance": ("health_insurance", _enum(*HEALTH_INSURANCE)),
    "assets_eur": ("assets_cents", _eur),
    "income_eur": ("income_cents", _eur),
    "partner_income_eur": ("partner_income_cents", _eur),
    "net_pay_difference_monthly_eur": ("net_pay_difference_monthly_cents", _eur),
    "employed_since": ("employed_since", _date),
    "working_days_per_week": ("working_days_per_week", _num),
    "highest_qualification": ("highest_qualification", _enum(*QUALIFICATIONS)),
    "residence_district_key": ("residence_district_key", _district),
    "foreign_qualification": ("foreign_qualification", _bool),
    "receives_sgb2": ("receives_sgb2", _bool),
    "short_time_work_at_course_start": ("short_time_work_at_course_start", _bool),
    "childcare_needed": ("childcare_needed", _bool),
    "rehabilitation_need": ("rehabilitation_need", _bool),
    "workplace_state": ("workplace_state", _enum(*WORKPLACE_STATES)),
    "transfer_short_time_work": ("transfer_short_time_work", _bool),
}


@dataclass(frozen=True, slots=True)
class Course:
    """The training measure (Lehrgang / Bildungsveranstaltung)."""

    title: str | None = None
    hours: float | None = None
    hours_unit: str | None = None
    course_fees_cents: int | None = None
    exam_fees_cents: int | None = None
    meisterstueck_material_cents: int | None = None
    employer_contribution_cents: int | None = None
    azav_measure_approved: bool | None = None
    azav_provider_approved: bool | None = None
    goal: str | None = None
    afbg_level: int | None = None
    mode: str | None = None
    duration_months: float | None = None
    lessons_per_week: float | None = None
    lessons_per_month: float | None = None
    start_date: date | None = None
    end_date: date | None = None
    thuerbfg_recognised: bool | None = None
    days: float | None = None
    lessons_per_day: float | None = None
    eligible_wage_cents: int | None = None
    gross_wage_for_training_time_cents: int | None = None
    is_adaptation_only: bool | None = None
    structural_change_driven: bool | None = None
    employer_legally_obliged: bool | None = None
    application_date: date | None = None
    booking_date: date | None = None
    award_date: date | None = None
    regular_training_months: float | None = None
    shortening_impossible_by_law: bool | None = None
    travel_costs_monthly_cents: int | None = None
    accommodation_days_per_month: float | None = None
    meals_days_per_month: float | None = None


_COURSE_SPEC: dict[str, tuple[str, Conv]] = {
    "title": ("title", _str),
    "hours": ("hours", _num),
    "hours_unit": ("hours_unit", _enum(*HOURS_UNITS)),
    "course_fees_eur": ("course_fees_cents", _eur),
    "exam_fees_eur": ("exam_fees_cents", _eur),
    "meisterstueck_material_eur": ("meisterstueck_material_cents", _eur),
    "employer_contribution_eur": ("employer_contribution_cents", _eur),
    "azav_measure_approved": ("azav_measure_approved", _bool),
    "azav_provider_approved": ("azav_provider_approved", _bool),
    "goal": ("goal", _enum(*GOALS)),
    "afbg_level": ("afbg_level", _enum(1, 2, 3)),
    "mode": ("mode", _enum(*MODES)),
    "duration_months": ("duration_months", _num),
    "lessons_per_week": ("lessons_per_week", _num),
    "lessons_per_month": ("lessons_per_month", _num),
    "start_date": ("start_date", _date),
    "end_date": ("end_date", _date),
    "thuerbfg_recognised": ("thuerbfg_recognised", _bool),
    "days": ("days", _num),
    "lessons_per_day": ("lessons_per_day", _num),
    "eligible_wage_eur": ("eligible_wage_cents", _eur),
    "gross_wage_for_training_time_eur": ("gross_wage_for_training_time_cents", _eur),
    "is_adaptation_only": ("is_adaptation_only", _bool),
    "structural_change_driven": ("structural_change_driven", _bool),
    "employer_legally_obliged": ("employer_legally_obliged", _bool),
    "application_date": ("application_date", _date),
    "booking_date": ("booking_date", _date),
    "award_date": ("award_date", _date),
    "regular_training_months": ("regular_training_months", _num),
    "shortening_impossible_by_law": ("shortening_impossible_by_law", _bool),
    "travel_costs_monthly_eur": ("travel_costs_monthly_cents", _eur),
    "accommodation_days_per_month": ("accommodation_days_per_month", _num),
    "meals_days_per_month": ("meals_days_per_month", _num),
}


@dataclass(frozen=True, slots=True)
class ThuerbfgInput:
    """Details only the Bildungsfreistellung check needs."""

    request_date: date | None = None
    days_already_granted_this_year: float | None = None
    carried_over_days: float | None = None
    days_already_taken_by_colleagues_this_year: float | None = None
    headcount_on_jan_1: float | None = None


_TB_SPEC: dict[str, tuple[str, Conv]] = {
    "request_date": ("request_date", _date),
    "days_already_granted_this_year": ("days_already_granted_this_year", _num),
    "carried_over_days": ("carried_over_days", _num),
    "days_already_taken_by_colleagues_this_year": (
        "days_already_taken_by_colleagues_this_year",
        _num,
    ),
    "headcount_on_jan_1": ("headcount_on_jan_1", _num),
}


@dataclass(frozen=True, slots=True)
class CaseInput:
    """One funding check: what is known about firm, person and course."""

    firm: Firm = Firm()
    person: Person = Person()
    course: Course = Course()
    thuerbfg: ThuerbfgInput = ThuerbfgInput()
    reference_date: date | None = None

    @classmethod
    def from_dict(cls, data: Any) -> CaseInput:
        """Parse the JSON input document strictly; raise ValueError listing every problem."""
        errs: list[str] = []
        if not isinstance(data, Mapping):
            raise ValueError("Eingabe: JSON-Objekt erwartet / input: expected a JSON object")
        allowed = ("reference_date", "firm", "person", "course", "thuerbfg")
        unknown = [k for k in data if k not in allowed]
        if unknown:
            names = ", ".join(sorted(_REPR.repr(str(k)).strip("'") for k in unknown)[:20])
            errs.append(f"unbekannte Felder / unknown fields: {names}")
        ref = data.get("reference_date")
        ref_date = None if ref is None else _date(ref, "reference_date", errs)
        case = cls(
            firm=_parse(Firm, _FIRM_SPEC, data.get("firm"), "firm", errs),
            person=_parse(Person, _PERSON_SPEC, data.get("person"), "person", errs),
            course=_parse(Course, _COURSE_SPEC, data.get("course"), "course", errs),
            thuerbfg=_parse(ThuerbfgInput, _TB_SPEC, data.get("thuerbfg"), "thuerbfg", errs),
            reference_date=None if ref_date is _BAD else ref_date,
        )
        if not errs:
            errs.extend(impossible(case))
        if errs:
            raise ValueError("Ungültige Eingabe / invalid input: " + "; ".join(errs))
        return case
