"""Planned courses of a firm case and the employees who attend them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbagentur.core.models import TimestampMixin
from wbagentur.extensions import db
from wbagentur.persons.models import Person


class PlanCourse(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """One planned course in a case's qualification plan (costs per participant)."""

    __tablename__ = "plan_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    provider: Mapped[str] = mapped_column(sa.String(160))
    hours: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    # "teaching_units_45" (Unterrichtseinheiten, as on most AZAV approvals) or "clock_hours".
    hours_unit: Mapped[str] = mapped_column(sa.String(20), default="teaching_units_45")
    fees_cents: Mapped[int] = mapped_column(sa.BigInteger)
    start_date: Mapped[date]
    end_date: Mapped[date]
    azav_approved: Mapped[bool | None]
    version: Mapped[int] = mapped_column(default=1)

    participants: Mapped[list[PlanParticipant]] = relationship(
        back_populates="course",
        cascade="all, delete-orphan",
        order_by="PlanParticipant.id",
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<PlanCourse {self.id}>"


class PlanParticipant(db.Model):  # type: ignore[name-defined]
    """An employee of the case who attends a planned course (one row of the plan)."""

    __tablename__ = "plan_participants"
    __table_args__ = (sa.UniqueConstraint("course_id", "person_id", name="uq_plan_participant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_courses.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )

    course: Mapped[PlanCourse] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<PlanParticipant {self.course_id}/{self.person_id}>"
