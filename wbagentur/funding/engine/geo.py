"""Thuringian geography: district key → planning region → Agentur für Arbeit, chambers.

Data from brief.md § 3 and funding-rules.md § 7 (LRegVO § 1; AA districts since 1.1.2023).
Chamber assignments marked [L] in funding-rules.md are kept but flagged in ``chambers_verified``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AGENCIES", "DISTRICTS", "REGIONS", "District", "lookup_district"]

NORD = "Nordthüringen"
MITTE = "Mittelthüringen"
OST = "Ostthüringen"
SUEDWEST = "Südwestthüringen"

#: Planning region → (Agentur für Arbeit, seat)
AGENCIES: dict[str, tuple[str, str]] = {
    NORD: ("Agentur für Arbeit Thüringen Nord", "Nordhausen"),
    MITTE: ("Agentur für Arbeit Thüringen Mitte", "Erfurt"),
    OST: ("Agentur für Arbeit Thüringen Ost", "Gera"),
    SUEDWEST: ("Agentur für Arbeit Thüringen Südwest", "Suhl"),
}

#: Planning region → Weiterbildungsagentur contact point (None = not found in the sources).
_WBA: dict[str, str | None] = {
    NORD: None,
    MITTE: None,
    OST: "Weiterbildungsagentur Thüringen Ost (Gera)",
    SUEDWEST: "Weiterbildungsagentur Südwestthüringen (Suhl)",
}

_IHK_ERFURT = "IHK Erfurt"
_IHK_SUED = "IHK Südthüringen"
_IHK_OST = "IHK Ostthüringen zu Gera"
_HWK_ERFURT = "HWK Erfurt"
_HWK_SUED = "HWK Südthüringen"
_HWK_OST = "HWK für Ostthüringen"

# key: (name, region, IHK, HWK, chambers verified)
_RAW: dict[str, tuple[str, str, str, str, bool]] = {
    "16061": ("Eichsfeld", NORD, _IHK_ERFURT, _HWK_ERFURT, False),
    "16062": ("Nordhausen", NORD, _IHK_ERFURT, _HWK_ERFURT, False),
    "16064": ("Unstrut-Hainich-Kreis", NORD, _IHK_ERFURT, _HWK_ERFURT, False),
    "16065": ("Kyffhäuserkreis", NORD, _IHK_ERFURT, _HWK_ERFURT, False),
    "16051": ("Erfurt", MITTE, _IHK_ERFURT, _HWK_ERFURT, True),
    "16055": ("Weimar", MITTE, _IHK_ERFURT, _HWK_ERFURT, True),
    "16067": ("Gotha", MITTE, _IHK_ERFURT, _HWK_ERFURT, True),
    "16068": ("Sömmerda", MITTE, _IHK_ERFURT, _HWK_ERFURT, True),
    # Ilm-Kreis: IHK Südthüringen (Niederlassung Arnstadt); HWK Erfurt is [M/L].
    "16070": ("Ilm-Kreis", MITTE, _IHK_SUED + " (Niederlassung Arnstadt)", _HWK_ERFURT, False),
    "16071": ("Weimarer Land", MITTE, _IHK_ERFURT, _HWK_ERFURT, True),
    "16052": ("Gera", OST, _IHK_OST, _HWK_OST, False),
    "16053": ("Jena", OST, _IHK_OST, _HWK_OST, False),
    "16073": ("Saalfeld-Rudolstadt", OST, _IHK_OST, _HWK_OST, False),
    "16074": ("Saale-Holzland-Kreis", OST, _IHK_OST, _HWK_OST, False),
    "16075": ("Saale-Orla-Kreis", OST, _IHK_OST, _HWK_OST, False),
    "16076": ("Greiz", OST, _IHK_OST, _HWK_OST, False),
    "16077": ("Altenburger Land", OST, _IHK_OST, _HWK_OST, False),
    "16054": ("Suhl", SUEDWEST, _IHK_SUED, _HWK_SUED, True),
    # Wartburgkreis incl. Eisenach: IHK Erfurt, but HWK Südthüringen.
    "16063": ("Wartburgkreis", SUEDWEST, _IHK_ERFURT, _HWK_SUED, True),
    "16066": ("Schmalkalden-Meiningen", SUEDWEST, _IHK_SUED, _HWK_SUED, True),
    "16069": ("Hildburghausen", SUEDWEST, _IHK_SUED, _HWK_SUED, True),
    "16072": ("Sonneberg", SUEDWEST, _IHK_SUED, _HWK_SUED, True),
}


@dataclass(frozen=True, slots=True)
class District:
    """One Thuringian Landkreis / kreisfreie Stadt with its referral targets."""

    key: str
    name: str
    region: str
    agency: str
    agency_seat: str
    ihk: str
    hwk: str
    chambers_verified: bool
    weiterbildungsagentur: str | None

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable form."""
        return {
            "district_key": self.key,
            "district": self.name,
            "region": self.region,
            "agentur_fuer_arbeit": self.agency,
            "ihk": self.ihk,
            "hwk": self.hwk,
            "chambers_verified": self.chambers_verified,
            "weiterbildungsagentur": self.weiterbildungsagentur,
        }


DISTRICTS: dict[str, District] = {
    key: District(
        key, name, region, AGENCIES[region][0], AGENCIES[region][1], ihk, hwk, ok, _WBA[region]
    )
    for key, (name, region, ihk, hwk, ok) in _RAW.items()
}

REGIONS: dict[str, tuple[str, ...]] = {
    region: tuple(k for k, d in DISTRICTS.items() if d.region == region) for region in AGENCIES
}


def lookup_district(key: str | None) -> District | None:
    """Thuringian district for a 5-digit Kreisschlüssel, or None (unknown / not Thuringian)."""
    if key is None:
        return None
    return DISTRICTS.get(key)
