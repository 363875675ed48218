"""Builders for funding-engine test documents (the worked examples of funding-rules.md § 9)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from wbagentur.funding.engine import CaseInput, EvaluationResult, evaluate

DECISION = date(2026, 11, 21)

EX1: dict[str, Any] = {
    "reference_date": "2026-11-21",
    "firm": {
        "name": "Metallbau GmbH",
        "district_key": "16068",
        "staff": [
            {"weekly_hours": 40, "count": 22},
            {"weekly_hours": 25, "count": 6},
            {"weekly_hours": 18, "count": 4},
            {"weekly_hours": 8, "count": 3},
        ],
    },
    "person": {
        "birth_date": "1988-06-15",
        "employment_status": "employed",
        "has_usable_vocational_qualification": True,
        "vocational_qualification_year": 2012,
    },
    "course": {
        "title": "CNC-Fachkraft",
        "hours": 480,
        "hours_unit": "clock_hours",
        "course_fees_eur": 6000,
        "eligible_wage_eur": 10000,
        "azav_measure_approved": True,
        "azav_provider_approved": True,
        "goal": "other",
        "start_date": "2027-01-11",
        "end_date": "2027-06-30",
    },
}

EX3: dict[str, Any] = {
    "reference_date": "2026-11-21",
    "firm": {"district_key": "16053", "headcount": 180, "has_works_agreement_training": True},
    "person": {
        "birth_date": "1991-03-01",
        "employment_status": "employed",
        "has_usable_vocational_qualification": True,
        "vocational_qualification_year": 2012,
    },
    "course": {
        "hours": 200,
        "hours_unit": "clock_hours",
        "course_fees_eur": 4000,
        "eligible_wage_eur": 5000,
        "azav_measure_approved": True,
        "azav_provider_approved": True,
        "goal": "other",
        "start_date": "2027-02-01",
    },
}

EX6: dict[str, Any] = {
    "reference_date": "2026-11-21",
    "firm": {"district_key": "16054", "headcount": 15},
    "person": {
        "employment_status": "employed",
        "has_usable_vocational_qualification": True,
        "vocational_qualification_year": 2018,
    },
    "course": {
        "title": "Tischlermeister (HwO)",
        "goal": "afbg",
        "afbg_level": 2,
        "mode": "part_time",
        "hours": 1100,
        "hours_unit": "teaching_units_45",
        "duration_months": 24,
        "course_fees_eur": 9000,
        "exam_fees_eur": 1200,
        "meisterstueck_material_eur": 3000,
        "employer_contribution_eur": 2000,
        "start_date": "2027-02-01",
        "azav_measure_approved": True,
        "azav_provider_approved": True,
    },
}

EX8: dict[str, Any] = {
    "reference_date": "2026-05-20",
    "firm": {"district_key": "16051", "headcount": 20},
    "person": {
        "employment_status": "employed",
        "working_days_per_week": 4,
        "employed_since": "2026-03-01",
    },
    "course": {
        "thuerbfg_recognised": True,
        "days": 2,
        "lessons_per_day": 6,
        "start_date": "2026-09-14",
        "end_date": "2026-09-15",
    },
    "thuerbfg": {"request_date": "2026-06-01"},
}


def doc(base: dict[str, Any], **sections: dict[str, Any]) -> dict[str, Any]:
    """Deep copy of ``base`` with section fields updated (``None`` removes a field)."""
    out = copy.deepcopy(base)
    for section, fields in sections.items():
        if section == "top":
            target = out
        else:
            target = out.setdefault(section, {})
        for k, v in fields.items():
            if v is None:
                target.pop(k, None)
            else:
                target[k] = v
    return out


def run(document: dict[str, Any]) -> EvaluationResult:
    """Parse and evaluate ``document`` (reference date from it, else the decision date)."""
    return evaluate(
        CaseInput.from_dict(document), None if "reference_date" in document else DECISION
    )


def cents(result: EvaluationResult, programme: str, code: str) -> int | None:
    """Amount ``code`` of ``programme`` in cents; AssertionError if absent."""
    amount = result.programme(programme).amount(code)
    assert amount is not None, (
        f"{programme} has no amount {code}: {result.programme(programme).amounts}"
    )
    return amount.cents
