"""Worked examples 6, 8, 13 of funding-rules.md § 9; AFBG, ThürBfG, ESF Plus, § 81, structure."""

from __future__ import annotations

from datetime import date

import pytest

from wbagentur.funding.engine import PROGRAMME_CODES, CaseInput, evaluate, lookup_district

from .helpers import EX1, EX6, EX8, cents, doc, run

# --- Aufstiegs-BAföG ------------------------------------------------------------------------------


def test_example_6_meister_course_afbg_not_82() -> None:
    r = run(EX6)
    a = r.programme("afbg")
    assert a.status == "eligible"
    assert cents(r, "afbg", "cost_base") == 820_000
    assert cents(r, "afbg", "grant") == 410_000
    assert cents(r, "afbg", "loan_offer") == 410_000
    assert cents(r, "afbg", "meisterstueck_eligible") == 150_000
    assert cents(r, "afbg", "meisterstueck_grant") == 75_000
    assert cents(r, "afbg", "meisterstueck_loan") == 75_000
    assert cents(r, "afbg", "remission_on_passing") == 205_000
    assert cents(r, "afbg", "non_repayable_fees") == 615_000
    assert a.amount("maintenance_monthly") is None
    assert a.deciding_body.name.startswith("Thüringer Landesverwaltungsamt, Referat 220, Weimar")
    assert [s.due_date for s in a.next_steps if s.kind == "application"] == [date(2029, 1, 31)]
    s82 = r.programme("sgb3_82")
    assert s82.status == "not_eligible"
    reason = s82.reason("sgb3_82.afbg_goal")
    assert reason is not None
    assert reason.met is False
    assert reason.citation == "§ 22 Abs. 1a SGB III"
    assert r.programme("sgb3_82a").status == "not_eligible"
    assert (
        r.programme("esf_weiterbildungsscheck").reason("esf_weiterbildungsscheck.not_afbg").met
        is False
    )  # type: ignore[union-attr]
    assert r.routing["recommended"] == "afbg"


def test_afbg_caps() -> None:
    r = run(doc(EX6, course={"course_fees_eur": 19000, "meisterstueck_material_eur": 5000}))
    assert cents(r, "afbg", "cost_base") == 1_500_000
    assert cents(r, "afbg", "meisterstueck_eligible") == 200_000


def test_afbg_full_time_maximum_maintenance() -> None:
    ft = doc(EX6, course={"mode": "full_time", "duration_months": 12, "lessons_per_week": 30})
    r = run(ft)
    m = r.programme("afbg").amount("maintenance_monthly")
    assert m is not None
    assert m.cents == 101_900
    assert m.up_to
    assert m.unit == "cent_per_month"
    assert r.programme("afbg").status == "eligible"
    reason = r.programme("afbg").reason("afbg.maintenance")
    assert reason is not None
    assert "einkommens" in reason.text
    family = run(
        doc(
            ft,
            person={
                "marital_status": "married",
                "children": [{"birth_date": "2020-01-01", "receives_kindergeld": True}],
            },
        )
    )
    assert cents(family, "afbg", "maintenance_monthly") == 101_900 + 23_500 + 23_500


@pytest.mark.parametrize(
    ("child_birth", "expected"), [("2013-02-02", 15_000), ("2013-02-01", None)]
)
def test_afbg_childcare_supplement_for_single_parents_children_under_14(
    child_birth: str, expected: int | None
) -> None:
    r = run(doc(EX6, person={"single_parent": True, "children": [{"birth_date": child_birth}]}))
    amount = r.programme("afbg").amount("childcare_monthly")
    assert (amount.cents if amount else None) == expected


@pytest.mark.parametrize(
    ("course", "person", "rule"),
    [
        ({"goal": "other"}, {}, "afbg.goal"),
        ({"hours": 399}, {}, "afbg.min_lessons"),
        ({"duration_months": 49, "hours": 1100}, {}, "afbg.duration"),
        ({"hours": 400, "duration_months": 24, "lessons_per_month": 17}, {}, "afbg.intensity"),
        ({"mode": "full_time", "duration_months": 37, "lessons_per_week": 30}, {}, "afbg.duration"),
        (
            {"mode": "full_time", "duration_months": 12, "lessons_per_week": 24},
            {},
            "afbg.intensity",
        ),
        ({}, {"highest_qualification": "master"}, "afbg.prior_qualification"),
    ],
)
def test_afbg_negative_paths(
    course: dict[str, object], person: dict[str, object], rule: str
) -> None:
    p = run(doc(EX6, course=course, person=person)).programme("afbg")
    assert p.status == "not_eligible"
    assert p.reason(rule).met is False  # type: ignore[union-attr]
    assert p.amounts == ()


def test_afbg_stage1_part_time_needs_only_200_lessons() -> None:
    s1 = doc(EX6, course={"afbg_level": 1, "hours": 250, "duration_months": 12})
    assert run(s1).programme("afbg").status == "eligible"
    assert run(doc(s1, course={"afbg_level": 2})).programme("afbg").status == "not_eligible"
    unknown = run(doc(s1, course={"afbg_level": None})).programme("afbg")
    assert unknown.status == "needs_information"


def test_afbg_clock_hours_are_converted_to_lessons() -> None:
    r = run(doc(EX6, course={"hours": 300, "hours_unit": "clock_hours", "duration_months": 12}))
    assert r.programme("afbg").reason("afbg.min_lessons").met is True  # type: ignore[union-attr]


# --- ThürBfG --------------------------------------------------------------------------------------


def test_example_8_bildungsfreistellung() -> None:
    r = run(EX8)
    p = r.programme("thuerbfg")
    assert p.status == "eligible"
    assert p.amount("leave_days").value == 4  # type: ignore[union-attr]
    assert p.amount("event_days").value == 2  # type: ignore[union-attr]
    assert p.amount("remaining_days").value == 2  # type: ignore[union-attr]
    dates = {k.code: k.date for k in p.key_dates}
    assert dates == {
        "waiting_time_complete": date(2026, 9, 1),
        "latest_request": date(2026, 7, 20),
        "employer_answer_due": date(2026, 6, 29),
    }
    steps = {s.kind: s.due_date for s in p.next_steps}
    assert steps == {"request": date(2026, 7, 20), "employer_answer": date(2026, 6, 29)}
    answer = [s for s in p.next_steps if s.kind == "employer_answer"][0]
    assert "gilt die Freistellung als genehmigt" in answer.text
    assert p.deciding_body.name.startswith("Arbeitgeber")


def test_example_8_apprentice_gets_3_days() -> None:
    p = run(doc(EX8, person={"employment_status": "apprentice"})).programme("thuerbfg")
    assert p.status == "eligible"
    assert p.amount("leave_days").value == 3


def test_example_8_firm_with_4_employees_has_no_entitlement() -> None:
    p = run(doc(EX8, firm={"headcount": 4})).programme("thuerbfg")
    assert p.status == "not_eligible"
    assert p.reason("thuerbfg.firm_size").met is False  # type: ignore[union-attr]


def test_thuerbfg_five_day_week_and_rounding() -> None:
    assert (
        run(doc(EX8, person={"working_days_per_week": 5}))
        .programme("thuerbfg")
        .amount("leave_days")
        .value
        == 5
    )  # type: ignore[union-attr]
    assert (
        run(doc(EX8, person={"working_days_per_week": 2.5}))
        .programme("thuerbfg")
        .amount("leave_days")
        .value
        == 3
    )  # type: ignore[union-attr]


def test_thuerbfg_waiting_time_not_complete() -> None:
    p = run(doc(EX8, person={"employed_since": "2026-03-15"})).programme("thuerbfg")
    assert p.status == "not_eligible"
    assert p.reason("thuerbfg.waiting_time").met is False  # type: ignore[union-attr]


def test_thuerbfg_late_request_lets_employer_refuse() -> None:
    p = run(doc(EX8, thuerbfg={"request_date": "2026-07-21"})).programme("thuerbfg")
    assert p.status == "needs_information"
    reason = p.reason("thuerbfg.notice")
    assert reason is not None
    assert reason.met is False
    assert "ablehnen" in reason.text


@pytest.mark.parametrize(
    ("heads", "taken", "met"),
    [
        (20, 5, False),
        (20, 4, True),
        (40, 20, False),
        (40, 19, True),
        (60, 60, False),
        (60, 59, True),
    ],
)
def test_thuerbfg_refusal_quotas(heads: int, taken: int, met: bool) -> None:
    d = doc(
        EX8,
        thuerbfg={"headcount_on_jan_1": heads, "days_already_taken_by_colleagues_this_year": taken},
    )
    p = run(d).programme("thuerbfg")
    reason = p.reason("thuerbfg.refusal_quota")
    assert reason is not None
    assert reason.met is met
    assert p.status == ("eligible" if met else "needs_information")
    if not met:
        assert "2027 übertragen" in reason.text


def test_thuerbfg_days_used_up() -> None:
    p = run(doc(EX8, thuerbfg={"days_already_granted_this_year": 4})).programme("thuerbfg")
    assert p.status == "not_eligible"
    assert p.reason("thuerbfg.remaining_days").met is False  # type: ignore[union-attr]


def test_thuerbfg_outside_thuringia_and_unrecognised() -> None:
    assert (
        run(doc(EX8, firm={"district_key": "09162"})).programme("thuerbfg").status == "not_eligible"
    )
    assert (
        run(doc(EX8, course={"thuerbfg_recognised": False})).programme("thuerbfg").status
        == "not_eligible"
    )


# --- ESF Plus -------------------------------------------------------------------------------------

WBS = doc(EX1, person={"taxable_income_eur": 40000}, course={"course_fees_eur": 1500, "hours": 40})


def test_weiterbildungsscheck_eligible_with_unverified_rate() -> None:
    r = run(WBS)
    p = r.programme("esf_weiterbildungsscheck")
    assert p.status == "eligible"
    assert cents(r, "esf_weiterbildungsscheck", "cheque_amount") == 75_000
    assert any(w.startswith("Ungeprüfter Wert „Fördersatz“ (0,5)") for w in r.warnings)
    assert [s.due_date for s in p.next_steps if s.kind == "application"] == [date(2027, 1, 10)]
    assert (
        cents(
            run(doc(WBS, course={"course_fees_eur": 4000})),
            "esf_weiterbildungsscheck",
            "cheque_amount",
        )
        == 100_000
    )


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"person": {"taxable_income_eur": 55000}}, "esf_weiterbildungsscheck.income"),
        (
            {"person": {"taxable_income_eur": 110000, "joint_assessment": True}},
            "esf_weiterbildungsscheck.income",
        ),
        (
            {"person": {"weiterbildungsscheck_used_this_year": True}},
            "esf_weiterbildungsscheck.once_per_year",
        ),
        ({"person": {"employment_status": "unemployed"}}, "esf_weiterbildungsscheck.employment"),
        ({"firm": {"district_key": "09162"}}, "esf_weiterbildungsscheck.thuringia"),
        (
            {"course": {"booking_date": "2026-12-01", "application_date": "2026-12-02"}},
            "esf_weiterbildungsscheck.apply_before_booking",
        ),
        ({"course": {"goal": "afbg"}}, "esf_weiterbildungsscheck.not_afbg"),
    ],
)
def test_weiterbildungsscheck_negative_paths(
    changes: dict[str, dict[str, object]], rule: str
) -> None:
    p = run(doc(WBS, **changes)).programme("esf_weiterbildungsscheck")
    assert p.status == "not_eligible"
    assert p.reason(rule).met is False  # type: ignore[union-attr]


def test_weiterbildungsscheck_joint_limit_and_apprentice_interpretation() -> None:
    d = doc(WBS, person={"taxable_income_eur": 109999.99, "joint_assessment": True})
    assert run(d).programme("esf_weiterbildungsscheck").status == "eligible"
    p = run(doc(WBS, person={"employment_status": "apprentice"})).programme(
        "esf_weiterbildungsscheck"
    )
    assert p.status == "needs_information"


def test_anpassungsqualifizierung_lead_time_six_weeks() -> None:
    ok = run(doc(EX1, course={"application_date": "2026-11-30"})).programme(
        "esf_anpassungsqualifizierung"
    )
    late = run(doc(EX1, course={"application_date": "2026-12-01"})).programme(
        "esf_anpassungsqualifizierung"
    )
    assert ok.status == "eligible"
    assert late.status == "not_eligible"
    assert {k.code: k.date for k in ok.key_dates} == {"latest_application": date(2026, 11, 30)}
    r = run(doc(EX1, course={"eligible_wage_eur": None}))
    assert cents(r, "esf_anpassungsqualifizierung", "grant") == 300_000  # 50 % of 6,000 € fees
    assert "sgb3_82" in {
        e.programme for e in r.programme("esf_anpassungsqualifizierung").exclusions
    }


def test_anpassungsqualifizierung_excludes_solo_self_employed() -> None:
    d = doc(
        EX1, firm={"staff": None, "headcount": 0}, person={"employment_status": "self_employed"}
    )
    p = run(d).programme("esf_anpassungsqualifizierung")
    assert p.status == "not_eligible"
    assert p.reason("esf_anpassungsqualifizierung.not_solo").met is False


# --- § 81 Bildungsgutschein -----------------------------------------------------------------------

UNEMPLOYED = doc(
    EX1,
    person={
        "employment_status": "unemployed",
        "has_usable_vocational_qualification": False,
        "residence_district_key": "16063",
    },
    course={"goal": "vocational_qualification"},
)


def test_bildungsgutschein_for_unemployed_with_premiums() -> None:
    r = run(UNEMPLOYED)
    p = r.programme("sgb3_81")
    assert p.status == "eligible"
    assert cents(r, "sgb3_81", "course_costs_ba") == 600_000
    assert cents(r, "sgb3_81", "premium_intermediate_exam") == 100_000
    assert cents(r, "sgb3_81", "premium_final_exam") == 150_000
    assert cents(r, "sgb3_81", "weiterbildungsgeld_monthly") == 15_000
    assert p.deciding_body.name == "Agentur für Arbeit Thüringen Südwest"
    assert r.routing["recommended"] == "sgb3_81"
    jc = run(doc(UNEMPLOYED, person={"receives_sgb2": True})).programme("sgb3_81")
    assert jc.deciding_body.name.startswith("Jobcenter")


def test_bildungsgutschein_employed_paths() -> None:
    assert run(EX1).programme("sgb3_81").status == "not_eligible"
    abs2 = doc(
        EX1,
        person={"has_usable_vocational_qualification": False, "years_of_work": 4},
        course={"goal": "vocational_qualification"},
    )
    assert run(abs2).programme("sgb3_81").status == "eligible"
    few = run(doc(abs2, person={"years_of_work": 2})).programme("sgb3_81")
    assert few.status == "needs_information"
    assert few.reason("sgb3_81.years_of_work").met is False
    other_goal = run(doc(abs2, course={"goal": "other"})).programme("sgb3_81")
    assert other_goal.status == "not_eligible"


# --- geography, structure ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "region", "agency", "ihk", "hwk", "wba"),
    [
        (
            "16070",
            "Mittelthüringen",
            "Agentur für Arbeit Thüringen Mitte",
            "IHK Südthüringen (Niederlassung Arnstadt)",
            "HWK Erfurt",
            None,
        ),
        (
            "16063",
            "Südwestthüringen",
            "Agentur für Arbeit Thüringen Südwest",
            "IHK Erfurt",
            "HWK Südthüringen",
            "Weiterbildungsagentur Südwestthüringen (Suhl)",
        ),
        (
            "16053",
            "Ostthüringen",
            "Agentur für Arbeit Thüringen Ost",
            "IHK Ostthüringen zu Gera",
            "HWK für Ostthüringen",
            "Weiterbildungsagentur Thüringen Ost (Gera)",
        ),
    ],
)
def test_example_13_region_lookup(
    key: str, region: str, agency: str, ihk: str, hwk: str, wba: str | None
) -> None:
    d = lookup_district(key)
    assert d is not None
    assert (d.region, d.agency, d.ihk, d.hwk, d.weiterbildungsagentur) == (
        region,
        agency,
        ihk,
        hwk,
        wba,
    )
    r = run(doc(EX1, firm={"district_key": key}))
    assert r.programme("sgb3_82").deciding_body.name == f"{agency} (Arbeitgeber-Service)"


def test_unknown_district_still_evaluates_with_generic_body() -> None:
    r = run(doc(EX1, firm={"district_key": None}))
    assert r.programme("sgb3_82").deciding_body.name == "Agentur für Arbeit (Arbeitgeber-Service)"
    assert r.geography is None


def test_every_programme_present_in_fixed_order_even_for_empty_input() -> None:
    r = evaluate(CaseInput(), date(2026, 11, 21))
    assert (
        [p.programme for p in r.programmes]
        == list(PROGRAMME_CODES)
        == [
            "esf_weiterbildungsscheck",
            "esf_anpassungsqualifizierung",
            "sgb3_82",
            "sgb3_82a",
            "afbg",
            "thuerbfg",
            "sgb3_81",
        ]
    )
    for p in r.programmes:
        assert p.reasons
        assert p.status in {"eligible", "not_eligible", "needs_information"}
        assert all(x.text.startswith(x.citation + ": ") for x in p.reasons)


def test_reference_date_is_required_in_pure_code() -> None:
    with pytest.raises(ValueError, match="reference_date"):
        evaluate(CaseInput())
