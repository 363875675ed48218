"""A case, its participants and topics, its timeline, follow-ups and documents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbagentur.accounts.models import User
from wbagentur.core.models import TimestampMixin, enum_column, utcnow
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.extensions import db
from wbagentur.firms.models import Firm
from wbagentur.persons.models import Person
from wbagentur.regions.models import Region

KINDS = {"firm": _l("Unternehmensberatung"), "individual": _l("Individualberatung")}
CHANNELS = {
    "public_form": _l("Online-Anfrage"),
    "phone": _l("Telefon"),
    "email": _l("E-Mail"),
    "visit": _l("Besuch in der Kontaktstelle"),
    "event": _l("Veranstaltung"),
    "partner": _l("Hinweis einer Partnerstelle"),
}
PRIORITIES = {"low": _l("niedrig"), "normal": _l("normal"), "high": _l("hoch")}
STATUSES = {
    "new": _l("neu"),
    "in_advice": _l("in Beratung"),
    "referred": _l("weitergeleitet"),
    "waiting": _l("wartet"),
    "closed": _l("abgeschlossen"),
}
# The condition of the region's inbox, as SQL: the WHERE of the partial index
# ix_cases_inbox. A query that repeats it with these literal values (not bound
# parameters) may use that index on SQLite and in a generic PostgreSQL plan.
INBOX_WHERE = "status = 'new' AND assigned_to_id IS NULL"
# Allowed status changes; reopening a closed case needs a reason.
TRANSITIONS = {
    "new": ("in_advice", "closed"),
    "in_advice": ("referred", "waiting", "closed"),
    "referred": ("in_advice", "waiting", "closed"),
    "waiting": ("in_advice", "referred", "closed"),
    "closed": ("in_advice",),
}
OUTCOMES = {
    "advice_completed": _l("Beratung abgeschlossen"),
    "funding_referred": _l("an Förderstelle vermittelt"),
    "training_started": _l("Weiterbildung begonnen"),
    "no_need": _l("kein Bedarf"),
    "no_contact": _l("kein Kontakt zustande gekommen"),
    "withdrawn": _l("Anfrage zurückgezogen"),
    "other": _l("Sonstiges"),
}
TOPICS = {
    "digital": _l("Digitale Kompetenzen"),
    "emobility": _l("E-Mobilität und Antriebswandel"),
    "leadership": _l("Führung und Management"),
    "upgrade": _l("Meister, Techniker, Fachwirt"),
    "recognition": _l("Anerkennung ausländischer Abschlüsse"),
    "language": _l("Deutsch und Fremdsprachen"),
    "basic_skills": _l("Grundkompetenzen"),
    "care": _l("Pflege und Gesundheit"),
    "sustainability": _l("Nachhaltigkeit und Energie"),
    "funding": _l("Fördermöglichkeiten allgemein"),
    "other": _l("Sonstiges"),
}
ENTRY_KINDS = {
    "note": _l("Notiz"),
    "contact": _l("Kontakt"),
    "status": _l("Statuswechsel"),
    "assignment": _l("Zuweisung"),
    "document": _l("Dokument"),
    "follow_up": _l("Wiedervorlage"),
    "funding_check": _l("Förderprüfung"),
    "referral": _l("Weiterleitung"),
    "transfer": _l("Übergabe"),
    "request": _l("Anfrage"),
    "participant": _l("Beschäftigte hinzugefügt"),
    "catalogue": _l("Hinweis aus dem Förderkatalog"),
}
CONTACT_CHANNELS = {
    "phone": _l("Telefon"),
    "email": _l("E-Mail"),
    "visit": _l("persönlich"),
    "video": _l("Videogespräch"),
    "letter": _l("Brief"),
}

case_topics = sa.Table(
    "case_topics",
    db.metadata,
    sa.Column("case_id", sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic", sa.String(20), primary_key=True),
)

case_participants = sa.Table(
    "case_participants",
    db.metadata,
    sa.Column("case_id", sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    # A person's cases from the index alone (the person list's access test, issue #22).
    sa.Index("ix_case_participants_person_case", "person_id", "case_id"),
)


class CaseCounter(db.Model):  # type: ignore[name-defined]
    """Last reference number used per region and year (row-locked when incremented)."""

    __tablename__ = "case_counters"

    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)


class Case(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """A Beratungsfall. A firm case groups the employees advised within it."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(24), unique=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    kind: Mapped[str] = mapped_column(enum_column(*KINDS, name="kind"))
    title: Mapped[str] = mapped_column(sa.String(160), info={"pii": "free_text"})
    # Indexed with the region (ix_cases_firm_region, ix_cases_person_region, below).
    firm_id: Mapped[int | None] = mapped_column(sa.ForeignKey("firms.id"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id"))
    channel: Mapped[str] = mapped_column(enum_column(*CHANNELS, name="channel"))
    priority: Mapped[str] = mapped_column(
        enum_column(*PRIORITIES, name="priority"), default="normal"
    )
    status: Mapped[str] = mapped_column(
        enum_column(*STATUSES, name="status"), default="new", index=True
    )
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(enum_column(*OUTCOMES, name="outcome"))
    outcome_note: Mapped[str | None] = mapped_column(sa.Text, info={"pii": "free_text"})
    last_contact_at: Mapped[datetime | None]
    # Retention hold (audit, dispute): the retention job leaves the case alone.
    legal_hold: Mapped[bool] = mapped_column(default=False)
    legal_hold_reason: Mapped[str | None] = mapped_column(sa.String(300))
    # Set when the retention job or an erasure anonymised the case.
    anonymised_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    region: Mapped[Region] = relationship(lazy="joined")
    firm: Mapped[Firm | None] = relationship(lazy="joined")
    person: Mapped[Person | None] = relationship(lazy="joined", foreign_keys=[person_id])
    assigned_to: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[assigned_to_id])
    participants: Mapped[list[Person]] = relationship(
        secondary=case_participants, order_by="Person.last_name, Person.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(
            "(status = 'closed') = (closed_at IS NOT NULL AND outcome IS NOT NULL)",
            name="closed_has_outcome",
        ),
        sa.Index("ix_cases_region_status_opened", "region_id", "status", "opened_at"),
        # Search by part of the reference (LIKE '%…%'): trigram index, PostgreSQL only.
        sa.Index(
            "ix_cases_reference_trgm",
            "reference",
            postgresql_using="gin",
            postgresql_ops={"reference": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        # Covering indexes of the supervisor dashboard: case load per advisor (and the
        # region's case ids for the overdue counts), closed cases per outcome.
        sa.Index(
            "ix_cases_region_assignee_load",
            "region_id",
            "assigned_to_id",
            "status",
            "opened_at",
            "last_contact_at",
            "id",
        ),
        sa.Index("ix_cases_region_status_closed", "region_id", "status", "closed_at", "outcome"),
        # The incremental refresh of the report aggregates reads the cases closed on a day.
        sa.Index("ix_cases_closed_at", "closed_at"),
        # "Does a case of region R point to this firm / person?" from the index alone: the
        # firm and person lists test it per row they show (issue #22).
        sa.Index("ix_cases_firm_region", "firm_id", "region_id"),
        sa.Index("ix_cases_person_region", "person_id", "region_id"),
        # The region's inbox (queries.inbox) in its display order: only new, unassigned
        # cases are in it, so both databases walk it and stop after the page (issue #22).
        sa.Index(
            "ix_cases_inbox",
            "region_id",
            "opened_at",
            "id",
            sqlite_where=sa.text(INBOX_WHERE),
            postgresql_where=sa.text(INBOX_WHERE),
        ),
    )

    @property
    def topics(self) -> list[str]:
        rows = db.session.execute(
            sa.select(case_topics.c.topic).where(case_topics.c.case_id == self.id)
        ).scalars()
        return sorted(rows, key=list(TOPICS).index)

    def __repr__(self) -> str:
        return f"<Case {self.reference}>"


# The case list sorted by last contact ("letzter_kontakt", cases.queries.SORTS: never
# contacted first), walked along this index and stopped after the page instead of sorting
# the user's whole scope: at 1,000,000 cases 444 -> 15 ms on PostgreSQL, 221 -> 12 ms on
# SQLite (issue #22). PostgreSQL needs the NULLS FIRST in the index; SQLite puts NULLs
# first in ascending order anyway and has no NULLS FIRST in CREATE INDEX.
def _last_contact_index(name: str, *leading: Any) -> None:
    sa.Index(name, *leading, Case.last_contact_at.asc().nulls_first(), Case.id).ddl_if(
        dialect="postgresql"
    )
    sa.Index(name, *leading, Case.last_contact_at, Case.id).ddl_if(dialect="sqlite")


_last_contact_index("ix_cases_last_contact")
# The case list of one status in each of its orders (cases.queries.case_list): walked in
# the display order and stopped after the page, whatever the region holds of the status.
sa.Index("ix_cases_status_opened", Case.status, Case.opened_at, Case.id)
sa.Index("ix_cases_status_reference", Case.status, Case.reference, Case.id)
_last_contact_index("ix_cases_status_last_contact", Case.status)
# The unassigned cases ("niemand") oldest first and by reference: small partial indexes, as
# the query writes ``assigned_to_id IS NULL`` without a parameter.
UNASSIGNED_WHERE = "assigned_to_id IS NULL"
for _name, _column in (("opened", Case.opened_at), ("reference", Case.reference)):
    sa.Index(
        f"ix_cases_unassigned_{_name}",
        _column,
        Case.id,
        sqlite_where=sa.text(UNASSIGNED_WHERE),
        postgresql_where=sa.text(UNASSIGNED_WHERE),
    )


def topics_of(case_ids: list[int]) -> dict[int, list[str]]:
    """The topics of many cases in one statement (``Case.topics`` asks once per case)."""
    found: dict[int, list[str]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        rows = db.session.execute(
            sa.select(case_topics.c.case_id, case_topics.c.topic).where(
                case_topics.c.case_id.in_(case_ids)
            )
        )
        for case_id, topic in rows:
            found[case_id].append(topic)
    order = list(TOPICS)
    return {case_id: sorted(topics, key=order.index) for case_id, topics in found.items()}


class TimelineEntry(db.Model):  # type: ignore[name-defined]
    """One event on a case's timeline: note, contact, status change, document …"""

    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(enum_column(*ENTRY_KINDS, name="kind"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str | None] = mapped_column(sa.Text, info={"pii": "free_text"})
    contact_channel: Mapped[str | None] = mapped_column(
        enum_column(*CONTACT_CHANNELS, name="contact_channel")
    )
    duration_minutes: Mapped[int | None]
    # Structured details as JSON text (e.g. {"from": "new", "to": "in_advice"}); ids only.
    data: Mapped[str] = mapped_column(sa.Text, default="{}")

    author: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_timeline_entries_case_at", "case_id", "at", "id"),)


class FollowUp(db.Model):  # type: ignore[name-defined]
    """A Wiedervorlage: something to do on a case by a due date."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200), info={"pii": "free_text"})
    due_date: Mapped[date]
    assignee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id], lazy="joined")

    __table_args__ = (
        sa.Index("ix_follow_ups_assignee_due", "assignee_id", "done_at", "due_date"),
        # The start page walks the open follow-ups by due date (issue #22).
        sa.Index(
            "ix_follow_ups_open_due_case",
            "due_date",
            "case_id",
            "id",
            sqlite_where=sa.text("done_at IS NULL"),
            postgresql_where=sa.text("done_at IS NULL"),
        ),
    )


class Document(db.Model):  # type: ignore[name-defined]
    """An uploaded file. Stored outside the web root under a random name."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(200), info={"pii": "document"})
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(80))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(enum_column("staff", "requester", "partner", name="source"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
