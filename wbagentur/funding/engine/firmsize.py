"""Firm size: weighted headcount after § 82 Abs. 6 SGB III and plain head count.

Part-timers are weighted ≤ 10 h/week = 0.25, ≤ 20 h = 0.5, ≤ 30 h = 0.75, more = 1.0 (weights are a
parameter of the § 82 set). Counting at group (Konzern) level: the larger of own and group figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .i18n import N_
from .inputs import Firm, StaffGroup

__all__ = ["FirmSize", "firm_size", "weighted_headcount"]

DEFAULT_WEIGHTS: tuple[tuple[float | None, float], ...] = (
    (10, 0.25),
    (20, 0.5),
    (30, 0.75),
    (None, 1.0),
)


def weighted_headcount(
    staff: Sequence[StaffGroup], weights: Sequence[Sequence[Any]] = DEFAULT_WEIGHTS
) -> float:
    """Sum of ``count × weight(weekly_hours)``; rounded to 6 decimals to keep band edges exact."""
    total = 0.0
    for group in staff:
        for limit, weight in weights:
            if limit is None or group.weekly_hours <= limit:
                total += group.count * weight
                break
    return round(total, 6)


class FirmSize:
    """Size figures of one firm, computed once per evaluation."""

    __slots__ = ("heads", "own_weighted", "source", "weighted")

    def __init__(
        self, own_weighted: float | None, weighted: float | None, heads: float | None, source: str
    ) -> None:
        """Store the figures; ``source`` says where they came from (German, for explanations)."""
        self.own_weighted = own_weighted
        self.weighted = weighted
        self.heads = heads
        self.source = source


def firm_size(firm: Firm, weights: Sequence[Sequence[Any]] = DEFAULT_WEIGHTS) -> FirmSize:
    """Weighted headcount incl. group (max of own and group) and head count of ``firm``.

    A ``staff`` list takes precedence over ``headcount``; the head count (for ThürBfG) is the
    number of persons in the list, else ``headcount``.
    """
    if firm.staff:
        own: float | None = weighted_headcount(firm.staff, weights)
        heads: float | None = float(sum(g.count for g in firm.staff))
        source = N_("gewichtet aus der Beschäftigtenliste")
    else:
        own = firm.headcount
        heads = firm.headcount
        source = N_("angegebene Beschäftigtenzahl")
    weighted = own
    if firm.group_headcount is not None and (own is None or firm.group_headcount > own):
        weighted = firm.group_headcount
        source = N_("Konzernebene")
    return FirmSize(own, weighted, heads, source)
