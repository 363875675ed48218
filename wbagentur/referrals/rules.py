"""Pure rules of the referral module: Thuringian working days (due dates, answer times).
Partner suggestions are in ``partners.rules``.

No database, no Flask: the tests call these directly.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import date, timedelta

from wbagentur.core.workdays import is_working_day


def add_working_days(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (``start`` itself does not count).

    ``n = 0`` returns ``start`` unchanged; negative ``n`` counts backwards.
    """
    day = start
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days d with start < d <= end (negative when end lies before start)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def median_working_days(pairs: Iterable[tuple[date, date]]) -> float | None:
    """Median of the working days from each (sent, answered) pair; None without data."""
    values = [working_days_between(a, b) for a, b in pairs]
    return statistics.median(values) if values else None
