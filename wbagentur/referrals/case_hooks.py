"""What referrals and transfers add to the case pages and the case list, registered at app
creation (``wbagentur._connect_packages``): cases do not import referrals, which build on
them (tests/test_import_graph.py).

The case list drills down by referrals (overdue, stage, partner, programme, cross-region,
period) and by accepted transfers, names the partner a filter names and knows the
programme codes; closing a case warns about referrals still open (issue #14.9).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from wbagentur.cases.models import Case
from wbagentur.cases.queries import in_local_period, overdue_referral_condition
from wbagentur.extensions import db
from wbagentur.partners.data import PROGRAMMES
from wbagentur.partners.models import Partner
from wbagentur.referrals.models import Referral, ReferralEvent, Transfer

# Referrals waiting for or being worked on by a partner.
OPEN_STATES = ("draft", "sent", "accepted", "returned")
DRILL_CODES = {"programme": PROGRAMMES, "eligible": PROGRAMMES}


def referral_stage_condition(stage: str) -> sa.ColumnElement[bool]:
    """Stage reached by a sent referral: accepted (ever), completed, completed + approved."""
    if stage == "sent":
        return Referral.sent_at.is_not(None)
    if stage == "accepted":
        return sa.or_(
            Referral.state.in_(("accepted", "completed")),
            sa.exists().where(
                ReferralEvent.referral_id == Referral.id, ReferralEvent.to_state == "accepted"
            ),
        )
    if stage == "completed":
        return Referral.state == "completed"
    return sa.and_(Referral.state == "completed", Referral.outcome == "approved")


def drill_conditions(drill: Mapping[str, Any], today: date) -> list[sa.ColumnElement[bool]]:
    """Conditions on ``Case`` for the referral and transfer filters of a drill-down."""
    conds: list[sa.ColumnElement[bool]] = []
    if drill.get("overdue") == "referrals":
        conds.append(
            sa.exists().where(
                Referral.case_id == Case.id, overdue_referral_condition(Referral, today)
            )
        )
    referral_conds: list[sa.ColumnElement[bool]] = []
    if drill.get("stage"):
        referral_conds.append(referral_stage_condition(drill["stage"]))
    if drill.get("partner"):
        referral_conds.append(Referral.partner_id == drill["partner"])
    if drill.get("programme"):
        referral_conds.append(Referral.programme == drill["programme"])
    if drill.get("xref_to"):
        referral_conds.append(
            sa.exists().where(
                Partner.id == Referral.partner_id,
                Partner.kind == "wba_contact_point",
                Partner.region_id == drill["xref_to"],
            )
        )
    if referral_conds or drill.get("referred_from") or drill.get("referred_to"):
        referral_conds.append(Referral.sent_at.is_not(None))
        referral_conds += in_local_period(
            Referral.sent_at, drill.get("referred_from"), drill.get("referred_to")
        )
        conds.append(sa.exists().where(Referral.case_id == Case.id, *referral_conds))
    if drill.get("transfer_from") or drill.get("transfer_to"):
        transfer_conds = [Transfer.case_id == Case.id, Transfer.state == "accepted"]
        if drill.get("transfer_from"):
            transfer_conds.append(Transfer.from_region_id == drill["transfer_from"])
        if drill.get("transfer_to"):
            transfer_conds.append(Transfer.to_region_id == drill["transfer_to"])
        transfer_conds += in_local_period(
            Transfer.decided_at, drill.get("transferred_from"), drill.get("transferred_to")
        )
        conds.append(sa.exists().where(*transfer_conds))
    return conds


def partner_names(ids: Collection[int]) -> dict[int, str]:
    """Names of the partners a drill-down filter names."""
    rows = db.session.execute(sa.select(Partner.id, Partner.name).where(Partner.id.in_(ids)))
    return {partner_id: name for partner_id, name in rows}


def open_referrals(case: Case) -> int:
    """Referrals of the case still waiting for or being worked on by a partner."""
    count = db.session.scalar(
        sa.select(sa.func.count(Referral.id)).where(
            Referral.case_id == case.id, Referral.state.in_(OPEN_STATES)
        )
    )
    return int(count or 0)
