"""Pure rules of the partner directory: which partners to suggest for a firm and a need.

No database, no Flask: the tests call these directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from wbagentur.partners.data import PROGRAMMES, TOPICS


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
