"""Date arithmetic used by the funding rules (ages, waiting times, deadlines).

All functions are pure and work on :class:`datetime.date`; there is no "today" in here.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

__all__ = ["add_days", "add_months", "add_years", "age_on", "fmt_date"]


def add_days(d: date, days: int) -> date:
    """Return ``d`` shifted by ``days`` calendar days (negative = earlier)."""
    return d + timedelta(days=days)


def add_months(d: date, months: int) -> date:
    """Return ``d`` shifted by whole months; the day is clamped to the month's last day."""
    y, m = divmod(d.month - 1 + months, 12)
    year = d.year + y
    month = m + 1
    last = monthrange(year, month)[1]
    return date(year, month, d.day if d.day <= last else last)


def add_years(d: date, years: int) -> date:
    """Return ``d`` shifted by whole years; 29 February becomes 28 February when needed."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def age_on(birth_date: date, on: date) -> int:
    """Completed years of life on ``on``.

    The birthday itself counts as reached: the year is completed at the end of the previous day
    (§ 187 Abs. 2 S. 2, § 188 Abs. 2 BGB), so on the birthday the new age applies.
    """
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def fmt_date(d: date) -> str:
    """German date format ``TT.MM.JJJJ``."""
    return f"{d.day:02d}.{d.month:02d}.{d.year}"
