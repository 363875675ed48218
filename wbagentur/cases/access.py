"""Who may see and edit which case (security.md AC-02).

Advisors and supervisors: cases of their own region (the region of their contact point).
Coordinators: all regions, read-only for case work they do not own. Administrators manage
accounts and reference data and see no cases (data minimisation).
Referrals and transfers grant advisors and supervisors of other regions read access
(docs/referrals.md): the region that handed a case over (accepted transfer; its timeline
only up to the acceptance), the region a transfer is pending for, and the region whose
contact point received a referral (sent, accepted, returned or completed). Editing stays
with the case's own region.
Objects outside the scope answer 404, never 403, so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy import orm

from wbagentur.cases.models import Case
from wbagentur.core.pagination import row_probe
from wbagentur.extensions import db

REGIONAL_ROLES = ("advisor", "supervisor")

# Read grants to cases of other regions come from the modules that create them (referrals
# and transfers, registered at app creation by ``referrals.access.register_case_grants``):
# cases need not know them, and without a registration nothing is granted (fail closed).
# A grant provider: region id → statements selecting the ids of the cases it opens.
GrantProvider = Callable[[int], list[sa.Select[Any]]]
# A history provider: (user, case) → the moment up to which a grant lets the user read the
# case's timeline (None: no limit from this provider).
HistoryProvider = Callable[[Any, Case], datetime | None]
_GRANT_PROVIDERS: dict[str, GrantProvider] = {}
_HISTORY_PROVIDERS: dict[str, HistoryProvider] = {}


def register_access_grant(
    name: str, grants: GrantProvider, history: HistoryProvider | None = None
) -> None:
    """Let ``grants`` open cases of other regions for reading (idempotent by ``name``)."""
    _GRANT_PROVIDERS[name] = grants
    if history is not None:
        _HISTORY_PROVIDERS[name] = history


def _grants(
    region_id: int, case_id: Any = Case.id, *, per_row: bool = False
) -> list[sa.ColumnElement[bool]]:
    """The read grants of ``region_id`` as conditions on a case-id column (``cases.id``,
    or the ``case_id`` of a table that points to cases).

    ``IN (subquery)`` by default: under the OR of a scope, SQLite (MULTI-INDEX OR) and
    PostgreSQL (BitmapOr) combine index lookups, and a list of the region finds its cases
    without scanning all (docs/performance.md). ``per_row``: a probe of the grant's index
    per row (``core.pagination.row_probe``), for a list that another index already narrows
    to a few rows – an advisor's own cases – where reading every case id a grant opens
    (all referrals to the region's contact point) would cost more than the list
    (issue #22).
    """
    selects = [sel for provider in _GRANT_PROVIDERS.values() for sel in provider(region_id)]
    if per_row:
        return [row_probe(sel.where(sel.selected_columns[0] == case_id)) for sel in selects]
    return [case_id.in_(sel) for sel in selects]


def case_scope(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition selecting the cases ``user`` may see."""
    return case_scope_of(user, Case.id, Case.region_id)


def case_scope_of(user: Any, case_id: Any, region_id: Any) -> sa.ColumnElement[bool]:
    """``case_scope`` on other columns holding a case's id and region: rows that carry both
    (the search's matches, ``cases.queries``) need not join cases to be scoped."""
    if user.role in REGIONAL_ROLES and user.region_id is not None:
        return sa.or_(region_id == user.region_id, *_grants(user.region_id, case_id))
    if user.role == "coordinator":
        return sa.true()
    return sa.false()


def case_scope_per_row(user: Any) -> sa.ColumnElement[bool]:
    """``case_scope`` with the grants tested per row: for lists that another condition
    narrows on its own index (the cases assigned to the user), see ``_grants``."""
    if user.role in REGIONAL_ROLES and user.region_id is not None:
        return sa.or_(Case.region_id == user.region_id, *_grants(user.region_id, per_row=True))
    return case_scope(user)


def case_id_scope(user: Any, case_id: Any) -> sa.ColumnElement[bool]:
    """SQL condition on a column holding a case id (e.g. ``referrals.case_id``): the rows
    whose case ``user`` may see – the same rule as ``case_scope`` without joining cases.

    Used by tables that point to cases: the grants already select case ids, and the own
    region is a primary-key probe per row (correlated EXISTS), so neither database has to
    scan or hash all cases of the region to filter a few thousand rows. Advisor's referral
    list at 100,000 cases, SQL alone: PostgreSQL 17 -> 6 ms (a join under the OR scanned
    all cases), SQLite 10 ms (an ``IN`` over the region's cases took 36 ms).
    """
    if user.role in REGIONAL_ROLES and user.region_id is not None:
        # An alias: the outer query may join cases itself (e.g. for the reference).
        own_case = orm.aliased(Case)
        own = sa.exists().where(own_case.id == case_id, own_case.region_id == user.region_id)
        return sa.or_(own, *_grants(user.region_id, case_id))
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
    over), the moment up to which they may read its timeline; None = everything.

    A region that handed the case over reads entries created up to the acceptance of its
    (latest) transfer; a region reading through a pending transfer or a referral reads all.
    """
    if (
        user.role not in REGIONAL_ROLES
        or user.region_id is None
        or case.region_id == user.region_id
    ):
        return None
    cutoffs = [provider(user, case) for provider in _HISTORY_PROVIDERS.values()]
    return max((c for c in cutoffs if c is not None), default=None)


def get_case_for(user: Any, case_id: int, need: str = "view") -> Case:
    """Load a case within the user's scope, or answer 404 (403 if visible but read-only)."""
    case = db.session.scalar(cases_visible_to(user).where(Case.id == case_id))
    if case is None:
        abort(404)
    if need == "edit" and not can_edit_case(user, case):
        abort(403)
    return case
