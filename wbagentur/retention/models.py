"""Retention rules per data category, deletion requests and the runs of the job."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wbagentur.core.models import enum_column, utcnow
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.extensions import db

# DIN 66398 start events ("Startzeitpunkte").
START_EVENTS = {
    "collected": _l("Erhebung"),
    "case_closed": _l("Ende des Vorgangs (Fallabschluss)"),
    "end_of_closing_year": _l("Ende des Jahres des Fallabschlusses"),
    "sent": _l("Versand"),
}
ACTIONS = {"delete": _l("löschen"), "anonymise": _l("anonymisieren")}


class RetentionRule(db.Model):  # type: ignore[name-defined]
    """A deletion rule: data category, start event, standard period, action."""

    __tablename__ = "retention_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    label: Mapped[str] = mapped_column(sa.String(160))
    start_event: Mapped[str] = mapped_column(enum_column(*START_EVENTS, name="start_event"))
    period_days: Mapped[int]
    action: Mapped[str] = mapped_column(enum_column(*ACTIONS, name="action"))
    legal_basis: Mapped[str] = mapped_column(sa.String(300))
    is_active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.CheckConstraint("period_days BETWEEN 1 AND 7300", name="period_range"),)


class DeletionRequest(db.Model):  # type: ignore[name-defined]
    """A manual erasure (Art. 17) that takes effect after an undo window of 30 days."""

    __tablename__ = "deletion_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(enum_column("person", "case", name="object_type"))
    object_id: Mapped[int] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(sa.String(300))
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    execute_after: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    executed_at: Mapped[datetime | None]


class RetentionRun(db.Model):  # type: ignore[name-defined]
    """One run of the retention job with its counts per rule (no personal data)."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    report: Mapped[str] = mapped_column(sa.Text, default="{}")
