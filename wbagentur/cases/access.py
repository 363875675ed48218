"""Who may see and edit which case (security.md AC-02).

Advisors and supervisors: cases of their own region (the region of their contact point).
Coordinators: all regions, read-only for case work they do not own. Administrators manage
accounts and reference data and see no cases (data minimisation).
Referrals and transfers will add grants to other regions (issue "Referral tracking").
Objects outside the scope answer 404, never 403, so ids cannot be probed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import abort

from wbagentur.cases.models import Case
from wbagentur.extensions import db

REGIONAL_ROLES = ("advisor", "supervisor")


def case_scope(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition selecting the cases ``user`` may see."""
    if user.role in REGIONAL_ROLES and user.region_id is not None:
        return Case.region_id == user.region_id
    if user.role == "coordinator":
        return sa.true()
    return sa.false()


def cases_visible_to(user: Any) -> sa.Select[tuple[Case]]:
    """All cases the user may see, as a Select to filter and paginate further."""
    return sa.select(Case).where(case_scope(user))


def can_edit_case(user: Any, case: Case) -> bool:
    """Advisors and supervisors edit cases of their own region."""
    return user.role in REGIONAL_ROLES and case.region_id == user.region_id


def history_cutoff(user: Any, case: Case) -> datetime | None:
    """For a user who reads the case only through a grant (e.g. the region that handed it
    over), the moment up to which they may read its timeline; None = everything."""
    return None


def get_case_for(user: Any, case_id: int, need: str = "view") -> Case:
    """Load a case within the user's scope, or answer 404 (403 if visible but read-only)."""
    case = db.session.scalar(cases_visible_to(user).where(Case.id == case_id))
    if case is None:
        abort(404)
    if need == "edit" and not can_edit_case(user, case):
        abort(403)
    return case
