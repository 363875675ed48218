"""Strict input validation, parameter sets and the JSON document interface."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from wbagentur.funding.engine import (
    DEFAULT_PARAMETER_SETS,
    CaseInput,
    ParameterCatalogue,
    evaluate,
    evaluate_document,
    parse_parameter_set,
)
from wbagentur.funding.engine.firmsize import weighted_headcount
from wbagentur.funding.engine.inputs import StaffGroup

from .helpers import EX1, doc


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"firm": {"headcunt": 3}}, "firm: unbekannte Felder / unknown fields: headcunt"),
        ({"colour": "red"}, "unknown fields: colour"),
        ({"firm": {"headcount": "12"}}, "firm.headcount"),
        ({"firm": {"headcount": -1}}, "firm.headcount"),
        ({"firm": {"seat_in_thuringia": 1}}, "firm.seat_in_thuringia"),
        ({"firm": {"district_key": 16068}}, "firm.district_key"),
        ({"firm": {"structural_change_share": 20}}, "firm.structural_change_share"),
        ({"person": {"birth_date": "01.02.1980"}}, "person.birth_date"),
        ({"person": {"birth_date": "1980-02-30"}}, "person.birth_date"),
        ({"person": {"employment_status": "retired"}}, "person.employment_status"),
        ({"course": {"course_fees_eur": "6000"}}, "course.course_fees_eur"),
        ({"course": {"afbg_level": 4}}, "course.afbg_level"),
        ({"course": {"start_date": "2027-02-01", "end_date": "2027-01-01"}}, "course.end_date"),
        ({"firm": {"staff": [{"count": 3}]}}, "firm.staff[0].weekly_hours"),
        (
            {"person": {"children": [{"age": 3, "name": "x"}]}},
            "person.children[0]: unbekannte Felder",
        ),
        ({"reference_date": 20261121}, "reference_date"),
        ({"firm": []}, "firm: Objekt erwartet"),
    ],
)
def test_strict_validation_names_the_field(document: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as err:
        CaseInput.from_dict(document)
    assert message in str(err.value)


def test_all_errors_reported_at_once() -> None:
    with pytest.raises(ValueError) as err:
        CaseInput.from_dict({"firm": {"headcount": "x"}, "course": {"hours": "y", "foo": 1}})
    text = str(err.value)
    assert "firm.headcount" in text
    assert "course.hours" in text
    assert "foo" in text


def test_euro_input_becomes_integer_cents() -> None:
    case = CaseInput.from_dict({"course": {"course_fees_eur": 8333.335, "exam_fees_eur": 0.1}})
    assert case.course.course_fees_cents == 833334
    assert case.course.exam_fees_cents == 10


def test_weighting_of_part_time_staff() -> None:
    staff = [
        StaffGroup(10, 4),
        StaffGroup(10.5, 2),
        StaffGroup(20, 1),
        StaffGroup(30, 1),
        StaffGroup(30.5, 1),
    ]
    assert weighted_headcount(staff) == 4 * 0.25 + 2 * 0.5 + 0.5 + 0.75 + 1.0


def test_evaluate_document_is_json_serialisable_and_uses_today_at_the_edge() -> None:
    d = doc(EX1, top={"reference_date": None})
    out = evaluate_document(d, today=date(2026, 11, 21))
    assert out["reference_date"] == "2026-11-21"
    assert json.loads(json.dumps(out)) == out
    s82 = next(p for p in out["programmes"] if p["programme"] == "sgb3_82")
    amounts = {a["code"]: a["cents"] for a in s82["amounts"]}
    assert amounts["total_ba"] == 1_350_000
    assert out["parameter_versions"]["sgb3_82"] == "sgb3_82@2024-04-01.2"
    assert all(
        set(r) >= {"text", "rule", "citation", "met", "source_url", "verified"}
        for r in s82["reasons"]
    )


def test_default_parameter_sets_are_json_and_round_trip() -> None:
    for ps in DEFAULT_PARAMETER_SETS:
        data = json.loads(json.dumps(ps.to_dict()))
        assert parse_parameter_set(data) == ps
    by_version = {ps.version: ps for ps in DEFAULT_PARAMETER_SETS}
    assert (
        by_version["sgb3_82@2024-04-01.2"].verified is False
    )  # SV flat rate, hours unit, staff counting
    assert by_version["sgb3_82@2024-04-01.2"].params["bands"].verified is True
    assert by_version["sgb3_82@2019-01-01.2"].params["bands"].verified is False
    assert by_version["esf_weiterbildungsscheck@2022-06-20"].params["rate"].verified is False
    assert by_version["sgb3_82@2019-01-01.2"].valid_to == date(2024, 3, 31)


def test_custom_parameter_sets_replace_the_defaults() -> None:
    sets = [ps.to_dict() for ps in DEFAULT_PARAMETER_SETS if ps.programme != "afbg"]
    new82 = next(s for s in sets if s["version"] == "sgb3_82@2024-04-01.2")
    new82["version"] = "sgb3_82@2024-04-01-test"
    new82["params"]["bands"]["value"][0]["aez_rate"] = 0.6
    catalogue = ParameterCatalogue(sets)
    r = evaluate(CaseInput.from_dict(EX1), parameter_sets=catalogue)
    assert r.parameter_versions["sgb3_82"] == "sgb3_82@2024-04-01-test"
    assert r.programme("sgb3_82").amount("wage_subsidy").cents == 600_000  # type: ignore[union-attr]
    afbg = r.programme("afbg")
    assert r.parameter_versions["afbg"] is None
    assert afbg.status == "needs_information"
    assert afbg.reasons[0].rule == "afbg.parameters"
    # the defaults were not touched by editing the dict form
    assert (
        evaluate(CaseInput.from_dict(EX1)).programme("sgb3_82").amount("wage_subsidy").cents
        == 750_000
    )  # type: ignore[union-attr]
    # plain dicts work without a prepared catalogue, too
    assert (
        evaluate(CaseInput.from_dict(EX1), parameter_sets=sets)
        .parameter_versions["sgb3_82"]
        .endswith("-test")
    )  # type: ignore[union-attr]


def test_overlapping_parameter_sets_are_rejected() -> None:
    sets = [ps.to_dict() for ps in DEFAULT_PARAMETER_SETS]
    sets.append({**sets[3], "version": "sgb3_82@dup"})
    with pytest.raises(ValueError, match="überlappen"):
        ParameterCatalogue(sets)


def test_parameter_set_with_unknown_field_is_rejected() -> None:
    data = DEFAULT_PARAMETER_SETS[0].to_dict()
    data["extra"] = 1
    with pytest.raises(ValueError, match="extra"):
        parse_parameter_set(data)
