"""The retention job (Löschkonzept, DIN 66398), erasure and restriction.

Each rule selects what is due by its start event and period and deletes or anonymises
it. Anonymisation keeps what statistics need (region, kind, status, outcome, dates,
topics, channel, gender, employment status, ISCED level) and removes everything that
identifies a person: names, contact data, birth dates, free text, documents, special
categories. Cases under a legal hold are never touched. Counts per rule, never personal
data, go to the run report and the audit trail.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from wbagentur.cases.models import Case, Document, FollowUp, TimelineEntry, case_participants
from wbagentur.core import audit, fulltext
from wbagentur.core.database import rowcount
from wbagentur.core.errors_domain import ConflictError, DomainError, check_version
from wbagentur.core.models import utcnow
from wbagentur.core.timezone import BERLIN
from wbagentur.extensions import db
from wbagentur.persons import rules as person_rules
from wbagentur.persons.models import Person
from wbagentur.retention.models import DeletionRequest, RetentionRule, RetentionRun

logger = logging.getLogger(__name__)

UNDO_DAYS = 30
UNCONVERTED_OUTCOMES = ("no_contact", "withdrawn", "no_need")
ANONYMISED = "anonymisiert"


@dataclass
class RunReport:
    """What one run did, per rule code; ``files`` are removed after the commit."""

    counts: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    audit_anchor: str | None = None


# ---------------------------------------------------------------- building blocks


def _document_files(case_ids: list[int]) -> list[Path]:
    if not case_ids:
        return []
    from wbagentur.core.uploads import document_path

    return [
        document_path(d)
        for d in db.session.scalars(sa.select(Document).where(Document.case_id.in_(case_ids)))
    ]


def erase_person(person: Person) -> None:
    """Irreversibly anonymise a person's identifying fields (keeps statistical ones)."""
    if person.erased_at is not None:
        return
    person.first_name = ANONYMISED
    person.last_name = ANONYMISED
    person.name_search = ""
    person.email = None
    person.phone = None
    person.birth_date = None
    person.employed_since = None
    person.weekly_hours = None
    person.working_days_per_week = None
    person.qualification_year = None
    person.severely_disabled = None
    person.restriction_reason = None
    person.erased_at = utcnow()
    from wbagentur.esf.services import erase_person_records

    erase_person_records(person.id, person.erased_at)
    try:
        from wbagentur.funding.models import FundingCheck

        db.session.execute(
            sa.update(FundingCheck)
            .where(FundingCheck.person_id == person.id)
            .values(input_json="{}", result_json="{}")
        )
    except ImportError:  # pragma: no cover - funding module always installed
        pass


def _live_cases_of(person_id: int, excluding: set[int]) -> int:
    participant = sa.select(case_participants.c.case_id).where(
        case_participants.c.person_id == person_id
    )
    return (
        db.session.scalar(
            sa.select(sa.func.count(Case.id)).where(
                sa.or_(Case.person_id == person_id, Case.id.in_(participant)),
                Case.anonymised_at.is_(None),
                Case.id.not_in(excluding or {0}),
            )
        )
        or 0
    )


def anonymise_case(case: Case, report: RunReport) -> None:
    """Remove every personal trace of a case, keep the statistical skeleton."""
    if case.anonymised_at is not None:
        return
    report.files.extend(_document_files([case.id]))
    db.session.execute(sa.delete(Document).where(Document.case_id == case.id))
    db.session.execute(
        sa.update(TimelineEntry).where(TimelineEntry.case_id == case.id).values(body=None)
    )
    db.session.execute(
        sa.update(FollowUp).where(FollowUp.case_id == case.id).values(title=ANONYMISED)
    )
    from wbagentur.intake.models import AdviceRequest

    db.session.execute(sa.delete(AdviceRequest).where(AdviceRequest.case_id == case.id))
    try:
        from wbagentur.referrals.models import Referral, ReferralEvent

        ids = sa.select(Referral.id).where(Referral.case_id == case.id)
        db.session.execute(
            sa.update(Referral)
            .where(Referral.case_id == case.id)
            .values(purpose=ANONYMISED, message=None, answer_note=None, token_hash=None)
        )
        db.session.execute(
            sa.update(ReferralEvent).where(ReferralEvent.referral_id.in_(ids)).values(note=None)
        )
    except ImportError:  # pragma: no cover
        pass
    try:
        from wbagentur.funding.models import FundingCheck

        db.session.execute(
            sa.update(FundingCheck)
            .where(FundingCheck.case_id == case.id)
            .values(input_json="{}", result_json="{}")
        )
    except ImportError:  # pragma: no cover
        pass
    case.title = ANONYMISED
    case.outcome_note = None
    case.anonymised_at = utcnow()
    people = {case.person_id} if case.person_id else set()
    people |= set(
        db.session.scalars(
            sa.select(case_participants.c.person_id).where(case_participants.c.case_id == case.id)
        )
    )
    db.session.flush()
    for person_id in people:
        if _live_cases_of(person_id, {case.id}) == 0:
            person = db.session.get(Person, person_id)
            if person is not None:
                erase_person(person)


def _esf_funded_case_ids() -> sa.Select[tuple[int]] | sa.CompoundSelect:
    """Cases with an approved ESF+ referral (their documents fall under Art. 82 CPR)."""
    try:
        from wbagentur.referrals.models import Referral
    except ImportError:  # pragma: no cover
        return sa.select(Case.id).where(sa.false())
    from wbagentur.esf.models import EsfParticipation

    # ESF+ participants' cases too (issue #20): they follow the programme's audit period.
    return sa.union(
        sa.select(Referral.case_id).where(
            Referral.programme.like("esf%"), Referral.outcome == "approved"
        ),
        sa.select(EsfParticipation.case_id),
    )


def _end_of_year(value: datetime) -> datetime:
    local = value.astimezone(BERLIN)
    return datetime(local.year, 12, 31, 23, 59, 59, tzinfo=BERLIN)


# ---------------------------------------------------------------- rules


def _rule_public_request_unconverted(rule: RetentionRule, now: datetime, report: RunReport) -> int:
    cutoff = now - timedelta(days=rule.period_days)
    unconverted = sa.or_(
        sa.and_(Case.status == "new", Case.assigned_to_id.is_(None)),
        sa.and_(Case.status == "closed", Case.outcome.in_(UNCONVERTED_OUTCOMES)),
    )
    ids = list(
        db.session.scalars(
            sa.select(Case.id).where(
                Case.channel == "public_form",
                unconverted,
                Case.opened_at < cutoff,
                Case.legal_hold.is_(False),
            )
        )
    )
    if ids:
        report.files.extend(_document_files(ids))
        people = {
            person_id
            for person_id in db.session.scalars(
                sa.select(Case.person_id).where(Case.id.in_(ids), Case.person_id.is_not(None))
            )
            if person_id is not None
        }
        db.session.execute(sa.delete(Case).where(Case.id.in_(ids)))
        for person_id in people:
            if _live_cases_of(person_id, set()) == 0:
                person = db.session.get(Person, person_id)
                if person is not None:
                    erase_person(person)
    return len(ids)


def _anonymise_closed(rule: RetentionRule, now: datetime, report: RunReport, esf: bool) -> int:
    esf_ids = _esf_funded_case_ids()
    stmt = sa.select(Case).where(
        Case.status == "closed",
        Case.anonymised_at.is_(None),
        Case.legal_hold.is_(False),
        Case.id.in_(esf_ids) if esf else Case.id.not_in(esf_ids),
    )
    done = 0
    if esf:
        # Start event: 31 Dec of the closing year; filter coarsely in SQL, exactly here.
        stmt = stmt.where(Case.closed_at < now - timedelta(days=rule.period_days))
        for case in db.session.scalars(stmt.order_by(Case.id)):
            # A closed case always has closed_at (tests/bench: status = closed <=> closed_at).
            if case.closed_at is None:
                continue
            if _end_of_year(case.closed_at) + timedelta(days=rule.period_days) < now:
                anonymise_case(case, report)
                done += 1
        return done
    stmt = stmt.where(Case.closed_at < now - timedelta(days=rule.period_days))
    for case in db.session.scalars(stmt.order_by(Case.id)):
        anonymise_case(case, report)
        done += 1
    return done


def _rule_person_without_case(rule: RetentionRule, now: datetime, report: RunReport) -> int:
    in_case = sa.select(Case.person_id).where(Case.person_id.is_not(None))
    participant = sa.select(case_participants.c.person_id)
    people = db.session.scalars(
        sa.select(Person)
        .where(
            Person.erased_at.is_(None),
            Person.created_at < now - timedelta(days=rule.period_days),
            Person.id.not_in(in_case),
            Person.id.not_in(participant),
        )
        .order_by(Person.id)
    ).all()
    for person in people:
        erase_person(person)
    return len(people)


def _rule_esf_participant(rule: RetentionRule, now: datetime, report: RunReport) -> int:
    from wbagentur.esf.services import anonymise_due

    return anonymise_due(rule.period_days, now)


def _rule_login_attempts(rule: RetentionRule, now: datetime, report: RunReport) -> int:
    from wbagentur.accounts.models import LoginAttempt

    result = db.session.execute(
        sa.delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=rule.period_days))
    )
    return rowcount(result)


def _rule_sent_mail(rule: RetentionRule, now: datetime, report: RunReport) -> int:
    from wbagentur.mail.models import OutboxMessage

    result = db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.sent_at.is_not(None),
            OutboxMessage.sent_at < now - timedelta(days=rule.period_days),
        )
    )
    return rowcount(result)


def _rule_audit_events(rule: RetentionRule, now: datetime, report: RunReport) -> int:
    from wbagentur.core.audit import AuditEvent

    cutoff = now - timedelta(days=rule.period_days)
    last = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.at < cutoff).order_by(AuditEvent.id.desc()).limit(1)
    )
    if last is None:
        return 0
    # The chain continues from the newest deleted entry: keep its hash as the anchor.
    report.audit_anchor = last.hash
    result = db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id <= last.id))
    return rowcount(result)


RULES: dict[str, Callable[[RetentionRule, datetime, RunReport], int]] = {
    "public_request_unconverted": _rule_public_request_unconverted,
    "advice_case": lambda r, n, rep: _anonymise_closed(r, n, rep, esf=False),
    "esf_case": lambda r, n, rep: _anonymise_closed(r, n, rep, esf=True),
    "person_without_case": _rule_person_without_case,
    "esf_participant": _rule_esf_participant,
    "login_attempts": _rule_login_attempts,
    "sent_mail": _rule_sent_mail,
    "audit_events": _rule_audit_events,
}


def execute_due_deletions(now: datetime, report: RunReport) -> int:
    """Carry out manual erasure requests whose undo window has passed."""
    due = db.session.scalars(
        sa.select(DeletionRequest)
        .where(
            DeletionRequest.executed_at.is_(None),
            DeletionRequest.cancelled_at.is_(None),
            DeletionRequest.execute_after <= now,
        )
        .order_by(DeletionRequest.id)
    ).all()
    for request in due:
        if request.object_type == "person":
            person = db.session.get(Person, request.object_id)
            if person is not None:
                for case in db.session.scalars(
                    sa.select(Case).where(Case.person_id == person.id, Case.legal_hold.is_(False))
                ):
                    anonymise_case(case, report)
                erase_person(person)
        else:
            closed_case = db.session.get(Case, request.object_id)
            if closed_case is not None and not closed_case.legal_hold:
                anonymise_case(closed_case, report)
        request.executed_at = now
    return len(due)


def run_retention(now: datetime | None = None) -> RunReport:
    """Apply every active rule and the due erasure requests (caller commits, then calls
    ``remove_files(report)``)."""
    now = now or utcnow()
    run = RetentionRun(started_at=now)
    db.session.add(run)
    report = RunReport()
    rules = db.session.scalars(
        sa.select(RetentionRule).where(RetentionRule.is_active.is_(True)).order_by(RetentionRule.id)
    )
    for rule in rules:
        handler = RULES.get(rule.code)
        if handler is None:
            logger.warning("retention rule %s has no handler", rule.code)
            continue
        report.counts[rule.code] = handler(rule, now, report)
        db.session.flush()
    report.counts["erasure_requests"] = execute_due_deletions(now, report)
    # Erased names must leave the SQLite search index as well, not only its live view.
    fulltext.purge(db.session)
    run.finished_at = utcnow()
    run.report = json.dumps(
        {"counts": report.counts, "audit_anchor": report.audit_anchor}, sort_keys=True
    )
    db.session.flush()
    audit.record(None, "retention.run", "retention_run", run.id, **report.counts)
    return report


def remove_files(report: RunReport) -> int:
    """Delete the stored files of deleted documents (after the commit)."""
    removed = 0
    for path in report.files:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


# ---------------------------------------------------------------- rules


def update_rule(
    actor: Any,
    rule: RetentionRule,
    version: int,
    *,
    label: str,
    period_days: int,
    legal_basis: str,
    is_active: bool,
) -> RetentionRule:
    """Change a retention rule's period, legal basis or state (admin); audited."""
    from wbagentur.core.translation import gettext

    check_version(rule, version, "Die Regel")
    rule.label = label
    rule.period_days = period_days
    rule.legal_basis = legal_basis
    rule.is_active = is_active
    rule.updated_by_id = actor.id
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConflictError(gettext("Die Regel wurde gleichzeitig geändert.")) from exc
    audit.record(
        actor,
        "retention.rule_update",
        "retention_rule",
        rule.id,
        period_days=rule.period_days,
        active=rule.is_active,
    )
    return rule


# ---------------------------------------------------------------- erasure and restriction


def request_deletion(actor: Any, object_type: str, object_id: int, reason: str) -> DeletionRequest:
    """An Art. 17 erasure that takes effect after the undo window (30 days)."""
    if not reason.strip():
        raise DomainError("Bitte geben Sie den Grund der Löschung an.")
    pending = db.session.scalar(
        sa.select(DeletionRequest).where(
            DeletionRequest.object_type == object_type,
            DeletionRequest.object_id == object_id,
            DeletionRequest.executed_at.is_(None),
            DeletionRequest.cancelled_at.is_(None),
        )
    )
    if pending is not None:
        raise DomainError("Für diesen Datensatz ist die Löschung bereits beantragt.")
    now = utcnow()
    request = DeletionRequest(
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        requested_by_id=getattr(actor, "id", None),
        requested_at=now,
        execute_after=now + timedelta(days=UNDO_DAYS),
    )
    db.session.add(request)
    db.session.flush()
    audit.record(actor, "erasure.request", object_type, object_id, request_id=request.id)
    return request


def cancel_deletion(actor: Any, request: DeletionRequest) -> None:
    """Undo a pending erasure within its window."""
    if request.executed_at is not None:
        raise DomainError(
            "Die Löschung wurde bereits ausgeführt und kann nicht rückgängig gemacht werden."
        )
    if request.cancelled_at is not None:
        raise DomainError("Die Löschung wurde bereits zurückgenommen.")
    request.cancelled_at = utcnow()
    request.cancelled_by_id = getattr(actor, "id", None)
    audit.record(
        actor, "erasure.cancel", request.object_type, request.object_id, request_id=request.id
    )


def restrict_person(actor: Any, person: Person, reason: str) -> None:
    """Art. 18: mark the person's data as restricted (stored only, not processed)."""
    if not reason.strip():
        raise DomainError("Bitte geben Sie den Grund der Einschränkung an.")
    person.restricted_at = utcnow()
    person.restriction_reason = reason
    audit.record(actor, "person.restrict", "person", person.id)


def lift_restriction(actor: Any, person: Person) -> None:
    person.restricted_at = None
    person.restriction_reason = None
    audit.record(actor, "person.unrestrict", "person", person.id)


# The rule lives with the person (cases, persons and referrals check it without importing
# retention, tests/test_import_graph.py); the name stays here for callers of retention.
ensure_not_restricted = person_rules.ensure_not_restricted


def audit_chain_anchors() -> set[str]:
    """Hashes of the newest audit entries removed by retention runs: the audit chain
    starts there (registered with ``core.audit`` at app creation)."""
    anchors = set()
    for report in db.session.scalars(sa.select(RetentionRun.report)):
        anchor = json.loads(report or "{}").get("audit_anchor")
        if anchor:
            anchors.add(anchor)
    return anchors
