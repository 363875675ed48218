"""Scoped loaders for referrals, partners and transfers (404 outside the user's scope).

A referral is visible exactly when its case is (``cases.access.case_scope``); acting on it
needs edit rights on the case. Transfers are visible to the sending and the receiving region.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import abort

from wbagentur.cases.access import can_edit_case, case_id_scope, register_access_grant
from wbagentur.cases.models import Case
from wbagentur.extensions import db
from wbagentur.partners.models import Partner
from wbagentur.referrals.data import GRANTING_STATES
from wbagentur.referrals.models import Referral, Transfer

REGIONAL_ROLES = ("advisor", "supervisor")


def case_grants(region_id: int) -> list[sa.Select[Any]]:
    """Cases of other regions that ``region_id`` may read: handed over by it (accepted
    transfer), pending for it, or referred to its contact point (docs/referrals.md); the
    statements select their case ids (``cases.access._grants`` turns them into
    conditions)."""
    return [
        sa.select(Transfer.case_id).where(
            Transfer.state == "accepted", Transfer.from_region_id == region_id
        ),
        sa.select(Transfer.case_id).where(
            Transfer.state == "pending", Transfer.to_region_id == region_id
        ),
        sa.select(Referral.case_id)
        .join(Partner, Partner.id == Referral.partner_id)
        .where(
            Referral.state.in_(GRANTING_STATES),
            Partner.kind == "wba_contact_point",
            Partner.region_id == region_id,
        ),
    ]


def handover_cutoff(user: Any, case: Case) -> datetime | None:
    """A region that handed the case over reads its timeline up to the acceptance of its
    (latest) transfer."""
    return db.session.scalar(
        sa.select(sa.func.max(Transfer.decided_at)).where(
            Transfer.case_id == case.id,
            Transfer.state == "accepted",
            Transfer.from_region_id == user.region_id,
        )
    )


def register_case_grants() -> None:
    """Called at app creation: referrals and transfers open cases to other regions."""
    register_access_grant("referrals", case_grants, handover_cutoff)


def referral_scope(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition: referrals whose case the user may see."""
    return case_id_scope(user, Referral.case_id)


def get_referral_for(user: Any, referral_id: int, need: str = "view") -> Referral:
    """Load a referral within scope (404), with edit rights on its case if ``need="edit"`` (403)."""
    referral = db.session.scalar(
        sa.select(Referral).where(Referral.id == referral_id, referral_scope(user))
    )
    if referral is None:
        abort(404)
    if need == "edit" and not can_edit_case(user, referral.case):
        abort(403)
    return referral


def can_edit_referral(user: Any, referral: Referral) -> bool:
    return can_edit_case(user, referral.case)


def transfer_scope(user: Any) -> sa.ColumnElement[bool]:
    """Transfers from or to the user's region (coordinators: all; admins: none)."""
    if user.role in REGIONAL_ROLES and user.region_id is not None:
        return sa.or_(
            Transfer.from_region_id == user.region_id, Transfer.to_region_id == user.region_id
        )
    if user.role == "coordinator":
        return sa.true()
    return sa.false()


def get_transfer_for(user: Any, transfer_id: int) -> Transfer:
    transfer = db.session.scalar(
        sa.select(Transfer).where(Transfer.id == transfer_id, transfer_scope(user))
    )
    if transfer is None:
        abort(404)
    return transfer
