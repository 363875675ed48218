"""ESF+ helpers of the overview page (Reg. (EU) 2021/1057 Annex I): supported SMEs and the
suppression of small cells. Pure Python, no database.

Participant indicators are not computed here: they come from the recorded ESF+
participations (``wbagentur.esf.services.indicator_counts``, rules in ``wbagentur.esf.rules``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from wbagentur.core.translation import lazy_gettext as _l

SME_GROUPS = {
    "micro": _l("Kleinstunternehmen"),
    "small": _l("Kleine Unternehmen"),
    "medium": _l("Mittlere Unternehmen"),
}


def sme_counts(classes: Iterable[str]) -> Counter[str]:
    """Count supported firms per SME class; large enterprises are not SMEs and not counted."""
    counter: Counter[str] = Counter()
    for key in classes:
        if key in SME_GROUPS:
            counter[key] += 1
            counter["total"] += 1
    return counter


def suppress(value: int, threshold: int) -> str:
    """Publishable form of a count: values below the threshold become "< threshold"."""
    if value < threshold:
        return f"< {threshold}"
    return str(value)
