"""No input crashes the funding check (issue #17 item 1).

Every document gets a result or a refusal: the engine raises only ``ValueError``, the JSON API
answers 200 or 400 with the JSON error shape, the CLI prints a result or exits 1 with a German
message. The known crashes of the issue are worked examples; a hypothesis test generates
``BULK_DOCUMENTS`` documents per run (extreme dates and numbers, wrong types, unknown keys)
through the engine and ``API_DOCUMENTS`` through the API test client, and counts server errors.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.funding.helpers import EX1, EX6, EX8
from wbagentur.funding import services
from wbagentur.funding.engine import evaluate_document

TODAY = date(2026, 11, 21)

#: Documents generated per run through the engine (validation + evaluation) and the API.
BULK_DOCUMENTS = 10_000
BULK_BATCH = 25
API_DOCUMENTS = 300

EXTREME_DATES = [
    "0001-01-01",
    "0001-12-31",
    "1799-12-31",
    "1900-01-01",
    "1970-01-01",
    "2024-02-29",
    "2024-03-31",
    "2024-04-01",
    "2024-07-31",
    "2024-08-01",
    "2199-12-31",
    "2200-01-01",
    "9999-06-01",
    "9999-12-31",
    "2023-02-29",
    "2026-13-01",
    "26.11.2026",
    "",
]
EXTREME_NUMBERS: list[Any] = [
    0,
    -1,
    0.5,
    1e-300,
    119.999,
    120,
    1e6,
    1e12,
    1e15,
    1e15 + 2,
    1e20,
    1e26,
    1e30,
    1e308,
    float("inf"),
    float("-inf"),
    float("nan"),
    2**63,
    10**40,
    True,
    "1000",
    None,
    [],
    {},
]
OTHER_VALUES: list[Any] = [None, True, False, "", "x" * 500, [], {}, [1, 2], {"a": 1}, -5]

DATE_FIELDS = {
    "course": ["start_date", "end_date", "application_date", "booking_date", "award_date"],
    "person": ["birth_date", "employed_since", "last_82_funding_date", "last_82a_funding_date"],
    "thuerbfg": ["request_date"],
}
NUMBER_FIELDS = {
    "course": [
        "hours",
        "course_fees_eur",
        "exam_fees_eur",
        "meisterstueck_material_eur",
        "employer_contribution_eur",
        "eligible_wage_eur",
        "gross_wage_for_training_time_eur",
        "duration_months",
        "lessons_per_week",
        "lessons_per_month",
        "days",
        "lessons_per_day",
        "regular_training_months",
        "travel_costs_monthly_eur",
        "accommodation_days_per_month",
        "meals_days_per_month",
    ],
    "person": [
        "years_of_work",
        "taxable_income_eur",
        "assets_eur",
        "income_eur",
        "partner_income_eur",
        "net_pay_difference_monthly_eur",
        "working_days_per_week",
        "vocational_qualification_year",
    ],
    "firm": [
        "headcount",
        "group_headcount",
        "structural_change_share",
        "annual_turnover_eur",
        "balance_sheet_total_eur",
    ],
    "thuerbfg": [
        "days_already_granted_this_year",
        "carried_over_days",
        "days_already_taken_by_colleagues_this_year",
        "headcount_on_jan_1",
    ],
}
ENUM_FIELDS = {
    ("person", "employment_status"): ["employed", "unemployed", "apprentice", "self_employed"],
    ("course", "goal"): ["afbg", "vocational_qualification", "other", "university_degree"],
    ("course", "mode"): ["full_time", "part_time"],
    ("course", "afbg_level"): [1, 2, 3, 4],
    ("course", "hours_unit"): ["clock_hours", "teaching_units_45"],
    ("firm", "district_key"): ["16068", "16054", "09162", "1606"],
    ("person", "workplace_state"): ["TH", "HE", "BY", "XX"],
    ("person", "marital_status"): ["married", "single"],
    ("person", "childcare_needed"): [True, False],
    ("person", "short_time_work_at_course_start"): [True, False],
    ("firm", "restructuring"): [True, False],
    ("firm", "transfer_advice_by_agency"): [True, False],
    ("person", "transfer_short_time_work"): [True, False],
    ("person", "rehabilitation_need"): [True, False],
    ("firm", "linked_to_large_enterprise"): [True, False],
    ("course", "shortening_impossible_by_law"): [True, False],
}
MEISTER_FULL_TIME = {
    **EX6,
    "person": {
        **EX6["person"],
        "assets_eur": 60000,
        "income_eur": 800,
        "marital_status": "married",
        "partner_income_eur": 2500,
    },
    "course": {**EX6["course"], "mode": "full_time", "lessons_per_week": 30},
}
UMSCHULUNG = {
    **EX1,
    "person": {**EX1["person"], "employment_status": "unemployed", "childcare_needed": True},
    "course": {**EX1["course"], "goal": "vocational_qualification", "regular_training_months": 36},
}
RESTRUCTURING = {
    **EX1,
    "firm": {**EX1["firm"], "restructuring": True, "transfer_advice_by_agency": True},
    "person": {
        **EX1["person"],
        "employment_status": "threatened_by_unemployment",
        "transfer_short_time_work": True,
        "net_pay_difference_monthly_eur": 1500,
    },
    "course": {**EX1["course"], "employer_contribution_eur": 2000},
}
BASES = [EX1, EX6, EX8, MEISTER_FULL_TIME, UMSCHULUNG, RESTRUCTURING, {}]


def _section(doc: dict[str, Any], name: str) -> dict[str, Any]:
    if not isinstance(doc.get(name), dict):
        doc[name] = {}
    return doc[name]  # type: ignore[no-any-return]


def _mutate(doc: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    """Apply 1-6 random mutations: extreme dates, extreme numbers, wrong types, lists, keys."""
    for _ in range(rnd.randint(1, 6)):
        kind = rnd.random()
        if kind < 0.3:
            section = rnd.choice(list(DATE_FIELDS))
            _section(doc, section)[rnd.choice(DATE_FIELDS[section])] = rnd.choice(EXTREME_DATES)
        elif kind < 0.6:
            section = rnd.choice(list(NUMBER_FIELDS))
            _section(doc, section)[rnd.choice(NUMBER_FIELDS[section])] = rnd.choice(EXTREME_NUMBERS)
        elif kind < 0.72:
            (section, key), values = rnd.choice(list(ENUM_FIELDS.items()))
            _section(doc, section)[key] = rnd.choice(values + OTHER_VALUES)
        elif kind < 0.8:
            n = rnd.choice([0, 1, 3, 500, 20_000])
            _section(doc, "person")["children"] = (
                [rnd.randint(0, 30) for _ in range(n)]
                if rnd.random() < 0.5
                else [{"birth_date": rnd.choice(EXTREME_DATES)}] * n
            )
        elif kind < 0.86:
            _section(doc, "firm")["staff"] = [
                {"weekly_hours": rnd.choice(EXTREME_NUMBERS), "count": rnd.choice(EXTREME_NUMBERS)}
                for _ in range(rnd.randint(0, 3))
            ]
        elif kind < 0.92:
            doc["reference_date"] = rnd.choice(EXTREME_DATES + [None])
        elif kind < 0.96:
            section = rnd.choice(["firm", "person", "course", "thuerbfg", "colour"])
            doc[section] = rnd.choice(OTHER_VALUES)
        else:
            _section(doc, "course")[rnd.choice(["unknown", "ä" * 80])] = 1
    return doc


def _document(rnd: random.Random) -> Any:
    if rnd.random() < 0.02:
        return rnd.choice([None, [], "text", 5, True])
    doc = copy.deepcopy(rnd.choice(BASES))
    return _mutate(doc, rnd)


def _engine_outcome(doc: Any) -> str:
    """'result' or 'refused'; any other exception propagates and fails the test."""
    try:
        out = evaluate_document(doc, today=TODAY)
    except ValueError as exc:
        message = str(exc)
        if not message:
            raise AssertionError("a refusal must say why") from exc
        return "refused"
    json.dumps(out)
    assert len(out["programmes"]) == 7
    return "result"


def test_generated_documents_never_crash_the_engine() -> None:
    counts = {"result": 0, "refused": 0}

    @settings(
        max_examples=BULK_DOCUMENTS // BULK_BATCH,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.randoms(use_true_random=False))
    def run(rnd: random.Random) -> None:
        for _ in range(BULK_BATCH):
            counts[_engine_outcome(_document(rnd))] += 1

    run()
    total = counts["result"] + counts["refused"]
    # Recorded count: 10,000 generated documents per run, 0 server errors (any exception other
    # than ValueError would have failed the run); both outcomes occur.
    assert total >= BULK_DOCUMENTS
    assert counts["result"] > 0
    assert counts["refused"] > 0


@pytest.fixture
def api_client(clean_app: Any) -> Iterator[Any]:
    old = clean_app.config.get("FUNDING_API_RATELIMIT")
    clean_app.config["FUNDING_API_RATELIMIT"] = "100000 per hour"
    try:
        yield clean_app.test_client()
    finally:
        clean_app.config["FUNDING_API_RATELIMIT"] = old or "60 per hour"


def _post(client: Any, body: str) -> Any:
    return client.post("/api/foerdercheck", data=body, headers={"Content-Type": "application/json"})


def test_generated_documents_through_the_api_answer_200_or_400(api_client: Any) -> None:
    codes: dict[int, int] = {}

    @settings(max_examples=API_DOCUMENTS, deadline=None, database=None)
    @given(st.randoms(use_true_random=False))
    def run(rnd: random.Random) -> None:
        doc = _document(rnd)
        response = _post(api_client, json.dumps(doc))
        codes[response.status_code] = codes.get(response.status_code, 0) + 1
        assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
        body = response.get_json()
        if response.status_code == 400:
            assert body["error"] in ("invalid_input", "invalid_json")
            assert body["message"]
        else:
            assert len(body["programmes"]) == 7

    run()
    assert sum(codes.values()) >= API_DOCUMENTS
    assert codes.get(500, 0) == 0


def _with(section: str, key: str | None, value: Any, base: dict[str, Any] = EX1) -> Any:
    doc = copy.deepcopy(base)
    if key is None:
        doc[section] = value
    else:
        _section(doc, section)[key] = value
    return doc


KNOWN_CRASHES = [
    pytest.param("course", "course_fees_eur", 1e26, "course.course_fees_eur", id="fees-1e26"),
    pytest.param("course", "course_fees_eur", 1e30, "course.course_fees_eur", id="fees-1e30"),
    pytest.param("course", "end_date", "9999-12-31", "course.end_date", id="end-9999"),
    pytest.param(
        "person", "employed_since", "9999-12-31", "person.employed_since", id="employed-9999"
    ),
    pytest.param(
        "person", "last_82_funding_date", "9999-12-31", "person.last_82_funding_date", id="82-9999"
    ),
    pytest.param(
        "thuerbfg", "request_date", "9999-12-31", "thuerbfg.request_date", id="request-9999"
    ),
    pytest.param("course", "booking_date", "0001-01-01", "course.booking_date", id="booking-0001"),
]


@pytest.mark.parametrize(("section", "key", "value", "field"), KNOWN_CRASHES)
def test_known_crashes_are_refused_by_engine_api_and_cli(
    api_client: Any, runner: Any, section: str, key: str, value: Any, field: str
) -> None:
    doc = _with(section, key, value)
    with pytest.raises(ValueError, match=field.replace(".", r"\.")):
        evaluate_document(doc, today=TODAY)
    response = _post(api_client, json.dumps(doc))
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_input"
    assert field in body["fields"]
    result = runner.invoke(args=["funding", "check", "-"], input=json.dumps(doc))
    assert result.exit_code == 1
    assert field in result.output
    assert "Traceback" not in result.output


def test_afbg_course_starting_9999_is_refused(api_client: Any, runner: Any) -> None:
    doc = _with("course", "start_date", "9999-06-01", EX6)
    doc["course"].pop("end_date", None)
    with pytest.raises(ValueError, match="außerhalb des möglichen Bereichs"):
        evaluate_document(doc, today=TODAY)
    response = _post(api_client, json.dumps(doc))
    assert response.status_code == 400
    assert response.get_json()["fields"] == ["course.start_date"]
    result = runner.invoke(args=["funding", "check", "-"], input=json.dumps(doc))
    assert result.exit_code == 1
    assert "Datum außerhalb des möglichen Bereichs 1800–2199" in result.output


def test_dates_at_the_bounds_give_a_result() -> None:
    doc = _with("course", "end_date", "2199-12-31")
    doc["person"]["birth_date"] = "1900-01-01"
    doc["person"]["last_82_funding_date"] = "1900-01-01"
    doc["thuerbfg"] = {"request_date": "2199-12-31"}
    out = evaluate_document(doc, today=TODAY)
    assert out["programmes"][2]["programme"] == "sgb3_82"
    assert any("Alter 127 Jahre" in w for w in out["warnings"])


def test_null_body_is_invalid_input_not_invalid_json(api_client: Any, runner: Any) -> None:
    response = _post(api_client, "null")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_input"
    result = runner.invoke(args=["funding", "check", "-"], input="null")
    assert result.exit_code == 1
    assert "JSON-Objekt erwartet" in result.output


@pytest.mark.parametrize("depth", [33, 1_000, 5_000, 100_000])
def test_deeply_nested_json_is_400_invalid_json(api_client: Any, runner: Any, depth: int) -> None:
    body = '{"firm": ' * depth + "1" + "}" * depth
    response = _post(api_client, body)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_json"
    assert "verschachtelt" in response.get_json()["message"]
    result = runner.invoke(args=["funding", "check", "-"], input="[" * depth + "]" * depth)
    assert result.exit_code == 1
    assert "Kein gültiges JSON: zu tief verschachtelt" in result.output


def test_nesting_inside_strings_does_not_count() -> None:
    assert services.load_json(json.dumps({"firm": {"name": "[[[{" * 50}})) == {
        "firm": {"name": "[[[{" * 50}
    }


def test_invalid_utf8_is_invalid_json(api_client: Any, runner: Any) -> None:
    response = api_client.post(
        "/api/foerdercheck", data=b"\xff\xfe{", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_json"


def test_huge_numbers_within_bounds_compute_exactly() -> None:
    doc = _with("course", "course_fees_eur", 999_999_999_999.99)
    out = evaluate_document(doc, today=TODAY)
    s82 = out["programmes"][2]
    ba = next(a for a in s82["amounts"] if a["code"] == "course_costs_ba")
    assert ba["cents"] == 99_999_999_999_999


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{kaputt", "Kein gültiges JSON: Fehler in Zeile 1, Spalte 2."),
        ('{"firm": {"headcount": ' + "9" * 5000 + "}}", "Kein gültiges JSON: Wert nicht lesbar."),
    ],
)
def test_invalid_json_has_a_german_message(
    api_client: Any, runner: Any, body: str, message: str
) -> None:
    response = _post(api_client, body)
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid_json", "message": message, "fields": []}
    result = runner.invoke(args=["funding", "check", "-"], input=body)
    assert result.exit_code == 1
    assert message in result.output
