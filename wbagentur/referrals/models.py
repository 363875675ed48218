"""Referrals with their events, and transfers between regions (partners: ``partners.models``)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbagentur.accounts.models import User
from wbagentur.cases.models import Case
from wbagentur.core.models import enum_column, utcnow
from wbagentur.extensions import db
from wbagentur.partners.models import Partner
from wbagentur.referrals.data import (
    DECLINE_REASONS,
    OUTCOMES,
    STATES,
    TRANSFER_STATES,
    VIA,
)
from wbagentur.regions.models import Region


class Referral(db.Model):  # type: ignore[name-defined]
    """A referral (disclosure) of a case to a partner, with due date and structured outcome.

    State changes are conditional UPDATEs on ``state`` (see services), so ``version`` is
    bumped by hand there instead of through the ORM's version counter.
    """

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    programme: Mapped[str | None] = mapped_column(sa.String(40))
    purpose: Mapped[str] = mapped_column(sa.Text, info={"pii": "free_text"})
    message: Mapped[str | None] = mapped_column(sa.Text, info={"pii": "free_text"})
    # Comma-separated codes of DATA_CATEGORIES shared with the partner.
    data_categories: Mapped[str] = mapped_column(sa.String(200))
    consent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consents.id", ondelete="SET NULL"), index=True
    )
    legal_basis: Mapped[str | None] = mapped_column(sa.String(300))
    state: Mapped[str] = mapped_column(
        enum_column(*STATES, name="state"), default="draft", index=True
    )
    due_days: Mapped[int] = mapped_column(default=10)
    due_date: Mapped[date | None] = mapped_column(index=True)
    # Indexed: the dashboard's funnel and answer times select referrals sent in a period.
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(
        enum_column(*DECLINE_REASONS, name="decline_reason")
    )
    answer_note: Mapped[str | None] = mapped_column(sa.Text, info={"pii": "free_text"})
    outcome: Mapped[str | None] = mapped_column(enum_column(*OUTCOMES, name="outcome"))
    amount_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    decision_date: Mapped[date | None]
    course_start: Mapped[date | None]
    voucher_issued: Mapped[bool | None]
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    token_expires_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    # "My referrals" filter by the creating advisor: ix_referrals_created_by_due and
    # ix_referrals_created_by_state_due.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The audit entry of the newest answer that someone other than the creator recorded
    # and the creator has not seen since (opened the referral or its case); NULL when
    # none. Kept by referrals.attention as the trail is appended (issue #22).
    answer_unseen_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[Case] = relationship(lazy="joined")
    partner: Mapped[Partner] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("consent_id IS NOT NULL OR legal_basis IS NOT NULL", name="has_basis"),
        sa.CheckConstraint("amount_cents IS NULL OR amount_cents >= 0", name="amount_not_negative"),
        # Dashboard: cases with overdue referrals, read from the index alone; also every
        # statement by state and due date (its prefix; the index on those two went, migration
        # rsdx00000001).
        sa.Index("ix_referrals_state_due_case", "state", "due_date", "case_id"),
        # The read grants of every case list (cases.access._grants), from the index alone.
        sa.Index("ix_referrals_partner_state_case", "partner_id", "state", "case_id"),
        # The navigation badge and the start page: a creator's referrals by state and due
        # date (the overdue ones), and those with an answer not yet seen (issue #22).
        sa.Index("ix_referrals_created_by_state_due", "created_by_id", "state", "due_date"),
        # "Meine Weiterleitungen" in its order (due date first): read and stopped after the
        # page, where PostgreSQL otherwise walked all referrals by due date (issue #22).
        sa.Index("ix_referrals_created_by_due", "created_by_id", "due_date"),
        sa.Index(
            "ix_referrals_answer_unseen",
            "created_by_id",
            sqlite_where=sa.text("answer_unseen_id IS NOT NULL"),
            postgresql_where=sa.text("answer_unseen_id IS NOT NULL"),
        ),
        # The start page walks the referrals awaiting an answer by due date (issue #22).
        sa.Index(
            "ix_referrals_awaiting_due_case",
            "due_date",
            "case_id",
            "id",
            sqlite_where=sa.text("state IN ('sent', 'accepted', 'returned')"),
            postgresql_where=sa.text("state IN ('sent', 'accepted', 'returned')"),
        ),
    )

    @property
    def categories(self) -> list[str]:
        return [c for c in self.data_categories.split(",") if c]

    def __repr__(self) -> str:
        return f"<Referral {self.id} {self.state}>"


class ReferralEvent(db.Model):  # type: ignore[name-defined]
    """One state change of a referral, by whom and through which channel."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        sa.ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    from_state: Mapped[str | None] = mapped_column(sa.String(20))
    to_state: Mapped[str] = mapped_column(sa.String(20))
    via: Mapped[str] = mapped_column(enum_column(*VIA, name="via"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(sa.Text, info={"pii": "free_text"})
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")

    # The dashboard's "accepted at some time" test looks up (referral, to_state) per referral.
    __table_args__ = (sa.Index("ix_referral_events_referral_state", "referral_id", "to_state"),)


class Transfer(db.Model):  # type: ignore[name-defined]
    """Handing a case to another region's contact point; effective once accepted."""

    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    to_region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    state: Mapped[str] = mapped_column(
        enum_column(*TRANSFER_STATES, name="state"), default="pending", index=True
    )
    reason: Mapped[str] = mapped_column(sa.Text, info={"pii": "free_text"})
    decline_reason: Mapped[str | None] = mapped_column(sa.Text, info={"pii": "free_text"})
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[Case] = relationship(lazy="joined")
    from_region: Mapped[Region] = relationship(foreign_keys=[from_region_id], lazy="joined")
    to_region: Mapped[Region] = relationship(foreign_keys=[to_region_id], lazy="joined")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.CheckConstraint("from_region_id <> to_region_id", name="different_regions"),
    )
