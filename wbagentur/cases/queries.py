"""Reads of cases: lists with filters and search, inbox, follow-ups due."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager

from wbagentur.cases.access import (
    REGIONAL_ROLES,
    case_id_scope,
    case_scope,
    case_scope_of,
    case_scope_per_row,
)
from wbagentur.cases.models import Case, FollowUp, TimelineEntry, case_participants, case_topics
from wbagentur.core import fulltext
from wbagentur.core.database import distinct_ids, ids_from, one_of, serial_plans
from wbagentur.core.fulltext import name_condition
from wbagentur.core.pagination import COUNT_CAP, ROWS_BY_KEY, with_count_subset
from wbagentur.core.text import like_pattern, normalise_search
from wbagentur.core.timezone import BERLIN
from wbagentur.extensions import db
from wbagentur.firms.models import Firm
from wbagentur.persons.models import Person

# Sort keys offered to the user, mapped to ORDER BY clauses (never built from input).
SORTS: dict[str, tuple[Any, ...]] = {
    "neueste": (Case.opened_at.desc(), Case.id.desc()),
    "aelteste": (Case.opened_at.asc(), Case.id.asc()),
    "aktenzeichen": (Case.reference.asc(), Case.id.asc()),
    "letzter_kontakt": (Case.last_contact_at.asc().nulls_first(), Case.id.asc()),
}


# Up to this many matching cases the case list gets their ids; a broader term ("gmbh")
# is tested case by case instead, so the list stops after one page in display order.
SEARCH_ID_LIMIT = 5000


# A reference is "WBA-<region>-<year>-<number>" (services.next_reference): its only letter
# runs are "WBA" and the two-letter region code.
_LETTER_RUN = re.compile(r"[A-Z]+")


def may_be_reference(term: str) -> bool:
    """Whether ``term`` can occur inside a case reference at all. A name ("Müller",
    "Schmidt") cannot, and then the references are not searched: on SQLite that LIKE
    reads every case's reference (no trigram index), which at 1,000,000 cases was most of
    a name search's time (issue #22)."""
    word = normalise_search(term).upper()
    if not word or not re.fullmatch(r"[A-Z0-9-]+", word):
        return False
    return all(len(run) <= 2 or run in "WBA" for run in _LETTER_RUN.findall(word))


def _search_terms(
    case: Any,
    term: str,
    *,
    references: bool = True,
    persons: sa.Select[Any] | None = None,
) -> list[sa.ColumnElement[bool]]:
    """Conditions on ``case`` (Case or an alias), one per place the term may occur. Firms
    and persons, the small tables, are searched first (uncorrelated subqueries); on
    PostgreSQL through the trigram indexes of migration c5a1e0000001, on SQLite through
    the FTS5 trigram tables of fts500000001 (core.fulltext). A name matches when it holds
    every word of the term, in any order and umlaut spelling (core.text). ``persons``:
    the matching persons' ids, when the caller has looked them up already."""
    firms = sa.select(Firm.id).where(name_condition(Firm.name_search, term))
    if persons is None:
        persons = _matching_persons(term)
    participating = sa.select(case_participants.c.case_id).where(
        case_participants.c.person_id.in_(persons)
    )
    terms = [
        case.firm_id.in_(firms),
        case.person_id.in_(persons),
        case.id.in_(participating),
    ]
    if references and may_be_reference(term):
        terms.append(_reference_like(case, term))
    return terms


def _matching_persons(term: str) -> sa.Select[Any]:
    return sa.select(Person.id).where(name_condition(Person.name_search, term))


def _reference_like(case: Any, term: str) -> sa.ColumnElement[bool]:
    # References are upper case ASCII (services.next_reference), so a plain LIKE with an
    # upper-case pattern matches like ILIKE without lower() on every row.
    return case.reference.like(like_pattern(term).upper(), escape="\\")


def matching_cases(term: str) -> sa.CompoundSelect:
    """Id and region of all cases matching ``term`` (any scope; a case may come more than
    once), each region read with the id from the index that found the case, so the
    matches can be scoped without reading the cases again (``case_scope_of``). The
    matching persons are looked up once, for their own cases and those they take part in.
    On SQLite a reference term of three or more characters is read from the trigram
    index directly (its rowids are the case ids), so the caller's LIMIT stops the scan."""
    matched = aliased(Case)
    found = sa.select(matched.id, matched.region_id)
    persons = _matching_persons(term).cte("matching_persons")
    selects = [
        found.where(t)
        for t in _search_terms(matched, term, references=False, persons=sa.select(persons.c.id))
    ]
    if may_be_reference(term):
        indexed = fulltext.reference_ids(term)
        if indexed is None:
            selects.append(found.where(_reference_like(matched, term)))
        else:
            rowids = indexed.subquery()
            selects.append(found.join_from(rowids, matched, matched.id == rowids.c.rowid))
    return sa.union_all(*selects)


def search_condition(term: str, user: Any = None) -> sa.ColumnElement[bool]:
    """Cases whose reference, firm, person or a participant contains ``term``, ignoring
    case, word order and umlaut spelling (Müller = MÜLLER = Mueller = Muller).

    Runs one statement, for the ids of the matching cases (issue 8): the list and its
    count then fetch only those by primary key instead of searching again.
    """
    return _search(term, user)[0]


def _search(term: str, user: Any) -> tuple[sa.ColumnElement[bool], int, bool]:
    """The search condition, how many matching cases ``user`` may see at least, and
    whether the condition holds only cases in the user's scope (the collected ids).

    One statement collects up to ``SEARCH_ID_LIMIT`` + 1 matching ids through the indexes
    of the names and references, each with whether it lies in the user's scope. A broader
    term is tested case by case while the list walks in display order (the matches are
    dense there); if the collected ids already hold more visible cases than the count's
    cap, the list does not count at all: walking to the 1,001st match read most of the
    table when the visible matches were fewer than the cap (issue #22).
    """
    matches = matching_cases(term).limit(SEARCH_ID_LIMIT + 1).subquery()
    visible = (
        case_scope_of(user, matches.c.id, matches.c.region_id) if user is not None else sa.true()
    )
    # The visible ids as one value, which the list then takes as one parameter (``one_of``).
    # A common name ("Kühnert" at 1,000,000 cases: 4,146 matches, 1,304 of them visible to
    # an advisor) brought 4,146 rows into Python and put 1,304 parameters into each
    # following statement; those objects set off a full garbage collection of the process
    # (100 to 150 ms) every dozen searches, the page's p95 (SQLite: 307 ms). Without
    # parallel workers: for the three branches of the matches PostgreSQL started two, and
    # their start cost more than they saved (page p95 96-101 ms with them, 78-83 without).
    # Scoping the matches by the region read with them instead of reading each case
    # again: 38,748 -> 22,114 buffers, 32.9 -> 25.3 ms on PostgreSQL (issue #22).
    with serial_plans():
        listed, found = db.session.execute(
            sa.select(distinct_ids(matches.c.id).filter(visible), sa.func.count())
        ).one()
    in_scope = ids_from(listed)
    if found <= SEARCH_ID_LIMIT:
        return one_of(Case.id, in_scope), len(in_scope), user is not None
    return sa.or_(*_search_terms(Case, term)), len(in_scope), False


def case_list(
    user: Any,
    *,
    q: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    topic: str | None = None,
    assigned: str | None = None,
    sort: str = "neueste",
    drill: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> sa.Select[tuple[Case]]:
    """The case list of the user's scope with the given filters, in a stable order.

    ``drill`` holds validated drill-down filters of the dashboard (see
    ``drill_down_conditions``); with any of them, advisors and supervisors see only cases
    of their own region, exactly the cases the dashboard counted.
    """
    conditions: list[sa.ColumnElement[bool]] = []
    options: dict[str, Any] = {}
    scoped = False
    if drill:
        conditions.extend(drill_down_conditions(user, drill, now or _utcnow()))
    if q:
        condition, visible_matches, scoped = _search(q, user)
        conditions.append(condition)
        if visible_matches > COUNT_CAP and not any((drill, status, kind, topic, assigned)):
            # The list has more than the cap: no count (core.pagination.keyset_page).
            options["count_at_least"] = visible_matches
        # The matches are sorted whole; the page's names are looked up for its rows only.
        options[ROWS_BY_KEY] = Case.id
    if status == "open":
        conditions.append(Case.status != "closed")
    elif status:
        conditions.append(Case.status == status)
    if kind:
        conditions.append(Case.kind == kind)
    if topic:
        conditions.append(
            sa.select(case_topics.c.case_id)
            .where(case_topics.c.case_id == Case.id, case_topics.c.topic == topic)
            .exists()
        )
    if assigned == "me":
        conditions.append(Case.assigned_to_id == user.id)
    elif assigned == "none":
        conditions.append(Case.assigned_to_id.is_(None))
    order = SORTS.get(sort, SORTS["neueste"])
    # Every order has its index, so the list walks it and stops after the page. Without a
    # search, topic or drill-down the read grants are probed per row it passes
    # (``case_scope_per_row``) instead of read whole: their IN lists grow with the region's
    # referrals (6,721 case ids at 1,000,000 cases), and building them was most of what
    # the lists' pages grew from 100,000 cases on (issue #22: SQLite 11.5 -> 8.1 ms, the
    # closed cases 12.0 -> 8.9). A topic is tested per row too, and a rare one makes the
    # walk long: there per-row grants cost more (PostgreSQL 30 -> 234 ms at 1,000,000).
    walked = not (q or topic or drill)
    if scoped:
        # The search's ids were collected within the user's scope (``_search``); testing
        # each of them against it again read the grants' lists (2.6 ms at 1,000,000
        # cases on SQLite for 1,425 matches, issue #22).
        scope: sa.ColumnElement[bool] = sa.true()
    else:
        scope = case_scope_per_row(user) if walked else case_scope(user)
    stmt = sa.select(Case).where(scope, *conditions).order_by(*order)
    if options:
        stmt = stmt.execution_options(**options)
    # A search, a topic or a drill-down is tested case by case; the region's part of it
    # would be walked as far as the whole list's count walks.
    return with_count_subset(stmt, own_region_subset(user, conditions) if walked else None)


def own_region_subset(
    user: Any, conditions: list[sa.ColumnElement[bool]]
) -> sa.Select[tuple[Case]] | None:
    """The user's own region's cases under the list's ``conditions``, a subset of the
    list: counted first by ``keyset_page`` from the region's indexes alone, and when they
    are more than the cap the read grants' OR is not counted at all (issue #22: the bounded
    count of an advisor's whole list was 2.6 of the page's 17 ms at 100,000 cases, 0.09 ms
    so; the closed cases' 3.3 ms at 100,000 and 7.6 ms at 1,000,000 on PostgreSQL, where
    hashing the grants' case ids grew with the region's referrals).

    For conditions on the case's own columns (status, kind, assignee, firm, person), which
    the region's indexes serve; a subset at or under the cap is counted twice, the second
    time with the grants."""
    if user.role not in REGIONAL_ROLES or user.region_id is None:
        return None
    return sa.select(Case).where(Case.region_id == user.region_id, *conditions)


def inbox(user: Any) -> sa.Select[tuple[Case]]:
    """New, unassigned cases of the user's region, oldest first.

    The region itself, not the read grants: a case of another region is assigned there
    (``can_edit_case``), and without the OR of the grants both databases walk
    ``ix_cases_region_assignee_load`` in display order and stop after the page, whatever
    the size of the intake (issue #22: 18 -> 88 ms p50 from 100,000 to 1,000,000 cases).
    """
    own_region = Case.region_id == user.region_id if user.region_id is not None else sa.false()
    return (
        sa.select(Case)
        # The own region is inside case_scope(user); the grants' subqueries are not needed.
        # The status as a literal, not a parameter: the partial index ix_cases_inbox (this
        # condition, in display order) is then usable in a plan for any values. At
        # 1,000,000 cases PostgreSQL expected 12 of a region's 1,972 new cases and sorted
        # them all (6.6 ms); along the index it stops after the page (0.3 ms).
        .where(
            own_region,
            Case.status == sa.literal_column("'new'"),
            Case.assigned_to_id.is_(None),
        )
        .order_by(Case.opened_at.asc(), Case.id.asc())
    )


def my_open_cases(user: Any) -> sa.Select[tuple[Case]]:
    """Open cases assigned to the user, oldest first: found on the assignee's index, the
    read grants probed per case (``case_scope_per_row``; issue #22: the grants' lists grow
    with the region's referrals, the user's cases do not)."""
    return (
        sa.select(Case)
        .where(case_scope_per_row(user), Case.assigned_to_id == user.id, Case.status != "closed")
        .order_by(Case.opened_at.asc(), Case.id.asc())
    )


def follow_ups_due(user: Any, today: date) -> sa.Select[tuple[FollowUp]]:
    """The user's open follow-ups due today or earlier, most overdue first.

    The scope is tested per follow-up's case id (``case_id_scope``), not on the joined
    cases: with ``case_scope`` PostgreSQL scanned every case of the table to join the
    advisor's 30 follow-ups (issue #22: 70 ms at 100,000 cases, 591 ms at 1,000,000).
    """
    return (
        sa.select(FollowUp)
        .join(Case, Case.id == FollowUp.case_id)
        .where(
            case_id_scope(user, FollowUp.case_id),
            FollowUp.assignee_id == user.id,
            FollowUp.done_at.is_(None),
            FollowUp.due_date <= today,
        )
        .options(contains_eager(FollowUp.case))  # the page shows each case's reference
        .order_by(FollowUp.due_date.asc(), FollowUp.id.asc())
    )


def timeline(case: Case, until: datetime | None = None) -> sa.Select[tuple[TimelineEntry]]:
    """The case's timeline, newest first; only entries created up to ``until`` if given."""
    stmt = sa.select(TimelineEntry).where(TimelineEntry.case_id == case.id)
    if until is not None:
        stmt = stmt.where(TimelineEntry.created_at <= until)
    return stmt.order_by(TimelineEntry.at.desc(), TimelineEntry.id.desc())


def open_follow_ups(case: Case) -> sa.Select[tuple[FollowUp]]:
    return (
        sa.select(FollowUp)
        .where(FollowUp.case_id == case.id)
        .order_by(FollowUp.done_at.is_not(None), FollowUp.due_date.asc(), FollowUp.id.asc())
    )


# ---------------------------------------------------------------- drill-down filters
# The dashboard (wbagentur.reports.queries) counts with these same conditions, so a
# number and the list behind it always agree.

AGE_BUCKETS: dict[str, tuple[int, int | None]] = {
    "0-30": (0, 30),
    "31-90": (31, 90),
    "91-180": (91, 180),
    "181+": (181, None),
}
REFERRAL_STAGES = ("sent", "accepted", "completed", "approved")
OVERDUE_KINDS = ("follow_ups", "referrals")
OVERDUE_REFERRAL_STATES = ("sent", "accepted", "returned")


def _utcnow() -> datetime:
    from wbagentur.core.models import utcnow

    return utcnow()


def local_midnight(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in Thuringia."""
    return datetime.combine(day, time.min, tzinfo=BERLIN).astimezone(UTC)


def in_local_period(
    column: Any, start: date | None, end: date | None
) -> list[sa.ColumnElement[bool]]:
    """``column`` (UTC timestamp) falls on a local date from ``start`` to ``end`` inclusive."""
    conditions = []
    if start is not None:
        conditions.append(column >= local_midnight(start))
    if end is not None:
        conditions.append(column < local_midnight(end + timedelta(days=1)))
    return conditions


def age_condition(bucket: str, now: datetime) -> sa.ColumnElement[bool]:
    """Age in whole days since opening (``now - opened_at``) within the bucket."""
    low, high = AGE_BUCKETS[bucket]
    conditions = [Case.opened_at <= now - timedelta(days=low)]
    if high is not None:
        conditions.append(Case.opened_at > now - timedelta(days=high + 1))
    return sa.and_(*conditions)


def no_contact_condition(days: int, now: datetime) -> sa.ColumnElement[bool]:
    """Open case whose last contact is missing or older than ``days`` days."""
    return sa.and_(
        Case.status != "closed",
        sa.or_(Case.last_contact_at.is_(None), Case.last_contact_at < now - timedelta(days=days)),
    )


def overdue_follow_up_exists(today: date, assignee_id: int | None = None) -> sa.ColumnElement[bool]:
    conditions = [
        FollowUp.case_id == Case.id,
        FollowUp.done_at.is_(None),
        FollowUp.due_date < today,
    ]
    if assignee_id is not None:
        conditions.append(FollowUp.assignee_id == assignee_id)
    return sa.exists().where(*conditions)


def overdue_referral_condition(referral: Any, today: date) -> sa.ColumnElement[bool]:
    return sa.and_(referral.state.in_(OVERDUE_REFERRAL_STATES), referral.due_date < today)


def eligible_pattern(code: str) -> str:
    """LIKE pattern for ``FundingCheck.eligible_codes`` (",a,b,"); codes are [a-z0-9_]."""
    return f"%,{code},%"


# Drill-down filters on data of packages that build on cases (saved funding checks,
# referrals, transfers) come from those packages, registered at app creation
# (wbagentur._connect_packages).
# A provider: (validated drill-down filters, local today) → conditions on ``Case``.
DrillProvider = Callable[[Mapping[str, Any], date], list[sa.ColumnElement[bool]]]
_DRILL_PROVIDERS: dict[str, DrillProvider] = {}


def register_drill_conditions(name: str, provider: DrillProvider) -> None:
    """Let ``provider`` add drill-down conditions to the case list (idempotent by ``name``)."""
    _DRILL_PROVIDERS[name] = provider


def drill_down_conditions(  # noqa: C901 (one branch per filter)
    user: Any, drill: Mapping[str, Any], now: datetime
) -> list[sa.ColumnElement[bool]]:
    """SQL conditions for validated drill-down filters (values already typed and checked)."""
    today = now.astimezone(BERLIN).date()
    conds: list[sa.ColumnElement[bool]] = []
    if user.role in ("advisor", "supervisor"):
        conds.append(Case.region_id == user.region_id)
    elif drill.get("region"):
        conds.append(Case.region_id == drill["region"])
    if drill.get("advisor"):
        conds.append(Case.assigned_to_id == drill["advisor"])
    conds += in_local_period(Case.opened_at, drill.get("opened_from"), drill.get("opened_to"))
    conds += in_local_period(Case.closed_at, drill.get("closed_from"), drill.get("closed_to"))
    if drill.get("age"):
        conds.append(age_condition(drill["age"], now))
    if drill.get("outcome"):
        conds.append(Case.outcome == drill["outcome"])
    if drill.get("channel"):
        conds.append(Case.channel == drill["channel"])
    if drill.get("no_contact_days"):
        conds.append(no_contact_condition(drill["no_contact_days"], now))
    if drill.get("overdue") == "follow_ups":
        conds.append(overdue_follow_up_exists(today, drill.get("overdue_by")))
    for provider in _DRILL_PROVIDERS.values():
        conds += provider(drill, today)
    return conds
