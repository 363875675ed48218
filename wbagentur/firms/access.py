"""Who may see and edit which firm (security.md AC-02).

Advisors and supervisors see firms whose district lies in their region, plus firms
linked to a case of their region (``cases.firm_id``); they edit firms of their own
region and the firm of an open case handed over to their region (accepted transfer).
Coordinators see all firms, read-only. Administrators see none (the views already
answer 403 by role). Firms outside the scope answer 404, never 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort

from wbagentur.extensions import db
from wbagentur.firms.models import Firm, FirmContact
from wbagentur.regions.models import District

REGIONAL_ROLES = ("advisor", "supervisor")

# Grounds that come from packages building on firms (the cases of a region, a case handed
# over by transfer) are registered at app creation (``wbagentur._connect_packages``), so
# firms need not import them; without a registration they grant nothing (fail closed).
# A scope grant: (region id, firm-id column) → conditions on that column.
ScopeGrant = Callable[[int, Any], list[sa.ColumnElement[bool]]]
# An edit grant: (user of a region, firm outside that region) → may the user edit it?
EditGrant = Callable[[Any, Firm], bool]
_SCOPE_GRANTS: dict[str, ScopeGrant] = {}
_EDIT_GRANTS: dict[str, EditGrant] = {}


def register_firm_grant(
    name: str, scope: ScopeGrant | None = None, edit: EditGrant | None = None
) -> None:
    """Let ``scope`` show and ``edit`` open firms beyond the region's (idempotent by name)."""
    if scope is not None:
        _SCOPE_GRANTS[name] = scope
    if edit is not None:
        _EDIT_GRANTS[name] = edit


def firm_scope(user: Any, firm: Any = Firm) -> sa.ColumnElement[bool]:
    """SQL condition selecting the firms ``user`` may see (on ``firm``: the Firm entity or
    an alias of it, e.g. a person's employer).

    A test per row, not a set: the grants are correlated EXISTS probes on an index, so a
    list walking firms in its display order stops after a page instead of first
    collecting every firm linked to a case of the region (issue #22).
    """
    if user.role in REGIONAL_ROLES and user.region_id is not None:
        in_region = sa.select(District.id).where(District.region_id == user.region_id)
        grants = [c for g in _SCOPE_GRANTS.values() for c in g(user.region_id, firm.id)]
        return sa.or_(firm.district_id.in_(in_region), *grants)
    if user.role == "coordinator":
        return sa.true()
    return sa.false()


def firms_visible_to(user: Any) -> sa.Select[tuple[Firm]]:
    """All firms the user may see, as a Select to filter and paginate further."""
    return sa.select(Firm).where(firm_scope(user))


def firms_of_region(user: Any) -> sa.Select[tuple[Firm]] | None:
    """The firms in the districts of the user's region – a subset of ``firms_visible_to``
    found by an index, for counting (``core.pagination.with_count_subset``); None when the
    scope has no such part."""
    if user.role in REGIONAL_ROLES and user.region_id is not None:
        in_region = sa.select(District.id).where(District.region_id == user.region_id)
        return sa.select(Firm).where(Firm.district_id.in_(in_region))
    return None


def visible_firm_ids(user: Any) -> sa.Select[tuple[int]]:
    """Ids of the firms the user may see (for subqueries, e.g. persons' employers)."""
    return sa.select(Firm.id).where(firm_scope(user))


def can_edit_firm(user: Any, firm: Firm) -> bool:
    """Advisors and supervisors edit firms whose district lies in their own region, and the
    firm of an open case handed over to their region (accepted transfer: issue #14.8).
    A firm seen only through a case opened in the region stays read-only."""
    if user.role not in REGIONAL_ROLES or user.region_id is None:
        return False
    if firm.district.region_id == user.region_id:
        return True
    return any(grant(user, firm) for grant in _EDIT_GRANTS.values())


def get_firm_for(user: Any, firm_id: int, need: str = "view") -> Firm:
    """Load a firm within the user's scope, or answer 404 (403 if visible but read-only)."""
    firm = db.session.scalar(firms_visible_to(user).where(Firm.id == firm_id))
    if firm is None:
        abort(404)
    if need == "edit" and not can_edit_firm(user, firm):
        abort(403)
    return firm


def get_contact_for(user: Any, firm: Firm, contact_id: int) -> FirmContact:
    """A contact of ``firm`` (already scoped), or 404."""
    contact = db.session.scalar(
        sa.select(FirmContact).where(FirmContact.id == contact_id, FirmContact.firm_id == firm.id)
    )
    if contact is None:
        abort(404)
    return contact
