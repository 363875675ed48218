"""The case list's drill-down parameters: what the dashboard's links may ask for.

A count on the dashboard links to ``/faelle`` with parameters such as ``advisor=12``,
``opened_from=2026-01-01`` or ``stage=approved``. :func:`drill_down_filters` keeps the
valid ones and drops the rest silently (a hand-edited URL is no error); nothing here is
trusted for access, the scoping stays in the query. :func:`without` is the link that
removes one filter again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from wbagentur.cases import drilldown, queries
from wbagentur.cases.models import CHANNELS, OUTCOMES

ID_PARAMS = (
    "advisor",
    "region",
    "partner",
    "overdue_by",
    "xref_to",
    "transfer_from",
    "transfer_to",
)
DATE_PAIRS = (
    ("opened_from", "opened_to"),
    ("closed_from", "closed_to"),
    ("referred_from", "referred_to"),
    ("checked_from", "checked_to"),
    ("transferred_from", "transferred_to"),
)


def drill_down_filters(args: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the dashboard's drill-down parameters; invalid values are ignored.

    Ids must be positive integers, dates ISO (YYYY-MM-DD, "from" not after "to"), codes
    from the fixed lists. Nothing here is trusted for access: scoping stays in the query.
    """
    out: dict[str, Any] = {}
    for name in ID_PARAMS:
        raw = (args.get(name) or "").strip()
        if raw.isdigit() and len(raw) <= 9 and int(raw) > 0:
            out[name] = int(raw)
    for start_name, end_name in DATE_PAIRS:
        start, end = iso_date(args.get(start_name)), iso_date(args.get(end_name))
        if start and end and start > end:
            continue
        if start:
            out[start_name] = start
        if end:
            out[end_name] = end
    choices: dict[str, Collection[str]] = {
        "age": queries.AGE_BUCKETS,
        "outcome": OUTCOMES,
        "channel": CHANNELS,
        "overdue": queries.OVERDUE_KINDS,
        "stage": queries.REFERRAL_STAGES,
        **drilldown.registered_codes(),  # programme, eligible (registered by referrals)
    }
    for name, allowed in choices.items():
        raw = args.get(name)
        if raw and raw in allowed:
            out[name] = raw
    raw = (args.get("no_contact_days") or "").strip()
    if raw.isdigit() and 1 <= int(raw[:5]) <= 3650 and len(raw) <= 4:
        out["no_contact_days"] = int(raw)
    return out


def iso_date(raw: str | None) -> date | None:
    """``YYYY-MM-DD`` between 2000 and 2100 as a date; anything else None."""
    if not raw or len(raw) != 10:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None
    return value if 2000 <= value.year <= 2100 else None


def without(args: Mapping[str, Any], params: tuple[str, ...]) -> dict[str, Any]:
    """The list's parameters without a drill-down filter (and its form echo: the advisor
    filter shows as the form's "assigned" choice)."""
    dropped = set(params) | ({"assigned"} if "advisor" in params else set())
    return {k: v for k, v in args.items() if k not in dropped}
