"""The decisive date per programme: which parameter version (law version) applies.

Each programme names its own date (funding-rules.md § 11):

* **SGB III (§ 81, § 82, § 82a)** – § 422 Abs. 1 SGB III: after a change of the law the old
  version keeps applying to a benefit if, before the change, the benefit was **awarded**
  (Nr. 2) or the **measure began** and the benefit had been applied for by its start (Nr. 3).
  So the decisive date is the earlier of the award date and the course start (the start only
  if the application was made by then); without either, the application date; else the
  reference date of the check.
* **ESF+ (Weiterbildungsscheck, Anpassungsqualifizierung)** – grants under §§ 23, 44 ThürLHO
  follow the guideline in force when they are **awarded**; before the award the application
  date stands in for it, then the course start.
* **AFBG** – the **course start** (the measure the funding is for); else the application date.
* **ThürBfG** – the **event start**, else the request date.

Without any of these dates the reference date of the check decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .calendar import fmt_date
from .i18n import N_, _
from .inputs import CaseInput

__all__ = ["Decisive", "decisive_date"]

SGB3 = ("sgb3_81", "sgb3_82", "sgb3_82a")
ESF = ("esf_weiterbildungsscheck", "esf_anpassungsqualifizierung")

CITE_422 = "§ 422 Abs. 1 SGB III"
# The law is cited as written; the note in brackets is translated when a result is built.
CITE_ESF = ("§§ 23, 44 ThürLHO", N_("Richtlinie zum Zeitpunkt der Bewilligung"))
CITE_AFBG = ("AFBG", N_("Beginn der Maßnahme"))
CITE_TBFG = ("§ 6 ThürBfG", N_("Beginn der Veranstaltung"))


def _cite(law_and_note: tuple[str, str]) -> str:
    law, note = law_and_note
    return f"{law} ({_(note)})"


_LABELS = {
    "award": N_("Bewilligung"),
    "start": N_("Maßnahmebeginn"),
    "application": N_("Antrag"),
    "request": N_("Antrag auf Freistellung"),
    "reference": N_("Stichtag der Prüfung"),
}


@dataclass(frozen=True, slots=True)
class Decisive:
    """The date that selects the law version, what it is, and the rule that says so."""

    date: date
    basis: str
    citation: str

    @property
    def label(self) -> str:
        """Name of the date (``Bewilligung``, ``Maßnahmebeginn`` …) in the current language."""
        return _(_LABELS[self.basis])

    def text(self, version: str | None) -> str:
        """Sentence for the result."""
        used = _("; angewandt wird die Fassung {version}", version=version) if version else ""
        return _(
            "Maßgeblich für die anzuwendende Fassung ist der Tag der {label} ({date}){used}.",
            label=self.label,
            date=fmt_date(self.date),
            used=used,
        )

    def to_dict(self) -> dict[str, str]:
        """JSON form: ``{date, basis, label, citation}``."""
        return {
            "date": self.date.isoformat(),
            "basis": self.basis,
            "label": self.label,
            "citation": self.citation,
        }


def _sgb3(case: CaseInput, ref: date) -> Decisive:
    c = case.course
    candidates: list[tuple[date, str]] = []
    if c.award_date:
        candidates.append((c.award_date, "award"))
    if c.start_date and (c.application_date is None or c.application_date <= c.start_date):
        candidates.append((c.start_date, "start"))
    if candidates:
        d, basis = min(candidates)
        return Decisive(d, basis, CITE_422)
    if c.application_date:
        return Decisive(c.application_date, "application", CITE_422)
    return Decisive(ref, "reference", CITE_422)


def _first(cite: str, ref: date, *dates: tuple[date | None, str]) -> Decisive:
    for d, basis in dates:
        if d is not None:
            return Decisive(d, basis, cite)
    return Decisive(ref, "reference", cite)


def decisive_date(code: str, case: CaseInput, ref: date) -> Decisive:
    """The decisive date of programme ``code`` for ``case`` (``ref`` = reference date)."""
    c = case.course
    if code in SGB3:
        return _sgb3(case, ref)
    if code in ESF:
        return _first(
            _cite(CITE_ESF),
            ref,
            (c.award_date, "award"),
            (c.application_date, "application"),
            (c.start_date, "start"),
        )
    if code == "thuerbfg":
        return _first(
            _cite(CITE_TBFG), ref, (c.start_date, "start"), (case.thuerbfg.request_date, "request")
        )
    afbg = _cite(CITE_AFBG)
    return _first(afbg, ref, (c.start_date, "start"), (c.application_date, "application"))
