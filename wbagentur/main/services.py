"""Use cases of the main module: the administrator updates a contact point's public
contact details (flush and audit with ids only; the view commits)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wbagentur.core import audit
from wbagentur.extensions import db
from wbagentur.main.forms import CONTACT_FIELDS
from wbagentur.regions.models import ContactPoint


def update_contact_point(actor: Any, point: ContactPoint, values: Mapping[str, Any]) -> None:
    """Set address, phone, e-mail and opening hours as shown to the public."""
    changed = []
    for name in CONTACT_FIELDS:
        value = values.get(name) or None
        if getattr(point, name) != value:
            setattr(point, name, value)
            changed.append(name)
    db.session.flush()
    audit.record(actor, "contact_point.update", "contact_point", point.id, fields=changed)
