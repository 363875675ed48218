"""Money, numbers and dates written for the reader: the one place (issue #18 item 5).

Templates (the filters ``|euro``, ``|zahl``, ``|datum``), letters, PDFs and exports format
through here, on Babel. Without ``locale`` the request's language decides (German outside
a request): the UI follows the reader. A document for a German recipient (the firm's
letter, a mail, the Art. 15 export) passes ``locale="de"``. Typed input is parsed by
``core.numbers`` (``parse_number``, ``parse_money_cents``), which this module re-exports.

    format_money(150000050)          "1.500.000,50 €"    English: "€1,500,000.50"
    format_number(1234.5)            "1.234,5"           English: "1,234.5"
    format_date(date(2026, 12, 2))   "02.12.2026"        English: "Dec 2, 2026"
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from typing import Literal, cast

from babel import dates

from wbagentur.core.numbers import (
    babel_locale,
    cents_to_number,
    current_locale,
    format_money,
    format_number,
    parse_money_cents,
    parse_number,
    plain_number,
)
from wbagentur.core.timezone import BERLIN

__all__ = [
    "cents_to_number",
    "current_locale",
    "format_date",
    "format_minute",
    "format_money",
    "format_number",
    "parse_money_cents",
    "parse_number",
    "plain_number",
]


def format_date(
    value: date | datetime | None,
    style: str = "medium",
    locale: str | None = None,
    empty: str = "–",
) -> str:
    """A date (or a point in time, shown in Thuringian local time) in the locale's way.

    ``style``: Babel's ``short``, ``medium`` (default: ``02.12.2026`` / ``Dec 2, 2026``),
    ``long`` or a pattern. A ``datetime`` keeps its time of day (a naive one is UTC, as the
    database stores it)."""
    if value is None:
        return empty
    identifier = locale or current_locale()
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(BERLIN)
    pattern = _pattern(identifier, style, isinstance(value, datetime))
    return str(pattern.apply(value, babel_locale(identifier)))


_STYLES = ("full", "long", "medium", "short")


@functools.lru_cache(maxsize=64)
def _pattern(identifier: str, style: str, with_time: bool) -> dates.DateTimePattern:
    """The locale's pattern of ``style`` for a date, or for a date and time as one pattern.

    Babel's ``format_datetime`` formats the date and the time apart and puts them into the
    locale's combining pattern, looking up and parsing three patterns a call: a quarter of
    the case list's time on its 25 dates (issue #22). The combined pattern, parsed once,
    writes the same text (tests/core/test_formatting.py)."""
    if style not in _STYLES:
        return dates.parse_pattern(style)
    named = cast(Literal["full", "long", "medium", "short"], style)
    parsed = babel_locale(identifier)
    date_pattern = dates.get_date_format(named, parsed).pattern
    if not with_time:
        return dates.parse_pattern(date_pattern)
    time_pattern = dates.get_time_format(named, parsed).pattern
    combining = str(dates.get_datetime_format(named, parsed))
    return dates.parse_pattern(combining.replace("{1}", date_pattern).replace("{0}", time_pattern))


def format_minute(value: datetime | None, locale: str | None = None, empty: str = "–") -> str:
    """A point in time to the minute in Thuringian local time: the date as ``format_date``
    writes it, then hours and minutes: "07.12.2026, 02:15" / "Dec 7, 2026, 02:15"."""
    if value is None:
        return empty
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(BERLIN)
    return f"{format_date(local.date(), locale=locale)}, {local:%H:%M}"
