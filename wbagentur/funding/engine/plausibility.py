"""Plausibility of an input document: errors for the impossible, warnings for the implausible.

* :func:`impossible` – facts that cannot all be true (born after the course, a course that ends
  before it starts, more than seven working days a week …). :meth:`CaseInput.from_dict` refuses
  the document with these messages (the JSON API answers 400, the CLI exits 1).
* :func:`implausible` – possible but unlikely values (age outside 15–75 at course start, more than
  10,000 hours, amounts above 1 Mio €, a head count of millions, 20+ children). The result carries
  them as warnings; the check still runs.

Messages are German first (the engine's convention: ``German / English``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .calendar import age_on, fmt_date
from .i18n import N_, _, current_language
from .money import eur, num

if TYPE_CHECKING:
    from .inputs import CaseInput

__all__ = [
    "AGE_MAX",
    "AGE_MIN",
    "CHILDREN_MAX",
    "EUR_MAX_CENTS",
    "HEADCOUNT_MAX",
    "HOURS_MAX",
    "implausible",
    "impossible",
]

AGE_MIN = 15
AGE_MAX = 75
HOURS_MAX = 10_000
EUR_MAX_CENTS = 1_000_000 * 100
HEADCOUNT_MAX = 1_000_000
CHILDREN_MAX = 20
DURATION_MONTHS_MAX = 120
YEARS_OF_WORK_MAX = 60
EVENT_DAYS_MAX = 366


def impossible(case: CaseInput) -> list[str]:
    """Messages ``path: text`` for facts that contradict each other or the calendar."""
    errs: list[str] = []
    p, c = case.person, case.course
    born = p.birth_date
    if c.start_date and c.end_date and c.end_date < c.start_date:
        errs.append(
            "course.end_date: Das Lehrgangsende liegt vor dem Beginn (negative Dauer) / "
            "is before start_date"
        )
    if c.application_date and c.award_date and c.award_date < c.application_date:
        errs.append(
            "course.award_date: Die Bewilligung liegt vor dem Antrag (negative Zeitspanne) / "
            "award before application"
        )
    if born is not None:
        errs.extend(_born_after(case, born))
    if p.working_days_per_week is not None and p.working_days_per_week > 7:
        errs.append(
            "person.working_days_per_week: Eine Woche hat höchstens 7 Arbeitstage / at most 7, "
            f"got {num(p.working_days_per_week)}"
        )
    for i, g in enumerate(case.firm.staff or ()):
        if g.weekly_hours > 168:
            errs.append(
                f"firm.staff[{i}].weekly_hours: Eine Woche hat 168 Stunden / at most 168, got "
                f"{num(g.weekly_hours)}"
            )
    for name, value in (
        ("accommodation_days_per_month", c.accommodation_days_per_month),
        ("meals_days_per_month", c.meals_days_per_month),
    ):
        if value is not None and value > 31:
            errs.append(
                f"course.{name}: Ein Monat hat höchstens 31 Tage / at most 31, got {num(value)}"
            )
    if c.lessons_per_day is not None and c.lessons_per_day > 32:
        errs.append(
            "course.lessons_per_day: Ein Tag hat höchstens 32 Unterrichtsstunden à 45 Minuten / "
            f"at most 32, got {num(c.lessons_per_day)}"
        )
    return errs


def _born_after(case: CaseInput, born: date) -> list[str]:
    """Dates that lie before the participant's birth (or a child born before its parent)."""
    errs: list[str] = []
    p, c = case.person, case.course
    later = [
        ("course.start_date", "dem Lehrgangsbeginn", c.start_date),
        ("reference_date", "dem Stichtag der Prüfung", case.reference_date),
        ("person.employed_since", "dem Beginn der Beschäftigung", p.employed_since),
        (
            "person.last_82_funding_date",
            "der letzten Förderung nach § 82",
            p.last_82_funding_date,
        ),
        (
            "person.last_82a_funding_date",
            "dem letzten Qualifizierungsgeld",
            p.last_82a_funding_date,
        ),
    ]
    for path, what, d in later:
        if d is not None and d < born:
            errs.append(
                f"person.birth_date: Geburtsdatum {fmt_date(born)} liegt nach {what} "
                f"({fmt_date(d)}) – unmöglich / born after {path}"
            )
    if p.vocational_qualification_year is not None and p.vocational_qualification_year < (
        born.year
    ):
        errs.append(
            "person.vocational_qualification_year: Der Berufsabschluss liegt vor der Geburt "
            "/ qualification before birth"
        )
    for i, child in enumerate(p.children or ()):
        if child.birth_date is not None and child.birth_date <= born:
            errs.append(
                f"person.children[{i}].birth_date: Das Kind wäre vor der Person geboren / "
                "child born before the participant"
            )
    return errs


def _age_day(case: CaseInput) -> tuple[date | None, str]:
    c = case.course
    if c.start_date:
        return c.start_date, N_("bei Lehrgangsbeginn")
    if c.application_date:
        return c.application_date, N_("am Antragstag")
    return case.reference_date, N_("am Stichtag")


def implausible(case: CaseInput, reference_date: date | None = None) -> list[str]:  # noqa: C901
    """Warnings for values that are possible but unlikely; the check still runs."""
    out: list[str] = []
    p, c, f = case.person, case.course, case.firm
    on, when = _age_day(case)
    on = on or reference_date
    if p.birth_date and on and on >= p.birth_date:
        age = age_on(p.birth_date, on)
        if age < AGE_MIN or age > AGE_MAX:
            out.append(
                _(
                    "Plausibilität: Alter {age} Jahre {when} liegt außerhalb von {low}–{high} "
                    "Jahren; bitte das Geburtsdatum prüfen (person.birth_date).",
                    age=age,
                    when=_(when),
                    low=AGE_MIN,
                    high=AGE_MAX,
                )
            )
    if c.hours is not None and c.hours > HOURS_MAX:
        out.append(
            _(
                "Plausibilität: {hours} Stunden Lehrgangsdauer sind mehr als {limit} Stunden; "
                "bitte prüfen (course.hours).",
                hours=num(c.hours),
                limit=_thousands(HOURS_MAX),
            )
        )
    money = [
        ("course.course_fees_eur", N_("Lehrgangsgebühren"), c.course_fees_cents),
        ("course.exam_fees_eur", N_("Prüfungsgebühren"), c.exam_fees_cents),
        ("course.meisterstueck_material_eur", N_("Materialkosten"), c.meisterstueck_material_cents),
        (
            "course.employer_contribution_eur",
            N_("Arbeitgeberbeitrag"),
            c.employer_contribution_cents,
        ),
        (
            "course.eligible_wage_eur",
            N_("berücksichtigungsfähiges Arbeitsentgelt"),
            c.eligible_wage_cents,
        ),
        (
            "course.gross_wage_for_training_time_eur",
            N_("Arbeitsentgelt für die Lehrgangszeit"),
            c.gross_wage_for_training_time_cents,
        ),
        ("person.taxable_income_eur", N_("zu versteuerndes Einkommen"), p.taxable_income_cents),
        ("person.income_eur", N_("Einkommen"), p.income_cents),
        ("person.partner_income_eur", N_("Einkommen Ehe-/Lebenspartner"), p.partner_income_cents),
        ("person.assets_eur", N_("Vermögen"), p.assets_cents),
        (
            "person.net_pay_difference_monthly_eur",
            N_("Nettoentgeltdifferenz je Monat"),
            p.net_pay_difference_monthly_cents,
        ),
    ]
    for path, label, cents in money:
        if cents is not None and cents > EUR_MAX_CENTS:
            out.append(
                _(
                    "Plausibilität: {label} von {amount} liegen über {limit}; bitte prüfen "
                    "({path}).",
                    label=_(label),
                    amount=eur(cents),
                    limit=eur(EUR_MAX_CENTS),
                    path=path,
                )
            )
    heads = [
        ("firm.headcount", f.headcount),
        ("firm.group_headcount", f.group_headcount),
        ("firm.staff", sum(g.count for g in f.staff) if f.staff else None),
        ("thuerbfg.headcount_on_jan_1", case.thuerbfg.headcount_on_jan_1),
    ]
    for path, value in heads:
        if value is not None and value > HEADCOUNT_MAX:
            out.append(
                _(
                    "Plausibilität: {value} Beschäftigte sind mehr als jedes Unternehmen in "
                    "Deutschland hat (über {limit}); bitte prüfen ({path}).",
                    value=num(value),
                    limit=_thousands(HEADCOUNT_MAX),
                    path=path,
                )
            )
    if p.children is not None and len(p.children) > CHILDREN_MAX:
        out.append(
            _(
                "Plausibilität: {n} Kinder angegeben (mehr als {limit}); bitte prüfen "
                "(person.children).",
                n=len(p.children),
                limit=CHILDREN_MAX,
            )
        )
    if c.duration_months is not None and c.duration_months > DURATION_MONTHS_MAX:
        out.append(
            _(
                "Plausibilität: Lehrgangsdauer {months} Monate (mehr als {limit}); bitte prüfen "
                "(course.duration_months).",
                months=num(c.duration_months),
                limit=DURATION_MONTHS_MAX,
            )
        )
    if p.years_of_work is not None and p.years_of_work > YEARS_OF_WORK_MAX:
        out.append(
            _(
                "Plausibilität: {years} Jahre Berufstätigkeit (mehr als {limit}); bitte prüfen "
                "(person.years_of_work).",
                years=num(p.years_of_work),
                limit=YEARS_OF_WORK_MAX,
            )
        )
    if c.days is not None and c.days > EVENT_DAYS_MAX:
        out.append(
            _(
                "Plausibilität: {days} Veranstaltungstage (mehr als ein Jahr); bitte prüfen "
                "(course.days).",
                days=num(c.days),
            )
        )
    return out


def _thousands(n: int) -> str:
    """``10.000`` in German, ``10,000`` in English."""
    text = f"{n:,}"
    return text if current_language() == "en" else text.replace(",", ".")
