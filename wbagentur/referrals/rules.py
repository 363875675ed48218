"""Pure rules of the referral module: Thuringian working days and partner suggestions.

No database, no Flask: the tests call these directly.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from wbagentur.core.workdays import is_working_day
from wbagentur.referrals.data import PROGRAMMES, TOPICS


def add_working_days(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (``start`` itself does not count).

    ``n = 0`` returns ``start`` unchanged; negative ``n`` counts backwards.
    """
    day = start
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days d with start < d <= end (negative when end lies before start)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def median_working_days(pairs: Iterable[tuple[date, date]]) -> float | None:
    """Median of the working days from each (sent, answered) pair; None without data."""
    values = [working_days_between(a, b) for a, b in pairs]
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class PartnerInfo:
    """What the suggestion needs to know about a partner."""

    id: int
    code: str
    name: str
    kind: str
    districts: frozenset[str] = field(default_factory=frozenset)
    programmes: frozenset[str] = field(default_factory=frozenset)
    is_active: bool = True

    def serves(self, district_key: str | None) -> bool:
        # No districts = statewide/national body (KfW, IQ Netzwerk, ThAFF …).
        return not self.districts or district_key is None or district_key in self.districts


def _specificity(partner: PartnerInfo) -> tuple[int, str, int]:
    # Fewer districts served = more specific; statewide bodies come last.
    size = len(partner.districts) if partner.districts else 1000
    return (size, partner.name, partner.id)


def suggest_partners(
    partners: Sequence[PartnerInfo], district_key: str | None, need: str | None = None
) -> list[PartnerInfo]:
    """Partners matching the firm's district and the need, most specific first.

    ``need`` is a programme code (``sgb3_82`` … → partners deciding it), a topic code
    (``kammerpruefung`` → IHK and HWK …) or None (every partner serving the district).
    """
    candidates = [p for p in partners if p.is_active and p.serves(district_key)]
    if need in PROGRAMMES:
        candidates = [p for p in candidates if need in p.programmes]
    elif need in TOPICS:
        kinds = TOPICS[need][1]
        candidates = [p for p in candidates if p.kind in kinds]
    elif need is not None:
        return []
    else:
        # Without a need, only partners that are tied to the firm's district.
        candidates = [p for p in candidates if p.districts]
    return sorted(candidates, key=_specificity)
