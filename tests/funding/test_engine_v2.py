"""Funding engine v2 (issue #17): deadlines on non-working days (item 10), citations as the law
numbers them (item 11), no cost funded twice and the § 82 / § 82a routing decision (item 6).

Worked examples are built from the law text (funding-rules.md § 11), each through the engine and,
where the answer differs in a way a client sees, through the JSON API and the CLI.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.funding.helpers import EX1, EX3, EX8, doc, run
from wbagentur.funding.engine import evaluate_document

# --------------------------------------------------------------------------- item 10


def _step(out: dict[str, Any], programme: str, kind: str = "application") -> dict[str, Any]:
    p = next(p for p in out["programmes"] if p["programme"] == programme)
    return next(s for s in p["next_steps"] if s["kind"] == kind and s["due_date"])


def test_deadline_on_a_sunday_shows_the_friday_before(client: Any, runner: Any) -> None:
    # EX1 starts Monday 11.01.2027: the § 82 application is due the day before (§ 324 Abs. 1),
    # Sunday 10.01.2027; a letter must arrive on Friday 08.01.2027.
    out = evaluate_document(EX1)
    step = _step(out, "sgb3_82")
    assert step["due_date"] == "2027-01-10"
    assert step["due_date_non_working"] == "Sonntag"
    assert step["last_working_day"] == "2027-01-08"
    assert client.post("/api/foerdercheck", json=EX1).get_json() == out
    cli = runner.invoke(args=["funding", "check", "-"], input=json.dumps(EX1))
    assert _step(json.loads(cli.output), "sgb3_82")["last_working_day"] == "2027-01-08"


def test_deadline_on_a_thuringian_holiday_shows_the_working_day_before() -> None:
    # ThürBfG request 8 weeks before an event on Monday 15.11.2027 = Monday 20.09.2027,
    # Weltkindertag (a public holiday only in Thuringia) → Friday 17.09.2027.
    document = doc(
        EX8,
        top={"reference_date": "2027-06-01"},
        person={"employed_since": "2020-01-01"},
        course={"start_date": "2027-11-15", "end_date": "2027-11-16"},
        thuerbfg={"request_date": None},
    )
    out = evaluate_document(document)
    tb = next(p for p in out["programmes"] if p["programme"] == "thuerbfg")
    latest = next(k for k in tb["key_dates"] if k["code"] == "latest_request")
    assert latest["date"] == "2027-09-20"
    assert latest["due_date_non_working"] == "gesetzlicher Feiertag in Thüringen"
    assert latest["last_working_day"] == "2027-09-17"


def test_deadline_on_a_working_day_is_unchanged() -> None:
    out = evaluate_document(doc(EX1, course={"start_date": "2027-01-14"}))
    step = _step(out, "sgb3_82")
    assert step["due_date"] == "2027-01-13"  # a Wednesday
    assert step["last_working_day"] == "2027-01-13"
    assert step["due_date_non_working"] is None


@pytest.mark.usefixtures("fixed_clock")  # the page checks against today: a 2027 course
def test_quick_check_page_shows_the_last_working_day(client: Any) -> None:
    from tests.funding.test_views_public import GOOD

    page = client.post("/foerderkompass/schnellcheck", data=GOOD).get_data(as_text=True)
    assert "Sonntag – letzter Arbeitstag davor: 08.01.2027" in page


# --------------------------------------------------------------------------- item 11

QG = doc(
    EX3,
    firm={
        "structural_change_share": 0.1,
        "has_qualifizierungsgeld_agreement": True,
        "employer_pays_full_course": True,
    },
    person={"net_pay_difference_monthly_eur": 1000},
)
OLDER = doc(EX3, person={"birth_date": "1970-01-01"})  # 180 staff, 57 at start
NO_QUALIFICATION = doc(
    EX1,
    person={
        "employment_status": "employed",
        "has_usable_vocational_qualification": False,
        "years_of_work": 4,
    },
    course={"goal": "vocational_qualification"},
)

#: rule id → (document, citation as the law numbers it) – funding-rules.md § 11.
CITATIONS = [
    ("sgb3_82a.agreement", QG, "§ 82a Abs. 2 S. 1 Nr. 3 SGB III"),
    ("sgb3_82a.employer_pays", QG, "§ 82a Abs. 2 S. 1 Nr. 2 SGB III"),
    ("sgb3_82a.structural_share", QG, "§ 82a Abs. 2 S. 1 Nr. 1 SGB III"),
    ("sgb3_82a.adaptation_only", QG, "§ 82a Abs. 1 Nr. 3 SGB III"),
    ("sgb3_82a.min_hours", QG, "§ 82a Abs. 1 Nr. 5 SGB III"),
    ("sgb3_82a.azav_provider", QG, "§ 82a Abs. 1 Nr. 4 SGB III"),
    ("sgb3_82a.not_terminated", QG, "§ 82a Abs. 4 S. 1 Nr. 3 SGB III"),
    ("sgb3_82a.employment", QG, "§ 82a Abs. 4 S. 1 Nr. 1 SGB III"),
    ("sgb3_82a.last_funding", QG, "§ 82a Abs. 4 S. 1 Nr. 2 SGB III"),
    ("sgb3_82.age_waiver", OLDER, "§ 82 Abs. 2 S. 4 SGB III"),
    ("sgb3_81.years_of_work", NO_QUALIFICATION, "§ 81 Abs. 2 S. 2 SGB III"),
]


@pytest.mark.parametrize(("rule", "document", "citation"), CITATIONS, ids=[c[0] for c in CITATIONS])
def test_citation_table(rule: str, document: dict[str, Any], citation: str) -> None:
    programme = rule.split(".")[0]
    reason = run(document).programme(programme).reason(rule)
    assert reason is not None, rule
    assert reason.citation == citation
    assert reason.text.startswith(citation + ": ")


def test_agreement_bonus_is_given_in_percentage_points(client: Any) -> None:
    # § 82 Abs. 4: the shares move by 5 Prozentpunkte (50 % → 45 %, 50 % → 55 %), not by 5 %.
    reason = run(EX3).programme("sgb3_82").reason("sgb3_82.agreement_bonus")
    assert reason is not None
    assert "−5 Prozentpunkte" in reason.text
    assert "+5 Prozentpunkte" in reason.text
    body = client.post("/api/foerdercheck", json=EX3).get_json()
    s82 = next(p for p in body["programmes"] if p["programme"] == "sgb3_82")
    assert any("5 Prozentpunkte" in a["basis"] for a in s82["amounts"])


def test_no_reason_cites_the_old_numbering() -> None:
    wrong = ("§ 82a Abs. 2 Nr.", "§ 82a Abs. 3 Nr.", "§ 82 Abs. 2 S. 3 SGB III", "§ 81 Abs. 2 Nr.")
    for document in (QG, OLDER, NO_QUALIFICATION, EX1, EX3):
        for p in run(document).programmes:
            for r in p.reasons:
                assert not r.citation.startswith(wrong), (r.rule, r.citation)


# --------------------------------------------------------------------------- item 6

BOTH_ESF = doc(
    EX1,
    course={"hours": 40, "course_fees_eur": 1500, "azav_measure_approved": False},
    person={"taxable_income_eur": 30000},
)


def test_weiterbildungsscheck_and_anpassungsqualifizierung_never_both_on_the_same_costs(
    client: Any,
) -> None:
    r = run(BOTH_ESF)
    wbs = r.programme("esf_weiterbildungsscheck")
    aq = r.programme("esf_anpassungsqualifizierung")
    assert wbs.status == "eligible"
    assert aq.status == "eligible"
    assert "esf_anpassungsqualifizierung" in {e.programme for e in wbs.exclusions}
    assert "esf_weiterbildungsscheck" in {e.programme for e in aq.exclusions}
    roles = {s["programme"]: s for s in r.routing["sequence"]}
    offered = {c for c, s in roles.items() if s["role"] in ("primary", "complement")}
    assert not {"esf_weiterbildungsscheck", "esf_anpassungsqualifizierung"} <= offered
    alt = next(s for s in roles.values() if s["role"] == "alternative")
    assert alt["instead_of"] in offered
    body = client.post("/api/foerdercheck", json=BOTH_ESF).get_json()
    assert body["routing"] == r.routing


def test_no_two_offered_programmes_exclude_each_other() -> None:
    for document in (EX1, EX3, QG, BOTH_ESF, OLDER, NO_QUALIFICATION):
        r = run(document)
        offered = [
            r.programme(s["programme"])
            for s in r.routing["sequence"]
            if s["role"] in ("primary", "complement")
        ]
        for a in offered:
            for b in offered:
                assert b.programme not in {e.programme for e in a.exclusions}, (a, b)


def test_82_and_82a_exclude_each_other_and_routing_says_which_first(runner: Any) -> None:
    r = run(QG)
    assert "sgb3_82a" in {e.programme for e in r.programme("sgb3_82").exclusions}
    assert "sgb3_82" in {e.programme for e in r.programme("sgb3_82a").exclusions}
    assert r.routing["decision"]["first"] == "sgb3_82a"
    cli = runner.invoke(args=["funding", "check", "-"], input=json.dumps(QG))
    decision = json.loads(cli.output)["routing"]["decision"]
    assert decision["between"] == ["sgb3_82", "sgb3_82a"]
    assert decision["first"] == "sgb3_82a"
    assert "§ 82b SGB III" in decision["why"]


# --------------------------------------------------------------------------- item 4


def _programme(out: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in out["programmes"] if p["programme"] == code)


def test_award_before_the_reform_keeps_the_old_law_422(client: Any, runner: Any) -> None:
    # § 422 Abs. 1 Nr. 2 SGB III: awarded on 15.03.2024, before the reform of 1.4.2024; the course
    # starts 02.05.2024 → the version in force until 31.03.2024 applies.
    base = doc(
        EX1,
        top={"reference_date": "2024-03-20"},
        course={
            "application_date": "2024-02-01",
            "award_date": "2024-03-15",
            "start_date": "2024-05-02",
            "end_date": "2024-10-31",
            "structural_change_driven": True,
        },
    )
    out = evaluate_document(base)
    s82 = _programme(out, "sgb3_82")
    assert s82["parameter_version"] == "sgb3_82@2019-01-01.2"
    assert s82["decisive_date"] == {
        "date": "2024-03-15",
        "basis": "award",
        "label": "Bewilligung",
        "citation": "§ 422 Abs. 1 SGB III",
    }
    reason = next(r for r in s82["reasons"] if r["rule"] == "sgb3_82.decisive_date")
    assert reason["text"].startswith("§ 422 Abs. 1 SGB III: Maßgeblich")
    assert "sgb3_82@2019-01-01.2" in reason["text"]
    assert client.post("/api/foerdercheck", json=base).get_json() == out
    cli = runner.invoke(args=["funding", "check", "-"], input=json.dumps(base))
    assert _programme(json.loads(cli.output), "sgb3_82")["parameter_version"] == (
        "sgb3_82@2019-01-01.2"
    )
    # Without the award, the (timely) course start after the reform decides: new law.
    no_award = doc(base, course={"award_date": None})
    s82 = _programme(evaluate_document(no_award), "sgb3_82")
    assert s82["parameter_version"] == "sgb3_82@2024-04-01.2"
    assert s82["decisive_date"]["basis"] == "start"


def test_course_start_before_the_reform_with_timely_application_keeps_the_old_law() -> None:
    # § 422 Abs. 1 Nr. 3: the measure began 25.03.2024, applied for by then; award only in May.
    document = doc(
        EX1,
        top={"reference_date": "2024-03-01"},
        course={
            "application_date": "2024-03-01",
            "award_date": "2024-05-10",
            "start_date": "2024-03-25",
            "end_date": "2024-09-30",
            "structural_change_driven": True,
        },
    )
    s82 = _programme(evaluate_document(document), "sgb3_82")
    assert s82["decisive_date"]["basis"] == "start"
    assert s82["parameter_version"] == "sgb3_82@2019-01-01.2"
    # Applied only after the start: the start does not count (Nr. 3); the award decides.
    late = doc(document, course={"application_date": "2024-03-27"})
    s82 = _programme(evaluate_document(late), "sgb3_82")
    assert s82["decisive_date"]["basis"] == "award"
    assert s82["parameter_version"] == "sgb3_82@2024-04-01.2"


def test_esf_uses_the_award_date_and_afbg_the_course_start() -> None:
    document = doc(EX1, course={"application_date": "2026-11-25", "award_date": "2026-12-10"})
    out = evaluate_document(document)
    assert _programme(out, "esf_weiterbildungsscheck")["decisive_date"]["basis"] == "award"
    assert _programme(out, "afbg")["decisive_date"]["basis"] == "start"
    assert _programme(out, "thuerbfg")["decisive_date"]["citation"].startswith("§ 6 ThürBfG")


KUG = doc(
    EX1,
    top={"reference_date": "2024-05-02"},
    person={"short_time_work_at_course_start": True},
    course={"start_date": "2024-06-03", "end_date": "2024-11-29"},
)


def test_course_starting_during_kurzarbeit_until_july_2024_is_excluded(client: Any) -> None:
    r = run(KUG)
    s82 = r.programme("sgb3_82")
    assert s82.status == "not_eligible"
    reason = s82.reason("sgb3_82.short_time_work")
    assert reason is not None
    assert reason.met is False
    assert reason.citation == "§ 82 Abs. 7 SGB III a. F."
    body = client.post("/api/foerdercheck", json=KUG).get_json()
    assert _programme(body, "sgb3_82")["status"] == "not_eligible"


def test_kurzarbeit_exclusion_ends_on_31_july_2024() -> None:
    last = run(doc(KUG, course={"start_date": "2024-07-31"})).programme("sgb3_82")
    after = run(doc(KUG, course={"start_date": "2024-08-01"})).programme("sgb3_82")
    assert last.reason("sgb3_82.short_time_work").met is False  # type: ignore[union-attr]
    assert after.reason("sgb3_82.short_time_work") is None
    unknown = run(doc(KUG, person={"short_time_work_at_course_start": None}))
    reason = unknown.programme("sgb3_82").reason("sgb3_82.short_time_work")
    assert reason is not None
    assert reason.met is True
    assert reason.assumed is True


# --------------------------------------------------------------------------- items 9 and 5


def _aq(out: dict[str, Any]) -> dict[str, Any]:
    return _programme(out, "esf_anpassungsqualifizierung")


@pytest.mark.parametrize(
    ("firm", "sme"),
    [
        ({"headcount": 9, "annual_turnover_eur": 2_000_000}, "micro"),
        (
            {"headcount": 9, "annual_turnover_eur": 2_000_001, "balance_sheet_total_eur": 1e6},
            "micro",
        ),
        ({"headcount": 9, "annual_turnover_eur": 5_000_000}, "small"),
        ({"headcount": 49.75, "annual_turnover_eur": 10_000_000}, "small"),
        ({"headcount": 50, "annual_turnover_eur": 10_000_000}, "medium"),
        (
            {"headcount": 249, "annual_turnover_eur": 60e6, "balance_sheet_total_eur": 43e6},
            "medium",
        ),
        ({"headcount": 249, "annual_turnover_eur": 60e6, "balance_sheet_total_eur": 44e6}, "large"),
        ({"headcount": 250, "annual_turnover_eur": 1e6}, "large"),
        ({"headcount": 20, "linked_to_large_enterprise": True}, "large"),
    ],
)
def test_eu_sme_class_in_the_anpassungsqualifizierung(firm: dict[str, Any], sme: str) -> None:
    document = doc(EX1, firm={"staff": None, "linked_to_large_enterprise": False, **firm})
    reason = next(
        r for r in _aq(evaluate_document(document))["reasons"] if r["rule"].endswith(".sme_class")
    )
    assert reason["citation"] == "Empfehlung 2003/361/EG, Anhang Art. 2"
    labels = {
        "micro": "Kleinstunternehmen",
        "small": "kleines Unternehmen",
        "medium": "mittleres Unternehmen",
        "large": "großes Unternehmen (kein KMU)",
    }
    assert f"KMU-Einstufung: {labels[sme]}" in reason["text"]
    assert reason["verified"] is False  # the SME staggering of the rate is a catalogue parameter


def test_sme_class_without_turnover_is_provisional(runner: Any) -> None:
    cli = runner.invoke(args=["funding", "check", "-"], input=json.dumps(EX1))
    reason = next(
        r for r in _aq(json.loads(cli.output))["reasons"] if r["rule"].endswith(".sme_class")
    )
    assert "Kleinstunternehmen" not in reason["text"]
    assert "kleines Unternehmen nach 29,25 Beschäftigten" in reason["text"]
    assert "vorläufig, es fehlen" in reason["text"]


def test_anpassungsqualifizierung_counts_course_and_wage_costs(client: Any) -> None:
    # EX1: 6,000 € course fees + 10,000 € participants' wage costs = 16,000 € eligible
    # expenditure; grant up to 50 % = 8,000 €.
    out = client.post("/api/foerdercheck", json=EX1).get_json()
    amounts = {a["code"]: a for a in _aq(out)["amounts"]}
    assert amounts["eligible_wage_costs"]["cents"] == 1_000_000
    assert amounts["eligible_expenditure"]["cents"] == 1_600_000
    assert amounts["grant"]["cents"] == 800_000
    assert amounts["grant"]["up_to"] is True
    step = _step(out, "esf_anpassungsqualifizierung")
    assert "Förderportal" in step["text"]
    assert "per Post" in step["text"]
    data = next(r for r in _aq(out)["reasons"] if r["rule"].endswith(".participant_data"))
    assert data["citation"] == "Art. 17 und Anhang I VO (EU) 2021/1057"


# --------------------------------------------------------------------------- item 8

UMSCHULUNG = doc(
    EX1,
    person={
        "employment_status": "unemployed",
        "has_usable_vocational_qualification": False,
        "residence_district_key": "16068",
        "childcare_needed": True,
        "children": [{"birth_date": "2019-03-01"}, {"birth_date": "2008-05-01"}],
    },
    course={
        "goal": "vocational_qualification",
        "mode": "full_time",
        "start_date": "2027-01-11",
        "end_date": "2029-01-10",
        "regular_training_months": 36,
        "travel_costs_monthly_eur": 85,
        "accommodation_days_per_month": 10,
        "meals_days_per_month": 10,
    },
)


def test_section_81_in_full_totals_premiums_and_other_costs(client: Any) -> None:
    # 11.01.2027–10.01.2029 = 24 months ≤ 2/3 × 36 (§ 180 Abs. 4); Weiterbildungsgeld 24 × 150 €;
    # § 86: 10 days × 60 € = 600 € capped at 420 €, meals 10 × 24 € = 240 € capped at 168 €;
    # § 87: one child under 15 × 160 €; travel 85 € as stated.
    out = client.post("/api/foerdercheck", json=UMSCHULUNG).get_json()
    p81 = _programme(out, "sgb3_81")
    amounts = {a["code"]: a["cents"] for a in p81["amounts"]}
    assert amounts["weiterbildungsgeld_monthly"] == 15_000
    assert amounts["weiterbildungsgeld_total"] == 24 * 15_000
    assert amounts["premium_intermediate_exam"] == 100_000
    assert amounts["premium_final_exam"] == 150_000
    assert amounts["accommodation_monthly"] == 42_000
    assert amounts["meals_monthly"] == 16_800
    assert amounts["childcare_monthly"] == 16_000
    assert amounts["travel_monthly"] == 8_500
    assert amounts["other_costs_total"] == 24 * (42_000 + 16_800 + 16_000 + 8_500)
    shortening = next(r for r in p81["reasons"] if r["rule"] == "sgb3_81.shortening")
    assert shortening["met"] is True
    assert shortening["citation"] == "§ 180 Abs. 4 SGB III"
    living = next(r for r in p81["reasons"] if r["rule"] == "sgb3_81.living_costs")
    assert "Arbeitslosengeld bei beruflicher Weiterbildung (§ 144 SGB III)" in living["text"]
    assert "Jobcenter" in living["text"]


def test_retraining_not_shortened_by_a_third_is_not_funded(runner: Any) -> None:
    long = doc(UMSCHULUNG, course={"end_date": "2029-07-10"})  # 30 months > 24
    cli = runner.invoke(args=["funding", "check", "-"], input=json.dumps(long))
    p81 = _programme(json.loads(cli.output), "sgb3_81")
    assert p81["status"] == "not_eligible"
    reason = next(r for r in p81["reasons"] if r["rule"] == "sgb3_81.shortening")
    assert reason["met"] is False
    assert "höchstens 24 Monate" in reason["text"]
    allowed = doc(long, course={"shortening_impossible_by_law": True})
    r = run(allowed).programme("sgb3_81").reason("sgb3_81.shortening")
    assert r is not None
    assert r.met is True
    unknown = run(doc(UMSCHULUNG, course={"regular_training_months": None}))
    assert unknown.programme("sgb3_81").reason("sgb3_81.shortening").met is None  # type: ignore[union-attr]


# --------------------------------------------------------------------------- item 12


def _pointers(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["programme"]: p for p in out["routing"]["pointers"]}


def test_pointers_to_more_programmes(client: Any, runner: Any) -> None:
    document = doc(
        EX1,
        firm={"restructuring": True},
        person={
            "rehabilitation_need": True,
            "workplace_state": "HE",
            "birth_date": "2003-05-01",
            "taxable_income_eur": 18000,
        },
    )
    out = client.post("/api/foerdercheck", json=document).get_json()
    found = _pointers(out)
    assert [
        found[k]["citation"] for k in ("transfer_measures", "transfer_kug", "transfer_training")
    ] == [
        "§ 110 SGB III",
        "§ 111 SGB III",
        "§ 111a SGB III",
    ]
    assert found["rehabilitation"]["citation"].startswith("§§ 112 ff. SGB III")
    assert (
        "Hessisches Gesetz über den Anspruch auf Bildungsurlaub"
        in found["bildungsurlaub_he"]["text"]
    )
    assert "Weiterbildungsstipendium" in found["weiterbildungsstipendium"]["title"]
    assert "31.12.2021 ausgelaufen" in found["bildungspraemie"]["text"]
    assert any(h.startswith("Transfermaßnahmen") for h in out["routing"]["hints"])
    cli = runner.invoke(args=["funding", "check", "-"], input=json.dumps(document))
    assert json.loads(cli.output)["routing"]["pointers"] == out["routing"]["pointers"]


@pytest.mark.parametrize(
    ("state", "has_law"), [("NI", True), ("ST", True), ("BY", False), ("SN", False)]
)
def test_bildungsurlaub_of_the_neighbouring_laender(state: str, has_law: bool) -> None:
    out = evaluate_document(doc(EX1, person={"workplace_state": state}))
    pointer = _pointers(out)[f"bildungsurlaub_{state.lower()}"]
    assert ("kein Bildungsurlaubsgesetz" in pointer["text"]) is not has_law


def test_aufstiegsstipendium_for_a_first_degree_and_no_pointer_without_facts() -> None:
    out = evaluate_document(doc(EX1, course={"goal": "university_degree"}))
    assert "aufstiegsstipendium" in _pointers(out)
    assert _pointers(evaluate_document(EX3)) == {}


# --------------------------------------------------------------------------- item 7

MEISTER_FULL_TIME = doc(
    EX1,
    person={"assets_eur": 60000, "health_insurance": "statutory_own", "marital_status": "single"},
    course={
        "goal": "afbg",
        "afbg_level": 2,
        "mode": "full_time",
        "hours": 1600,
        "hours_unit": "teaching_units_45",
        "lessons_per_week": 30,
        "start_date": "2027-02-01",
        "end_date": None,
        "duration_months": 24,
    },
)


def _afbg_amounts(out: dict[str, Any]) -> dict[str, Any]:
    return {a["code"]: a for a in _programme(out, "afbg")["amounts"]}


def test_afbg_assets_above_the_allowance_reduce_the_unterhaltsbeitrag(
    client: Any, runner: Any
) -> None:
    # Need 442 + 380 + 102 + 35 + 60 = 1,019 €; assets 60,000 − 45,000 allowance (§ 17a AFBG)
    # = 15,000 € over 24 months = 625 € a month → 394 € a month, 9,456 € over the course; the
    # income is not given, so the amounts stay "bis zu" and the reason names what is open.
    out = client.post("/api/foerdercheck", json=MEISTER_FULL_TIME).get_json()
    amounts = _afbg_amounts(out)
    assert amounts["maintenance_monthly"]["cents"] == 101_900
    assert amounts["asset_setoff_monthly"]["cents"] == 62_500
    assert amounts["maintenance_after_means_test_monthly"]["cents"] == 39_400
    assert amounts["maintenance_total"]["cents"] == 24 * 39_400
    assert amounts["maintenance_total"]["up_to"] is True
    reason = next(r for r in _programme(out, "afbg")["reasons"] if r["rule"] == "afbg.means_test")
    assert reason["citation"] == "§§ 17, 17a AFBG i. V. m. §§ 21 ff., 26 ff. BAföG"
    assert "Einkommen fehlt (person.income_eur)" in reason["text"]
    assert reason["met"] is None
    cli = runner.invoke(args=["funding", "check", "-"], input=json.dumps(MEISTER_FULL_TIME))
    assert _afbg_amounts(json.loads(cli.output))["maintenance_total"]["cents"] == 9_456_00


def test_afbg_allowances_for_partner_and_child_and_no_setoff_below() -> None:
    family = doc(
        MEISTER_FULL_TIME,
        person={"marital_status": "married", "children": [{"birth_date": "2020-01-01"}]},
    )
    amounts = _afbg_amounts(evaluate_document(family))
    # Allowance 45,000 + 2,300 + 2,300 = 49,600; (60,000 − 49,600) / 24 = 433.33 €.
    assert amounts["asset_setoff_monthly"]["cents"] == 43_333
    assert amounts["maintenance_monthly"]["cents"] == 148_900
    assert amounts["maintenance_after_means_test_monthly"]["cents"] == 148_900 - 43_333
    poor = _afbg_amounts(evaluate_document(doc(MEISTER_FULL_TIME, person={"assets_eur": 45000})))
    assert poor["asset_setoff_monthly"]["cents"] == 0


#: Single participant earning 500 € a month during the course (§§ 21, 22 BAföG).
MEISTER_WITH_INCOME = doc(MEISTER_FULL_TIME, person={"income_eur": 500})


def test_afbg_own_income_above_the_allowance_reduces_the_unterhaltsbeitrag(
    client: Any, runner: Any
) -> None:
    # § 17 AFBG with § 23 Abs. 1 S. 1 Nr. 1 BAföG: 353 € a month stay free, 500 − 353 = 147 €
    # are set off; with the assets (625 €): 1,019 − 625 − 147 = 247 € a month, 24 × 247 =
    # 5,928 € over the course – no longer "bis zu", everything the test needs is known.
    out = evaluate_document(MEISTER_WITH_INCOME)
    amounts = _afbg_amounts(out)
    assert amounts["income_setoff_monthly"]["cents"] == 14_700
    assert amounts["maintenance_after_means_test_monthly"]["cents"] == 24_700
    assert amounts["maintenance_total"]["cents"] == 592_800
    assert amounts["maintenance_total"]["up_to"] is False
    reason = next(r for r in _programme(out, "afbg")["reasons"] if r["rule"] == "afbg.means_test")
    assert reason["met"] is True
    assert "247,00 € monatlich, 5.928,00 € über 24 Monate" in reason["text"]
    assert reason["verified"] is False  # the BAföG allowances are not in the reference
    assert any("„Einkommensfreibetrag Teilnehmende je Monat“ (353)" in w for w in out["warnings"])
    assert client.post("/api/foerdercheck", json=MEISTER_WITH_INCOME).get_json() == out
    cli = runner.invoke(args=["funding", "check", "-"], input=json.dumps(MEISTER_WITH_INCOME))
    assert _afbg_amounts(json.loads(cli.output))["maintenance_total"]["cents"] == 592_800


def test_afbg_partner_income_is_set_off_after_its_allowance_and_free_share(client: Any) -> None:
    # Married, one child with Kindergeld, no assets; own income 1,500 € stays below 353 + 850 +
    # 770 = 1,973 € (§ 23 Abs. 1 BAföG). Partner earns 3,000 €: allowance 1,690 + 770 = 2,460 €
    # (§ 25 Abs. 1 Nr. 2, Abs. 3 Nr. 2); of the 540 € above it 50 % + 5 % per child stay free
    # (§ 25 Abs. 4), 45 % = 243 € are set off. Need 1,019 + 235 + 235 = 1,489 € → 1,246 € a
    # month, 29,904 € over 24 months.
    family = doc(
        MEISTER_FULL_TIME,
        person={
            "marital_status": "married",
            "children": [{"birth_date": "2020-01-01"}],
            "assets_eur": 0,
            "income_eur": 1500,
            "partner_income_eur": 3000,
        },
    )
    out = client.post("/api/foerdercheck", json=family).get_json()
    amounts = _afbg_amounts(out)
    assert amounts["income_setoff_monthly"]["cents"] == 0
    assert amounts["partner_income_setoff_monthly"]["cents"] == 24_300
    assert amounts["maintenance_after_means_test_monthly"]["cents"] == 124_600
    assert amounts["maintenance_total"]["cents"] == 2_990_400
    assert amounts["maintenance_total"]["up_to"] is False
    without = _afbg_amounts(evaluate_document(doc(family, person={"partner_income_eur": None})))
    assert "partner_income_setoff_monthly" not in without
    assert without["maintenance_total"]["up_to"] is True


def test_afbg_income_allowance_before_1_august_2024_is_the_older_amount() -> None:
    # A course starting on 01.07.2024 is decided by the version valid until 31.07.2024:
    # 330 € free (§ 23 Abs. 1 S. 1 Nr. 1 BAföG a. F.), 500 − 330 = 170 € set off.
    before = evaluate_document(
        doc(
            MEISTER_WITH_INCOME,
            top={"reference_date": "2024-06-01"},
            course={"start_date": "2024-07-01"},
        )
    )
    after = evaluate_document(
        doc(
            MEISTER_WITH_INCOME,
            top={"reference_date": "2024-06-01"},
            course={"start_date": "2024-08-01"},
        )
    )
    assert _afbg_amounts(before)["income_setoff_monthly"]["cents"] == 17_000
    assert _afbg_amounts(after)["income_setoff_monthly"]["cents"] == 14_700


def test_afbg_income_allowance_from_the_catalogue_reduces_monthly() -> None:
    from wbagentur.funding.engine import DEFAULT_PARAMETER_SETS

    sets = [ps.to_dict() for ps in DEFAULT_PARAMETER_SETS]
    for s in sets:
        if s["version"] == "afbg@2024-08-01.2":
            s["params"]["income_allowance_monthly_eur"] = {"value": 400, "verified": True}
    document = doc(MEISTER_FULL_TIME, person={"income_eur": 500, "assets_eur": 0})
    amounts = _afbg_amounts(evaluate_document(document, parameter_sets=sets))
    assert amounts["income_setoff_monthly"]["cents"] == 10_000
    assert amounts["maintenance_after_means_test_monthly"]["cents"] == 101_900 - 10_000


def test_afbg_amounts_are_versioned_at_1_august_2024() -> None:
    before = evaluate_document(
        doc(
            MEISTER_FULL_TIME,
            top={"reference_date": "2024-06-01"},
            course={"start_date": "2024-07-01"},
        )
    )
    after = evaluate_document(
        doc(
            MEISTER_FULL_TIME,
            top={"reference_date": "2024-06-01"},
            course={"start_date": "2024-08-01"},
        )
    )
    assert _programme(before, "afbg")["parameter_version"] == "afbg@2020-08-01.3"
    assert _programme(after, "afbg")["parameter_version"] == "afbg@2024-08-01.2"
    assert any("„Grundbedarf je Monat“" in w for w in before["warnings"])
    assert not any("„Grundbedarf je Monat“" in w for w in after["warnings"])
