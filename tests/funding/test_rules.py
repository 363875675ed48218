"""Worked examples 1, 1b, 3, 12 of funding-rules.md § 9; § 82 and § 82a rules and negative paths."""

from __future__ import annotations

from datetime import date

import pytest

from .helpers import EX1, EX3, cents, doc, run

# --- § 82 SGB III -------------------------------------------------------------------------------


def test_example_1_small_firm_standard_case() -> None:
    r = run(EX1)
    p = r.programme("sgb3_82")
    assert p.status == "eligible"
    assert p.parameter_version == "sgb3_82@2024-04-01.2"
    assert cents(r, "sgb3_82", "course_costs_ba") == 600_000
    assert cents(r, "sgb3_82", "course_costs_employer") == 0
    assert cents(r, "sgb3_82", "wage_subsidy") == 750_000
    assert cents(r, "sgb3_82", "total_ba") == 1_350_000
    assert cents(r, "sgb3_82", "wage_costs_employer") == 250_000
    size = p.reason("sgb3_82.firm_size")
    assert size is not None
    assert "29,25" in size.text
    assert "unter 50" in size.text
    assert p.deciding_body.name == "Agentur für Arbeit Thüringen Mitte (Arbeitgeber-Service)"
    assert r.geography is not None
    assert r.geography["region"] == "Mittelthüringen"
    steps = {s.kind: s.due_date for s in p.next_steps}
    assert steps["application"] == date(2027, 1, 10)
    assert r.routing["recommended"] == "sgb3_82"


def test_example_1b_works_agreement_raises_wage_subsidy_only() -> None:
    r = run(doc(EX1, firm={"has_works_agreement_training": True}))
    assert cents(r, "sgb3_82", "course_costs_ba") == 600_000
    assert cents(r, "sgb3_82", "course_costs_employer") == 0
    assert cents(r, "sgb3_82", "wage_subsidy") == 800_000
    assert cents(r, "sgb3_82", "total_ba") == 1_400_000


@pytest.mark.parametrize(
    "agreement", ["has_works_agreement_training", "has_collective_agreement_training"]
)
def test_example_3_medium_firm_with_agreement(agreement: str) -> None:
    d = doc(EX3, firm={"has_works_agreement_training": None, agreement: True})
    r = run(d)
    assert r.programme("sgb3_82").status == "eligible"
    assert cents(r, "sgb3_82", "course_costs_employer") == 180_000
    assert cents(r, "sgb3_82", "course_costs_ba") == 220_000
    assert cents(r, "sgb3_82", "wage_subsidy") == 275_000
    assert cents(r, "sgb3_82", "total_ba") == 495_000


def test_example_3_without_agreement_is_fifty_fifty() -> None:
    r = run(doc(EX3, firm={"has_works_agreement_training": None}))
    assert cents(r, "sgb3_82", "course_costs_employer") == 200_000
    assert cents(r, "sgb3_82", "wage_subsidy") == 250_000


def _staff(*groups: tuple[float, int]) -> list[dict[str, float]]:
    return [{"weekly_hours": h, "count": n} for h, n in groups]


@pytest.mark.parametrize(
    ("staff", "employer_share_cents"),
    [
        (_staff((40, 40), (20, 12), (30, 6), (10, 4)), 300_000),  # 51.5 → 50–< 500
        (_staff((40, 40), (20, 12), (30, 6)), 300_000),  # 50.5 → still ≥ 50
        (_staff((40, 40), (20, 12), (30, 4)), 0),  # 49.0 → < 50
    ],
)
def test_example_12_band_boundary_by_weighted_staff(
    staff: list[dict[str, float]], employer_share_cents: int
) -> None:
    d = doc(EX1, firm={"staff": staff}, course={"course_fees_eur": 6000})
    assert cents(run(d), "sgb3_82", "course_costs_employer") == employer_share_cents


@pytest.mark.parametrize(
    ("headcount", "employer_bp", "aez_cents"),
    [(49.75, 0, 750_000), (50, 5000, 500_000), (499.75, 5000, 500_000), (500, 7500, 250_000)],
)
def test_band_edges(headcount: float, employer_bp: int, aez_cents: int) -> None:
    r = run(doc(EX1, firm={"staff": None, "headcount": headcount}))
    assert cents(r, "sgb3_82", "course_costs_employer") == 600_000 * employer_bp // 10000
    assert cents(r, "sgb3_82", "wage_subsidy") == aez_cents


def test_group_headcount_is_used_when_larger() -> None:
    r = run(doc(EX1, firm={"staff": None, "headcount": 30, "group_headcount": 600}))
    assert cents(r, "sgb3_82", "course_costs_employer") == 450_000
    reason = r.programme("sgb3_82").reason("sgb3_82.firm_size")
    assert reason is not None
    assert "Konzern" in reason.text


@pytest.mark.parametrize(("start", "employer_cents"), [("2027-01-31", 200_000), ("2027-02-01", 0)])
def test_age_45_reached_on_course_start_waives_employer_share(
    start: str, employer_cents: int
) -> None:
    d = doc(
        EX3,
        firm={"has_works_agreement_training": None},
        person={"birth_date": "1982-02-01"},
        course={"start_date": start},
    )
    r = run(d)
    assert cents(r, "sgb3_82", "course_costs_employer") == employer_cents
    waiver = r.programme("sgb3_82").reason("sgb3_82.age_waiver")
    assert waiver is not None
    assert waiver.met is (employer_cents == 0)


def test_age_waiver_not_in_firms_of_500_or_more() -> None:
    d = doc(
        EX3,
        firm={"headcount": 800, "has_works_agreement_training": None},
        person={"birth_date": "1960-01-01"},
    )
    assert cents(run(d), "sgb3_82", "course_costs_employer") == 300_000


def test_severely_disabled_waives_employer_share() -> None:
    d = doc(EX3, firm={"has_works_agreement_training": None}, person={"severely_disabled": True})
    assert cents(run(d), "sgb3_82", "course_costs_employer") == 0


def test_without_usable_qualification_full_lk_and_up_to_100_percent_aez() -> None:
    d = doc(
        EX3,
        person={
            "has_usable_vocational_qualification": False,
            "vocational_qualification_year": None,
        },
    )
    r = run(d)
    assert r.programme("sgb3_82").status == "eligible"
    assert cents(r, "sgb3_82", "course_costs_ba") == 400_000
    aez = r.programme("sgb3_82").amount("wage_subsidy")
    assert aez is not None
    assert aez.cents == 500_000
    assert aez.up_to


def test_gross_wage_gets_unverified_20_percent_sv_share() -> None:
    d = doc(EX1, course={"eligible_wage_eur": None, "gross_wage_for_training_time_eur": 8333.33})
    r = run(d)
    assert cents(r, "sgb3_82", "wage_subsidy") == 750_000
    assert any(
        "„Pauschale für den Arbeitgeberanteil am Sozialversicherungsbeitrag“ (0,2)" in w
        for w in r.warnings
    )


def test_reform_date_switches_parameter_version_and_amounts() -> None:
    base = doc(
        EX1,
        top={"reference_date": "2024-01-15"},
        firm={"staff": None, "headcount": 30},
        person={"vocational_qualification_year": 2010},
    )
    old = run(
        doc(
            base,
            course={"start_date": "2024-03-31", "structural_change_driven": True, "end_date": None},
        )
    )
    new = run(doc(base, course={"start_date": "2024-04-01", "end_date": None}))
    assert old.parameter_versions["sgb3_82"] == "sgb3_82@2019-01-01.2"
    assert new.parameter_versions["sgb3_82"] == "sgb3_82@2024-04-01.2"
    assert old.programme("sgb3_82").status == new.programme("sgb3_82").status == "eligible"
    assert cents(old, "sgb3_82", "course_costs_ba") == 300_000  # 10–< 250: 50 % employer share
    assert cents(new, "sgb3_82", "course_costs_ba") == 600_000  # < 50: none
    assert cents(old, "sgb3_82", "wage_subsidy") == 500_000
    assert cents(new, "sgb3_82", "wage_subsidy") == 750_000
    assert any("Ungeprüfter Wert „Betriebsgrößenklassen" in w for w in old.warnings)
    assert old.programme("sgb3_82a").status == "not_eligible"
    assert old.programme("sgb3_82a").reasons[0].rule == "sgb3_82a.in_force"


def test_old_law_requires_structural_change_and_160_hours_before_may_2020() -> None:
    base = doc(
        EX1,
        top={"reference_date": "2020-01-02"},
        person={"vocational_qualification_year": 2010},
        course={"hours": 140, "end_date": None, "structural_change_driven": True},
    )
    early = run(doc(base, course={"start_date": "2020-05-01"}))
    later = run(doc(base, course={"start_date": "2020-06-01"}))
    assert early.programme("sgb3_82").reason("sgb3_82.min_hours").met is False  # type: ignore[union-attr]
    assert later.programme("sgb3_82").reason("sgb3_82.min_hours").met is True  # type: ignore[union-attr]
    no_sc = run(doc(base, course={"start_date": "2020-06-01", "structural_change_driven": False}))
    assert no_sc.programme("sgb3_82").status == "not_eligible"


def test_min_hours_text_and_verdict() -> None:
    r = run(doc(EX1, course={"hours": 80}))
    p = r.programme("sgb3_82")
    assert p.status == "not_eligible"
    reason = p.reason("sgb3_82.min_hours")
    assert reason is not None
    assert reason.met is False
    assert reason.text == (
        "§ 82 Abs. 1 Nr. 4 SGB III: Der Lehrgang muss mehr als 120 Stunden umfassen; "
        "geplant sind 80 Stunden."
    )
    assert p.amounts == ()


def test_teaching_units_that_fail_in_clock_hours_are_flagged() -> None:
    r = run(doc(EX1, course={"hours": 150, "hours_unit": "teaching_units_45"}))
    for code in ("sgb3_82", "sgb3_82a"):
        reason = r.programme(code).reason(f"{code}.min_hours")
        assert reason is not None
        assert reason.met is True
        assert reason.verified is False
    assert any("„Zählweise der Stunden“ verwendet" in w for w in r.warnings)


def test_exactly_120_hours_is_not_more_than_120() -> None:
    assert run(doc(EX1, course={"hours": 120})).programme("sgb3_82").status == "not_eligible"
    assert run(doc(EX1, course={"hours": 120.5})).programme("sgb3_82").status == "eligible"


@pytest.mark.parametrize(
    ("course", "rule"),
    [
        ({"goal": "afbg"}, "sgb3_82.afbg_goal"),
        ({"goal": "university_degree"}, "sgb3_82.university_degree"),
        ({"is_adaptation_only": True}, "sgb3_82.adaptation_only"),
        ({"employer_legally_obliged": True}, "sgb3_82.employer_obligation"),
        ({"azav_measure_approved": False}, "sgb3_82.azav_measure"),
        ({"azav_provider_approved": False}, "sgb3_82.azav_provider"),
        ({"application_date": "2027-01-12"}, "sgb3_82.apply_before_start"),
    ],
)
def test_sgb3_82_hard_exclusions(course: dict[str, object], rule: str) -> None:
    p = run(doc(EX1, course=course)).programme("sgb3_82")
    assert p.status == "not_eligible"
    reason = p.reason(rule)
    assert reason is not None
    assert reason.met is False


def test_late_application_mentions_hardship() -> None:
    p = run(doc(EX1, course={"application_date": "2027-01-12"})).programme("sgb3_82")
    reason = p.reason("sgb3_82.apply_before_start")
    assert reason is not None
    assert "unbilligen Härte" in reason.text


@pytest.mark.parametrize(
    ("last", "status"), [("2025-01-12", "not_eligible"), ("2025-01-11", "eligible")]
)
def test_no_82_funding_in_last_two_years(last: str, status: str) -> None:
    assert (
        run(doc(EX1, person={"last_82_funding_date": last})).programme("sgb3_82").status == status
    )


@pytest.mark.parametrize(
    "status_", ["unemployed", "self_employed", "apprentice", "threatened_by_unemployment"]
)
def test_sgb3_82_only_for_employed(status_: str) -> None:
    p = run(doc(EX1, person={"employment_status": status_})).programme("sgb3_82")
    assert p.status == "not_eligible"
    assert p.reason("sgb3_82.employment").met is False  # type: ignore[union-attr]


def test_recent_qualification_is_rule_of_thumb_needs_information() -> None:
    p = run(doc(EX1, person={"vocational_qualification_year": 2026})).programme("sgb3_82")
    assert p.status == "needs_information"
    reason = p.reason("sgb3_82.qualification_age")
    assert reason is not None
    assert reason.met is False
    assert reason.severity == "soft"
    assert "in der Regel" in reason.text


def test_missing_azav_needs_information_and_names_field() -> None:
    p = run(doc(EX1, course={"azav_measure_approved": None})).programme("sgb3_82")
    assert p.status == "needs_information"
    reason = p.reason("sgb3_82.azav_measure")
    assert reason is not None
    assert reason.met is None
    assert "course.azav_measure_approved" in reason.text


def test_course_started_without_application_date_needs_information() -> None:
    p = run(doc(EX1, top={"reference_date": "2027-02-01"})).programme("sgb3_82")
    assert p.status == "needs_information"
    assert p.reason("sgb3_82.apply_before_start").met is None  # type: ignore[union-attr]


# --- § 82a Qualifizierungsgeld ------------------------------------------------------------------

QG = doc(
    EX3,
    firm={
        "structural_change_share": 0.1,
        "has_qualifizierungsgeld_agreement": True,
        "employer_pays_full_course": True,
    },
    person={"net_pay_difference_monthly_eur": 1000},
)


def test_qualifizierungsgeld_eligible_with_amount() -> None:
    r = run(QG)
    p = r.programme("sgb3_82a")
    assert p.status == "eligible"
    assert cents(r, "sgb3_82a", "qualifizierungsgeld_monthly") == 60_000
    assert {e.programme for e in p.exclusions} >= {"sgb3_82", "afbg"}
    assert "sgb3_82a" in {e.programme for e in r.programme("sgb3_82").exclusions}
    roles = {s["programme"]: s["role"] for s in r.routing["sequence"]}
    # Pay stops (net pay difference given): Qualifizierungsgeld first, § 82 the alternative.
    assert r.routing["recommended"] == "sgb3_82a"
    assert roles["sgb3_82"] == "alternative"
    decision = r.routing["decision"]
    assert decision["first"] == "sgb3_82a"
    assert decision["citation"] == "§ 82a Abs. 5 Nr. 2 SGB III"
    assert "Nettoentgeltdifferenz angegeben" in decision["why"]


def test_qualifizierungsgeld_met_but_pay_continues_routes_82_first() -> None:
    r = run(doc(QG, person={"net_pay_difference_monthly_eur": None}))
    assert r.programme("sgb3_82").status == "eligible"
    assert r.routing["recommended"] == "sgb3_82"
    roles = {s["programme"]: s["role"] for s in r.routing["sequence"]}
    assert roles["sgb3_82a"] == "alternative"
    assert r.routing["decision"]["first"] == "sgb3_82"
    assert "Arbeitsentgelt läuft weiter" in r.routing["decision"]["why"]


def test_no_decision_when_qualifizierungsgeld_conditions_are_not_met() -> None:
    r = run(doc(QG, firm={"structural_change_share": 0.01}))
    assert r.programme("sgb3_82a").status == "not_eligible"
    assert r.routing["decision"] is None


def test_qualifizierungsgeld_with_child_is_67_percent() -> None:
    r = run(
        doc(QG, person={"children": [{"birth_date": "2015-05-05", "receives_kindergeld": True}]})
    )
    assert cents(r, "sgb3_82a", "qualifizierungsgeld_monthly") == 67_000


def test_qualifizierungsgeld_without_net_difference_stays_eligible_without_amount() -> None:
    r = run(doc(QG, person={"net_pay_difference_monthly_eur": None}))
    assert r.programme("sgb3_82a").status == "eligible"
    assert cents(r, "sgb3_82a", "qualifizierungsgeld_monthly") is None


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        (
            {"firm": {"headcount": 300, "structural_change_share": 0.15}},
            "sgb3_82a.structural_share",
        ),
        (
            {"firm": {"headcount": 180, "structural_change_share": 0.09}},
            "sgb3_82a.structural_share",
        ),
        ({"firm": {"employer_pays_full_course": False}}, "sgb3_82a.employer_pays"),
        ({"firm": {"has_qualifizierungsgeld_agreement": False}}, "sgb3_82a.agreement"),
        ({"person": {"employment_terminated": True}}, "sgb3_82a.not_terminated"),
        ({"person": {"last_82a_funding_date": "2023-06-01"}}, "sgb3_82a.last_funding"),
        ({"course": {"hours": 100}}, "sgb3_82a.min_hours"),
        ({"course": {"goal": "afbg", "afbg_level": 2}}, "sgb3_82a.afbg_goal"),
    ],
)
def test_qualifizierungsgeld_negative_paths(
    changes: dict[str, dict[str, object]], rule: str
) -> None:
    p = run(doc(QG, **changes)).programme("sgb3_82a")
    assert p.status == "not_eligible"
    assert p.reason(rule).met is False  # type: ignore[union-attr]


def test_qualifizierungsgeld_written_declaration_suffices_below_10() -> None:
    d = doc(
        QG,
        firm={
            "headcount": 8,
            "has_qualifizierungsgeld_agreement": False,
            "written_declaration": True,
        },
    )
    assert run(d).programme("sgb3_82a").status == "eligible"


def test_qualifizierungsgeld_measure_approval_not_needed() -> None:
    assert (
        run(doc(QG, course={"azav_measure_approved": False})).programme("sgb3_82a").status
        == "eligible"
    )


@pytest.mark.parametrize(
    ("start", "status"), [("2028-03-31", "eligible"), ("2028-04-01", "not_eligible")]
)
def test_qualifizierungsgeld_stage1_afbg_exception_until_march_2028(
    start: str, status: str
) -> None:
    d = doc(QG, course={"goal": "afbg", "afbg_level": 1, "start_date": start})
    assert run(d).programme("sgb3_82a").status == status
