"""ESF+ common indicators (Reg. (EU) 2021/1057 Annex I): pure aggregation helpers.

The database queries (``reports.queries.esf_participants``) hand over one record per
person and region; everything here is plain Python so the rules are tested without a
database. No record leaves this module: the results are counts per category only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

GENDER_COLUMNS = {
    "weiblich": "Frauen",
    "maennlich": "Männer",
    "divers": "nicht-binär (divers)",
    "keine_angabe": "keine Angabe",
}
EMPLOYMENT_GROUPS = {
    "unemployed": "arbeitslos (einschl. langzeitarbeitslos)",
    "inactive": "nicht erwerbstätig (inaktiv)",
    "employed": "erwerbstätig (einschl. selbstständig)",
    "unknown": "Erwerbsstatus unbekannt",
}
# Apprentices are in an employment relationship (Ausbildungsvertrag) and count as employed;
# persons "threatened by unemployment" are still employed.
EMPLOYMENT_MAP = {
    "unemployed": "unemployed",
    "not_employed": "inactive",
    "employed": "employed",
    "self_employed": "employed",
    "apprentice": "employed",
    "threatened": "employed",
}
AGE_BANDS = {
    "under_18": "unter 18 Jahre",
    "18_29": "18–29 Jahre",
    "30_54": "30–54 Jahre",
    "55_plus": "55 Jahre und älter",
    "unknown": "Alter unbekannt",
}
ISCED_GROUPS = {
    "isced_0_2": "ISCED 0–2",
    "isced_3_4": "ISCED 3–4",
    "isced_5_8": "ISCED 5–8",
    "unknown": "ISCED unbekannt",
}
SME_GROUPS = {
    "micro": "Kleinstunternehmen",
    "small": "Kleine Unternehmen",
    "medium": "Mittlere Unternehmen",
}


@dataclass(frozen=True)
class Participant:
    """What the indicators need of one person (never names, ids or contact data)."""

    gender: str
    birth_date: date | None
    entry_date: date
    employment_status: str | None
    isced_level: str | None
    severely_disabled: bool | None
    esf_consent: bool
    special_consent: bool


def age_at(birth_date: date | None, on: date) -> int | None:
    """Completed years of age on ``on``."""
    if birth_date is None:
        return None
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_band(birth_date: date | None, entry_date: date) -> str:
    age = age_at(birth_date, entry_date)
    if age is None or age < 0:
        return "unknown"
    if age < 18:
        return "under_18"
    if age <= 29:
        return "18_29"
    if age <= 54:
        return "30_54"
    return "55_plus"


def employment_group(status: str | None) -> str:
    return EMPLOYMENT_MAP.get(status or "", "unknown")


def isced_group(level: str | None) -> str:
    return level if level in ISCED_GROUPS and level != "unknown" else "unknown"


def gender_column(gender: str | None) -> str:
    return gender if gender in GENDER_COLUMNS else "keine_angabe"


def disability_counts(p: Participant) -> bool:
    """A disability is counted only with an active ESF-reporting consent and an active
    consent for special categories (Art. 9 DSGVO); otherwise the person is simply not in
    this indicator."""
    return bool(p.severely_disabled) and p.esf_consent and p.special_consent


def participant_indicators(participants: Iterable[Participant]) -> dict[str, Counter[str]]:
    """Indicator key → counts per gender column (plus ``total``)."""
    result: dict[str, Counter[str]] = {}

    def add(key: str, gender: str) -> None:
        counter = result.setdefault(key, Counter())
        counter[gender] += 1
        counter["total"] += 1

    for p in participants:
        g = gender_column(p.gender)
        add("participants", g)
        add("employment:" + employment_group(p.employment_status), g)
        add("age:" + age_band(p.birth_date, p.entry_date), g)
        add("isced:" + isced_group(p.isced_level), g)
        if disability_counts(p):
            add("disability", g)
    return result


def indicator_rows() -> list[tuple[str, str]]:
    """(key, German label) of every participant indicator row, in report order."""
    rows = [("participants", "Teilnehmende insgesamt")]
    rows += [("employment:" + k, v) for k, v in EMPLOYMENT_GROUPS.items()]
    rows += [("age:" + k, v) for k, v in AGE_BANDS.items()]
    rows += [("isced:" + k, v) for k, v in ISCED_GROUPS.items()]
    rows.append(("disability", "Teilnehmende mit Behinderungen (nur mit Einwilligung erfasst)"))
    return rows


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
