"""ESF+ rules as plain functions (no database): who is a participant, the four-week window
of the immediate results, the mutually exclusive results, completeness, and the indicators.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from wbagentur.core.translation import lazy_gettext as _l

# Immediate results count when observed on the day of leaving up to 28 days after it
# ("within four weeks"): day 28 is inside, day 29 outside.
RESULT_WINDOW_DAYS = 28
# The follow-up survey asks about the situation six months after leaving.
SURVEY_AFTER_DAYS = 183
MANDATORY_FIELDS = {
    "employment_status": _l("Erwerbsstatus bei Eintritt"),
    "age_at_entry": _l("Alter bei Eintritt"),
    "isced_level": _l("Bildungsstand (ISCED)"),
    "gender": _l("Geschlecht"),
}
EXIT_FIELDS = {"exit_date": _l("Austrittsdatum"), "exit_situation": _l("Situation bei Austritt")}
# Mutually exclusive immediate results (docs/esf.md): someone searching a job upon leaving
# is neither in employment nor in education or training.
EXCLUSIVE_RESULTS = (
    ("result_job_searching", "result_employment"),
    ("result_job_searching", "result_education"),
)
RESULT_LABELS = {
    "result_job_searching": _l("arbeitsuchend"),
    "result_education": _l("in schulischer oder beruflicher Bildung"),
    "result_qualification": _l("Qualifikation erlangt"),
    "result_employment": _l("erwerbstätig (einschl. selbstständig)"),
}


def is_participant(
    counselling_minutes: int,
    counselling_days: int,
    *,
    exempt_short: bool,
    max_minutes: int,
    max_days: int,
) -> bool:
    """A person counts as an ESF+ participant unless the counselling was short and the
    short-counselling exemption is on (≤ ``max_days`` days and ≤ ``max_minutes`` minutes;
    setting ESF_SHORT_COUNSELLING_*, UNVERIFIED until the TLVwA confirms it)."""
    if not exempt_short:
        return True
    return not (counselling_days <= max_days and counselling_minutes <= max_minutes)


def within_four_weeks(exit_date: date | None, observed_on: date | None) -> bool:
    """Whether results observed on ``observed_on`` are immediate results of a leaving on
    ``exit_date`` (0 to 28 days after it, both ends included)."""
    if exit_date is None or observed_on is None:
        return False
    return exit_date <= observed_on <= exit_date + timedelta(days=RESULT_WINDOW_DAYS)


def result_conflicts(results: dict[str, bool]) -> list[tuple[str, str]]:
    """The pairs of mutually exclusive results that are both set."""
    return [(a, b) for a, b in EXCLUSIVE_RESULTS if results.get(a) and results.get(b)]


def age_at(birth_date: date | None, on: date) -> int | None:
    """Completed years of age on ``on``."""
    if birth_date is None:
        return None
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def special_categories_allowed(esf_consent: bool, special_consent: bool) -> bool:
    """Disability and minority may be stored only with an active ESF-reporting consent and
    an active consent for special categories (Art. 9 Abs. 2 lit. a DSGVO)."""
    return esf_consent and special_consent


def missing_fields(values: dict[str, object], closing: bool = False) -> list[str]:
    """Labels of mandatory data that is missing (entry; on closing also the exit)."""
    fields = dict(MANDATORY_FIELDS)
    if closing:
        fields.update(EXIT_FIELDS)
    return [str(label) for key, label in fields.items() if values.get(key) in (None, "")]


def survey_due_on(exit_date: date) -> date:
    return exit_date + timedelta(days=SURVEY_AFTER_DAYS)


def pseudonym(secret: str, person_id: int) -> str:
    """A stable pseudonymous participant id for the Land's monitoring system: a keyed hash
    of the person id, so the export carries no id of this database."""
    digest = hmac.new(secret.encode(), f"esf-participant:{person_id}".encode(), hashlib.sha256)
    return "TN-" + digest.hexdigest()[:16].upper()


# ---------------------------------------------------------------- indicators

GENDER_COLUMNS = {"weiblich": _l("Frauen"), "maennlich": _l("Männer"), "divers": _l("nicht-binär")}


@dataclass(frozen=True)
class Record:
    """What the indicators need of one participation (no names, ids or contact data)."""

    gender: str | None
    entry_date: date
    employment_status: str | None
    age_at_entry: int | None
    isced_level: str | None
    third_country_national: bool | None
    foreign_background: bool | None
    homeless: bool | None
    rural_area: bool | None
    disability: bool | None
    minority: bool | None
    exit_date: date | None
    results_on: date | None
    result_job_searching: bool
    result_education: bool
    result_qualification: bool
    result_employment: bool
    survey_state: str
    longterm_employment: bool | None
    longterm_improved: bool | None


ENTRY_ROWS = [
    ("participants", _l("Teilnehmende insgesamt (Eintritte)")),
    ("employment:unemployed", _l("arbeitslos, einschl. langzeitarbeitslos")),
    ("employment:long_term_unemployed", _l("langzeitarbeitslos")),
    ("employment:inactive", _l("nicht erwerbstätig (inaktiv)")),
    ("employment:employed", _l("erwerbstätig, einschl. selbstständig")),
    ("age:under_18", _l("unter 18 Jahre")),
    ("age:18_29", _l("18–29 Jahre")),
    ("age:55_plus", _l("55 Jahre und älter")),
    ("isced:isced_0_2", _l("ISCED 0–2")),
    ("isced:isced_3_4", _l("ISCED 3–4")),
    ("isced:isced_5_8", _l("ISCED 5–8")),
    ("disability", _l("Teilnehmende mit Behinderungen")),
    ("third_country", _l("Drittstaatsangehörige")),
    ("foreign_background", _l("Teilnehmende ausländischer Herkunft")),
    ("minority", _l("Minderheiten (einschl. marginalisierter Gemeinschaften)")),
    ("homeless", _l("Obdachlose oder von Ausgrenzung auf dem Wohnungsmarkt Betroffene")),
    ("rural", _l("Teilnehmende aus ländlichen Gebieten")),
]
RESULT_ROWS = [
    ("exits", _l("Austritte")),
    ("result:job_searching", _l("nicht erwerbstätig bei Eintritt, arbeitsuchend nach Austritt")),
    ("result:education", _l("in schulischer oder beruflicher Bildung nach Austritt")),
    ("result:qualification", _l("Qualifikation nach Austritt erlangt")),
    ("result:employment", _l("erwerbstätig (einschl. selbstständig) nach Austritt")),
    ("longterm:employment", _l("erwerbstätig sechs Monate nach Austritt")),
    ("longterm:improved", _l("verbesserte Arbeitsmarktsituation sechs Monate nach Austritt")),
    ("longterm:no_response", _l("Nachbefragung ohne Antwort")),
    ("longterm:no_consent", _l("Nachbefragung ohne Einwilligung")),
]


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    if age < 18:
        return "under_18"
    if age <= 29:
        return "18_29"
    if age >= 55:
        return "55_plus"
    return None  # 30–54: the implicit remainder


def entry_keys(r: Record) -> list[str]:
    keys = ["participants"]
    if r.employment_status in ("unemployed", "long_term_unemployed"):
        keys.append("employment:unemployed")
    if r.employment_status == "long_term_unemployed":
        keys.append("employment:long_term_unemployed")
    if r.employment_status in ("inactive", "employed"):
        keys.append("employment:" + r.employment_status)
    band = age_band(r.age_at_entry)
    if band:
        keys.append("age:" + band)
    if r.isced_level:
        keys.append("isced:" + r.isced_level)
    for flag, key in (
        (r.disability, "disability"),
        (r.third_country_national, "third_country"),
        (r.foreign_background, "foreign_background"),
        (r.minority, "minority"),
        (r.homeless, "homeless"),
        (r.rural_area, "rural"),
    ):
        if flag:
            keys.append(key)
    return keys


def result_keys(r: Record) -> list[str]:
    keys = ["exits"]
    if within_four_weeks(r.exit_date, r.results_on):
        if r.result_job_searching and r.employment_status == "inactive":
            keys.append("result:job_searching")
        if r.result_education:
            keys.append("result:education")
        if r.result_qualification:
            keys.append("result:qualification")
        if r.result_employment:
            keys.append("result:employment")
    if r.survey_state == "answered":
        if r.longterm_employment:
            keys.append("longterm:employment")
        if r.longterm_improved:
            keys.append("longterm:improved")
    elif r.survey_state in ("no_response", "no_consent"):
        keys.append("longterm:" + r.survey_state)
    return keys


def gender_column(r: Record) -> str:
    """The indicator table's column of a participation (no or another answer: ``unknown``)."""
    return r.gender if r.gender in GENDER_COLUMNS else "unknown"


def indicators(entries: Iterable[Record], exits: Iterable[Record]) -> dict[str, Counter[str]]:
    """Indicator key → counts per gender (plus ``total``). ``entries`` are participations
    that entered in the period, ``exits`` those that left in it."""
    out: dict[str, Counter[str]] = {}
    for records, keys_of in ((entries, entry_keys), (exits, result_keys)):
        for r in records:
            gender = gender_column(r)
            for key in keys_of(r):
                counter = out.setdefault(key, Counter())
                counter[gender] += 1
                counter["total"] += 1
    return out
