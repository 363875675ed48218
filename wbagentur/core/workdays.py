"""Thuringian working days: Monday to Friday and not a public holiday in Thuringia.

Shared by the referral deadlines (``referrals.rules``) and the funding engine's deadline
shift (``funding.engine.calendar``); pure, without database or Flask.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    # Thuringia: includes Weltkindertag (20 Sep, since 2019) and Reformationstag (31 Oct).
    return frozenset(holidays.Germany(subdiv="TH", years=year).keys())


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday in Thuringia."""
    return day.weekday() < 5 and day not in _holidays(day.year)
