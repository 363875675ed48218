"""What the quick check hands over to the request form (kept in the session, never in a URL)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import session

from wbagentur.extensions import db
from wbagentur.intake.models import HEADCOUNT_BANDS
from wbagentur.regions.models import District

PREFILL_KEY = "intake_prefill"


def apply_prefill(form: Any) -> bool:
    """Fill an unsent request form from the quick check's answers; True if anything was set."""
    data = session.get(PREFILL_KEY)
    if not isinstance(data, dict):
        return False
    band = data.get("headcount_band")
    if band in HEADCOUNT_BANDS:
        form.headcount_band.data = band
    key = data.get("district_key")
    if key:
        district_id = db.session.scalar(sa.select(District.id).where(District.key == str(key)))
        if district_id is not None:
            form.district_id.data = str(district_id)
    message = data.get("message")
    if isinstance(message, str):
        form.message.data = message[:2000]
    form.topics.data = ["funding"]
    return True


def forget_prefill() -> None:
    session.pop(PREFILL_KEY, None)
