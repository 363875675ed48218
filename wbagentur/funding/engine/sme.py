"""EU SME class after Commission Recommendation 2003/361/EC (Annex, Art. 2-3).

Micro: < 10 staff and turnover ≤ 2 M€ or balance sheet ≤ 2 M€; small: < 50 and ≤ 10 M€ / ≤ 10 M€;
medium: < 250 and turnover ≤ 50 M€ or balance sheet ≤ 43 M€; otherwise large. Staff are annual
work units; the engine uses the weighted head count (part-timers as fractions, § 82 Abs. 6
weights) as the nearest figure it has. An enterprise that is 25 % or more owned by a large
enterprise (partner/linked, Art. 3) is counted with it and is then normally not an SME; the
engine takes ``firm.linked_to_large_enterprise`` as that fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .inputs import Firm
from .money import num

__all__ = ["SME_LABELS", "SmeClass", "sme_class"]

CITE = "Empfehlung 2003/361/EG, Anhang Art. 2"

#: class → (staff below, turnover ceiling in cents, balance-sheet ceiling in cents)
_CEILINGS = (
    ("micro", 10, 2_000_000_00, 2_000_000_00),
    ("small", 50, 10_000_000_00, 10_000_000_00),
    ("medium", 250, 50_000_000_00, 43_000_000_00),
)
SME_LABELS = {
    "micro": "Kleinstunternehmen",
    "small": "kleines Unternehmen",
    "medium": "mittleres Unternehmen",
    "large": "großes Unternehmen (kein KMU)",
}


@dataclass(frozen=True, slots=True)
class SmeClass:
    """The class (``None`` if the head count is unknown) and whether all figures were known."""

    code: str | None
    complete: bool
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form ``{class, label, complete, text, citation}``."""
        return {
            "class": self.code,
            "label": SME_LABELS.get(self.code or "", None),
            "complete": self.complete,
            "text": self.text,
            "citation": CITE,
        }


def sme_class(firm: Firm, weighted_staff: float | None) -> SmeClass:
    """Classify the firm; financial ceilings apply only when turnover or balance sheet is given."""
    if firm.linked_to_large_enterprise is True:
        return SmeClass(
            "large",
            True,
            f"{SME_LABELS['large']}: mit einem großen Unternehmen verbunden oder zu 25 % oder "
            "mehr in dessen Besitz (Anhang Art. 3).",
        )
    if weighted_staff is None:
        return SmeClass(None, False, "KMU-Einstufung nicht möglich: Beschäftigtenzahl fehlt.")
    turnover, balance = firm.annual_turnover_cents, firm.balance_sheet_total_cents
    financial = turnover is not None or balance is not None
    code = "large"
    for cls, staff_below, t_max, b_max in _CEILINGS:
        if weighted_staff >= staff_below:
            continue
        if (
            not financial
            or (turnover is not None and turnover <= t_max)
            or (balance is not None and balance <= b_max)
        ):
            code = cls
            break
    complete = financial and firm.linked_to_large_enterprise is not None
    missing = []
    if not financial:
        missing.append("Jahresumsatz oder Bilanzsumme (firm.annual_turnover_eur)")
    if firm.linked_to_large_enterprise is None:
        missing.append("Verbindung zu einem großen Unternehmen (firm.linked_to_large_enterprise)")
    text = f"{SME_LABELS[code]} nach {num(weighted_staff)} Beschäftigten (Jahresarbeitseinheiten)"
    text += "." if complete else "; vorläufig, es fehlen: " + ", ".join(missing) + "."
    return SmeClass(code, complete, text)
