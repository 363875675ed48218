"""Reads of the referral module, returned as ``Select`` statements."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from wbagentur.cases.access import case_scope_per_row
from wbagentur.referrals.access import referral_scope, transfer_scope
from wbagentur.referrals.data import ANSWERED_STATES, AWAITING_STATES
from wbagentur.referrals.models import Referral, ReferralEvent, Transfer


def referrals_of_case(case_id: int) -> sa.Select[tuple[Referral]]:
    return (
        sa.select(Referral)
        .where(Referral.case_id == case_id)
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    )


def transfers_of_case(case_id: int) -> sa.Select[tuple[Transfer]]:
    return (
        sa.select(Transfer)
        .where(Transfer.case_id == case_id)
        .order_by(Transfer.requested_at.desc(), Transfer.id.desc())
    )


def my_referrals(user: Any, flt: str | None, today: date) -> sa.Select[tuple[Referral]]:
    """Referrals the user created, filtered: sent / awaiting / overdue / answered.

    The scope is tested on the joined case, the grants probed per referral
    (``case_scope_per_row``), so both databases start from the user's referrals (index on
    created_by_id) and join each one's case by its key; no statement reads the region's
    cases or a grant's case ids as a whole (issue #22: PostgreSQL hashed all 16,896 case
    ids of the region for every navigation badge, 12 of its 14 ms at 100,000 cases). The
    list shows a case's reference and a partner's name only, so
    the case's and partner's own eager relationships (region, firm, person, assignee …,
    twelve joins per referral before the sort) are not loaded.
    """
    stmt = (
        sa.select(Referral)
        .join(Referral.case)
        .where(Referral.created_by_id == user.id, case_scope_per_row(user))
        .options(
            orm.contains_eager(Referral.case).lazyload("*"),
            orm.joinedload(Referral.partner).lazyload("*"),
        )
    )
    if flt == "gesendet":
        stmt = stmt.where(Referral.state == "sent")
    elif flt == "offen":
        stmt = stmt.where(Referral.state.in_(AWAITING_STATES))
    elif flt == "ueberfaellig":
        stmt = stmt.where(*overdue(Referral, today))
    elif flt == "beantwortet":
        stmt = stmt.where(Referral.state.in_(ANSWERED_STATES))
    return stmt.order_by(Referral.due_date.asc().nulls_last(), Referral.id.desc())


def overdue(referral: Any, today: date) -> tuple[sa.ColumnElement[bool], ...]:
    """The conditions of the filter "überfällig" on ``Referral`` or an alias of it:
    awaiting an answer past its due date (also the navigation badge, main.workqueue)."""
    return (referral.state.in_(AWAITING_STATES), referral.due_date < today)


def events(referral_id: int) -> sa.Select[tuple[ReferralEvent]]:
    return (
        sa.select(ReferralEvent)
        .where(ReferralEvent.referral_id == referral_id)
        .order_by(ReferralEvent.at.asc(), ReferralEvent.id.asc())
    )


def partner_referrals(user: Any, partner_id: int) -> sa.Select[tuple[Referral]]:
    return (
        sa.select(Referral)
        .where(Referral.partner_id == partner_id, referral_scope(user))
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    )


def partner_state_counts(user: Any, partner_id: int) -> sa.Select[tuple[str, int]]:
    return (
        sa.select(Referral.state, sa.func.count(Referral.id))
        .where(Referral.partner_id == partner_id, referral_scope(user))
        .group_by(Referral.state)
        .order_by(Referral.state)
    )


def region_transfers(user: Any, incoming: bool) -> sa.Select[tuple[Transfer]]:
    stmt = sa.select(Transfer).where(transfer_scope(user))
    if user.region_id is not None:
        column = Transfer.to_region_id if incoming else Transfer.from_region_id
        stmt = stmt.where(column == user.region_id)
    return stmt.order_by(
        (Transfer.state == "pending").desc(), Transfer.requested_at.desc(), Transfer.id.desc()
    )
