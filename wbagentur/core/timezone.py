"""Local time of the agency: timestamps are stored in UTC and shown in Europe/Berlin."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from wbagentur.core.models import utcnow

BERLIN = ZoneInfo("Europe/Berlin")


def local_today() -> date:
    """Today's date in Thuringia."""
    return utcnow().astimezone(BERLIN).date()


def to_local(value: datetime) -> datetime:
    return value.astimezone(BERLIN)
