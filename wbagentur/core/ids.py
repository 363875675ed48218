"""Ids and page numbers from URLs and forms, bounded to what the database can hold.

PostgreSQL's ``integer`` ends at 2³¹ − 1 and SQLAlchemy binds ids with an explicit
``::INTEGER`` cast, so ``/faelle/2147483648`` failed inside the database with "integer out
of range" (500); SQLite fails from 2⁶³ on (issue #19 item 4). Every ``<int:…>`` in a route
uses ``BoundedIntConverter`` (registered for the whole app in ``create_app``), so such a
URL is simply not found; ids and page numbers read from forms and query strings go through
``parse_id`` / ``parse_page``.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1
MAX_PAGE = 100_000


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` that matches only 0 … 2³¹ − 1 (a larger number is a 404)."""

    def __init__(
        self,
        map: Map,  # noqa: A002 - Werkzeug's parameter name
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002
        max: int | None = MAX_ID,  # noqa: A002
        signed: bool = False,
    ) -> None:
        bound = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits, min, bound, signed)


def parse_id(value: Any) -> int:
    """An id from a form or query string; ``ValueError`` (Werkzeug's ``type=`` then gives
    the default) for anything that is not 1 … 2³¹ − 1."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        raise ValueError("not an id")
    number = int(text)
    if not 0 < number <= MAX_ID:
        raise ValueError("id out of range")
    return number


def parse_page(value: Any) -> int:
    """A page number 1 … 100 000 from ``?seite=``; ``ValueError`` otherwise."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        raise ValueError("not a page number")
    return min(max(int(text), 1), MAX_PAGE)
