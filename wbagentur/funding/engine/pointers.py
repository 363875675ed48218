"""Pointers to programmes an advisor meets beyond the seven the engine checks (issue #17 item 12).

They are not evaluated (no amounts, no status): each says when it may fit, what it is, the law and
who decides, so the advisor can refer the client. Triggered by the facts the input gives.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .calendar import age_on
from .inputs import CaseInput

__all__ = ["BILDUNGSURLAUB", "pointers"]

#: Bildungsurlaub laws of the Länder around Thuringia (the law of the place of work applies).
BILDUNGSURLAUB: dict[str, tuple[str, str | None]] = {
    "HE": ("Hessen", "Hessisches Gesetz über den Anspruch auf Bildungsurlaub (HBUG)"),
    "NI": ("Niedersachsen", "Niedersächsisches Bildungsurlaubsgesetz (NBildUG)"),
    "ST": ("Sachsen-Anhalt", "Bildungsfreistellungsgesetz Sachsen-Anhalt (BFG LSA)"),
    "BY": ("Bayern", None),
    "SN": ("Sachsen", None),
}
BILDUNGSPRAEMIE_END = date(2021, 12, 31)


def _pointer(code: str, title: str, text: str, citation: str, body: str) -> dict[str, Any]:
    return {
        "programme": code,
        "title": title,
        "text": text,
        "citation": citation,
        "deciding_body": body,
    }


def pointers(case: CaseInput, ref: date) -> list[dict[str, Any]]:  # noqa: C901
    """Pointers for ``case`` (reference date ``ref``), in a fixed order."""
    f, p, c = case.firm, case.person, case.course
    out: list[dict[str, Any]] = []
    if f.restructuring is True:
        out.append(
            _pointer(
                "transfer",
                "Transferleistungen bei Betriebsänderungen",
                "Bei Personalabbau durch eine Betriebsänderung: Transfermaßnahmen (§ 110), "
                "Transferkurzarbeitergeld in einer Transfergesellschaft (§ 111) und Qualifizierung "
                "während des Transferkurzarbeitergeldes (§ 111a). Beratung durch die Agentur vor "
                "den Verhandlungen über den Sozialplan.",
                "§§ 110, 111, 111a SGB III",
                "Agentur für Arbeit am Sitz des Betriebs",
            )
        )
    if p.rehabilitation_need is True:
        out.append(
            _pointer(
                "rehabilitation",
                "Berufliche Rehabilitation (Teilhabe am Arbeitsleben)",
                "Wenn eine Behinderung oder Krankheit die bisherige Arbeit verhindert: Leistungen "
                "zur Teilhabe am Arbeitsleben. Träger ist oft die Deutsche Rentenversicherung "
                "(nach 15 Versicherungsjahren oder bei Rentenbezug), sonst die Agentur für Arbeit; "
                "der Antrag bei einem Träger genügt, er leitet weiter (§ 14 SGB IX).",
                "§§ 112 ff. SGB III; § 16 SGB VI",
                "Deutsche Rentenversicherung bzw. Agentur für Arbeit (Reha-Team)",
            )
        )
    state = p.workplace_state
    if state in BILDUNGSURLAUB:
        land, law = BILDUNGSURLAUB[state]
        if law:
            text = (
                f"Arbeitsort in {land}: Für den Bildungsurlaub gilt das Recht des Arbeitsorts – "
                f"{law}; die ThürBfG-Prüfung gilt nur, wenn der Betriebssitz in Thüringen liegt."
            )
        else:
            text = (
                f"Arbeitsort in {land}: {land} hat kein Bildungsurlaubsgesetz; ein Anspruch "
                "besteht nur nach dem ThürBfG, wenn der Betriebssitz in Thüringen liegt, oder "
                "nach Tarifvertrag."
            )
        out.append(
            _pointer(
                "bildungsurlaub_" + state.lower(),
                f"Bildungsurlaub {land}",
                text,
                law or "kein Landesgesetz",
                "Arbeitgeber",
            )
        )
    age = age_on(p.birth_date, c.start_date or ref) if p.birth_date else None
    if p.has_usable_vocational_qualification is True and age is not None and age < 25:
        out.append(
            _pointer(
                "weiterbildungsstipendium",
                "Weiterbildungsstipendium (SBB)",
                "Für junge Berufstätige mit besonders guter Abschlussprüfung, die bei der Aufnahme "
                "jünger als 25 sind: Zuschuss zu Weiterbildungen; Aufnahme über die zuständige "
                "Kammer. Bedingungen bei der Stiftung Begabtenförderung berufliche Bildung prüfen.",
                "Richtlinie Weiterbildungsstipendium (BMBF)",
                "Zuständige Stelle (Kammer) / SBB",
            )
        )
    if c.goal == "university_degree" and p.has_usable_vocational_qualification is True:
        out.append(
            _pointer(
                "aufstiegsstipendium",
                "Aufstiegsstipendium (SBB)",
                "Für ein erstes Hochschulstudium nach Berufsausbildung und Berufserfahrung: "
                "monatliches Stipendium, Bewerbung vor oder zu Beginn des Studiums bei der "
                "Stiftung Begabtenförderung berufliche Bildung.",
                "Richtlinie Aufstiegsstipendium (BMBF)",
                "Stiftung Begabtenförderung berufliche Bildung (SBB)",
            )
        )
    income = p.taxable_income_cents
    if income is not None and income <= 2_000_000 and p.employment_status == "employed":
        out.append(
            _pointer(
                "bildungspraemie",
                "Bildungsprämie (beendet)",
                "Die Bildungsprämie des Bundes (Prämiengutschein, zu versteuerndes Einkommen bis "
                f"20.000 €) ist am {BILDUNGSPRAEMIE_END.strftime('%d.%m.%Y')} ausgelaufen und hat "
                "keinen Nachfolger; in Thüringen hilft der Weiterbildungsscheck.",
                "ESF-Programm Bildungsprämie (bis 31.12.2021)",
                "—",
            )
        )
    return out
