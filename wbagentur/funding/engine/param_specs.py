"""Types, bounds and German labels of the catalogue parameters.

Every parameter key the engine reads has a :class:`Spec`: a German label (what administrators and
clients see instead of the key, e.g. "Höchstbetrag" for ``cap_eur``) and a kind that fixes its type
and bounds (rates and percentage points in [0, 1], amounts, counts and periods ≥ 0, dates ISO and
ordered). :func:`validate_parameters` returns German messages for every violation; the catalogue
refuses a version with any of them when it is proposed and again when it is approved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .i18n import N_, _
from .money import num

__all__ = ["SPECS", "Spec", "label_of", "validate_parameters"]

MAX_AMOUNT = 1e9


@dataclass(frozen=True, slots=True)
class Spec:
    """German label and kind (``rate``, ``pp``, ``eur``, ``count``, ``days``, ``months``,
    ``years``, ``hours``, ``factor``, ``date``, ``bool``, ``text``, ``json``, ``bands``,
    ``weights``, ``rates_by_class``, ``hours_before``) of one parameter; ``optional``: may be
    null (= not known)."""

    label: str
    kind: str
    optional: bool = False


S = Spec
SPECS: dict[str, Spec] = {
    # § 82 SGB III
    "regime": S(N_("Rechtsstand"), "text"),
    "min_hours_exclusive": S(N_("Mindestdauer (mehr als … Stunden)"), "hours"),
    "min_hours_exclusive_before": S(N_("Frühere Mindestdauer (bis Datum)"), "hours_before"),
    "hours_unit_rule": S(N_("Zählweise der Stunden"), "text"),
    "waiting_years_since_qualification": S(N_("Jahre seit dem Berufsabschluss"), "years"),
    "waiting_years_since_last_funding": S(N_("Sperrfrist nach letzter Förderung (Jahre)"), "years"),
    "requires_structural_change": S(N_("Strukturwandel-Bezug erforderlich"), "bool"),
    "structural_waiver_firm_below": S(
        N_("Kein Strukturwandel-Bezug nötig in Betrieben unter … Beschäftigten"), "count"
    ),
    "structural_waiver_from": S(N_("Ausnahme vom Strukturwandel-Bezug ab"), "date"),
    "bands": S(N_("Betriebsgrößenklassen mit Arbeitgeberanteil und Zuschuss"), "bands"),
    "aez_up_to": S(N_("Arbeitsentgeltzuschuss nur „bis zu“"), "bool"),
    "employer_share_waiver_firm_below": S(
        N_("Kein Arbeitgeberanteil (ab 45 / schwerbehindert) in Betrieben unter … Beschäftigten"),
        "count",
    ),
    "employer_share_waiver_age": S(N_("Alter für den Wegfall des Arbeitgeberanteils"), "years"),
    "agreement_bonus_pp": S(
        N_("Betriebsvereinbarung/Tarifvertrag: Prozentpunkte mehr bzw. weniger"), "pp"
    ),
    "structural_bonus_pp": S(N_("Strukturwandel-Zuschlag (Prozentpunkte)"), "pp"),
    "structural_share_threshold": S(N_("Anteil mit Strukturwandel-Bedarf (Schwelle)"), "rate"),
    "structural_share_threshold_sme": S(
        N_("Anteil mit Strukturwandel-Bedarf (Schwelle KMU)"), "rate"
    ),
    "bonus_from": S(N_("Zuschläge ab"), "date"),
    "no_qualification_aez_rate": S(
        N_("Arbeitsentgeltzuschuss ohne verwertbaren Berufsabschluss (bis zu)"), "rate"
    ),
    "sv_flat_rate": S(
        N_("Pauschale für den Arbeitgeberanteil am Sozialversicherungsbeitrag"), "rate"
    ),
    "size_weights": S(N_("Gewichtung Teilzeitbeschäftigter (bis … Stunden: Faktor)"), "weights"),
    "staff_counting": S(N_("Zählung von Auszubildenden und Minijobbern"), "text"),
    "proof_months_after_end": S(N_("Nachweisfrist nach Lehrgangsende (Monate)"), "months"),
    "short_time_work_exclusion_from": S(N_("Ausschluss bei Kurzarbeit ab"), "date"),
    "short_time_work_exclusion_until": S(N_("Ausschluss bei Kurzarbeit bis"), "date"),
    # § 82a SGB III
    "rate": S(N_("Fördersatz"), "rate"),
    "rate_with_child": S(N_("Fördersatz mit Kind"), "rate"),
    "share_threshold": S(N_("Mindestanteil mit Strukturwandel-Bedarf"), "rate"),
    "share_threshold_small": S(
        N_("Mindestanteil mit Strukturwandel-Bedarf (kleine Betriebe)"), "rate"
    ),
    "small_firm_below": S(N_("Kleine Betriebe: unter … Beschäftigten"), "count"),
    "declaration_firm_below": S(N_("Schriftliche Erklärung genügt unter … Beschäftigten"), "count"),
    "waiting_years_since_last_82a": S(
        N_("Sperrfrist nach letztem Qualifizierungsgeld (Jahre)"), "years"
    ),
    "afbg_stage1_start_before": S(N_("AFBG-Stufe 1: Ausnahme für Beginn vor"), "date"),
    # § 81 SGB III
    "premium_intermediate_eur": S(N_("Weiterbildungsprämie Zwischenprüfung"), "eur"),
    "premium_final_eur": S(N_("Weiterbildungsprämie Abschlussprüfung"), "eur"),
    "weiterbildungsgeld_monthly_eur": S(N_("Weiterbildungsgeld je Monat"), "eur"),
    "weiterbildungsgeld_requires_vocational_goal": S(
        N_("Weiterbildungsgeld nur bei Ziel Berufsabschluss"), "bool"
    ),
    "min_years_of_work": S(N_("Mindestjahre Berufstätigkeit"), "years"),
    "accommodation_day_eur": S(N_("Auswärtige Unterbringung je Tag"), "eur"),
    "accommodation_month_cap_eur": S(N_("Auswärtige Unterbringung höchstens je Monat"), "eur"),
    "meals_day_eur": S(N_("Verpflegung je Tag"), "eur"),
    "meals_month_cap_eur": S(N_("Verpflegung höchstens je Monat"), "eur"),
    # AFBG
    "min_lessons": S(N_("Mindestumfang (Unterrichtsstunden)"), "hours"),
    "min_lessons_stage1_part_time": S(N_("Mindestumfang Stufe 1 in Teilzeit (UStd)"), "hours"),
    "full_time_max_months": S(N_("Vollzeit: höchstens … Monate"), "months"),
    "full_time_min_lessons_per_week": S(N_("Vollzeit: mindestens … UStd je Woche"), "hours"),
    "part_time_max_months": S(N_("Teilzeit: höchstens … Monate"), "months"),
    "part_time_max_months_stage1": S(N_("Teilzeit Stufe 1: höchstens … Monate"), "months"),
    "part_time_min_lessons_per_month": S(N_("Teilzeit: mindestens … UStd je Monat"), "hours"),
    "excluded_prior_qualifications": S(N_("Ausgeschlossene Vorqualifikationen"), "json"),
    "cost_cap_eur": S(N_("Höchstbetrag Lehrgangs- und Prüfungsgebühren"), "eur"),
    "grant_rate": S(N_("Zuschussanteil"), "rate"),
    "meisterstueck_cap_eur": S(N_("Höchstbetrag Meisterprüfungsprojekt"), "eur"),
    "meisterstueck_grant_rate": S(N_("Zuschussanteil Meisterprüfungsprojekt"), "rate"),
    "meisterstueck_material_share": S(N_("Berücksichtigter Anteil der Materialkosten"), "rate"),
    "remission_rate": S(N_("Erlass bei bestandener Prüfung"), "rate"),
    "need_basic_eur": S(N_("Grundbedarf je Monat"), "eur"),
    "need_housing_eur": S(N_("Unterkunft je Monat"), "eur"),
    "need_kv_eur": S(N_("Krankenversicherungszuschlag je Monat"), "eur"),
    "need_pv_eur": S(N_("Pflegeversicherungszuschlag je Monat"), "eur"),
    "need_participant_extra_eur": S(N_("AFBG-Zuschlag Teilnehmende je Monat"), "eur"),
    "need_partner_eur": S(N_("Zuschlag Ehe-/Lebenspartner je Monat"), "eur"),
    "need_child_eur": S(N_("Zuschlag je Kind und Monat"), "eur"),
    "childcare_monthly_eur": S(N_("Kinderbetreuung je Kind und Monat"), "eur"),
    "childcare_child_age_below": S(N_("Kinderbetreuung für Kinder unter … Jahren"), "years"),
    "bafoeg_amounts_valid_from": S(N_("BAföG-Bedarfssätze gültig ab"), "date"),
    "max_funding_months_full_time": S(N_("Förderungshöchstdauer Vollzeit (Monate)"), "months"),
    "asset_allowance_eur": S(N_("Vermögensfreibetrag Teilnehmende"), "eur"),
    "asset_allowance_partner_eur": S(N_("Vermögensfreibetrag Ehe-/Lebenspartner"), "eur"),
    "asset_allowance_child_eur": S(N_("Vermögensfreibetrag je Kind"), "eur"),
    "income_allowance_monthly_eur": S(
        N_("Einkommensfreibetrag Teilnehmende je Monat"), "eur", optional=True
    ),
    "income_allowance_partner_monthly_eur": S(
        N_("Einkommensfreibetrag Teilnehmende: Zuschlag für Ehe-/Lebenspartner je Monat"), "eur"
    ),
    "income_allowance_child_monthly_eur": S(
        N_("Einkommensfreibetrag Teilnehmende: Zuschlag je Kind und Monat"), "eur"
    ),
    "partner_income_allowance_monthly_eur": S(
        N_("Einkommensfreibetrag Ehe-/Lebenspartner je Monat"), "eur", optional=True
    ),
    "partner_income_allowance_child_monthly_eur": S(
        N_("Einkommensfreibetrag Ehe-/Lebenspartner: Zuschlag je Kind und Monat"), "eur"
    ),
    "partner_income_free_share": S(
        N_("Anrechnungsfreier Anteil am übersteigenden Partnereinkommen"), "rate"
    ),
    "partner_income_free_share_per_child": S(
        N_("Anrechnungsfreier Anteil am Partnereinkommen zusätzlich je Kind"), "rate"
    ),
    # ThürBfG
    "days_per_year": S(N_("Freistellungstage je Jahr"), "days"),
    "apprentice_days": S(N_("Freistellungstage für Auszubildende"), "days"),
    "apprentice_days_outside_school_only": S(
        N_("Auszubildende: nur außerhalb der Berufsschulzeit"), "bool", optional=True
    ),
    "base_working_days": S(N_("Bezugs-Arbeitstage je Woche"), "days"),
    "days_rounding": S(N_("Rundung der Tage"), "text"),
    "waiting_months": S(N_("Wartezeit (Monate)"), "months"),
    "min_firm_size": S(N_("Anspruch ab … Beschäftigten"), "count"),
    "firm_size_counting": S(N_("Zählung der Beschäftigten"), "text"),
    "notice_days": S(N_("Antragsfrist vor der Veranstaltung (Tage)"), "days"),
    "recognition_authority": S(N_("Anerkennende Stelle"), "text"),
    "employer_answer_days": S(N_("Antwortfrist des Arbeitgebers (Tage)"), "days"),
    "quota_small_max": S(N_("Kleine Betriebe: bis … Beschäftigte"), "count"),
    "quota_small_days": S(N_("Kleine Betriebe: Tage für alle zusammen"), "days"),
    "quota_medium_max": S(N_("Mittlere Betriebe: bis … Beschäftigte"), "count"),
    "quota_medium_factor": S(N_("Mittlere Betriebe: Tage je Beschäftigtem"), "factor"),
    "quota_large_factor": S(N_("Große Betriebe: Tage je Beschäftigtem"), "factor"),
    # ESF+
    "cap_eur": S(N_("Höchstbetrag"), "eur"),
    "income_limit_eur": S(N_("Einkommensgrenze (Einzelveranlagung)"), "eur"),
    "income_limit_joint_eur": S(N_("Einkommensgrenze (Zusammenveranlagung)"), "eur"),
    "public_sector_excluded": S(N_("Öffentlicher Dienst ausgeschlossen"), "bool"),
    "apprentices_included": S(N_("Auszubildende einbezogen"), "bool", optional=True),
    "lead_days": S(N_("Antragsfrist vor Projektbeginn (Tage)"), "days"),
    "rate_by_sme_class": S(N_("Fördersatz nach KMU-Klasse"), "rates_by_class"),
    "wage_unit_cost_eur_per_hour": S(
        N_("Standardeinheitskosten Personalausgaben je Stunde"), "eur", optional=True
    ),
}

_MAX = {"count": MAX_AMOUNT, "eur": MAX_AMOUNT, "hours": 100_000, "days": 3660, "months": 1200}
_MAX.update({"years": 150, "factor": 1000})
SME_CLASSES = ("micro", "small", "medium", "large")
UNVERIFIED_WORDS = ("ungeprüft", "unverified", "nicht belegt")


def label_of(key: str) -> str:
    """The label of parameter ``key`` in the current language (the key itself if it has no
    spec)."""
    spec = SPECS.get(key)
    return _(spec.label) if spec else key


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


def _rate(v: Any) -> bool:
    return _is_num(v) and 0 <= v <= 1


def _iso(v: Any) -> date | None:
    if not isinstance(v, str):
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        return None


def _check_value(kind: str, v: Any) -> str | None:  # noqa: C901, PLR0911 (one branch per kind)
    """None if ``v`` fits ``kind``, else the German complaint."""
    if kind in ("rate", "pp"):
        return None if _rate(v) else "muss eine Zahl zwischen 0 und 1 sein (0 % bis 100 %)"
    if kind in _MAX:
        if not _is_num(v) or v < 0:
            return "muss eine Zahl ≥ 0 sein"
        if v > _MAX[kind]:
            return f"darf höchstens {num(_MAX[kind])} sein"
        if kind in ("days", "months", "years") and v != int(v):
            return "muss eine ganze Zahl sein"
        return None
    if kind == "date":
        return None if _iso(v) else "muss ein Datum JJJJ-MM-TT sein"
    if kind == "bool":
        return None if isinstance(v, bool) else "muss ja oder nein sein"
    if kind == "text":
        return None if isinstance(v, str) and v.strip() else "muss ein Text sein"
    if kind == "rates_by_class":
        if not isinstance(v, Mapping) or set(v) != set(SME_CLASSES):
            return "braucht je einen Satz für micro, small, medium und large"
        if not all(_rate(x) for x in v.values()):
            return "Sätze müssen zwischen 0 und 1 liegen"
        return None
    if kind == "bands":
        return _check_bands(v)
    if kind == "weights":
        return _check_weights(v)
    if kind == "hours_before":
        if not isinstance(v, Mapping) or _iso(v.get("until")) is None:
            return "braucht ein Datum „until“ (JJJJ-MM-TT) und eine Stundenzahl „value“"
        value = v.get("value")
        ok = isinstance(value, (int, float)) and _is_num(value) and value >= 0
        return None if ok else "„value“ muss eine Zahl ≥ 0 sein"
    return None


def _check_bands(v: Any) -> str | None:
    if not isinstance(v, list) or not v:
        return "braucht eine Liste von Größenklassen"
    last = -1.0
    for i, band in enumerate(v, start=1):
        if not isinstance(band, Mapping):
            return f"Klasse {i} ist kein Objekt"
        for key in ("employer_lk_share", "aez_rate"):
            if not _rate(band.get(key)):
                return f"Klasse {i}: {key} muss zwischen 0 und 1 liegen"
        upper = band.get("max_exclusive", band.get("max_inclusive"))
        if upper is None:
            if i != len(v):
                return f"Klasse {i}: nur die letzte Klasse darf ohne Obergrenze sein"
        elif not _is_num(upper) or upper <= last:
            return f"Klasse {i}: Obergrenzen müssen aufsteigen"
        else:
            last = float(upper)
    return None


def _check_weights(v: Any) -> str | None:
    if not isinstance(v, list) or not v:
        return "braucht eine Liste [Stunden bis, Faktor]"
    last = -1.0
    for i, pair in enumerate(v, start=1):
        if not isinstance(pair, list) or len(pair) != 2 or not _rate(pair[1]):
            return f"Eintrag {i}: [Stunden bis, Faktor zwischen 0 und 1] erwartet"
        if pair[0] is None:
            if i != len(v):
                return f"Eintrag {i}: nur der letzte Eintrag darf ohne Obergrenze sein"
        elif not _is_num(pair[0]) or pair[0] <= last:
            return f"Eintrag {i}: Stundengrenzen müssen aufsteigen"
        else:
            last = float(pair[0])
    return None


def _kind(key: str, value: Any) -> tuple[str, bool]:
    spec = SPECS.get(key)
    if spec is not None:
        return spec.kind, spec.optional
    if isinstance(value, bool):
        return "bool", False
    if _is_num(value):
        return "count", False
    return "json", True


ORDERED_DATES = (("short_time_work_exclusion_from", "short_time_work_exclusion_until"),)
ORDERED_NUMBERS = (
    ("accommodation_day_eur", "accommodation_month_cap_eur"),
    ("meals_day_eur", "meals_month_cap_eur"),
    ("quota_small_max", "quota_medium_max"),
    ("share_threshold_small", "share_threshold"),
    ("structural_share_threshold_sme", "structural_share_threshold"),
    ("declaration_firm_below", "small_firm_below"),
    ("premium_intermediate_eur", "premium_final_eur"),
)


def validate_parameters(
    params: Mapping[str, Mapping[str, Any]],
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> list[str]:
    """German messages for every out-of-range or inconsistent parameter (empty = valid).

    ``params`` is the engine's dict form ``key → {value, verified, source, note}``.
    """
    errs: list[str] = []
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        errs.append("Gültig bis: liegt vor „Gültig ab“.")
    values: dict[str, Any] = {}
    for key, p in params.items():
        value = p.get("value")
        values[key] = value
        kind, optional = _kind(key, value)
        if value is None and optional:
            pass
        else:
            problem = _check_value(kind, value)
            if problem:
                errs.append(f"{label_of(key)}: {problem}.")
        note = str(p.get("note") or "")
        if p.get("verified", True) and any(w in note.lower() for w in UNVERIFIED_WORDS):
            errs.append(
                f"{label_of(key)}: als geprüft markiert, der Hinweis nennt den Wert aber noch "
                "„ungeprüft“ – bitte den Hinweis anpassen."
            )
    for a, b in ORDERED_DATES:
        da, db = _iso(values.get(a)), _iso(values.get(b))
        if da and db and db < da:
            errs.append(f"{label_of(b)}: liegt vor „{label_of(a)}“.")
    for a, b in ORDERED_NUMBERS:
        va, vb = values.get(a), values.get(b)
        if isinstance(va, (int, float)) and isinstance(vb, (int, float)) and vb < va:
            errs.append(f"{label_of(b)}: ist kleiner als „{label_of(a)}“.")
    return errs
