"""Money and numbers, parsed and formatted the German or the English way (Babel).

The one place that reads a typed number and prints one (issue #14 defect 2, issue #18
item 5): every form field (``core.forms.NumberField`` / ``MoneyField``), template filter
(``|euro``, ``|zahl``), export and letter goes through here.

Parsing is strict: in German ``14.640,00``, ``14640,00`` and ``14640`` are 14640, while
``14.64`` (a point that is neither a thousands separator nor allowed as decimal mark) or
``1,234,5`` are refused instead of guessed, because a guess stored 14,64 € for 14.640,00 €.
Money is kept as integer cents.
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

DEFAULT_LOCALE = "de"
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
_CURRENCY = re.compile(r"€$")
_HUNDRED = Decimal(100)


class NumberInputError(ValueError):
    """Typed text that is no number in the locale; ``reason`` says why.

    ``reason``: ``"invalid"`` (not a number), ``"ambiguous"`` (separators in the wrong
    places, e.g. ``14.64`` in German) or ``"places"`` (more decimals than allowed)."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(text)
        self.text, self.reason = text, reason


def current_locale() -> str:
    """The request's locale (German outside a request or without Flask-Babel)."""
    from wbagentur.core.translation import locale_name

    try:
        name = locale_name()
    except (RuntimeError, KeyError, AttributeError):
        return DEFAULT_LOCALE
    return name or DEFAULT_LOCALE


@functools.lru_cache(maxsize=32)
def babel_locale(identifier: str) -> Locale:
    """Babel's ``Locale`` of ``"de"`` or ``"en"``, parsed once: Babel parses a locale given as
    text on every call, a tenth of the cost of each date in a list (issue #22)."""
    return Locale.parse(identifier)


def _symbols(locale: str) -> tuple[str, str]:
    return get_group_symbol(locale), get_decimal_symbol(locale)


def parse_number(
    text: str | None, locale: str | None = None, places: int | None = None
) -> Decimal | None:
    """The number in ``text`` written the ``locale``'s way; None for empty text.

    Accepts an optional leading minus, thousands separators in their places (a space
    counts as one), the locale's decimal mark and a trailing ``€``. Raises
    ``NumberInputError`` for anything else and for more than ``places`` decimals."""
    if text is None:
        return None
    raw = _CURRENCY.sub("", text.strip()).strip()
    if not raw:
        return None
    locale = locale or current_locale()
    group, decimal_mark = _symbols(locale)
    compact = _SPACES.sub("", raw)
    allowed = set("0123456789-") | {group, decimal_mark}
    if not compact or set(compact) - allowed or "-" in compact[1:]:
        raise NumberInputError(text, "invalid")
    if not any(c.isdigit() for c in compact):
        raise NumberInputError(text, "invalid")
    if _SPACES.search(raw):
        # "2 000 000": a space is a thousands separator only between groups of three.
        mark = re.escape(decimal_mark)
        if not re.fullmatch(rf"-?\d{{1,3}}(?:[\s\u00a0\u202f\u2009]\d{{3}})+(?:{mark}\d+)?", raw):
            raise NumberInputError(text, "ambiguous")
    try:
        value = parse_decimal(compact, locale=locale, strict=True)
    except NumberFormatError as error:
        reason = "ambiguous" if "properly formatted" in str(error) else "invalid"
        raise NumberInputError(text, reason) from None
    except (InvalidOperation, ValueError):
        raise NumberInputError(text, "invalid") from None
    if not value.is_finite():
        raise NumberInputError(text, "invalid")
    exponent = value.as_tuple().exponent
    if places is not None and isinstance(exponent, int) and -exponent > places:
        if value != value.quantize(Decimal(1).scaleb(-places)):
            raise NumberInputError(text, "places")
    return value


def parse_money_cents(text: str | None, locale: str | None = None) -> int | None:
    """A typed euro amount as integer cents (at most two decimals); None for empty text."""
    value = parse_number(text, locale, places=2)
    if value is None:
        return None
    return int((value * _HUNDRED).to_integral_value(rounding=ROUND_HALF_UP))


def _as_decimal(value: Decimal | float | int) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def format_number(
    value: Decimal | float | int | None,
    locale: str | None = None,
    places: int | None = None,
    grouping: bool = True,
    empty: str = "–",
) -> str:
    """A number for reading: ``1234.5`` → ``1.234,5`` (German), ``1,234.5`` (English).

    ``places`` fixes the decimals; without it up to three are shown as needed."""
    if value is None:
        return empty
    number = _as_decimal(value)
    pattern = "#,##0" if grouping else "0"
    if places is None:
        pattern += ".###"
    elif places > 0:
        pattern += "." + "0" * places
    return str(
        format_decimal(number, format=pattern, locale=babel_locale(locale or current_locale()))
    )


def format_money(cents: int | None, locale: str | None = None, empty: str = "–") -> str:
    """Cents as an amount for reading: ``1464000`` → ``14.640,00 €`` / ``€14,640.00``."""
    if cents is None:
        return empty
    amount = Decimal(int(cents)) / _HUNDRED
    return str(format_currency(amount, "EUR", locale=babel_locale(locale or current_locale())))


def money_input_value(cents: int | None, locale: str | None = None) -> str:
    """Cents for a form field, parseable by ``parse_money_cents``: ``14.640,00``; whole
    euros without decimals (``14.640``)."""
    if cents is None:
        return ""
    places = 0 if cents % 100 == 0 else 2
    return format_number(Decimal(int(cents)) / _HUNDRED, locale, places=places)


def number_input_value(
    value: Decimal | float | int | None, locale: str | None = None, grouping: bool = True
) -> str:
    """A number for a form field, parseable by ``parse_number``: ``38,5``."""
    if value is None:
        return ""
    number = _as_decimal(value).normalize()
    exponent = number.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return format_number(number, locale, places=places, grouping=grouping)


def cents_to_number(cents: int | None) -> int | float | None:
    """Cents as a euro amount for exports (a number cell, not text): 1464000 → 14640,
    1464050 → 14640.5 (CSV and XLSX then show the same digits)."""
    if cents is None:
        return None
    return plain_number(Decimal(int(cents)) / _HUNDRED)


def plain_number(value: Decimal | float | int) -> int | float:
    """A number for an export cell: whole numbers as int (3.0 → 3), others as float."""
    number = _as_decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)
