"""Routing after funding-rules.md § 9.0: which programme first, alternatives, complements."""

from __future__ import annotations

from datetime import date
from typing import Any

from .i18n import N_, _
from .inputs import CaseInput
from .pointers import pointers
from .result import ELIGIBLE, NEEDS_INFORMATION, NOT_ELIGIBLE, ProgrammeResult

__all__ = ["route"]

_TEXT = {
    "sgb3_81": N_("Bildungsgutschein über Agentur für Arbeit bzw. Jobcenter"),
    "afbg": N_("Aufstiegsfortbildung: nur Aufstiegs-BAföG (§ 22 Abs. 1a SGB III)"),
    "sgb3_82": N_("Beschäftigtenqualifizierung: Lehrgangskosten und Arbeitsentgeltzuschuss"),
    "sgb3_82a": N_(
        "Qualifizierungsgeld als Alternative zu § 82 für dieselbe Maßnahme (nie beides)"
    ),
    "esf_weiterbildungsscheck": N_("Weiterbildungsscheck (bis 1.000 €, einer je Haushaltsjahr)"),
    "esf_anpassungsqualifizierung": N_("ESF Plus Anpassungsqualifizierung (Arbeitgeber, bis 50 %)"),
    "thuerbfg": N_("Bildungsfreistellung: bezahlte Freistellung, unabhängig von der Förderung"),
}


def route(  # noqa: C901
    case: CaseInput, results: dict[str, ProgrammeResult], ref: date | None = None
) -> dict[str, Any]:
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
        for _step, r in candidates:
            if r.status == wanted and (r.programme == "thuerbfg") == allow_leave:
                recommended = r
                break
        if recommended:
            break
    decision = _choose_82_or_82a(case, results)
    if decision is not None and recommended is not None and recommended.programme in _PAIR:
        recommended = results[decision["first"]]
    offered: list[ProgrammeResult] = []
    sequence = []
    for step, r in candidates:
        instead_of = None
        if recommended is not None and r.programme == recommended.programme:
            role = "primary"
        elif r.programme == "thuerbfg":
            role = "complement"  # paid leave combines with any funding
        else:
            # Never offer two programmes that exclude each other (same measure / same costs):
            # the one met earlier in the routing order (or the recommended one) is offered.
            clash = next(
                (o for o in [*([recommended] if recommended else []), *offered] if _excludes(o, r)),
                None,
            )
            role = "alternative" if clash is not None else "complement"
            instead_of = clash.programme if clash is not None else None
        if role != "alternative":
            offered.append(r)
        sequence.append(
            {
                "step": step,
                "programme": r.programme,
                "status": r.status,
                "role": role,
                "text": _(_TEXT[r.programme]),
                "instead_of": instead_of,
            }
        )
    sequence.sort(key=lambda e: e["role"] != "primary")
    hints = []
    if p.foreign_qualification:
        hints.append(
            _(
                "Ausländischer Abschluss: Anerkennungs- und Qualifizierungsberatung beim IQ "
                "Netzwerk Thüringen bzw. der Agentur für Arbeit (§ 421g SGB III, ab 2026)."
            )
        )
    if c.structural_change_driven:
        hints.append(
            _(
                "Digitale Transformation im KMU: kostenlose Beratung beim Zukunftszentrum "
                "ZeTT (Jena)."
            )
        )
    if recommended is None:
        hints.append(
            _(
                "Kein Programm passt nach den Angaben; Beratung zu weiteren Angeboten (z. B. "
                "Weiterbildungsverbund)."
            )
        )
    found = pointers(case, ref) if ref is not None else []
    hints.extend(f"{x['title']}: {x['text']} ({x['citation']})" for x in found)
    return {
        "recommended": recommended.programme if recommended else None,
        "recommended_status": recommended.status if recommended else None,
        "sequence": sequence,
        "hints": hints,
        "decision": decision,
        "pointers": found,
    }


_PAIR = ("sgb3_82", "sgb3_82a")


def _excludes(a: ProgrammeResult, b: ProgrammeResult) -> bool:
    """Whether ``a`` and ``b`` cannot both be used (either side lists the other)."""
    return any(e.programme == b.programme for e in a.exclusions) or any(
        e.programme == a.programme for e in b.exclusions
    )


def _choose_82_or_82a(
    case: CaseInput, results: dict[str, ProgrammeResult]
) -> dict[str, Any] | None:
    """When the Qualifizierungsgeld conditions are met: which of § 82 / § 82a first, and why.

    Both exclude each other for one measure (§ 82a Abs. 5 Nr. 2 SGB III). Qualifizierungsgeld
    replaces pay that stops during the training (60/67 % of the net pay difference, § 82b) while
    the employer bears the course costs in full (§ 82a Abs. 2 S. 1 Nr. 2); § 82 pays course costs
    and a subsidy to pay that continues. So: pay stops (a net pay difference is given) → § 82a
    first; pay continues → § 82 first, § 82a if the pay is to stop.
    """
    qg = results["sgb3_82a"]
    if qg.status != ELIGIBLE:
        return None
    s82 = results["sgb3_82"]
    diff = case.person.net_pay_difference_monthly_cents
    cite = "§ 82a Abs. 5 Nr. 2 SGB III"
    if s82.status != ELIGIBLE:
        first = "sgb3_82a"
        why = _(
            "Die Voraussetzungen des Qualifizierungsgeldes sind erfüllt, die der "
            "Beschäftigtenqualifizierung (§ 82) nicht oder noch nicht vollständig: zuerst "
            "Qualifizierungsgeld beantragen."
        )
    elif diff:
        first = "sgb3_82a"
        why = _(
            "Beide Programme passen, für dieselbe Maßnahme aber nur eines ({cite}). Zuerst "
            "Qualifizierungsgeld beantragen: Das Arbeitsentgelt entfällt während der "
            "Weiterbildung (Nettoentgeltdifferenz angegeben), das Qualifizierungsgeld ersetzt "
            "davon 60 % bzw. 67 % (§ 82b SGB III); die Lehrgangskosten trägt der Arbeitgeber "
            "ohnehin vollständig (§ 82a Abs. 2 S. 1 Nr. 2 SGB III).",
            cite=cite,
        )
    else:
        first = "sgb3_82"
        why = _(
            "Beide Programme passen, für dieselbe Maßnahme aber nur eines ({cite}). Zuerst die "
            "Beschäftigtenqualifizierung (§ 82) beantragen: Das Arbeitsentgelt läuft weiter "
            "(keine Nettoentgeltdifferenz angegeben); § 82 übernimmt Lehrgangskosten und "
            "bezuschusst das Arbeitsentgelt, beim Qualifizierungsgeld trüge der Arbeitgeber die "
            "Lehrgangskosten vollständig. Qualifizierungsgeld nur, wenn das Entgelt während der "
            "Weiterbildung entfallen soll.",
            cite=cite,
        )
    return {"between": list(_PAIR), "first": first, "why": why, "citation": cite}
