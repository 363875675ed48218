"""ESF+ use cases: entry, exit, completeness, follow-up survey, indicators and export.

Views call these and commit; ``send_due_surveys`` is a job (``flask esf surveys``) and
leaves the commit to its command.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from wbagentur.cases.models import Case, TimelineEntry, case_participants
from wbagentur.core import audit, formatting
from wbagentur.core.errors_domain import DomainError
from wbagentur.core.models import utcnow
from wbagentur.core.timezone import BERLIN, local_today
from wbagentur.esf import rules
from wbagentur.esf.models import EsfParticipation
from wbagentur.extensions import db
from wbagentur.persons.models import Consent, Person

ENTRY_FIELDS = (
    "entry_date employment_status age_at_entry isced_level gender postcode "
    "third_country_national foreign_background homeless rural_area"
).split()
SPECIAL_FIELDS = ("disability", "minority")
RESULT_FIELDS = tuple(rules.RESULT_LABELS)


# ---------------------------------------------------------------- who is a participant


def case_is_participation(case: Case) -> bool:
    """Whether the persons of this case count as ESF+ participants (rules.is_participant
    with the configured short-counselling exemption)."""
    return case.id in participating_cases([case.id])


def participating_cases(
    case_ids: Iterable[int], among: Any = None, execute: Any = None
) -> set[int]:
    """Of these cases, those whose persons count as ESF+ participants: the short-counselling
    exemption (ESF_SHORT_COUNSELLING_*, UNVERIFIED) applied to the contacts recorded on each
    case, in one query. The completeness list, the indicators (live and maintained) and the
    monitoring export all ask this. ``among``: a subquery of case ids that holds
    ``case_ids``, to read the contacts by it instead of a list of every id (the refresh of
    ``esf.aggregates`` asks for every participation's case); ``execute``: run the query
    there instead of ``db.session.execute`` (the refresh reads on its own connection)."""
    ids = set(case_ids)
    config = current_app.config
    if not ids or not config["ESF_SHORT_COUNSELLING_EXEMPT"]:
        return ids
    minutes: Counter[int] = Counter()
    days: dict[int, set[date]] = {}
    cases = TimelineEntry.case_id.in_(ids if among is None else among)
    for case_id, at, duration in (execute or db.session.execute)(
        sa.select(TimelineEntry.case_id, TimelineEntry.at, TimelineEntry.duration_minutes).where(
            cases, TimelineEntry.kind == "contact"
        )
    ):
        minutes[case_id] += duration or 0
        days.setdefault(case_id, set()).add(at.astimezone(BERLIN).date())
    return {
        case_id
        for case_id in ids
        if rules.is_participant(
            minutes[case_id],
            len(days.get(case_id, ())),
            exempt_short=True,
            max_minutes=int(config["ESF_SHORT_COUNSELLING_MINUTES"]),
            max_days=int(config["ESF_SHORT_COUNSELLING_DAYS"]),
        )
    }


def case_persons(case: Case) -> list[Person]:
    """The person of an individual case and the participants of a firm case."""
    ids = set(
        db.session.scalars(
            sa.select(case_participants.c.person_id).where(case_participants.c.case_id == case.id)
        )
    )
    if case.person_id:
        ids.add(case.person_id)
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Person).where(Person.id.in_(ids)).order_by(Person.id)))


def participation_of(case: Case, person: Person) -> EsfParticipation | None:
    return db.session.scalar(
        sa.select(EsfParticipation).where(
            EsfParticipation.case_id == case.id, EsfParticipation.person_id == person.id
        )
    )


def active_consents(person_id: int) -> tuple[bool, bool]:
    """(ESF-reporting consent, special-categories consent), both active."""
    purposes = set(
        db.session.scalars(
            sa.select(Consent.purpose).where(
                Consent.person_id == person_id, Consent.withdrawn_at.is_(None)
            )
        )
    )
    return "esf_reporting" in purposes, "special_categories" in purposes


# ---------------------------------------------------------------- entry


def find_duplicates(
    person: Person, postcode: str | None, exclude_person_id: int | None = None
) -> list[EsfParticipation]:
    """Participations of *other* person records with the same name, birth date and postcode
    (the same human entered twice)."""
    if not postcode or person.birth_date is None or not person.name_search:
        return []
    return list(
        db.session.scalars(
            sa.select(EsfParticipation)
            .join(Person, Person.id == EsfParticipation.person_id)
            .where(
                Person.name_search == person.name_search,
                Person.birth_date == person.birth_date,
                EsfParticipation.postcode == postcode,
                Person.id != (exclude_person_id or person.id),
            )
            .order_by(EsfParticipation.id)
        )
    )


def save_entry(
    actor: Any,
    case: Case,
    person: Person,
    data: dict[str, Any],
    *,
    survey_consent: bool,
    participation: EsfParticipation | None = None,
) -> EsfParticipation:
    """Create or update the entry questionnaire. Special categories are stored only with
    both consents; without them they are cleared."""
    if person.restricted_at is not None:
        raise DomainError(
            "Die Verarbeitung der Daten dieser Person ist eingeschränkt (Art. 18 DSGVO)."
        )
    if data["entry_date"] > local_today():
        raise DomainError("Der Eintritt kann nicht in der Zukunft liegen.")
    esf_consent, special_consent = active_consents(person.id)
    special_given = any(data.get(f) is not None for f in SPECIAL_FIELDS)
    if special_given and not rules.special_categories_allowed(esf_consent, special_consent):
        raise DomainError(
            "Behinderung und Minderheitenzugehörigkeit dürfen nur mit aktiver Einwilligung in "
            "die ESF+-Berichterstattung und in besondere Kategorien erfasst werden."
        )
    created = participation is None
    if participation is None:
        participation = EsfParticipation(
            case_id=case.id, person_id=person.id, created_by_id=getattr(actor, "id", None)
        )
        db.session.add(participation)
    if participation.exit_date and data["entry_date"] > participation.exit_date:
        raise DomainError("Der Eintritt kann nicht nach dem Austritt liegen.")
    for name in ENTRY_FIELDS:
        setattr(participation, name, data.get(name))
    allowed = rules.special_categories_allowed(esf_consent, special_consent)
    for name in SPECIAL_FIELDS:
        setattr(participation, name, data.get(name) if allowed else None)
    if survey_consent and participation.survey_consent_at is None:
        participation.survey_consent_at = utcnow()
    elif not survey_consent:
        participation.survey_consent_at = None
    db.session.flush()
    audit.record(
        actor,
        "esf.entry.create" if created else "esf.entry.update",
        "esf_participation",
        participation.id,
        case_id=case.id,
    )
    return participation


# ---------------------------------------------------------------- exit


def save_exit(actor: Any, participation: EsfParticipation, data: dict[str, Any]) -> None:
    """Record the exit and the immediate results (within four weeks of leaving)."""
    exit_date: date = data["exit_date"]
    if exit_date < participation.entry_date:
        raise DomainError("Der Austritt kann nicht vor dem Eintritt liegen.")
    if exit_date > local_today():
        raise DomainError("Der Austritt kann nicht in der Zukunft liegen.")
    results = {name: bool(data.get(name)) for name in RESULT_FIELDS}
    results_on: date | None = data.get("results_on")
    conflicts = rules.result_conflicts(results)
    if conflicts:
        a, b = conflicts[0]
        raise DomainError(
            f"„{rules.RESULT_LABELS[a]}“ und „{rules.RESULT_LABELS[b]}“ schließen sich aus."
        )
    if any(results.values()) and results_on is None:
        raise DomainError("Bitte geben Sie an, wann die Ergebnisse festgestellt wurden.")
    if results_on is not None and not rules.within_four_weeks(exit_date, results_on):
        raise DomainError(
            "Unmittelbare Ergebnisse werden innerhalb von vier Wochen (höchstens 28 Tage) "
            "nach dem Austritt festgestellt."
        )
    if results_on is not None and results_on > local_today():
        raise DomainError("Das Feststellungsdatum kann nicht in der Zukunft liegen.")
    if results["result_job_searching"] and participation.employment_status != "inactive":
        raise DomainError(
            "„arbeitsuchend“ ist ein Ergebnis nur für Teilnehmende, die bei Eintritt nicht "
            "erwerbstätig (inaktiv) waren."
        )
    participation.exit_date = exit_date
    participation.exit_situation = data["exit_situation"]
    participation.results_on = results_on
    for name, value in results.items():
        setattr(participation, name, value)
    db.session.flush()
    audit.record(actor, "esf.exit", "esf_participation", participation.id)


def record_missing_reason(actor: Any, participation: EsfParticipation, reason: str) -> None:
    """Why mandatory ESF+ data is missing (lets the case be closed)."""
    if not reason.strip():
        raise DomainError("Bitte geben Sie an, warum die Angaben fehlen.")
    participation.missing_reason = reason.strip()[:500]
    participation.missing_reason_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "esf.missing_reason", "esf_participation", participation.id)


# ---------------------------------------------------------------- completeness


def missing_for(participation: EsfParticipation | None, closing: bool = False) -> list[str]:
    if participation is None:
        return rules.missing_fields({}, closing)
    return rules.missing_fields(
        {
            name: getattr(participation, name)
            for name in (*rules.MANDATORY_FIELDS, *rules.EXIT_FIELDS)
        },
        closing,
    )


def close_blockers(case: Case) -> list[tuple[Person, list[str]]]:
    """Participants of the case whose mandatory ESF+ data (entry and exit) is missing and
    for whom no reason was recorded. Empty when the case is short counselling."""
    if not case_is_participation(case):
        return []
    blockers = []
    for person in case_persons(case):
        participation = participation_of(case, person)
        missing = missing_for(participation, closing=True)
        if missing and not (participation and participation.missing_reason):
            blockers.append((person, missing))
    return blockers


def ensure_closable(case: Case) -> None:
    """Registered with ``cases.services.register_close_check``: runs before a case closes."""
    blockers = close_blockers(case)
    if blockers:
        names = "; ".join(f"{p.full_name}: {', '.join(m)}" for p, m in blockers)
        raise DomainError(
            "ESF+-Pflichtangaben fehlen ("
            + names
            + "). Bitte ergänzen Sie sie auf der ESF+-Seite des Falls oder begründen Sie dort, "
            "warum sie fehlen."
        )


@dataclass
class Gap:
    case: Case
    person: Person
    participation: EsfParticipation | None
    missing: list[str]


def incomplete_for(user: Any, advisor_id: int | None, limit: int = 500) -> list[Gap]:
    """Participants with missing mandatory ESF+ data in the newest ``limit`` cases of the
    user's region (advisor: own cases; supervisor: one advisor or all). Open cases need the
    entry data, closed cases also the exit. Five queries, whatever the number of cases."""
    stmt = sa.select(Case).where(Case.region_id == user.region_id, Case.anonymised_at.is_(None))
    if advisor_id is not None:
        stmt = stmt.where(Case.assigned_to_id == advisor_id)
    cases = list(db.session.scalars(stmt.order_by(Case.opened_at.desc(), Case.id).limit(limit)))
    ids = [c.id for c in cases]
    if not ids:
        return []
    counted = participating_cases(ids)
    people: dict[int, set[int]] = {c.id: ({c.person_id} if c.person_id else set()) for c in cases}
    for case_id, person_id in db.session.execute(
        sa.select(case_participants.c.case_id, case_participants.c.person_id).where(
            case_participants.c.case_id.in_(ids)
        )
    ):
        people[case_id].add(person_id)
    all_people = {pid for group in people.values() for pid in group}
    persons = {
        p.id: p
        for p in db.session.scalars(sa.select(Person).where(Person.id.in_(all_people or {0})))
    }
    participations = {
        (p.case_id, p.person_id): p
        for p in db.session.scalars(
            sa.select(EsfParticipation).where(EsfParticipation.case_id.in_(ids))
        )
    }
    gaps = []
    for case in cases:
        if case.id not in counted:
            continue
        for person_id in sorted(people[case.id]):
            participation = participations.get((case.id, person_id))
            missing = missing_for(participation, closing=case.status == "closed")
            if missing and not (participation and participation.missing_reason):
                gaps.append(Gap(case, persons[person_id], participation, missing))
    return gaps


# ---------------------------------------------------------------- follow-up survey


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


SURVEY_MAIL = """Guten Tag,

{opening}
Sie hatten zugestimmt, dass wir Sie danach kurz befragen. Zwei Fragen zu Ihrer heutigen
beruflichen Situation helfen uns, die Förderung aus dem Europäischen Sozialfonds Plus zu
belegen:

{link}

Der Link gilt bis zum {expires} und kann einmal verwendet werden.

Mit freundlichen Grüßen
Ihre Weiterbildungsagentur Thüringen
"""


def _mail_survey(participation: EsfParticipation, token: str, reminder: bool) -> None:
    """Queue the survey mail. It names nothing but the agency: the link alone identifies
    the survey (a job renders it, outside any request)."""
    from wbagentur.mail import links
    from wbagentur.mail.services import queue_mail

    email = participation.person.email
    if not email or participation.survey_expires_at is None:
        return
    body = SURVEY_MAIL.format(
        opening=(
            "wir möchten Sie noch einmal an unsere kurze Nachbefragung erinnern."
            if reminder
            else "vor etwa sechs Monaten endete Ihre Beratung bei der Weiterbildungsagentur "
            "Thüringen."
        ),
        link=links.external_url("esf.survey", token=token),
        expires=formatting.format_date(
            participation.survey_expires_at.astimezone(BERLIN).date(), locale="de"
        ),
    )
    subject = (
        "Erinnerung: kurze Nachbefragung der Weiterbildungsagentur"
        if reminder
        else "Kurze Nachbefragung der Weiterbildungsagentur"
    )
    queue_mail(email, subject, body, "esf_survey")


@dataclass
class SurveyReport:
    sent: int = 0
    reminded: int = 0
    no_consent: int = 0
    no_response: int = 0


def send_due_surveys(now: datetime | None = None) -> SurveyReport:
    """Send the surveys that are due (six months after leaving), the reminders, and count
    expired links as non-response. Only participants with the survey consent, an active
    ESF-reporting consent and an e-mail address get a mail."""
    now = now or utcnow()
    today = now.astimezone(BERLIN).date()
    config = current_app.config
    link_days = int(config["ESF_SURVEY_LINK_DAYS"])
    remind_days = int(config["ESF_SURVEY_REMINDER_DAYS"])
    report = SurveyReport()
    due_exit = today - timedelta(days=rules.SURVEY_AFTER_DAYS)
    for participation in db.session.scalars(
        sa.select(EsfParticipation)
        .where(
            EsfParticipation.survey_state == "not_due",
            EsfParticipation.exit_date.is_not(None),
            EsfParticipation.exit_date <= due_exit,
            EsfParticipation.anonymised_at.is_(None),
        )
        .order_by(EsfParticipation.id)
    ):
        person = participation.person
        esf_consent, _special = active_consents(person.id)
        if (
            participation.survey_consent_at is None
            or not esf_consent
            or not person.email
            or person.restricted_at is not None
            or person.erased_at is not None
        ):
            participation.survey_state = "no_consent"
            report.no_consent += 1
            continue
        token = secrets.token_urlsafe(32)
        participation.survey_token_hash = _hash(token)
        participation.survey_sent_at = now
        participation.survey_expires_at = now + timedelta(days=link_days)
        participation.survey_state = "sent"
        _mail_survey(participation, token, reminder=False)
        report.sent += 1
    for participation in db.session.scalars(
        sa.select(EsfParticipation)
        .where(
            EsfParticipation.survey_state == "sent",
            EsfParticipation.survey_sent_at <= now - timedelta(days=remind_days),
            EsfParticipation.survey_expires_at > now,
        )
        .order_by(EsfParticipation.id)
    ):
        if not participation.person.email:
            continue
        # A new link replaces the first one (only its hash is stored); same expiry.
        token = secrets.token_urlsafe(32)
        participation.survey_token_hash = _hash(token)
        participation.survey_reminded_at = now
        participation.survey_state = "reminded"
        _mail_survey(participation, token, reminder=True)
        report.reminded += 1
    for participation in db.session.scalars(
        sa.select(EsfParticipation).where(
            EsfParticipation.survey_state.in_(("sent", "reminded")),
            EsfParticipation.survey_expires_at <= now,
        )
    ):
        participation.survey_state = "no_response"
        participation.survey_token_hash = None
        report.no_response += 1
    db.session.flush()
    if report.sent or report.reminded or report.no_consent or report.no_response:
        audit.record(
            None,
            "esf.surveys",
            None,
            None,
            sent=report.sent,
            reminded=report.reminded,
            no_consent=report.no_consent,
            no_response=report.no_response,
        )
    return report


def survey_by_token(token: str, now: datetime | None = None) -> EsfParticipation | None:
    """The participation an unanswered, unexpired survey link belongs to."""
    now = now or utcnow()
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(EsfParticipation).where(
            EsfParticipation.survey_token_hash == _hash(token),
            EsfParticipation.survey_answered_at.is_(None),
            EsfParticipation.survey_expires_at > now,
        )
    )


def answer_survey(token: str, employed: bool, improved: bool, now: datetime | None = None) -> bool:
    """Store the answer once. A used or expired link changes nothing (returns False).

    One conditional UPDATE, so two submissions at once cannot both land."""
    now = now or utcnow()
    if not token or len(token) > 100:
        return False
    result = db.session.execute(
        sa.update(EsfParticipation)
        .where(
            EsfParticipation.survey_token_hash == _hash(token),
            EsfParticipation.survey_answered_at.is_(None),
            EsfParticipation.survey_expires_at > now,
            EsfParticipation.survey_state.in_(("sent", "reminded")),
        )
        .values(
            survey_answered_at=now,
            survey_state="answered",
            survey_token_hash=None,
            longterm_employment=employed,
            longterm_improved=improved,
            version=EsfParticipation.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    done = bool(getattr(result, "rowcount", 0))
    if done:
        audit.record(None, "esf.survey.answer", None, None)
    return done


# ---------------------------------------------------------------- indicators and export


RECORD_COLUMNS = [
    getattr(EsfParticipation, f.name)
    for f in fields(rules.Record)  # same names as the model
]


def _records(region_id: int | None, condition: Any) -> list[rules.Record]:
    """Only the columns the indicators need (no ORM objects, no joined person), of the
    participations whose case counts (short counselling does not)."""
    stmt = (
        sa.select(EsfParticipation.case_id, *RECORD_COLUMNS)
        .join(Case, Case.id == EsfParticipation.case_id)
        .where(condition)
    )
    if region_id is not None:
        stmt = stmt.where(Case.region_id == region_id)
    rows = db.session.execute(stmt).all()
    counted = participating_cases(row[0] for row in rows)
    return [rules.Record(*row[1:]) for row in rows if row[0] in counted]


def indicator_counts(region_id: int | None, start: date, end: date) -> dict[str, Counter[str]]:
    """Counts per indicator and gender: entries with ``entry_date`` in the period, results
    of exits with ``exit_date`` in the period (region None = all regions)."""
    entries = _records(region_id, EsfParticipation.entry_date.between(start, end))
    exits = _records(region_id, EsfParticipation.exit_date.between(start, end))
    return rules.indicators(entries, exits)


EXPORT_COLUMNS = [
    "teilnehmer_id",
    "region",
    "eintrittsdatum",
    "erwerbsstatus_eintritt",
    "alter_eintritt",
    "isced",
    "geschlecht",
    "drittstaatsangehoerig",
    "auslaendische_herkunft",
    "obdachlos",
    "laendlich",
    "behinderung",
    "minderheit",
    "austrittsdatum",
    "situation_austritt",
    "ergebnis_arbeitsuchend",
    "ergebnis_bildung",
    "ergebnis_qualifikation",
    "ergebnis_erwerbstaetig",
    "nachbefragung",
    "erwerbstaetig_6_monate",
    "verbessert_6_monate",
]


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def export_rows(region_id: int | None, start: date, end: date) -> list[list[Any]]:
    """One row per participation active in the period (entered by its end, not left before
    its start); pseudonymous id, no name, address or birth date. Dates ISO, flags 0/1."""
    from wbagentur.regions.models import Region

    secret = str(current_app.config["SECRET_KEY"])
    e = EsfParticipation
    stmt = (
        sa.select(e.case_id, e.person_id, Region.code, *RECORD_COLUMNS, e.exit_situation)
        .join(Case, Case.id == e.case_id)
        .join(Region, Region.id == Case.region_id)
        .where(
            e.entry_date <= end,
            sa.or_(e.exit_date.is_(None), e.exit_date >= start),
            e.anonymised_at.is_(None),
        )
        .order_by(e.entry_date, e.id)
    )
    if region_id is not None:
        stmt = stmt.where(Case.region_id == region_id)
    result = db.session.execute(stmt).all()
    counted = participating_cases(row[0] for row in result)
    rows = []
    for case_id, person_id, region_code, *values, exit_situation in result:
        if case_id not in counted:
            continue  # short counselling: no ESF+ participation
        p = rules.Record(*values)
        immediate = rules.within_four_weeks(p.exit_date, p.results_on)
        rows.append(
            [
                rules.pseudonym(secret, person_id),
                region_code,
                p.entry_date.isoformat(),
                p.employment_status,
                p.age_at_entry,
                p.isced_level,
                p.gender,
                _flag(p.third_country_national),
                _flag(p.foreign_background),
                _flag(p.homeless),
                _flag(p.rural_area),
                _flag(p.disability),
                _flag(p.minority),
                p.exit_date.isoformat() if p.exit_date else None,
                exit_situation,
                int(immediate and p.result_job_searching),
                int(immediate and p.result_education),
                int(immediate and p.result_qualification),
                int(immediate and p.result_employment),
                p.survey_state,
                _flag(p.longterm_employment),
                _flag(p.longterm_improved),
            ]
        )
    return rows


# ---------------------------------------------------------------- data protection

ACCESS_SKIP = ("survey_token_hash", "created_by_id", "missing_reason_by_id", "version")


def access_records(person_id: int) -> list[dict[str, Any]]:
    """The person's ESF+ records for the Art. 15 report (no link token, no staff ids)."""
    out = []
    for p in db.session.scalars(
        sa.select(EsfParticipation)
        .where(EsfParticipation.person_id == person_id)
        .order_by(EsfParticipation.entry_date, EsfParticipation.id)
    ):
        row: dict[str, Any] = {"case": p.case.reference}
        for column in EsfParticipation.__table__.columns:
            if column.name in ACCESS_SKIP or column.name in ("person_id", "case_id"):
                continue
            value = getattr(p, column.name)
            row[column.name] = value.isoformat() if isinstance(value, (date, datetime)) else value
        out.append(row)
    return out


def erase_person_records(person_id: int, now: datetime) -> None:
    """Art. 17 / retention erasure of a person: remove what identifies or is special in the
    ESF+ records; the statistical answers stay with the (then anonymous) record."""
    db.session.execute(
        sa.update(EsfParticipation)
        .where(EsfParticipation.person_id == person_id)
        .values(
            postcode=None,
            disability=None,
            minority=None,
            missing_reason=None,
            survey_token_hash=None,
            anonymised_at=now,
            version=EsfParticipation.version + 1,
        )
        .execution_options(synchronize_session=False)
    )


# ---------------------------------------------------------------- retention


def anonymise_due(period_days: int, now: datetime) -> int:
    """Löschkonzept rule ``esf_participant``: after the programme's audit retention period
    (counted from 31 Dec of the year the case was closed) the record keeps only what the
    indicators need; postcode, special categories, survey link and reason are removed."""
    done = 0
    stmt = (
        sa.select(EsfParticipation)
        .join(Case, Case.id == EsfParticipation.case_id)
        .where(
            EsfParticipation.anonymised_at.is_(None),
            Case.status == "closed",
            Case.legal_hold.is_(False),
            Case.closed_at < now - timedelta(days=period_days),
        )
        .order_by(EsfParticipation.id)
    )
    for p in db.session.scalars(stmt):
        closed = p.case.closed_at
        if closed is None:
            continue
        local = closed.astimezone(BERLIN)
        end_of_year = datetime(local.year, 12, 31, 23, 59, 59, tzinfo=BERLIN)
        if end_of_year + timedelta(days=period_days) >= now:
            continue
        p.postcode = None
        p.disability = None
        p.minority = None
        p.missing_reason = None
        p.survey_token_hash = None
        p.anonymised_at = now
        done += 1
    return done
