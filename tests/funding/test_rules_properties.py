"""Property tests: invariants of the funding engine over generated cases (hypothesis)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wbagentur.funding.engine import PROGRAMME_CODES, CaseInput, evaluate, evaluate_document
from wbagentur.funding.engine.inputs import EMPLOYMENT_STATUSES, GOALS

dates = st.dates(min_value=date(2019, 1, 1), max_value=date(2030, 12, 31))
money = st.one_of(
    st.none(), st.integers(min_value=0, max_value=40_000), st.floats(min_value=0, max_value=40_000)
)
maybe_bool = st.one_of(st.none(), st.booleans())


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.one_of(st.none(), dates))
    birth = draw(st.one_of(st.none(), st.dates(date(1950, 1, 1), date(2008, 12, 31))))
    # A qualification before the birth year is refused as impossible (plausibility check).
    first_year = birth.year if birth else 1970
    firm = {
        "headcount": draw(st.one_of(st.none(), st.floats(min_value=0, max_value=3000))),
        "group_headcount": draw(st.one_of(st.none(), st.integers(min_value=0, max_value=5000))),
        "district_key": draw(
            st.one_of(st.none(), st.sampled_from(["16068", "16054", "16053", "16061", "09162"]))
        ),
        "has_works_agreement_training": draw(maybe_bool),
        "structural_change_share": draw(st.one_of(st.none(), st.floats(min_value=0, max_value=1))),
        "has_qualifizierungsgeld_agreement": draw(maybe_bool),
        "employer_pays_full_course": draw(maybe_bool),
    }
    person = {
        "birth_date": _iso(birth),
        "employment_status": draw(st.one_of(st.none(), st.sampled_from(EMPLOYMENT_STATUSES))),
        "severely_disabled": draw(maybe_bool),
        "has_usable_vocational_qualification": draw(maybe_bool),
        "vocational_qualification_year": draw(st.one_of(st.none(), st.integers(first_year, 2030))),
        "taxable_income_eur": draw(money),
        "working_days_per_week": draw(
            st.one_of(st.none(), st.sampled_from([1, 2, 2.5, 3, 4, 4.5, 5, 6]))
        ),
        "employed_since": _iso(draw(st.one_of(st.none(), dates))),
        "single_parent": draw(maybe_bool),
        "children": draw(st.one_of(st.none(), st.lists(st.integers(0, 25), max_size=3))),
        "net_pay_difference_monthly_eur": draw(money),
        "last_82_funding_date": _iso(draw(st.one_of(st.none(), dates))),
    }
    course = {
        "hours": draw(st.one_of(st.none(), st.floats(min_value=0, max_value=3000))),
        "hours_unit": draw(
            st.one_of(st.none(), st.sampled_from(["clock_hours", "teaching_units_45"]))
        ),
        "course_fees_eur": draw(money),
        "exam_fees_eur": draw(money),
        "meisterstueck_material_eur": draw(money),
        "employer_contribution_eur": draw(money),
        "eligible_wage_eur": draw(money),
        "gross_wage_for_training_time_eur": draw(money),
        "azav_measure_approved": draw(maybe_bool),
        "azav_provider_approved": draw(maybe_bool),
        "goal": draw(st.one_of(st.none(), st.sampled_from(GOALS))),
        "afbg_level": draw(st.one_of(st.none(), st.sampled_from([1, 2, 3]))),
        "mode": draw(st.one_of(st.none(), st.sampled_from(["full_time", "part_time"]))),
        "duration_months": draw(st.one_of(st.none(), st.integers(1, 60))),
        "start_date": _iso(start),
        "thuerbfg_recognised": draw(maybe_bool),
        "days": draw(st.one_of(st.none(), st.integers(0, 10))),
    }
    tb = {
        "request_date": _iso(draw(st.one_of(st.none(), dates))),
        "days_already_granted_this_year": draw(st.one_of(st.none(), st.integers(0, 10))),
        "days_already_taken_by_colleagues_this_year": draw(
            st.one_of(st.none(), st.integers(0, 100))
        ),
    }
    strip = lambda d: {k: v for k, v in d.items() if v is not None}  # noqa: E731
    return {
        "reference_date": _iso(draw(dates)),
        "firm": strip(firm),
        "person": strip(person),
        "course": strip(course),
        "thuerbfg": strip(tb),
    }


@settings(max_examples=300, deadline=None)
@given(documents())
def test_invariants_hold_for_any_case(document: dict[str, Any]) -> None:
    case = CaseInput.from_dict(document)
    r = evaluate(case)
    assert [p.programme for p in r.programmes] == list(PROGRAMME_CODES)
    fees = (case.course.course_fees_cents or 0) + (case.course.exam_fees_cents or 0)
    for p in r.programmes:
        assert p.reasons, p.programme
        assert p.status in {"eligible", "not_eligible", "needs_information"}
        if p.status == "not_eligible":
            assert any(x.met is False and x.severity == "hard" for x in p.reasons)
            assert p.amounts == ()
        for a in p.amounts:
            if a.unit == "days":
                assert a.value is not None, (p.programme, a)
                assert a.value >= 0, (p.programme, a)
            elif a.cents is not None:
                assert a.cents >= 0, (p.programme, a)
    s82 = r.programme("sgb3_82")
    ba = s82.amount("course_costs_ba")
    employer = s82.amount("course_costs_employer")
    if ba is not None and employer is not None:
        assert ba.cents is not None
        assert employer.cents is not None
        assert ba.cents <= fees
        assert ba.cents + employer.cents == fees
    afbg = r.programme("afbg")
    base = afbg.amount("cost_base")
    if base is not None:
        assert base.cents is not None
        assert base.cents <= 1_500_000
        assert afbg.amount("grant").cents + afbg.amount("loan_offer").cents == base.cents  # type: ignore[union-attr,operator]
    cheque = r.programme("esf_weiterbildungsscheck").amount("cheque_amount")
    if cheque is not None:
        assert cheque.cents is not None
        assert cheque.cents <= min(100_000, fees)


@settings(max_examples=100, deadline=None)
@given(documents())
def test_result_document_is_json_and_round_trips(document: dict[str, Any]) -> None:
    out = evaluate_document(document)
    assert json.loads(json.dumps(out)) == out
    assert out["reference_date"] == document["reference_date"]
    assert set(out["parameter_versions"]) == set(PROGRAMME_CODES)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, max_value=2000), st.booleans(), st.booleans())
def test_more_staff_never_lowers_employer_share(headcount: float, bv: bool, old: bool) -> None:
    """Bands are monotone: a bigger firm never pays a smaller share of the course costs."""
    start = "2023-06-01" if old else "2025-06-01"

    def employer(h: float) -> int:
        d = {
            "reference_date": "2023-01-02",
            "firm": {"headcount": h, "has_works_agreement_training": bv},
            "person": {"employment_status": "employed", "birth_date": "1990-01-01"},
            "course": {
                "course_fees_eur": 1000,
                "start_date": start,
                "structural_change_driven": True,
            },
        }
        a = evaluate(CaseInput.from_dict(d)).programme("sgb3_82").amount("course_costs_employer")
        assert a is not None
        assert a.cents is not None
        return a.cents

    assert employer(headcount) <= employer(headcount + 1)
