"""The staff start page as a work queue and the counts in the navigation (issue 14).

Zammad's overviews are the model: each section is one of the existing lists
(``cases.queries``, ``referrals.queries``) cut to its first rows, with its total counted
by SQL and a link to the full list. Scoping stays in those queries (``cases.access``), so
the start page never shows a case that the list behind it would not.

A partner's answer counts as "not yet seen" until the advisor opens the referral or its
case after it: answers and both pages write audit entries (``referral.accept`` …,
``referral.view``, ``case.view``), and ``referrals.attention`` keeps the newest unseen
answer on the referral as they are appended (docs/start-page.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.ext.compiler import compiles

from wbagentur.cases import queries as case_queries
from wbagentur.cases.access import REGIONAL_ROLES, case_scope
from wbagentur.cases.models import Case, FollowUp
from wbagentur.core.database import StatementCache, serial_plans, with_values_written
from wbagentur.core.pagination import COUNT_CAP, bounded_count
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.extensions import db
from wbagentur.referrals import attention
from wbagentur.referrals import queries as referral_queries
from wbagentur.referrals.models import Referral

ROWS = 5  # rows per section on the start page
NAV_CAP = 100  # the navigation counts up to here and then shows "99+"
QUEUE_ROLES = ("advisor", "supervisor")  # the roles with an inbox, follow-ups, referrals


@dataclass(frozen=True)
class Section:
    """One overview: its total, its first rows and the list that shows all of them.

    The total stops at ``COUNT_CAP`` as the lists' counts do (``count_capped``: "mehr als
    1.000"), so the page never counts a whole region's backlog (issue #22)."""

    key: str
    title: Any
    count: int
    rows: list[Any]
    endpoint: str
    args: dict[str, str] = field(default_factory=dict)
    empty: Any = ""
    count_capped: bool = False


def _count_statement(stmt: sa.Select[Any], cap: int | None) -> sa.Select[tuple[int]]:
    # A constant per row instead of the entity's columns: the LIMIT subquery stays narrow.
    inner: sa.Select[Any] = stmt.order_by(None).with_only_columns(
        sa.literal_column("1"), maintain_column_froms=True
    )
    if cap is not None:
        inner = inner.limit(cap)
    return sa.select(sa.func.count()).select_from(inner.subquery())


def _first(stmt: sa.Select[Any], limit: int) -> list[Any]:
    entity = stmt.column_descriptions[0].get("entity")
    if entity is Case:
        # The first case ids in the list's order, then only those cases with their firm,
        # person, advisor: PostgreSQL joined all of a region's 2,000 new requests before
        # sorting (it expects a dozen), 18 ms instead of 1, and SQLite the 8,000 of all
        # regions for the coordinator, 14 ms instead of 1 (1,000,000 cases, issue #22).
        first = stmt.with_only_columns(Case.id, maintain_column_froms=True).limit(limit).subquery()
        stmt = sa.select(Case).join(first, first.c.id == Case.id).order_by(*stmt._order_by_clauses)
    return list(db.session.scalars(stmt.limit(limit)))


# ---------------------------------------------------------------- the queries


class least(sa.sql.functions.GenericFunction[date]):  # noqa: N801 (an SQL function)
    """The smaller of two non-NULL dates: LEAST() on PostgreSQL, the two-argument MIN()
    on SQLite."""

    type = sa.Date()
    inherit_cache = True


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler: Any, **kw: Any) -> str:
    return f"min({compiler.process(element.clauses, **kw)})"


NO_DATE = date(9999, 12, 31)  # sorts a case without a due action after all others


def _next_follow_up() -> Any:
    return (
        sa.select(sa.func.min(FollowUp.due_date))
        .where(FollowUp.case_id == Case.id, FollowUp.done_at.is_(None))
        .scalar_subquery()
    )


def _next_referral() -> Any:
    return (
        sa.select(sa.func.min(Referral.due_date))
        .where(
            Referral.case_id == Case.id,
            Referral.state.in_(case_queries.OVERDUE_REFERRAL_STATES),
        )
        .scalar_subquery()
    )


def my_cases_by_next_action(
    user: Any, limit: int
) -> sa.Select[tuple[Case, date | None, date | None]]:
    """The first ``limit`` of the user's open cases (``my_open_cases``) with the case's
    next open follow-up and the due date of its earliest referral still waiting for the
    partner, ordered by whichever comes first; cases with neither last, oldest first.

    The order is decided on case ids and one sort key per case; only the cases shown are
    loaded (with their firm, person …) and get both dates."""
    key = least(
        sa.func.coalesce(_next_follow_up(), NO_DATE), sa.func.coalesce(_next_referral(), NO_DATE)
    ).label("next_due")
    first = (
        case_queries.my_open_cases(user)
        .with_only_columns(Case.id, Case.opened_at, key)
        .order_by(None)
        .order_by(key, Case.opened_at, Case.id)
        .limit(limit)
        .subquery()
    )
    return (
        sa.select(Case, _next_follow_up(), _next_referral())
        .join(first, first.c.id == Case.id)
        .order_by(first.c.next_due, first.c.opened_at, Case.id)
    )


def referrals_needing_attention(user: Any, today: date) -> sa.Select[tuple[Referral]]:
    """The user's referrals (``my_referrals``) that are overdue or have an answer the user
    has not seen yet."""
    # Found as two index ranges and united: SQLite does not combine the OR's indexes and
    # walked every referral of the user (0.7 instead of 0.08 ms at 100,000 cases; issue
    # #22). An alias, so the subqueries are not correlated to the list's own referrals.
    mine = orm.aliased(Referral)
    candidates = sa.union_all(
        sa.select(mine.id).where(
            mine.created_by_id == user.id, *referral_queries.overdue(mine, today)
        ),
        sa.select(mine.id).where(mine.created_by_id == user.id, attention.answered_unseen(mine)),
    )
    return referral_queries.my_referrals(user, None, today).where(Referral.id.in_(candidates))


def _overdue_rows(kind: str, today: date) -> tuple[Any, list[sa.ColumnElement[bool]]]:
    """The case-id column and the conditions of overdue follow-ups or referrals."""
    if kind == "follow_ups":
        return FollowUp.case_id, [FollowUp.done_at.is_(None), FollowUp.due_date < today]
    return Referral.case_id, [case_queries.overdue_referral_condition(Referral, today)]


def overdue_cases(user: Any, kind: str, today: date) -> sa.Select[tuple[Case]]:
    """Cases in the user's scope with an overdue open follow-up (``kind="follow_ups"``) or
    an overdue referral (``"referrals"``); for advisors and supervisors only their own
    region's.

    The same cases as the case list's drill-down ``?overdue=…`` (the link "alle anzeigen").
    The definition the start page's section keeps to (``longest_overdue``,
    ``overdue_walk``); the page itself reads only its first rows and a bounded count.
    """
    case_id, conditions = _overdue_rows(kind, today)
    stmt = sa.select(Case).where(
        case_scope(user), Case.id.in_(sa.select(case_id).where(*conditions))
    )
    if user.role in REGIONAL_ROLES:
        stmt = stmt.where(Case.region_id == user.region_id)
    return stmt


def _awaiting(referral: Any) -> sa.ColumnElement[bool]:
    # Literal values, not bound parameters: only then may SQLite and a generic PostgreSQL
    # plan use the partial index ix_referrals_awaiting_due_case, whose WHERE this repeats.
    states = case_queries.OVERDUE_REFERRAL_STATES
    return referral.state.in_([sa.literal_column(f"'{state}'") for state in states])


def overdue_walk(user: Any, kind: str, today: date) -> sa.Select[tuple[int, date]]:
    """(case id, earliest overdue due date) of ``overdue_cases``, longest overdue first
    (then by case id), one row per case.

    Walks the partial index on the open items' (due_date, case_id, id)
    (ix_follow_ups_open_due_case, ix_referrals_awaiting_due_case) from the oldest due date
    on and keeps an item only when its case has no earlier open item (NOT EXISTS, a probe
    by case id): the first row met for a case carries its earliest due date, so the
    database stops after the rows asked for instead of grouping every overdue item of all
    regions by case (issue #22: 100,000 overdue referrals at 1,000,000 cases).
    """
    model: Any = FollowUp if kind == "follow_ups" else Referral
    item, earlier = orm.aliased(model), orm.aliased(model)
    if kind == "follow_ups":
        is_open, earlier_open = item.done_at.is_(None), earlier.done_at.is_(None)
    else:
        is_open, earlier_open = _awaiting(item), _awaiting(earlier)
    first_of_case = ~sa.exists().where(
        earlier.case_id == item.case_id,
        earlier_open,
        sa.or_(
            earlier.due_date < item.due_date,
            sa.and_(earlier.due_date == item.due_date, earlier.id < item.id),
        ),
    )
    stmt = (
        sa.select(item.case_id, item.due_date.label("since"))
        .join(Case, Case.id == item.case_id)
        .where(is_open, item.due_date < today, first_of_case)
        .order_by(item.due_date, item.case_id)
    )
    if user.role in REGIONAL_ROLES:
        # The own region only; within it ``case_scope`` (the region or a grant) adds nothing.
        own = Case.region_id == user.region_id if user.region_id is not None else sa.false()
        return stmt.where(own)
    return stmt.where(case_scope(user))


def longest_overdue(user: Any, kind: str, today: date, limit: int) -> sa.Select[tuple[Case, date]]:
    """The first ``limit`` of ``overdue_cases``, each with its earliest overdue due date,
    longest overdue first (then by case id). Only those cases are loaded with their firm,
    person and advisor."""
    first = overdue_walk(user, kind, today).limit(limit).subquery()
    return (
        sa.select(Case, first.c.since)
        .join(first, first.c.case_id == Case.id)
        .order_by(first.c.since, Case.id)
    )


# ---------------------------------------------------------------- the start page


def _section(
    key: str,
    title: Any,
    stmt: sa.Select[Any],
    endpoint: str,
    args: dict[str, str] | None = None,
    *,
    empty: Any,
    limit: int,
    rows: list[Any] | None = None,
) -> Section:
    # Counted in the list's own order: the first rows' index walk finds the first 1,001
    # too. ``bounded_count`` narrows a model's rows to its primary key; a statement of a
    # few columns (``overdue_walk``, over aliases) is counted as it is.
    entity = stmt.column_descriptions[0].get("expr")
    if isinstance(entity, type):
        count = bounded_count(stmt, COUNT_CAP)
    else:
        limited = stmt.limit(COUNT_CAP + 1).subquery()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(limited)) or 0
    return Section(
        key=key,
        title=title,
        count=min(count, COUNT_CAP),
        rows=_first(stmt, limit) if rows is None else rows,
        endpoint=endpoint,
        args=args or {},
        empty=empty,
        count_capped=count > COUNT_CAP,
    )


def _mine(user: Any, limit: int) -> Section:
    rows = [tuple(r) for r in db.session.execute(my_cases_by_next_action(user, limit))]
    return _section(
        "mine",
        _l("Meine offenen Fälle"),
        case_queries.my_open_cases(user),
        "cases.mine",
        empty=_l("Sie haben keine offenen Fälle."),
        limit=limit,
        rows=rows,
    )


def _due(user: Any, today: date, limit: int) -> Section:
    return _section(
        "due",
        _l("Fällige Wiedervorlagen"),
        case_queries.follow_ups_due(user, today),
        "cases.due",
        empty=_l("Heute ist nichts fällig."),
        limit=limit,
    )


def _referrals(user: Any, today: date, limit: int) -> Section:
    return _section(
        "referrals",
        _l("Weiterleitungen: überfällig oder beantwortet"),
        referrals_needing_attention(user, today),
        "referrals.mine",
        empty=_l("Keine Weiterleitung wartet auf Sie."),
        limit=limit,
    )


def _inbox(user: Any, limit: int) -> Section:
    return _section(
        "inbox",
        _l("Neue Anfragen im Posteingang meiner Region"),
        case_queries.inbox(user),
        "cases.inbox",
        empty=_l("Keine neuen Anfragen. Der Posteingang ist leer."),
        limit=limit,
    )


def _overdue(user: Any, today: date, limit: int, titles: tuple[Any, Any]) -> list[Section]:
    """The two sections of cases with overdue follow-ups and referrals.

    Their walks stop at the count's cap; PostgreSQL runs them without parallel workers
    (``serial_plans``): it planned a Gather Merge over each count, whose workers' start
    took longer than the walk (1,000,000 cases: 60 to 80 ms per count instead of 11 ms,
    more on a busy machine; issue #22)."""
    sections = []
    with serial_plans():
        for kind, title in zip(case_queries.OVERDUE_KINDS, titles, strict=True):
            rows = [tuple(r) for r in db.session.execute(longest_overdue(user, kind, today, limit))]
            sections.append(
                _section(
                    f"overdue_{kind}",
                    title,
                    overdue_walk(user, kind, today),
                    "cases.index",
                    {"overdue": kind},
                    empty=_l("Nichts überfällig."),
                    limit=limit,
                    rows=rows,
                )
            )
    return sections


def work_queue(user: Any, today: date, limit: int = ROWS) -> list[Section]:
    """The sections of the user's start page, in the order shown.

    Advisors: their own work. Supervisors: their region's inbox and overdue work, then
    their own cases. Coordinators: overdue work and unassigned requests of all regions.
    Administrators see no cases (data minimisation): no sections.
    """
    if user.role == "advisor":
        return [
            _mine(user, limit),
            _due(user, today, limit),
            _referrals(user, today, limit),
            _inbox(user, limit),
        ]
    if user.role == "supervisor":
        return [
            _inbox(user, limit),
            *_overdue(
                user,
                today,
                limit,
                (
                    _l("Fälle mit überfälliger Wiedervorlage (Region)"),
                    _l("Fälle mit überfälliger Weiterleitung (Region)"),
                ),
            ),
            _due(user, today, limit),
            _mine(user, limit),
        ]
    if user.role == "coordinator":
        return [
            *_overdue(
                user,
                today,
                limit,
                (
                    _l("Fälle mit überfälliger Wiedervorlage (alle Regionen)"),
                    _l("Fälle mit überfälliger Weiterleitung (alle Regionen)"),
                ),
            ),
            _section(
                "unassigned",
                _l("Neue Anfragen ohne Zuständigkeit (alle Regionen)"),
                case_queries.case_list(user, status="new", assigned="none", sort="aelteste"),
                "cases.index",
                {"status": "new", "assigned": "none", "sort": "aelteste"},
                empty=_l("Alle neuen Anfragen sind zugewiesen."),
                limit=limit,
            ),
        ]
    return []


# ---------------------------------------------------------------- the navigation

# Start page sections that hold exactly what a navigation count counts.
NAV_SECTIONS = {"inbox": "cases.inbox", "due": "cases.due", "referrals": "referrals.mine"}


def nav_counts_from(sections: list[Section], cap: int = NAV_CAP) -> dict[str, int] | None:
    """The navigation counts taken from the start page's sections, when it has all three
    (an advisor's): the page then needs no statement of its own for them."""
    found = {NAV_SECTIONS[s.key]: min(s.count, cap) for s in sections if s.key in NAV_SECTIONS}
    return found if len(found) == len(NAV_SECTIONS) else None


# The navigation's statement per (user, role, region, day), built once per process and
# executed on every request, so the counts stay current. Building it (three scoped queries
# with aliases, EXISTS and IN subqueries) took a third of the CPU of an advisor's case list
# (in-process, 100,000 cases, SQLite: 34 -> 24 ms; issue #22 item 5).
_NAV_STATEMENTS = StatementCache()
NAV_ENDPOINTS = ("cases.inbox", "cases.due", "referrals.mine")


def _nav_statement(user: Any, today: date, cap: int) -> sa.Select[Any]:
    def build() -> sa.Select[Any]:
        statements: tuple[sa.Select[Any], ...] = (
            case_queries.inbox(user),
            case_queries.follow_ups_due(user, today),
            referrals_needing_attention(user, today),
        )
        return sa.select(
            *(
                _count_statement(s, cap).scalar_subquery().label(endpoint.replace(".", "_"))
                for endpoint, s in zip(NAV_ENDPOINTS, statements, strict=True)
            )
        )

    stmt: sa.Select[Any] = _NAV_STATEMENTS.get(
        (user.id, user.role, user.region_id, today, cap), build
    )
    return stmt


def nav_counts(user: Any, today: date, cap: int = NAV_CAP) -> dict[str, int]:
    """Counts for the navigation, by endpoint: inbox, follow-ups due, referrals that need
    attention. One statement of three bounded counts (each stops at ``cap``)."""
    if user.role not in QUEUE_ROLES:
        return {}
    # Its values are the user's, the region's and the day's: planned once for them.
    row = db.session.execute(with_values_written(_nav_statement(user, today, cap))).one()
    return {endpoint: int(n or 0) for endpoint, n in zip(NAV_ENDPOINTS, row, strict=True)}
