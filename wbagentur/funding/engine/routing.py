"""Routing after funding-rules.md § 9.0: which programme first, alternatives, complements."""

from __future__ import annotations

from typing import Any

from .inputs import CaseInput
from .result import ELIGIBLE, NEEDS_INFORMATION, NOT_ELIGIBLE, ProgrammeResult

__all__ = ["route"]

_TEXT = {
    "sgb3_81": "Bildungsgutschein über Agentur für Arbeit bzw. Jobcenter",
    "afbg": "Aufstiegsfortbildung: nur Aufstiegs-BAföG (§ 22 Abs. 1a SGB III)",
    "sgb3_82": "Beschäftigtenqualifizierung: Lehrgangskosten und Arbeitsentgeltzuschuss",
    "sgb3_82a": "Qualifizierungsgeld als Alternative zu § 82 für dieselbe Maßnahme (nie beides)",
    "esf_weiterbildungsscheck": "Weiterbildungsscheck (bis 1.000 €, einer je Haushaltsjahr)",
    "esf_anpassungsqualifizierung": "ESF Plus Anpassungsqualifizierung (Arbeitgeber, bis 50 %)",
    "thuerbfg": "Bildungsfreistellung: bezahlte Freistellung, unabhängig von der Förderung",
}


def route(case: CaseInput, results: dict[str, ProgrammeResult]) -> dict[str, Any]:  # noqa: C901
    """Order the candidates per § 9.0; pick the first eligible (else needing information)."""
    p, c = case.person, case.course
    order: list[tuple[int, str]] = []
    if p.employment_status in ("unemployed", "threatened_by_unemployment"):
        order.append((1, "sgb3_81"))
    if c.goal == "afbg":
        order.append((2, "afbg"))
    order += [(3, "sgb3_82"), (4, "sgb3_82a")]
    if p.has_usable_vocational_qualification is False:
        order.append((5, "sgb3_81"))
    order += [(6, "esf_weiterbildungsscheck"), (7, "esf_anpassungsqualifizierung"), (8, "thuerbfg")]
    if c.goal != "afbg":
        order.append((9, "afbg"))
    seen: set[str] = set()
    candidates: list[tuple[int, ProgrammeResult]] = []
    for step, code in order:
        if code in seen:
            continue
        seen.add(code)
        r = results[code]
        if r.status != NOT_ELIGIBLE:
            candidates.append((step, r))
    recommended = None
    # Funding programmes first; Bildungsfreistellung only when no funding programme is eligible.
    for wanted, allow_leave in ((ELIGIBLE, False), (ELIGIBLE, True), (NEEDS_INFORMATION, False)):
        for _, r in candidates:
            if r.status == wanted and (r.programme == "thuerbfg") == allow_leave:
                recommended = r
                break
        if recommended:
            break
    excluded_by_rec = {e.programme for e in recommended.exclusions} if recommended else set()
    sequence = []
    for step, r in candidates:
        if recommended is not None and r.programme == recommended.programme:
            role = "primary"
        elif r.programme == "thuerbfg":
            role = "complement"  # paid leave combines with any funding
        elif r.programme in excluded_by_rec:
            role = "alternative"
        else:
            role = "complement"
        sequence.append(
            {
                "step": step,
                "programme": r.programme,
                "status": r.status,
                "role": role,
                "text": _TEXT[r.programme],
            }
        )
    hints = []
    if p.foreign_qualification:
        hints.append(
            "Ausländischer Abschluss: Anerkennungs- und Qualifizierungsberatung beim IQ Netzwerk "
            "Thüringen "
            "bzw. der Agentur für Arbeit (§ 421g SGB III, ab 2026)."
        )
    if c.structural_change_driven:
        hints.append(
            "Digitale Transformation im KMU: kostenlose Beratung beim Zukunftszentrum ZeTT (Jena)."
        )
    if recommended is None:
        hints.append(
            "Kein Programm passt nach den Angaben; Beratung zu weiteren Angeboten (z. B. "
            "Weiterbildungsverbund)."
        )
    return {
        "recommended": recommended.programme if recommended else None,
        "recommended_status": recommended.status if recommended else None,
        "sequence": sequence,
        "hints": hints,
    }
