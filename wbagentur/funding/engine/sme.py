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

from .i18n import N_, _
from .inputs import Firm
from .money import num

__all__ = ["SME_LABELS", "SmeClass", "sme_class", "sme_text_beside_own_bands"]

CITE = "Empfehlung 2003/361/EG, Anhang Art. 2"

#: class → (staff below, turnover ceiling in cents, balance-sheet ceiling in cents)
_CEILINGS = (
    ("micro", 10, 2_000_000_00, 2_000_000_00),
    ("small", 50, 10_000_000_00, 10_000_000_00),
    ("medium", 250, 50_000_000_00, 43_000_000_00),
)
SME_LABELS = {
    "micro": N_("Kleinstunternehmen"),
    "small": N_("kleines Unternehmen"),
    "medium": N_("mittleres Unternehmen"),
    "large": N_("großes Unternehmen (kein KMU)"),
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
            "label": _(SME_LABELS[self.code]) if self.code else None,
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
            _(
                "{label}: mit einem großen Unternehmen verbunden oder zu 25 % oder mehr in dessen "
                "Besitz (Anhang Art. 3).",
                label=_(SME_LABELS["large"]),
            ),
        )
    if weighted_staff is None:
        return SmeClass(None, False, _("KMU-Einstufung nicht möglich: Beschäftigtenzahl fehlt."))
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
        missing.append(_("Jahresumsatz oder Bilanzsumme (firm.annual_turnover_eur)"))
    if firm.linked_to_large_enterprise is None:
        missing.append(
            _("Verbindung zu einem großen Unternehmen (firm.linked_to_large_enterprise)")
        )
    text = _(
        "{label} nach {staff} Beschäftigten (Jahresarbeitseinheiten)",
        label=_(SME_LABELS[code]),
        staff=num(weighted_staff),
    )
    text += "." if complete else _("; vorläufig, es fehlen: {items}.", items=", ".join(missing))
    return SmeClass(code, complete, text)


def sme_text_beside_own_bands(sme: SmeClass, law: str) -> str:
    """Info text for a programme whose rate follows its own size bands (``law``), not the EU
    class: the client's firm is often called "KMU" elsewhere, and the two differ (a firm with
    300 staff is in the middle § 82 band but no EU SME)."""
    return _(
        "EU-KMU-Klasse: {text} Der Satz hier richtet sich nicht nach ihr, sondern nach den "
        "Größenklassen von {law}.",
        text=sme.text,
        law=law,
    )
