"""Reads of the partner directory, returned as ``Select`` statements."""

from __future__ import annotations

import sqlalchemy as sa

from wbagentur.partners.models import Partner


def partners(include_inactive: bool = True) -> sa.Select[tuple[Partner]]:
    stmt = sa.select(Partner)
    if not include_inactive:
        stmt = stmt.where(Partner.is_active.is_(True))
    return stmt.order_by(Partner.is_active.desc(), Partner.kind, Partner.name, Partner.id)
