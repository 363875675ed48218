"""One lease row per background job: who runs it, until when, and when it is due next."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wbagentur.core.models import utcnow
from wbagentur.extensions import db


class JobLease(db.Model):  # type: ignore[name-defined]
    """The lock and the schedule of one job, shared by every worker process.

    A worker may run the job only after it has set ``holder`` and ``lease_until`` with one
    conditional UPDATE (due, and no live lease): the database lets exactly one worker win,
    on SQLite and PostgreSQL alike. ``lease_until`` frees the job when a worker dies."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(sa.String(120))
    lease_until: Mapped[datetime | None]
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_result: Mapped[str | None] = mapped_column(sa.String(200))
    runs: Mapped[int] = mapped_column(default=0)
