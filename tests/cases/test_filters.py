"""cases.filters: the dashboard's drill-down parameters, checked without HTTP or database."""

from __future__ import annotations

from datetime import date

import pytest

from wbagentur.cases.filters import drill_down_filters, iso_date, without


def test_good_parameters_are_kept_with_their_types():
    assert drill_down_filters(
        {
            "advisor": "12",
            "region": " 3 ",
            "opened_from": "2026-01-01",
            "opened_to": "2026-03-31",
            "closed_to": "2026-12-31",
            "outcome": "training_started",
            "channel": "phone",
            "no_contact_days": "30",
        }
    ) == {
        "advisor": 12,
        "region": 3,
        "opened_from": date(2026, 1, 1),
        "opened_to": date(2026, 3, 31),
        "closed_to": date(2026, 12, 31),
        "outcome": "training_started",
        "channel": "phone",
        "no_contact_days": 30,
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("advisor", "0"),
        ("advisor", "-4"),
        ("advisor", "12a"),
        ("advisor", "1234567890"),  # more digits than any id
        ("partner", ""),
        ("outcome", "gewonnen"),
        ("channel", "Phone"),
        ("stage", "<script>"),
        ("programme", "unbekannt"),
        ("no_contact_days", "0"),
        ("no_contact_days", "3651"),
        ("no_contact_days", "99999"),
        ("no_contact_days", "7.5"),
        ("opened_from", "01.02.2026"),
        ("opened_from", "2026-02-30"),
        ("opened_from", "1999-12-31"),
        ("closed_to", "2101-01-01"),
        ("unknown", "1"),
    ],
)
def test_bad_parameters_are_dropped_silently(name, value):
    assert drill_down_filters({name: value}) == {}


def test_a_date_range_backwards_is_dropped_as_a_whole_the_others_stay():
    assert drill_down_filters(
        {
            "opened_from": "2026-05-01",
            "opened_to": "2026-04-01",
            "closed_from": "2026-04-01",
        }
    ) == {"closed_from": date(2026, 4, 1)}


def test_a_one_day_range_is_kept():
    day = "2026-06-15"
    assert drill_down_filters({"referred_from": day, "referred_to": day}) == {
        "referred_from": date(2026, 6, 15),
        "referred_to": date(2026, 6, 15),
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-06-15", date(2026, 6, 15)),
        ("2000-01-01", date(2000, 1, 1)),
        ("2100-12-31", date(2100, 12, 31)),
        (None, None),
        ("", None),
        ("2026-6-15", None),
        ("20260615", None),
        ("2026-06-15T10", None),
    ],
)
def test_iso_date(raw, expected):
    assert iso_date(raw) == expected


def test_removing_a_filter_keeps_the_rest_and_the_advisor_takes_its_form_echo_along():
    args = {"advisor": "12", "assigned": "berater", "status": "open", "region": "3"}
    assert without(args, ("advisor",)) == {"status": "open", "region": "3"}
    assert without(args, ("region",)) == {"advisor": "12", "assigned": "berater", "status": "open"}
    dates = {"opened_from": "2026-01-01", "opened_to": "2026-02-01", "sort": "neueste"}
    assert without(dates, ("opened_from", "opened_to")) == {"sort": "neueste"}
