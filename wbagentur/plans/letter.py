"""The Förderempfehlung as a letter: letterhead of the contact point, the advisor, the firm as
addressee, a summary table on page one, then the details in plain German with the legal basis.

Everything here is text for the client: engine texts pass ``services.reader_text`` (no input
names, no "ungeprüft"); money and dates the German way.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from wbagentur.cases.models import Case
from wbagentur.core import formatting
from wbagentur.extensions import db
from wbagentur.funding.models import FundingCheck, FundingProgramme
from wbagentur.persons.models import Person
from wbagentur.plans.services import (
    PROVISIONAL,
    Plan,
    Row,
    combinations_of,
    reader_text,
    row_from_result,
)


def _d(value: date | None) -> str:
    return formatting.format_date(value, locale="de")


def _money(cents: int | None) -> str:
    return formatting.format_money(cents, "de")


def amount_text(row: Row) -> str:
    if row.programme is None:
        return "keine Förderung ermittelt"
    if row.amount_cents is None:
        return "Betrag legt die Stelle fest"
    text = _money(row.amount_cents) + (" monatlich" if row.monthly else "")
    if row.provisional:
        text += f" ({PROVISIONAL})"
    return text


def _legal_bases() -> dict[str, str]:
    rows = db.session.execute(sa.select(FundingProgramme.code, FundingProgramme.legal_basis))
    return {code: basis for code, basis in rows}


def _detail(code: str, rows: list[Row], bases: dict[str, str]) -> dict[str, Any]:
    first = rows[0].programme or {}
    conditions = [
        reader_text(r["text"])
        for r in first.get("reasons", [])
        if r["met"] is True and r["severity"] == "hard"
    ][:6]
    open_points = sorted(
        {
            reader_text(r["text"])
            for row in rows
            for r in (row.programme or {}).get("reasons", [])
            if r["met"] is None and r["severity"] != "info"
        }
    )
    steps = []
    for row in rows:
        for s in (row.programme or {}).get("next_steps", []):
            due = f" – bis {_d(date.fromisoformat(s['due_date']))}" if s.get("due_date") else ""
            steps.append(reader_text(s["text"]) + due)
    body = first.get("deciding_body", {})
    return {
        "title": first.get("title", code),
        "legal_basis": bases.get(code, ""),
        "conditions": conditions,
        "open_points": open_points,
        "rows": [
            {
                "person": row.person.full_name if row.person else "",
                "course": row.course.title,
                "amount": amount_text(row),
                "label": row.amount_label,
            }
            for row in rows
        ],
        "steps": list(dict.fromkeys(steps)),
        "apply_at": reader_text(f"{body.get('name', '')} – {body.get('note', '')}"),
        "provisional": any(r.provisional for r in rows),
    }


def letter_context(
    case: Case, plan: Plan, advisor: Any, *, person: Person | None = None
) -> dict[str, Any]:
    """Everything the letter shows, as strings and lists of strings."""
    contact = getattr(advisor, "contact_point", None) or (
        case.region.contact_points[0] if case.region.contact_points else None
    )
    firm = case.firm
    summary = [
        {
            "person": row.person.full_name if row.person else "",
            "course": row.course.title,
            "programme": (
                row.programme["title"] + (" – es fehlen noch Angaben" if row.open else "")
                if row.programme
                else "keine passende Förderung"
            ),
            "amount": amount_text(row),
            "deadline": _d(row.deadline.due) if row.deadline else "–",
            "apply_at": row.apply_at or "–",
        }
        for row in plan.rows
    ]
    grouped: dict[str, list[Row]] = {}
    for row in plan.rows:
        if row.programme is not None:
            grouped.setdefault(row.programme["programme"], []).append(row)
    bases = _legal_bases()
    without = [
        f"{row.person.full_name if row.person else ''}, {row.course.title}: "
        + "noch keine Förderung sicher – uns fehlen Angaben, die wir mit Ihnen klären."
        for row in plan.rows
        if row.programme is None
    ]
    addressee = []
    if firm is not None:
        addressee = [firm.name, firm.street or "", f"{firm.postcode or ''} {firm.city or ''}"]
    sender = []
    if contact is not None:
        sender = [
            contact.name,
            contact.street or "",
            f"{contact.postcode or ''} {contact.city}".strip(),
        ]
    title = "Förderempfehlung" + (f" für {firm.name}" if firm else "")
    if person is not None:
        title += f" – {person.full_name}"
    return {
        "title": title,
        "reference": case.reference,
        "date": _d(plan.today),
        "sender": [line for line in sender if line.strip()],
        "contact_phone": getattr(contact, "phone", None),
        "contact_email": getattr(contact, "email", None),
        "opening_hours": getattr(contact, "opening_hours", None),
        "advisor_name": getattr(advisor, "display_name", None),
        "advisor_email": getattr(advisor, "email", None),
        "addressee": [line for line in addressee if line.strip()],
        "salutation": "Sehr geehrte Damen und Herren,",
        "summary": summary,
        "total": _money(plan.total_cents),
        "by_programme": [(t, _money(c)) for t, c in plan.by_programme.values()],
        "has_provisional": any(r.provisional for r in plan.rows),
        "provisional_note": (
            "Beträge mit dem Zusatz „vorläufig“ beruhen auf Werten, die die zuständige Stelle "
            "noch bestätigen muss; sie bestätigt den Betrag im Bescheid."
        ),
        "deadlines": [
            {"date": _d(d.due), "text": d.text, "overdue": d.flag == "overdue"}
            for d in plan.deadlines
        ],
        "collectives": [
            {
                "course": c.course.title,
                "persons": ", ".join(p.full_name for p in c.persons),
                "deadline": _d(c.deadline),
                "proof_due": _d(c.proof_due),
            }
            for c in plan.collectives
        ],
        "combinations": plan.combinations,
        "details": [_detail(code, rows, bases) for code, rows in grouped.items()],
        "without": without,
        "disclaimer": (
            "Diese Empfehlung beruht auf Ihren Angaben und den Förderregeln am "
            f"{_d(plan.today)}. Sie ist keine Bewilligung: Es entscheidet jeweils die genannte "
            "Stelle. Bitte stellen Sie die Anträge vor Beginn der Weiterbildung."
        ),
    }


def plan_from_check(case: Case, check: FundingCheck, today: date) -> Plan:
    """A one-row plan from a saved single check (the per-employee letter)."""
    course_doc = check.input.get("course", {})
    course = SimpleNamespace(title=course_doc.get("title") or "Weiterbildung", id=0)
    person = db.session.get(Person, check.person_id) if check.person_id else None
    row = row_from_result(course, person, check.result, today)
    by_programme: dict[str, tuple[str, int]] = {}
    if row.programme is not None and row.amount_cents is not None and not row.monthly:
        by_programme[row.programme["programme"]] = (row.programme["title"], row.amount_cents)
    return Plan(
        case=case,
        today=today,
        courses=[],
        rows=[row],
        by_programme=by_programme,
        total_cents=sum(c for _, c in by_programme.values()),
        deadlines=[row.deadline] if row.deadline else [],
        collectives=[],
        combinations=combinations_of([row]),
    )
