"""Date arithmetic used by the funding rules (ages, waiting times, deadlines).

All functions are pure and work on :class:`datetime.date`; there is no "today" in here.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from .i18n import N_, _, current_language

__all__ = [
    "add_days",
    "add_months",
    "add_years",
    "age_on",
    "fmt_date",
    "last_working_day_on_or_before",
    "non_working_label",
]

# Results beyond the calendar's range are clamped to its first/last day instead of raising
# OverflowError: the input bounds (1800-2199) keep real cases far away from these edges; the clamp
# only guarantees that no computed deadline can crash the engine.


def add_days(d: date, days: int) -> date:
    """Return ``d`` shifted by ``days`` calendar days (negative = earlier), clamped to the range."""
    ordinal = d.toordinal() + int(days)
    return date.fromordinal(min(max(ordinal, 1), date.max.toordinal()))


def add_months(d: date, months: int) -> date:
    """Return ``d`` shifted by whole months; the day is clamped to the month's last day."""
    y, m = divmod(d.month - 1 + int(months), 12)
    year = d.year + y
    if year < date.min.year:
        return date.min
    if year > date.max.year:
        return date.max
    month = m + 1
    last = monthrange(year, month)[1]
    return date(year, month, d.day if d.day <= last else last)


def add_years(d: date, years: int) -> date:
    """Return ``d`` shifted by whole years; 29 February becomes 28 February when needed."""
    year = d.year + int(years)
    if year < date.min.year:
        return date.min
    if year > date.max.year:
        return date.max
    try:
        return d.replace(year=year)
    except ValueError:
        return d.replace(year=year, day=28)


def last_working_day_on_or_before(d: date) -> date:
    """``d`` itself if it is a working day in Thuringia, else the last working day before it.

    Uses the working-day rule the referral deadlines use too (Monday to Friday, no Thuringian
    public holiday). A postal application cannot arrive on a weekend or a holiday, so the advisor is
    shown this day for a deadline that falls on one. Imported lazily: the engine stays importable
    without the application.
    """
    from wbagentur.core.workdays import is_working_day

    day = d
    for _attempt in range(14):  # never more than a long weekend with holidays
        if is_working_day(day) or day == date.min:
            return day
        day = add_days(day, -1)
    return day


def age_on(birth_date: date, on: date) -> int:
    """Completed years of life on ``on``.

    The birthday itself counts as reached: the year is completed at the end of the previous day
    (§ 187 Abs. 2 S. 2, § 188 Abs. 2 BGB), so on the birthday the new age applies.
    """
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def fmt_date(d: date) -> str:
    """Date as ``TT.MM.JJJJ`` (English: ISO ``YYYY-MM-DD``, unambiguous for every reader)."""
    if current_language() == "en":
        return d.isoformat()
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


_WEEKEND = {5: N_("Samstag"), 6: N_("Sonntag")}


def non_working_label(d: date) -> str | None:
    """``None`` for a Thuringian working day, else why not (Samstag, Sonntag, Feiertag)."""
    if last_working_day_on_or_before(d) == d:
        return None
    return _(_WEEKEND.get(d.weekday(), N_("gesetzlicher Feiertag in Thüringen")))
