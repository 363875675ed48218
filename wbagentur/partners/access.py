"""Scoped loader of the partner directory. Every staff role may read the directory (no client
data in it); only administrators change it (``requires_role`` on the views)."""

from __future__ import annotations

from flask import abort

from wbagentur.extensions import db
from wbagentur.partners.models import Partner


def get_partner(partner_id: int) -> Partner:
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    return partner
