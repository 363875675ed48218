"""Per-evaluation context shared by the programme rules (inputs plus derived figures)."""

from __future__ import annotations

from datetime import date

from .calendar import age_on
from .firmsize import FirmSize
from .geo import District, lookup_district
from .i18n import N_, _
from .inputs import CaseInput
from .result import DecidingBody

__all__ = ["Ctx", "aa_body", "EMPLOYMENT_LABELS"]


class _Translated(dict[str, str]):
    """A label table whose values are translated when read."""

    def __getitem__(self, key: str) -> str:
        return _(super().__getitem__(key))


EMPLOYMENT_LABELS = _Translated(
    {
        "employed": N_("beschäftigt"),
        "unemployed": N_("arbeitslos"),
        "threatened_by_unemployment": N_("von Arbeitslosigkeit bedroht"),
        "apprentice": N_("in Ausbildung"),
        "self_employed": N_("selbstständig"),
        "not_employed": N_("nicht erwerbstätig"),
    }
)


class Ctx:
    """Inputs and derived values of one evaluation; built once, read by every programme."""

    __slots__ = (
        "case",
        "course",
        "district",
        "fees",
        "firm",
        "in_thuringia",
        "person",
        "ref",
        "residence",
        "size",
        "tb",
        "warnings",
    )

    def __init__(self, case: CaseInput, ref: date, size: FirmSize) -> None:
        """Derive district, Thuringia flag and course fees from ``case``."""
        self.case = case
        self.firm = case.firm
        self.person = case.person
        self.course = case.course
        self.tb = case.thuerbfg
        self.ref = ref
        self.size = size
        self.warnings: list[str] = []
        self.district: District | None = lookup_district(case.firm.district_key)
        self.residence: District | None = lookup_district(case.person.residence_district_key)
        if case.firm.seat_in_thuringia is not None:
            self.in_thuringia: bool | None = case.firm.seat_in_thuringia
        elif self.district is not None:
            self.in_thuringia = True
        elif case.firm.district_key is not None:
            self.in_thuringia = False
        else:
            self.in_thuringia = None
        c = case.course
        if c.course_fees_cents is None and c.exam_fees_cents is None:
            self.fees: int | None = None
        else:
            self.fees = (c.course_fees_cents or 0) + (c.exam_fees_cents or 0)

    def age_at(self, on: date | None) -> int | None:
        """Age of the person on ``on`` (None if birth date or date unknown)."""
        b = self.person.birth_date
        if b is None or on is None:
            return None
        return age_on(b, on)


def aa_body(
    district: District | None, district_key: str | None, service: str, note: str
) -> DecidingBody:
    """The Agentur für Arbeit responsible for ``district`` with ``service`` in brackets."""
    if district is not None:
        return DecidingBody(
            f"{district.agency} ({service})",
            note
            + " "
            + _("Betriebssitz: {name} ({region}).", name=district.name, region=district.region),
        )
    if district_key is not None:
        return DecidingBody(
            _("Agentur für Arbeit am Betriebssitz ({service})", service=service),
            note + " " + _("Kreisschlüssel {key} liegt nicht in Thüringen.", key=district_key),
        )
    return DecidingBody(
        _("Agentur für Arbeit ({service})", service=service),
        note
        + " "
        + _(
            "Zuständige Agentur nicht bestimmbar: Kreisschlüssel des Betriebs fehlt "
            "(firm.district_key)."
        ),
    )
