"""Case use cases: open, assign, change status, notes, contacts, follow-ups, participants.

Every service takes the acting user, checks the submitted version (optimistic locking),
flushes, writes the timeline and the audit trail, and never commits.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from wbagentur.accounts.models import User
from wbagentur.cases.models import (
    CONTACT_CHANNELS,
    OUTCOMES,
    STATUSES,
    TOPICS,
    TRANSITIONS,
    Case,
    CaseCounter,
    FollowUp,
    TimelineEntry,
    case_participants,
    case_topics,
)
from wbagentur.core import audit
from wbagentur.core.errors_domain import DomainError, check_version
from wbagentur.core.models import utcnow
from wbagentur.core.timezone import local_today
from wbagentur.extensions import db
from wbagentur.regions.models import Region

logger = logging.getLogger(__name__)


# Checks before a case is closed, registered by the modules that need them at app creation
# (esf: the ESF+ data are complete), so that cases import none of them.
_CLOSE_CHECKS: dict[str, Callable[[Case], None]] = {}


def register_close_check(name: str, check: Callable[[Case], None]) -> None:
    """``check(case)`` raises a ``DomainError`` when the case may not be closed yet."""
    _CLOSE_CHECKS[name] = check


# Open work on a case kept by modules that build on cases (referrals waiting for or being
# worked on by a partner), counted by them: registered at app creation.
_OPEN_WORK: dict[str, Callable[[Case], int]] = {}


def register_open_work(name: str, count: Callable[[Case], int]) -> None:
    """``count(case)``: how many items of kind ``name`` are still open on the case."""
    _OPEN_WORK[name] = count


def next_reference(region: Region, year: int) -> str:
    """Allocate the next reference number of a region and year, e.g. WBA-SW-2026-00042.

    The counter row is locked (FOR UPDATE on PostgreSQL; SQLite serialises writers), so
    two advisors opening cases at once never get the same number.
    """
    stmt = (
        sa.select(CaseCounter)
        .where(CaseCounter.region_id == region.id, CaseCounter.year == year)
        .with_for_update()
    )
    counter = db.session.scalar(stmt)
    if counter is None:
        try:
            with db.session.begin_nested():
                db.session.add(CaseCounter(region_id=region.id, year=year, last_seq=0))
        except IntegrityError:
            pass  # another transaction created it first
        counter = db.session.scalar(stmt.execution_options(populate_existing=True))
    assert counter is not None
    counter.last_seq += 1
    db.session.flush()
    return f"WBA-{region.code}-{year}-{counter.last_seq:05d}"


def status_change(old: str, new: str, **extra: Any) -> dict[str, Any]:
    """The data of a status entry (``from`` is a keyword, so it cannot be passed by name)."""
    return {"from": old, "to": new, **extra}


def add_entry(
    case: Case,
    actor: Any,
    kind: str,
    body: str | None = None,
    at: datetime | None = None,
    **data: Any,
) -> TimelineEntry:
    """Append a timeline entry to a case (ids and codes in ``data``, never personal data)."""
    entry = TimelineEntry(
        case_id=case.id,
        kind=kind,
        at=at or utcnow(),
        author_id=getattr(actor, "id", None),
        body=body,
        data=json.dumps(data, sort_keys=True, default=str),
    )
    db.session.add(entry)
    return entry


def open_case(
    actor: Any,
    *,
    region_id: int | None = None,
    kind: str,
    title: str,
    channel: str,
    firm_id: int | None = None,
    person_id: int | None = None,
    topics: Iterable[str] = (),
    priority: str = "normal",
    assigned_to_id: int | None = None,
) -> Case:
    """Open a case in a region's inbox (unassigned unless ``assigned_to_id``).

    Without ``region_id`` the case belongs to the actor's own region, whatever the
    client's district: staff open cases for their Kontaktstelle. Only requests without a
    staff actor (the public form, imports) name the region.
    """
    if region_id is None:
        region_id = getattr(actor, "region_id", None)
        if region_id is None:
            raise DomainError("Ohne Kontaktstelle in einer Region können Sie keinen Fall anlegen.")
    region = db.session.get(Region, region_id)
    if region is None:
        raise DomainError("Unbekannte Region.")
    if kind == "firm" and firm_id is None and channel != "public_form":
        raise DomainError("Eine Unternehmensberatung braucht ein Unternehmen.")
    if kind == "individual" and person_id is None and channel != "public_form":
        raise DomainError("Eine Individualberatung braucht eine Person.")
    year = local_today().year
    case = Case(
        reference=next_reference(region, year),
        region_id=region.id,
        kind=kind,
        title=title,
        channel=channel,
        firm_id=firm_id,
        person_id=person_id,
        priority=priority,
        status="new",
        assigned_to_id=assigned_to_id,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(case)
    db.session.flush()
    set_topics(case, topics)
    add_entry(case, actor, "status", to="new", channel=channel)
    if assigned_to_id:
        add_entry(case, actor, "assignment", assignee_id=assigned_to_id)
    audit.record(actor, "case.create", "case", case.id, region_id=region.id)
    return case


def set_topics(case: Case, topics: Iterable[str]) -> None:
    """Replace the case's topics (unknown codes are refused)."""
    wanted = list(dict.fromkeys(topics))
    unknown = [t for t in wanted if t not in TOPICS]
    if unknown:
        raise DomainError("Unbekanntes Thema.")
    db.session.execute(sa.delete(case_topics).where(case_topics.c.case_id == case.id))
    if wanted:
        db.session.execute(
            sa.insert(case_topics), [{"case_id": case.id, "topic": t} for t in wanted]
        )


def _regional_user(user_id: int, case: Case) -> User:
    user = db.session.get(User, user_id)
    if (
        user is None
        or not user.is_active
        or user.role not in ("advisor", "supervisor")
        or user.region_id != case.region_id
    ):
        raise DomainError("Fälle können nur Beratenden derselben Region zugewiesen werden.")
    return user


def assign_case(actor: Any, case: Case, assignee_id: int, expected_version: int | None) -> Case:
    """Assign the case to an advisor of its region; a new case moves to 'in Beratung'."""
    check_version(case, expected_version, "Der Fall")
    assignee = _regional_user(assignee_id, case)
    previous = case.assigned_to_id
    case.assigned_to_id = assignee.id
    add_entry(case, actor, "assignment", assignee_id=assignee.id, previous_id=previous)
    if case.status == "new":
        case.status = "in_advice"
        add_entry(case, actor, "status", **status_change("new", "in_advice"))
    db.session.flush()
    audit.record(actor, "case.assign", "case", case.id, assignee_id=assignee.id)
    if previous != assignee.id:
        notify_assignee(actor, case, assignee)
    return case


def notify_assignee(actor: Any, case: Case | list[Case], assignee: User) -> bool:
    """Tell an advisor by e-mail that cases are now theirs (issue #14.9), unless they
    assigned them to themselves. References and links only: no personal data in the mail."""
    from wbagentur.mail import links
    from wbagentur.mail.services import queue_mail

    cases = case if isinstance(case, list) else [case]
    if not cases or getattr(actor, "id", None) == assignee.id or not assignee.is_active:
        return False
    by = getattr(actor, "display_name", None) or "Die Weiterbildungsagentur"
    lines = "\n".join(
        f"{c.reference}: {links.base_url()}{links.path('cases.detail', case_id=c.id)}"
        for c in cases
    )
    subject = (
        f"Fall {cases[0].reference} ist Ihnen zugewiesen"
        if len(cases) == 1
        else f"{len(cases)} Fälle sind Ihnen zugewiesen"
    )
    queue_mail(
        assignee.email,
        subject,
        f"Guten Tag,\n\n{by} hat Ihnen zugewiesen:\n\n{lines}\n",
        "case_assigned",
    )
    return True


def change_status(
    actor: Any,
    case: Case,
    new_status: str,
    expected_version: int | None,
    *,
    reason: str | None = None,
    outcome: str | None = None,
    outcome_note: str | None = None,
) -> Case:
    """Move the case along the allowed transitions.

    Closing needs a structured outcome; reopening a closed case needs a reason.
    """
    check_version(case, expected_version, "Der Fall")
    if new_status not in STATUSES:
        raise DomainError("Unbekannter Status.")
    if new_status not in TRANSITIONS[case.status]:
        raise DomainError(
            f"Der Status „{STATUSES[case.status]}“ kann nicht zu „{STATUSES[new_status]}“ wechseln."
        )
    old = case.status
    if new_status == "closed":
        if outcome not in OUTCOMES:
            raise DomainError("Bitte wählen Sie ein Ergebnis für den Abschluss.")
        for check in _CLOSE_CHECKS.values():  # e.g. ESF+ data complete (issue #20)
            check(case)
        case.outcome = outcome
        case.outcome_note = outcome_note or None
        case.closed_at = utcnow()
    elif old == "closed":
        if not reason:
            raise DomainError("Bitte geben Sie einen Grund für die Wiederaufnahme an.")
        case.outcome = None
        case.outcome_note = None
        case.closed_at = None
    case.status = new_status
    add_entry(
        case,
        actor,
        "status",
        body=reason if old == "closed" else outcome_note,
        **status_change(old, new_status, outcome=outcome),
    )
    db.session.flush()
    audit.record(actor, "case.status", "case", case.id, old=old, new=new_status)
    return case


def open_work(case: Case) -> dict[str, int]:
    """What is still open on a case: follow-ups not done and referrals waiting for or
    being worked on by a partner (closing warns about them: issue #14.9; the referrals
    are counted by the registered ``open_work`` of referrals)."""
    follow_ups = db.session.scalar(
        sa.select(sa.func.count(FollowUp.id)).where(
            FollowUp.case_id == case.id, FollowUp.done_at.is_(None)
        )
    )
    return {
        "follow_ups": int(follow_ups or 0),
        **{name: count(case) for name, count in _OPEN_WORK.items()},
    }


def add_note(actor: Any, case: Case, body: str) -> TimelineEntry:
    """A free-text note (the form warns not to record health data)."""
    if not body.strip():
        raise DomainError("Bitte geben Sie einen Text ein.")
    entry = add_entry(case, actor, "note", body=body)
    db.session.flush()
    audit.record(actor, "case.note", "case", case.id)
    return entry


def record_contact(
    actor: Any,
    case: Case,
    *,
    channel: str,
    at: datetime,
    duration_minutes: int | None,
    summary: str,
) -> TimelineEntry:
    """A contact with the client (phone, visit …); updates the case's last contact."""
    if channel not in CONTACT_CHANNELS:
        raise DomainError("Unbekannter Kontaktweg.")
    if at > utcnow():
        raise DomainError("Der Kontakt kann nicht in der Zukunft liegen.")
    entry = add_entry(case, actor, "contact", body=summary, at=at)
    entry.contact_channel = channel
    entry.duration_minutes = duration_minutes
    if case.last_contact_at is None or at > case.last_contact_at:
        case.last_contact_at = at
    db.session.flush()
    audit.record(actor, "case.contact", "case", case.id)
    return entry


def add_follow_up(
    actor: Any, case: Case, *, title: str, due_date: date, assignee_id: int
) -> FollowUp:
    """A Wiedervorlage for an advisor of the case's region."""
    _regional_user(assignee_id, case)
    follow_up = FollowUp(
        case_id=case.id,
        title=title,
        due_date=due_date,
        assignee_id=assignee_id,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(follow_up)
    db.session.flush()
    add_entry(
        case,
        actor,
        "follow_up",
        body=title,
        follow_up_id=follow_up.id,
        due_date=due_date.isoformat(),
        assignee_id=assignee_id,
    )
    audit.record(actor, "case.follow_up", "case", case.id, follow_up_id=follow_up.id)
    return follow_up


def complete_follow_up(actor: Any, follow_up: FollowUp) -> FollowUp:
    """Mark a follow-up done (once)."""
    if follow_up.done_at is not None:
        raise DomainError("Diese Wiedervorlage ist bereits erledigt.")
    follow_up.done_at = utcnow()
    follow_up.done_by_id = getattr(actor, "id", None)
    add_entry(
        follow_up.case,
        actor,
        "follow_up",
        body=follow_up.title,
        follow_up_id=follow_up.id,
        done=True,
    )
    db.session.flush()
    audit.record(actor, "case.follow_up_done", "case", follow_up.case_id, follow_up_id=follow_up.id)
    return follow_up


def add_participant(actor: Any, case: Case, person_id: int) -> None:
    """Add an employee to a firm case (once); not while the person's data is restricted."""
    add_participants(actor, case, [person_id])


def add_participants(actor: Any, case: Case, person_ids: Iterable[int]) -> list[int]:
    """Add several employees to a firm case in one step (one timeline entry naming them).

    Each person once; not while a person's data is restricted. Returns the ids added.
    """
    from wbagentur.persons.models import Person
    from wbagentur.persons.rules import ensure_not_restricted

    wanted = list(dict.fromkeys(int(pid) for pid in person_ids))
    if not wanted:
        raise DomainError("Bitte wählen Sie mindestens eine Person aus.")
    present = set(
        db.session.scalars(
            sa.select(case_participants.c.person_id).where(
                case_participants.c.case_id == case.id,
                case_participants.c.person_id.in_(wanted),
            )
        )
    )
    if present:
        raise DomainError("Die Person nimmt an diesem Fall bereits teil.")
    for pid in wanted:
        person = db.session.get(Person, pid)
        if person is None:
            raise DomainError("Unbekannte Person.")
        ensure_not_restricted(person)
    db.session.execute(
        sa.insert(case_participants), [{"case_id": case.id, "person_id": pid} for pid in wanted]
    )
    add_entry(case, actor, "participant", body=None, participant_ids=wanted)
    db.session.flush()
    db.session.expire(case, ["participants"])
    for pid in wanted:
        audit.record(actor, "case.participant_add", "case", case.id, person_id=pid)
    return wanted


def add_new_employees(actor: Any, case: Case, names: Iterable[tuple[str, str]]) -> list[Any]:
    """Create employees of the case's firm and add them to the case in one step (one
    timeline entry naming them all). Only a firm case with a firm takes employees."""
    from wbagentur.persons import services as person_services

    if case.kind != "firm" or case.firm_id is None:
        raise DomainError(
            "Beschäftigte lassen sich nur einem Unternehmensfall mit Unternehmen hinzufügen."
        )
    wanted = list(names)
    if not wanted:
        raise DomainError("Bitte geben Sie mindestens eine Person an.")
    people = [
        person_services.create_person(
            actor,
            {
                "first_name": first,
                "last_name": last,
                "employer_id": case.firm_id,
                "employment_status": "employed",
            },
        )
        for first, last in wanted
    ]
    add_participants(actor, case, [p.id for p in people])
    return people


def update_case(
    actor: Any,
    case: Case,
    *,
    expected_version: int | None,
    title: str,
    priority: str,
    topics: Iterable[str],
) -> Case:
    """Edit the case's title, priority and topics (version-checked)."""
    check_version(case, expected_version, "Der Fall")
    case.title = title
    case.priority = priority
    set_topics(case, topics)
    case.updated_at = utcnow()  # bumps the version even when only topics changed
    db.session.flush()
    audit.record(actor, "case.update", "case", case.id)
    return case


def add_document(actor: Any, case: Case, file_storage: Any) -> Any:
    """Store a file staff upload to the case and note it on the timeline.

    Raises ``core.uploads.UploadRejected`` (a DomainError with an HTTP status) for a file
    that is missing, empty, too large or of a kind not accepted.
    """
    from wbagentur.cases.documents import store_upload

    document = store_upload(file_storage, case=case, source="staff", actor=actor)
    add_entry(case, actor, "document", body=document.original_name, document_id=document.id)
    audit.record(actor, "case.document_upload", "case", case.id, document_id=document.id)
    return document
