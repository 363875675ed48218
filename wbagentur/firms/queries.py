"""Reads of firms, returning Selects to paginate or filter further."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wbagentur.core.fulltext import name_condition
from wbagentur.core.pagination import with_count_subset
from wbagentur.core.text import normalise_search
from wbagentur.firms.access import firms_of_region, firms_visible_to
from wbagentur.firms.models import Firm
from wbagentur.regions.models import District

# Sort keys from the query string map onto fixed orderings (security.md VAL-02).
SORTS: dict[str, tuple[Any, ...]] = {
    "name": (Firm.name_search.asc(), Firm.id.asc()),
    "neu": (Firm.created_at.desc(), Firm.id.desc()),
}
DEFAULT_SORT = "name"


def firm_list(
    user: Any, q: str | None = None, district_key: str | None = None, sort: str = DEFAULT_SORT
) -> sa.Select[tuple[Firm]]:
    """The firms the user may see, searched by name and filtered by district."""
    filters: list[sa.ColumnElement[bool]] = []
    if q and normalise_search(q):
        filters.append(name_condition(Firm.name_search, q))
    if district_key:
        filters.append(
            Firm.district_id.in_(sa.select(District.id).where(District.key == district_key))
        )
    stmt = firms_visible_to(user).where(*filters)
    in_region = firms_of_region(user)
    return with_count_subset(
        stmt.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])),
        None if in_region is None else in_region.where(*filters),
    )


def duplicate_candidates(
    name_search: str, district_id: int | None, register_number: str | None, email_domain: str | None
) -> sa.Select[tuple[Firm]]:
    """A coarse pre-selection for the duplicate check (across all regions); the exact
    matching is ``rules.find_duplicates``."""
    conditions: list[sa.ColumnElement[bool]] = []
    if district_id is not None:
        conditions.append(Firm.district_id == district_id)
    if register_number:
        conditions.append(Firm.register_number == register_number)
    if email_domain:
        conditions.append(Firm.email_domain == email_domain)
    if not conditions:
        return sa.select(Firm).where(sa.false())
    return sa.select(Firm).where(sa.or_(*conditions)).order_by(Firm.id)
