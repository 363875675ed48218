"""The qualification plan: one engine run per employee × course, the recommended programme per
row, sums without double counting, one dated deadline list and the § 82 collective application.

Combination rule: each row counts the amount of exactly one programme – the engine's routing
``primary``. Programmes the engine lists as ``alternative`` (``instead_of``) exclude the primary
for the same measure or the same costs (result field ``exclusions``); they are named with the
reason but never added. So the Weiterbildungsscheck and the Anpassungsqualifizierung are never
summed on one course, nor § 82 and § 82a for one measure.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from wbagentur.cases.models import Case
from wbagentur.cases.services import add_entry
from wbagentur.core import audit, numbers
from wbagentur.extensions import db
from wbagentur.funding import services as funding
from wbagentur.persons.models import Person
from wbagentur.plans.models import PlanCourse, PlanParticipant

PERSON_EMPLOYMENT = {"threatened": "threatened_by_unemployment"}
SOON_DAYS = 14
# Internal input names the engine puts in parentheses, e.g. "(firm.structural_change_share)".
_FIELD_REF = re.compile(r"\s*\((?:[a-z_]+\.[a-z_0-9.]+(?:\s+oder\s+)?)+\)")
_FIELD_BARE = re.compile(r"\b(?:firm|person|course|thuerbfg)\.[a-z_0-9]+\b")
PROVISIONAL = "vorläufig – die Stelle bestätigt den Betrag"


def reader_text(text: str) -> str:
    """Engine text for a client: no input names, no internal "ungeprüft" wording."""
    text = _FIELD_REF.sub("", text)
    text = _FIELD_BARE.sub("", text)
    text = text.replace("nicht belegt", "noch nicht amtlich bestätigt")
    text = re.sub(r"\s*[–-]?\s*(Zuständigkeit\s+)?ungeprüft\b", " (noch nicht bestätigt)", text)
    text = text.replace("vermutlich ", "voraussichtlich ")
    return re.sub(r"\s{2,}", " ", text).strip()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _firm_document(case: Case) -> dict[str, Any]:
    firm: dict[str, Any] = {}
    f = case.firm
    if f is None:
        return firm
    firm["name"] = f.name
    staff = [
        (40, f.staff_over_30h),
        (30, f.staff_up_to_30h),
        (20, f.staff_up_to_20h),
        (10, f.staff_up_to_10h),
    ]
    if any(v for _, v in staff):
        firm["staff"] = [{"weekly_hours": h, "count": int(v)} for h, v in staff if v]
    if f.group_headcount:
        firm["group_headcount"] = f.group_headcount
    if f.district is not None:
        firm["district_key"] = f.district.key
    firm["seat_in_thuringia"] = bool(f.seat_in_thuringia)
    firm["has_works_agreement_training"] = bool(f.has_works_agreement_training)
    firm["has_collective_agreement_training"] = bool(f.has_collective_agreement_training)
    return firm


def _person_document(person: Person) -> dict[str, Any]:
    p: dict[str, Any] = {}
    for attr, key in (
        ("birth_date", "birth_date"),
        ("employed_since", "employed_since"),
    ):
        value = getattr(person, attr)
        if value:
            p[key] = value.isoformat()
    if person.employment_status:
        p["employment_status"] = PERSON_EMPLOYMENT.get(
            person.employment_status, person.employment_status
        )
    if person.qualification is not None:
        p["has_usable_vocational_qualification"] = person.qualification != "none"
        p["highest_qualification"] = person.qualification
    for attr, key in (
        ("qualification_year", "vocational_qualification_year"),
        ("working_days_per_week", "working_days_per_week"),
    ):
        if getattr(person, attr):
            p[key] = getattr(person, attr)
    if person.severely_disabled is not None:
        p["severely_disabled"] = person.severely_disabled
    if person.residence_district is not None:
        p["residence_district_key"] = person.residence_district.key
    return p


def engine_document(case: Case, person: Person, course: PlanCourse) -> dict[str, Any]:
    """The engine input for one row (the same facts the single check takes from the case)."""
    firm = _firm_document(case)
    p = _person_document(person)
    c: dict[str, Any] = {
        "title": course.title,
        "hours": float(course.hours),
        "hours_unit": course.hours_unit,
        "course_fees_eur": course.fees_cents / 100,
        "start_date": _iso(course.start_date),
        "end_date": _iso(course.end_date),
    }
    if course.azav_approved is not None:
        c["azav_measure_approved"] = c["azav_provider_approved"] = course.azav_approved
    return {"firm": firm, "person": p, "course": c}


@dataclass
class Deadline:
    due: date
    text: str
    programme: str
    flag: str  # "overdue" | "soon" | "ok"


@dataclass
class Row:
    course: Any  # PlanCourse, or a stand-in with title/provider for a single check
    person: Person | None
    result: dict[str, Any]
    programme: dict[str, Any] | None = None  # the engine's programme result of the primary
    amount_cents: int | None = None
    amount_label: str = ""
    monthly: bool = False
    provisional: bool = False
    open: bool = False  # the recommended programme still needs information (not yet eligible)
    deadline: Deadline | None = None
    apply_at: str = ""
    alternatives: list[tuple[str, str]] = field(default_factory=list)  # (title, why not)


@dataclass
class Collective:
    course: PlanCourse
    persons: list[Person]
    deadline: date | None
    proof_due: date | None


@dataclass
class Plan:
    case: Case
    today: date
    courses: list[PlanCourse]
    rows: list[Row]
    by_programme: dict[str, tuple[str, int]]  # code -> (title, cents), one-off amounts only
    total_cents: int
    deadlines: list[Deadline]
    collectives: list[Collective]
    combinations: list[str]


def _flag(due: date, today: date) -> str:
    if due < today:
        return "overdue"
    return "soon" if (due - today).days <= SOON_DAYS else "ok"


def _deadline(p: dict[str, Any], today: date) -> Deadline | None:
    steps = [
        s for s in p["next_steps"] if s.get("due_date") and s["kind"] in ("application", "request")
    ]
    if not steps:
        return None
    step = min(steps, key=lambda s: s["due_date"])
    due = date.fromisoformat(step.get("last_working_day") or step["due_date"])
    return Deadline(due, reader_text(step["text"]), p["programme"], _flag(due, today))


def _is_provisional(p: dict[str, Any], result: dict[str, Any]) -> bool:
    if any(r.get("verified") is False for r in p["reasons"]):
        return True
    return any(p["title"] in w and w.startswith("Ungeprüfter Wert") for w in result["warnings"])


def evaluate_row(case: Case, person: Person, course: PlanCourse, today: date) -> Row:
    doc = engine_document(case, person, course)
    result = funding.run_check(funding.parse_input(doc), today).to_dict()
    return row_from_result(course, person, result, today)


def row_from_result(course: Any, person: Any, result: dict[str, Any], today: date) -> Row:
    """A plan row from an engine result document (also for a single saved check)."""
    row = Row(course=course, person=person, result=result)
    programmes = {p["programme"]: p for p in result["programmes"]}
    code = result["routing"]["recommended"]
    if code is None:
        return row
    p = programmes[code]
    row.programme = p
    amount_code = funding.SHORT_AMOUNT.get(code)
    amount = next((a for a in p["amounts"] if a["code"] == amount_code), None)
    if amount is not None and amount.get("cents") is not None:
        row.amount_cents = int(amount["cents"])
        row.amount_label = amount["label"]
        row.monthly = amount["unit"] == "cent_per_month"
    row.open = p["status"] != "eligible"
    row.provisional = row.open or _is_provisional(p, result)
    row.deadline = _deadline(p, today)
    row.apply_at = reader_text(p["deciding_body"]["name"])
    for step in result["routing"]["sequence"]:
        if step["role"] != "alternative" or step["instead_of"] != code:
            continue
        other = programmes[step["programme"]]
        if other["status"] == "not_eligible":
            continue
        why = next(
            (e["reason"] for e in p["exclusions"] if e["programme"] == step["programme"]),
            next(
                (e["reason"] for e in other["exclusions"] if e["programme"] == code),
                reader_text(step["text"]),
            ),
        )
        row.alternatives.append((other["title"], reader_text(why)))
    return row


def courses_of(case_id: int) -> list[PlanCourse]:
    return list(
        db.session.scalars(
            sa.select(PlanCourse)
            .where(PlanCourse.case_id == case_id)
            .order_by(PlanCourse.start_date, PlanCourse.id)
        )
    )


def _collectives(rows: list[Row]) -> list[Collective]:
    """§ 82 Abs. 5: one collective application per course with several § 82 participants."""
    collectives: list[Collective] = []
    by_course: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        if row.programme is not None and row.programme["programme"] == "sgb3_82":
            by_course[row.course.id].append(row)
    for course_rows in by_course.values():
        if len(course_rows) < 2:
            continue
        course = course_rows[0].course
        proof = next(
            (
                date.fromisoformat(s["due_date"])
                for s in course_rows[0].programme["next_steps"]  # type: ignore[index]
                if s["kind"] == "proof" and s.get("due_date")
            ),
            None,
        )
        collectives.append(
            Collective(
                course,
                [r.person for r in course_rows if r.person is not None],
                course_rows[0].deadline.due if course_rows[0].deadline else None,
                proof,
            )
        )
    return collectives


def combinations_of(rows: list[Row]) -> list[str]:
    """Per recommended programme: which programmes it replaces for the same costs, and why."""
    replaced: dict[str, dict[str, str]] = {}
    for row in rows:
        if row.programme is None:
            continue
        others = replaced.setdefault(row.programme["title"], {})
        for title, why in row.alternatives:
            others.setdefault(title, why)
    return [
        f"Wir empfehlen {primary}. Nicht zusätzlich für dieselbe Maßnahme oder dieselben "
        "Kosten: "
        + "; ".join(f"{title} – {why.rstrip('.')}" for title, why in others.items())
        + ". So wird jeder Euro Lehrgangskosten nur einmal gefördert; "
        f"{primary} steht in der Reihenfolge der Förderwege vorn."
        for primary, others in replaced.items()
        if others
    ]


def build_plan(case: Case, today: date, person_id: int | None = None) -> Plan:
    """The plan of ``case`` as of ``today`` (only ``person_id``'s rows if given)."""
    courses = courses_of(case.id)
    rows = [
        evaluate_row(case, part.person, course, today)
        for course in courses
        for part in course.participants
        if person_id is None or part.person_id == person_id
    ]
    by_programme: dict[str, tuple[str, int]] = {}
    for row in rows:
        if row.programme is None or row.amount_cents is None or row.monthly:
            continue
        code = row.programme["programme"]
        title, cents = by_programme.get(code, (row.programme["title"], 0))
        by_programme[code] = (title, cents + row.amount_cents)
    deadlines: dict[tuple[date, str], Deadline] = {}
    for row in rows:
        if row.deadline is not None:
            d = row.deadline
            text = f"{row.programme['title'] if row.programme else ''}: {row.course.title}"
            deadlines.setdefault((d.due, text), Deadline(d.due, text, d.programme, d.flag))
    collectives = _collectives(rows)
    combinations = combinations_of(rows)
    return Plan(
        case=case,
        today=today,
        courses=courses,
        rows=rows,
        by_programme=by_programme,
        total_cents=sum(c for _, c in by_programme.values()),
        deadlines=sorted(deadlines.values(), key=lambda d: (d.due, d.text)),
        collectives=collectives,
        combinations=combinations,
    )


def _deadline_map(case: Case, course: PlanCourse, today: date) -> dict[int, str | None]:
    return {
        part.person_id: (
            d.due.isoformat()
            if (d := evaluate_row(case, part.person, course, today).deadline)
            else None
        )
        for part in course.participants
    }


def _log(actor: Any, case: Case, action: str, body: str, **data: Any) -> None:
    add_entry(case, actor, "funding_check", body=body, plan_action=action, **data)
    audit.record(actor, f"plan.{action}", "case", case.id, course_id=data.get("course_id"))


def save_course(
    actor: Any,
    case: Case,
    values: dict[str, Any],
    person_ids: list[int],
    today: date,
    course: PlanCourse | None = None,
) -> tuple[PlanCourse, list[str]]:
    """Create or change a planned course; returns it and the re-flagged deadlines (German)."""
    before: dict[int, str | None] = {}
    old_dates = None
    old_shown: dict[str, str] = {}
    if course is None:
        course = PlanCourse(case_id=case.id)
        db.session.add(course)
        action = "course_add"
    else:
        action = "course_edit"
        before = _deadline_map(case, course, today)
        old_dates = (course.start_date, course.end_date)
        old_shown = _shown(course)
    for key in ("title", "provider", "hours", "hours_unit", "fees_cents", "start_date"):
        setattr(course, key, values[key])
    course.end_date = values["end_date"]
    course.azav_approved = values.get("azav_approved")
    course.hours = Decimal(str(values["hours"]))
    _set_participants(course, person_ids)
    db.session.flush()
    db.session.refresh(course)
    changes = _moved_deadlines(before, _deadline_map(case, course, today), today)
    body = f"Qualifizierungsplan: Lehrgang „{course.title}“ " + (
        "angelegt" if action == "course_add" else "geändert"
    )
    if old_dates and old_dates != (course.start_date, course.end_date):
        body += (
            f"; Termine {old_dates[0]:%d.%m.%Y}–{old_dates[1]:%d.%m.%Y} → "
            f"{course.start_date:%d.%m.%Y}–{course.end_date:%d.%m.%Y}"
        )
    new_shown = _shown(course)
    for label, old in old_shown.items():
        if new_shown[label] != old:
            body += f"; {label} {old} → {new_shown[label]}"
    if changes:
        body += "; " + "; ".join(sorted(set(changes)))
    _log(actor, case, action, body, **_snapshot(course))
    return course, changes


def _set_participants(course: PlanCourse, person_ids: list[int]) -> None:
    wanted = set(person_ids)
    for part in list(course.participants):
        if part.person_id not in wanted:
            course.participants.remove(part)
    present = {part.person_id for part in course.participants}
    for pid in person_ids:
        if pid not in present:
            course.participants.append(PlanParticipant(person_id=pid))


def _moved_deadlines(
    before: dict[int, str | None], after: dict[int, str | None], today: date
) -> list[str]:
    """German lines for every row whose deadline the change moved, with its new flag."""
    changes = []
    for pid, due in after.items():
        if pid in before and before[pid] != due and due is not None:
            flag = _flag(date.fromisoformat(due), today)
            word = {"overdue": "verstrichen", "soon": "bald fällig", "ok": "offen"}[flag]
            changes.append(f"Frist neu: {date.fromisoformat(due):%d.%m.%Y} ({word})")
    return changes


def _shown(course: PlanCourse) -> dict[str, str]:
    """The course's facts as the timeline shows a change (dates are reported separately)."""
    unit = "UE" if course.hours_unit == "teaching_units_45" else "Stunden"
    return {
        "Bildungsträger": course.provider,
        "Umfang": f"{numbers.format_number(course.hours, 'de')} {unit}",
        "Kosten je Person": numbers.format_money(course.fees_cents, "de"),
        "Teilnehmende": str(len(course.participants)),
    }


def _snapshot(course: PlanCourse) -> dict[str, Any]:
    """The version of the course after the change, in the timeline entry's data (ids, codes,
    numbers and dates only)."""
    return {
        "course_id": course.id,
        "fees_cents": course.fees_cents,
        "hours": str(course.hours),
        "hours_unit": course.hours_unit,
        "start_date": course.start_date.isoformat(),
        "end_date": course.end_date.isoformat(),
        "person_ids": sorted(part.person_id for part in course.participants),
    }


def delete_course(actor: Any, case: Case, course: PlanCourse) -> None:
    title, course_id = course.title, course.id
    db.session.delete(course)
    db.session.flush()
    _log(
        actor,
        case,
        "course_delete",
        f"Qualifizierungsplan: Lehrgang „{title}“ entfernt",
        course_id=course_id,
    )


def record_letter(actor: Any, case: Case, rows: int) -> None:
    audit.record(actor, "plan.letter", "case", case.id, rows=rows)


def plan_json(plan: Plan) -> str:
    """Compact machine form of the plan's sums (for tests and the timeline)."""
    return json.dumps(
        {"total_cents": plan.total_cents, "by_programme": plan.by_programme}, sort_keys=True
    )
