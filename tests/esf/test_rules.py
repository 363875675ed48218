"""ESF+ rules without a database: the 28/29-day boundary, exclusive results, participant
rule, completeness, pseudonym."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from wbagentur.esf import rules

EXIT = date(2026, 2, 27)  # a leap-free February end: day 28 after it is 27 March


@pytest.mark.parametrize(
    ("days", "inside"), [(-1, False), (0, True), (27, True), (28, True), (29, False), (60, False)]
)
def test_four_week_window_is_exact(days, inside):
    assert rules.within_four_weeks(EXIT, EXIT + timedelta(days=days)) is inside


def test_window_without_dates_is_outside():
    assert not rules.within_four_weeks(None, EXIT)
    assert not rules.within_four_weeks(EXIT, None)


def test_exclusive_pairs():
    assert rules.result_conflicts({"result_job_searching": True, "result_employment": True})
    assert rules.result_conflicts({"result_job_searching": True, "result_education": True})
    assert not rules.result_conflicts({"result_education": True, "result_employment": True})
    assert not rules.result_conflicts({"result_qualification": True, "result_employment": True})


@pytest.mark.parametrize(
    ("minutes", "days", "exempt", "expected"),
    [
        (480, 1, True, False),  # exactly 8 hours on one day: short counselling
        (481, 1, True, True),
        (60, 2, True, True),  # a second day
        (0, 0, True, False),
        (30, 1, False, True),  # exemption switched off: everybody counts
    ],
)
def test_participant_rule(minutes, days, exempt, expected):
    assert (
        rules.is_participant(minutes, days, exempt_short=exempt, max_minutes=480, max_days=1)
        is expected
    )


def test_missing_fields_on_entry_and_closing():
    complete = {"employment_status": "inactive", "age_at_entry": 0, "isced_level": "isced_0_2"}
    assert rules.missing_fields({**complete, "gender": "divers"}) == []
    assert rules.missing_fields(complete) == ["Geschlecht"]
    closing = rules.missing_fields({**complete, "gender": "divers"}, closing=True)
    assert closing == ["Austrittsdatum", "Situation bei Austritt"]


def test_pseudonym_is_stable_keyed_and_not_the_id():
    a = rules.pseudonym("k1", 42)
    assert a == rules.pseudonym("k1", 42)
    assert a != rules.pseudonym("k2", 42)
    assert a != rules.pseudonym("k1", 43)
    assert re.fullmatch(r"TN-[0-9A-F]{16}", a)


def test_age_bands_at_the_edges():
    assert [rules.age_band(a) for a in (17, 18, 29, 30, 54, 55)] == [
        "under_18",
        "18_29",
        "18_29",
        None,
        None,
        "55_plus",
    ]
