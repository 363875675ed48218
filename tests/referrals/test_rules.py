"""Working days with Thuringian holidays (no database)."""

from datetime import date

import pytest

from wbagentur.referrals.rules import (
    add_working_days,
    median_working_days,
    working_days_between,
)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 16), 4, date(2026, 11, 20)),  # plain week
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday → Monday
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # Easter: Good Friday and Easter Monday skipped
        (date(2026, 12, 23), 2, date(2026, 12, 28)),  # Christmas 25/26 Dec (Fri/Sat)
        (date(2027, 12, 23), 1, date(2027, 12, 24)),  # 24 Dec is a working day
        (date(2027, 12, 24), 1, date(2027, 12, 27)),  # 25/26 Dec on the weekend in 2027
        (date(2028, 9, 19), 1, date(2028, 9, 21)),  # Weltkindertag 20 Sep (Wed) in Thuringia
        (date(2029, 10, 30), 1, date(2029, 11, 1)),  # Reformationstag 31 Oct (Wed)
        (date(2026, 11, 20), 0, date(2026, 11, 20)),
        (date(2026, 4, 7), -1, date(2026, 4, 2)),
    ],
)
def test_add_working_days_skips_weekends_and_thuringian_holidays(start, n, expected):
    assert add_working_days(start, n) == expected


def test_working_days_between_counts_exclusive_start_inclusive_end():
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    assert working_days_between(date(2026, 4, 7), date(2026, 4, 2)) == -1
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 20)) == 0


def test_median_working_days_without_data_is_none():
    assert median_working_days([]) is None
    assert (
        median_working_days(
            [(date(2026, 11, 16), date(2026, 11, 18)), (date(2026, 11, 16), date(2026, 11, 20))]
        )
        == 3
    )
