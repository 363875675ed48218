"""A transfer opens the firm of the case for editing (issue #14.8): advisors and supervisors
edit the firm of an open case handed over to their region (accepted transfer). Registered
at app creation (``wbagentur._connect_packages``): firms do not import transfers, which
build on them (tests/test_import_graph.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wbagentur.cases.models import Case
from wbagentur.extensions import db
from wbagentur.firms.access import register_firm_grant
from wbagentur.firms.models import Firm
from wbagentur.referrals.models import Transfer


def handed_over_firm(user: Any, firm: Firm) -> bool:
    """The firm of an open case handed over to the user's region (accepted transfer)."""
    handed_over = (
        sa.select(sa.literal(True))
        .select_from(Case)
        .join(Transfer, Transfer.case_id == Case.id)
        .where(
            Case.firm_id == firm.id,
            Case.region_id == user.region_id,
            Case.status != "closed",
            Transfer.state == "accepted",
            Transfer.to_region_id == user.region_id,
        )
        .limit(1)
    )
    return bool(db.session.scalar(handed_over))


def register_grants() -> None:
    """Called at app creation."""
    register_firm_grant("transfers", edit=handed_over_firm)
