"""Reads of cases: lists with filters and search, inbox, follow-ups due."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from wbagentur.cases.access import case_scope
from wbagentur.cases.models import Case, FollowUp, TimelineEntry, case_participants, case_topics
from wbagentur.core.text import like_pattern
from wbagentur.firms.models import Firm
from wbagentur.persons.models import Person

# Sort keys offered to the user, mapped to ORDER BY clauses (never built from input).
SORTS: dict[str, tuple[Any, ...]] = {
    "neueste": (Case.opened_at.desc(), Case.id.desc()),
    "aelteste": (Case.opened_at.asc(), Case.id.asc()),
    "aktenzeichen": (Case.reference.asc(), Case.id.asc()),
    "letzter_kontakt": (Case.last_contact_at.asc().nulls_first(), Case.id.asc()),
}


def search_condition(term: str) -> sa.ColumnElement[bool]:
    """Match the reference, the firm, the person or a participant, ignoring case and
    umlaut spelling (Müller = MÜLLER = Mueller)."""
    pattern = like_pattern(term)
    participant = aliased(Person)
    firm_match = sa.select(Firm.id).where(Firm.id == Case.firm_id, Firm.name_search.like(pattern, escape="\\"))
    person_match = sa.select(Person.id).where(
        Person.id == Case.person_id, Person.name_search.like(pattern, escape="\\")
    )
    participant_match = (
        sa.select(case_participants.c.person_id)
        .join(participant, participant.id == case_participants.c.person_id)
        .where(
            case_participants.c.case_id == Case.id,
            participant.name_search.like(pattern, escape="\\"),
        )
    )
    return sa.or_(
        Case.reference.ilike(pattern, escape="\\"),
        firm_match.exists(),
        person_match.exists(),
        participant_match.exists(),
    )


def case_list(
    user: Any,
    *,
    q: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    topic: str | None = None,
    assigned: str | None = None,
    sort: str = "neueste",
) -> sa.Select[tuple[Case]]:
    """The case list of the user's scope with the given filters, in a stable order."""
    stmt = sa.select(Case).where(case_scope(user))
    if q:
        stmt = stmt.where(search_condition(q))
    if status == "open":
        stmt = stmt.where(Case.status != "closed")
    elif status:
        stmt = stmt.where(Case.status == status)
    if kind:
        stmt = stmt.where(Case.kind == kind)
    if topic:
        stmt = stmt.where(
            sa.select(case_topics.c.case_id)
            .where(case_topics.c.case_id == Case.id, case_topics.c.topic == topic)
            .exists()
        )
    if assigned == "me":
        stmt = stmt.where(Case.assigned_to_id == user.id)
    elif assigned == "none":
        stmt = stmt.where(Case.assigned_to_id.is_(None))
    return stmt.order_by(*SORTS.get(sort, SORTS["neueste"]))


def inbox(user: Any) -> sa.Select[tuple[Case]]:
    """New, unassigned cases of the user's region, oldest first."""
    return (
        sa.select(Case)
        .where(case_scope(user), Case.status == "new", Case.assigned_to_id.is_(None))
        .order_by(Case.opened_at.asc(), Case.id.asc())
    )


def my_open_cases(user: Any) -> sa.Select[tuple[Case]]:
    """Open cases assigned to the user, oldest first."""
    return (
        sa.select(Case)
        .where(case_scope(user), Case.assigned_to_id == user.id, Case.status != "closed")
        .order_by(Case.opened_at.asc(), Case.id.asc())
    )


def follow_ups_due(user: Any, today: date) -> sa.Select[tuple[FollowUp]]:
    """The user's open follow-ups due today or earlier, most overdue first."""
    return (
        sa.select(FollowUp)
        .join(Case, Case.id == FollowUp.case_id)
        .where(
            case_scope(user),
            FollowUp.assignee_id == user.id,
            FollowUp.done_at.is_(None),
            FollowUp.due_date <= today,
        )
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
