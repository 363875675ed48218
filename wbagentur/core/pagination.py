"""Keyset pagination with a bounded count: list pages whose cost does not grow with the data.

A page is the first ``per_page`` rows *after* (or *before*) the sort key of the row the
user came from, so page 400 costs what page 1 costs (an OFFSET reads and discards every
earlier row). The count stops at ``COUNT_CAP``: the list shows "mehr als 1.000" instead of
counting a whole region's cases on every page (issue #22). The position travels as an
opaque cursor (``nach``/``vor``) of the sort key's values; it is not trusted for access,
it only moves the window inside the already scoped query.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from wbagentur.core.database import derived
from wbagentur.extensions import db

COUNT_CAP = 1000
AFTER, BEFORE = "nach", "vor"
FIRST = "-"  # a "Zurück" that leads to the first page


@dataclass(frozen=True)
class _Key:
    column: Any
    desc: bool
    nulls_first: bool | None  # None: the column holds no NULLs

    def reversed(self) -> _Key:
        flipped = None if self.nulls_first is None else not self.nulls_first
        return _Key(self.column, not self.desc, flipped)

    def clause(self) -> Any:
        ordered = self.column.desc() if self.desc else self.column.asc()
        if self.nulls_first is None:
            return ordered
        return ordered.nulls_first() if self.nulls_first else ordered.nulls_last()


def order_keys(stmt: sa.Select[Any]) -> list[_Key]:
    """The ORDER BY of ``stmt`` as keys; its last key must make the order unique (an id)."""
    keys = []
    for clause in stmt._order_by_clauses:
        element, nulls_first, desc = clause, None, False
        if isinstance(element, UnaryExpression) and element.modifier in (
            operators.nulls_first_op,
            operators.nulls_last_op,
        ):
            nulls_first = element.modifier is operators.nulls_first_op
            element = element.element
        if isinstance(element, UnaryExpression) and element.modifier in (
            operators.desc_op,
            operators.asc_op,
        ):
            desc = element.modifier is operators.desc_op
            element = element.element
        keys.append(_Key(element, desc, nulls_first))
    if not keys:
        raise ValueError("keyset pagination needs an ORDER BY ending in a unique column")
    return keys


def after_condition(keys: list[_Key], values: list[Any]) -> sa.ColumnElement[bool]:
    """Rows strictly after ``values`` in the order of ``keys``."""
    plain = all(k.nulls_first is None for k in keys) and len({k.desc for k in keys}) == 1
    if plain and None not in values:
        # One row-value comparison: PostgreSQL and SQLite walk the index from there.
        left, right = sa.tuple_(*(k.column for k in keys)), sa.tuple_(*values)
        return left < right if keys[0].desc else left > right
    alternatives = []
    equal: list[sa.ColumnElement[bool]] = []
    for key, value in zip(keys, values, strict=True):
        if value is None:
            after = key.column.is_not(None) if key.nulls_first else sa.false()
            same = key.column.is_(None)
        else:
            after = key.column < value if key.desc else key.column > value
            if key.nulls_first is False:
                after = sa.or_(after, key.column.is_(None))
            same = key.column == value
        alternatives.append(sa.and_(*equal, after))
        equal.append(same)
    return sa.or_(*alternatives)


def _encode(values: list[Any]) -> str:
    def one(value: Any) -> Any:
        if isinstance(value, datetime):
            return {"t": value.isoformat()}
        if isinstance(value, date):
            return {"d": value.isoformat()}
        return value

    raw = json.dumps([one(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list[Any] | None:
    def one(value: Any) -> Any:
        if isinstance(value, dict):
            if "t" in value:
                return datetime.fromisoformat(value["t"])
            return date.fromisoformat(value["d"])
        if value is None or isinstance(value, int | str) and not isinstance(value, bool):
            return value
        raise ValueError("unexpected value")

    if not cursor or len(cursor) > 400:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != size:
            return None
        return [one(v) for v in values]
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        return None


def encode_cursor(values: list[Any]) -> str:
    """An opaque cursor of ``values`` (ints, strings, dates, datetimes, None)."""
    return _encode(values)


def decode_cursor(cursor: str, size: int) -> list[Any] | None:
    """The ``size`` values of a cursor made by ``encode_cursor``; None when malformed."""
    return _decode(cursor, size)


def sort_values(item: Any, keys: list[_Key]) -> list[Any]:
    return [getattr(item, key.column.key) for key in keys]


@dataclass
class KeysetPage:
    """One page of a list: ``items``, the cursors to the neighbouring pages and a count
    that stops at ``cap`` (``count_capped``)."""

    items: list[Any]
    count: int
    count_capped: bool
    next_cursor: str | None = None
    prev_cursor: str | None = None
    cap: int = COUNT_CAP
    first_page: bool = True
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_prev(self) -> bool:
        return self.prev_cursor is not None

    @property
    def total(self) -> int:
        """The (bounded) count, under the name Flask-SQLAlchemy's pages use."""
        return self.count

    @property
    def next_params(self) -> dict[str, str]:
        return {AFTER: self.next_cursor} if self.next_cursor else {}

    @property
    def prev_params(self) -> dict[str, str]:
        if not self.prev_cursor:
            return {}
        return {BEFORE: self.prev_cursor} if self.prev_cursor != FIRST else {}


def row_probe(stmt: sa.Select[Any]) -> sa.Exists:
    """``EXISTS (stmt)`` that the database tests per row, on an index, as a list walks its
    order: the access grounds of the firm and person lists (issue #22).

    PostgreSQL would otherwise turn a correlated EXISTS under an OR into a hashed subplan,
    i.e. read the whole set first (every case of the region, every visible firm) on every
    page; an OFFSET keeps it from rewriting the subquery (``simplify_EXISTS_query``).
    SQLite tests correlated subqueries per row anyway; ``LIMIT -1 OFFSET 0`` changes
    nothing there.
    """
    return stmt.offset(0).exists()


def bounded_count_statement(stmt: sa.Select[Any], cap: int = COUNT_CAP) -> sa.Select[Any]:
    """The statement of ``bounded_count``: the first ``cap + 1`` rows in the list's own
    order, counted.

    In display order, not in whatever order the database likes: the first page's matches
    are where the count finds its first 1,001 too. Without the order both databases
    counted the filtered list ("offen", topic) along the primary key or the region's index
    from the oldest case on, where hardly any case is still open, and so read almost every
    case of the region; a list whose order has no index sorts its matches once for the
    page anyway (issue #22).
    """
    inner = stmt
    entity = stmt.column_descriptions[0].get("entity") if stmt.column_descriptions else None
    if entity is not None:
        # Only the primary key: the database may count from an index instead of reading
        # up to 1,001 whole rows (SQLite does not flatten a subquery with LIMIT).
        inner = inner.with_only_columns(*sa.inspect(entity).primary_key, maintain_column_froms=True)
    limited = inner.limit(cap + 1).subquery()
    return sa.select(sa.func.count()).select_from(limited)


def with_count_subset(stmt: sa.Select[Any], subset: sa.Select[Any] | None) -> sa.Select[Any]:
    """``stmt`` with a cheaper statement whose rows are a subset of its rows, counted first.

    A list whose scope is tested per row (firms, persons) counts its first 1,001 rows by
    probing every row it passes; when the subset (e.g. the firms in the region's districts,
    found by an index) already holds more than the cap, that count is the answer (issue #22).
    """
    return stmt if subset is None else stmt.execution_options(count_subset=subset)


def bounded_count(stmt: sa.Select[Any], cap: int = COUNT_CAP) -> int:
    """How many rows ``stmt`` returns, counting at most ``cap + 1``."""
    subset = stmt.get_execution_options().get("count_subset")
    if isinstance(subset, sa.Select):
        counted = derived(stmt, ("count subset", cap), lambda: bounded_count_statement(subset, cap))
        first = int(db.session.scalar(counted) or 0)
        if first > cap:
            return first
    counted = derived(stmt, ("count", cap), lambda: bounded_count_statement(stmt, cap))
    return int(db.session.scalar(counted) or 0)


# Execution option of a list statement: its primary-key column, when the list sorts many
# rows (a search's matches) and its other columns are costly per row (looked-up names).
ROWS_BY_KEY = "rows_by_key"


def _rows_of_page(window: sa.Select[Any]) -> sa.Select[Any]:
    """``window`` (a page: filters, order, limit) with its columns computed for the page's
    rows only: the keys of the page first, then the rows of those keys in the same order.
    SQLite computes the selected columns of every row it sorts (issue #22: a search with
    1,425 matches at 1,000,000 cases, 7.5 -> 3.7 ms); PostgreSQL computes them above the
    LIMIT anyway, and the second lookup only cost it time."""
    key = window.get_execution_options().get(ROWS_BY_KEY)
    if key is None or len(window.column_descriptions) == 1:  # objects: loaded as they are
        return window
    if db.session.get_bind().dialect.name != "sqlite":
        return window
    keys = window.with_only_columns(key).subquery()
    return (
        sa.select(*window.selected_columns)
        .where(key.in_(sa.select(keys.c[0])))
        .order_by(*window._order_by_clauses)
    )


def keyset_page(
    stmt: sa.Select[Any],
    args: Mapping[str, Any],
    per_page: int = 25,
    cap: int = COUNT_CAP,
) -> KeysetPage:
    """The page of the ordered ``stmt`` that the request ``args`` (``nach``/``vor``) name.

    Three statements at most, whatever the size of the data: the page (one row more, to
    know whether a next one exists), the bounded count, and on a backward page one row
    to know whether it is the first.
    """
    keys = order_keys(stmt)
    # One entity: its objects; several columns (a list's plain rows): the rows.
    fetch = db.session.scalars if len(stmt.column_descriptions) == 1 else db.session.execute
    after = _decode(str(args.get(AFTER) or ""), len(keys))
    before = None if after is not None else _decode(str(args.get(BEFORE) or ""), len(keys))
    if before is not None:
        backwards = [k.reversed() for k in keys]
        rows = list(
            fetch(
                _rows_of_page(
                    stmt.order_by(None)
                    .where(after_condition(backwards, before))
                    .order_by(*(k.clause() for k in backwards))
                    .limit(per_page + 1)
                )
            )
        )
        more_before = len(rows) > per_page
        items = list(reversed(rows[:per_page]))
        next_cursor = _encode(sort_values(items[-1], keys)) if items else None
        prev_cursor = _encode(sort_values(items[0], keys)) if items and more_before else None
        first = not more_before
    else:
        if after is None:
            window = derived(
                stmt, ("first page", per_page), lambda: _rows_of_page(stmt.limit(per_page + 1))
            )
        else:
            window = _rows_of_page(stmt.where(after_condition(keys, after)).limit(per_page + 1))
        rows = list(fetch(window))
        items = rows[:per_page]
        next_cursor = _encode(sort_values(items[-1], keys)) if len(rows) > per_page else None
        first = after is None
        prev_cursor = None if first or not items else _encode(sort_values(items[0], keys))
        if not first and not items:
            prev_cursor = FIRST  # past the end (an old link): back to the first page
    # A list that already knows it holds more than the cap (e.g. the collected matches of
    # a broad search, cases.queries) says so and is not counted again.
    known = stmt.get_execution_options().get("count_at_least")
    count = known if isinstance(known, int) and known > cap else bounded_count(stmt, cap)
    return KeysetPage(
        items=items,
        count=min(count, cap),
        count_capped=count > cap,
        next_cursor=next_cursor,
        prev_cursor=prev_cursor,
        cap=cap,
        first_page=first,
    )
