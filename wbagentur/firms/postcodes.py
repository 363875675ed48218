"""Postcode → district suggestion for the firm form.

PARTIAL by design: a curated list of Thuringian postcodes that lie in one district only
(district seats and larger towns). Many rural postcodes cross district borders, so a
postcode only *suggests* a district; the district chosen in the form is the field of
record and fixes the firm's planning region (shared/domain/brief.md § 3). Unknown or
ambiguous postcodes yield no suggestion.
"""

from __future__ import annotations

_TOWNS: dict[str, tuple[str, ...]] = {
    # district key: postcodes
    "16051": (
        "99084",
        "99085",
        "99086",
        "99087",
        "99089",
        "99090",
        "99091",
        "99092",
        "99094",
        "99096",
        "99097",
        "99098",
        "99099",
    ),  # Erfurt
    "16052": ("07545", "07546", "07548", "07549", "07551", "07552", "07557"),  # Gera
    "16053": ("07743", "07745", "07747", "07749", "07751"),  # Jena
    "16054": ("98527", "98528", "98529"),  # Suhl
    "16055": ("99423", "99425", "99427"),  # Weimar
    "16061": ("37308", "37327"),  # Heilbad Heiligenstadt, Leinefelde-Worbis
    "16062": ("99734",),  # Nordhausen
    "16063": ("99817", "36433"),  # Eisenach, Bad Salzungen
    "16064": ("99974",),  # Mühlhausen
    "16065": ("99706",),  # Sondershausen
    "16066": ("98617", "98574", "98544"),  # Meiningen, Schmalkalden, Zella-Mehlis
    "16067": ("99867",),  # Gotha
    "16068": ("99610",),  # Sömmerda
    "16069": ("98646",),  # Hildburghausen
    "16070": ("99310", "98693"),  # Arnstadt, Ilmenau
    "16071": ("99510",),  # Apolda
    "16072": ("96515",),  # Sonneberg
    "16073": ("07318", "07407"),  # Saalfeld, Rudolstadt
    "16074": ("07607", "07646"),  # Eisenberg, Stadtroda
    "16075": ("07907", "07381"),  # Schleiz, Pößneck
    "16076": ("07973",),  # Greiz
    "16077": ("04600",),  # Altenburg
}

POSTCODE_DISTRICTS: dict[str, str] = {
    postcode: key for key, postcodes in _TOWNS.items() for postcode in postcodes
}


def suggest_district_key(postcode: str | None) -> str | None:
    """The district key a postcode unambiguously belongs to, or None when unknown."""
    if not postcode:
        return None
    return POSTCODE_DISTRICTS.get(postcode.strip())
