"""Reads of the reference data."""

from __future__ import annotations

import sqlalchemy as sa

from wbagentur.regions.models import ContactPoint, District, Region


def regions_in_order() -> sa.Select[tuple[Region]]:
    """All planning regions, by name."""
    return sa.select(Region).order_by(Region.name, Region.id)


def districts_in_order() -> sa.Select[tuple[District]]:
    """All districts, by name."""
    return sa.select(District).order_by(District.name, District.id)


def contact_points_in_order() -> sa.Select[tuple[ContactPoint]]:
    """All contact points, by name."""
    return sa.select(ContactPoint).order_by(ContactPoint.name, ContactPoint.id)
