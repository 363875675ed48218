"""Reference data of the partner directory: partner kinds, programme codes, needs and the
seed of the directory (shared/domain/brief.md § 4, funding-rules.md § 7).

The migration ``referrals partners transfers`` carries a frozen copy of ``PARTNERS`` in
``migrations/data/20261121_referrals_partners_seed.json``; ``tests/partners`` compares
them. E-mail addresses are placeholders on ``.example`` domains: the administrator enters
the real addresses in the partner directory.
"""

from __future__ import annotations

from typing import TypedDict

from wbagentur.core.translation import lazy_gettext as _l


class PartnerSeed(TypedDict):
    """One partner of the seed list (see ``flask partners sync`` and the seed migration)."""

    code: str
    name: str
    kind: str
    email: str
    answer_days: int
    region: str | None
    districts: list[str]
    programmes: list[str]


PARTNER_KINDS = {
    "agentur_fuer_arbeit": _l("Agentur für Arbeit"),
    "jobcenter": _l("Jobcenter"),
    "tlvwa": _l("Thüringer Landesverwaltungsamt"),
    "kfw": _l("KfW"),
    "ihk": _l("Industrie- und Handelskammer"),
    "hwk": _l("Handwerkskammer"),
    "traeger": _l("Bildungsträger"),
    "vhs": _l("Volkshochschule"),
    "iq": _l("IQ Netzwerk"),
    "thaff": _l("ThAFF"),
    "zett": _l("ZeTT"),
    "wba_contact_point": _l("Kontaktstelle der Weiterbildungsagentur"),
    "verbund": _l("Weiterbildungsverbund"),
    "other": _l("Sonstige"),
}

# Programme codes as used by the funding engine.
PROGRAMMES = {
    "sgb3_82": _l("§ 82 SGB III Beschäftigtenqualifizierung"),
    "sgb3_82a": _l("§ 82a SGB III Qualifizierungsgeld"),
    "sgb3_81": _l("§ 81 SGB III Bildungsgutschein"),
    "afbg": _l("Aufstiegs-BAföG"),
    "thuerbfg": _l("Bildungsfreistellung (ThürBfG)"),
    "esf_weiterbildungsscheck": _l("ESF+ Weiterbildungsscheck"),
    "esf_anpassungsqualifizierung": _l("ESF+ Anpassungsqualifizierung"),
}

# Needs that are not a funding programme but point to a kind of partner (suggestions only).
TOPICS = {
    "kammerpruefung": (_l("Kammerprüfung (Meister, Fachwirt …)"), ("ihk", "hwk")),
    "anerkennung": (_l("Anerkennung ausländischer Abschlüsse"), ("iq",)),
    "fachkraeftegewinnung": (_l("Fachkräftegewinnung"), ("thaff",)),
    "digitalisierung": (_l("Digitalisierungsberatung"), ("zett",)),
}


NT = ["16061", "16062", "16064", "16065"]
MT = ["16051", "16055", "16067", "16068", "16070", "16071"]
OT = ["16052", "16053", "16073", "16074", "16075", "16076", "16077"]
SW = ["16054", "16063", "16066", "16069", "16072"]
ALL = sorted(NT + MT + OT + SW)
AA = ["sgb3_82", "sgb3_82a", "sgb3_81"]

# code, name, kind, e-mail, phone, answer days, region code (contact points), districts, programmes
PARTNERS: list[PartnerSeed] = [
    {
        "code": "aa_nord",
        "name": "Agentur für Arbeit Thüringen Nord",
        "kind": "agentur_fuer_arbeit",
        "email": "arbeitgeberservice@aa-nord.example",
        "answer_days": 10,
        "region": None,
        "districts": NT,
        "programmes": AA,
    },
    {
        "code": "aa_mitte",
        "name": "Agentur für Arbeit Thüringen Mitte",
        "kind": "agentur_fuer_arbeit",
        "email": "arbeitgeberservice@aa-mitte.example",
        "answer_days": 10,
        "region": None,
        "districts": MT,
        "programmes": AA,
    },
    {
        "code": "aa_ost",
        "name": "Agentur für Arbeit Thüringen Ost",
        "kind": "agentur_fuer_arbeit",
        "email": "arbeitgeberservice@aa-ost.example",
        "answer_days": 10,
        "region": None,
        "districts": OT,
        "programmes": AA,
    },
    {
        "code": "aa_suedwest",
        "name": "Agentur für Arbeit Thüringen Südwest",
        "kind": "agentur_fuer_arbeit",
        "email": "arbeitgeberservice@aa-suedwest.example",
        "answer_days": 10,
        "region": None,
        "districts": SW,
        "programmes": AA,
    },
    {
        "code": "jobcenter",
        "name": "Jobcenter (SGB II)",
        "kind": "jobcenter",
        "email": "weiterbildung@jobcenter.example",
        "answer_days": 10,
        "region": None,
        "districts": ALL,
        "programmes": ["sgb3_81"],
    },
    {
        "code": "tlvwa_esf",
        "name": "TLVwA ESF+ (Förderportal)",
        "kind": "tlvwa",
        "email": "esf-foerderung@tlvwa.example",
        "answer_days": 15,
        "region": None,
        "districts": ALL,
        "programmes": ["esf_weiterbildungsscheck", "esf_anpassungsqualifizierung"],
    },
    {
        "code": "tlvwa_ref220",
        "name": "TLVwA Referat 220 Weimar (Aufstiegs-BAföG)",
        "kind": "tlvwa",
        "email": "afbg@tlvwa.example",
        "answer_days": 15,
        "region": None,
        "districts": ALL,
        "programmes": ["afbg"],
    },
    {
        "code": "kfw",
        "name": "KfW (Aufstiegs-BAföG-Darlehen)",
        "kind": "kfw",
        "email": "afbg-darlehen@kfw.example",
        "answer_days": 15,
        "region": None,
        "districts": [],
        "programmes": ["afbg"],
    },
    {
        "code": "ihk_erfurt",
        "name": "IHK Erfurt",
        "kind": "ihk",
        "email": "weiterbildung@ihk-erfurt.example",
        "answer_days": 10,
        "region": None,
        "districts": sorted([k for k in NT + MT if k != "16070"] + ["16063"]),
        "programmes": [],
    },
    {
        "code": "ihk_suedthueringen",
        "name": "IHK Südthüringen",
        "kind": "ihk",
        "email": "weiterbildung@ihk-suedthueringen.example",
        "answer_days": 10,
        "region": None,
        "districts": ["16054", "16066", "16069", "16070", "16072"],
        "programmes": [],
    },
    {
        "code": "ihk_ostthueringen",
        "name": "IHK Ostthüringen zu Gera",
        "kind": "ihk",
        "email": "weiterbildung@ihk-gera.example",
        "answer_days": 10,
        "region": None,
        "districts": OT,
        "programmes": [],
    },
    {
        "code": "hwk_erfurt",
        "name": "HWK Erfurt",
        "kind": "hwk",
        "email": "weiterbildung@hwk-erfurt.example",
        "answer_days": 10,
        "region": None,
        "districts": sorted(NT + MT),
        "programmes": [],
    },
    {
        "code": "hwk_suedthueringen",
        "name": "HWK Südthüringen",
        "kind": "hwk",
        "email": "weiterbildung@hwk-suedthueringen.example",
        "answer_days": 10,
        "region": None,
        "districts": SW,
        "programmes": [],
    },
    {
        "code": "hwk_ostthueringen",
        "name": "HWK für Ostthüringen",
        "kind": "hwk",
        "email": "weiterbildung@hwk-gera.example",
        "answer_days": 10,
        "region": None,
        "districts": OT,
        "programmes": [],
    },
    {
        "code": "iq_thueringen",
        "name": "IQ Netzwerk Thüringen",
        "kind": "iq",
        "email": "anerkennung@iq-thueringen.example",
        "answer_days": 10,
        "region": None,
        "districts": [],
        "programmes": [],
    },
    {
        "code": "thaff",
        "name": "ThAFF – Thüringer Agentur für Fachkräftegewinnung",
        "kind": "thaff",
        "email": "kontakt@thaff.example",
        "answer_days": 10,
        "region": None,
        "districts": [],
        "programmes": [],
    },
    {
        "code": "zett_jena",
        "name": "ZeTT Jena",
        "kind": "zett",
        "email": "kontakt@zett-jena.example",
        "answer_days": 10,
        "region": None,
        "districts": [],
        "programmes": [],
    },
    {
        "code": "vhs_wartburgkreis",
        "name": "VHS Wartburgkreis",
        "kind": "vhs",
        "email": "kontakt@vhs-wartburgkreis.example",
        "answer_days": 10,
        "region": None,
        "districts": ["16063"],
        "programmes": [],
    },
    {
        "code": "wba_nt",
        "name": "Weiterbildungsagentur Nordthüringen",
        "kind": "wba_contact_point",
        "email": "kontakt@wba-nord.example",
        "answer_days": 5,
        "region": "NT",
        "districts": NT,
        "programmes": [],
    },
    {
        "code": "wba_mt",
        "name": "Weiterbildungsagentur Mittelthüringen",
        "kind": "wba_contact_point",
        "email": "kontakt@wba-mitte.example",
        "answer_days": 5,
        "region": "MT",
        "districts": MT,
        "programmes": [],
    },
    {
        "code": "wba_ot",
        "name": "Weiterbildungsagentur Thüringen Ost",
        "kind": "wba_contact_point",
        "email": "kontakt@wba-ost.example",
        "answer_days": 5,
        "region": "OT",
        "districts": OT,
        "programmes": [],
    },
    {
        "code": "wba_sw",
        "name": "Weiterbildungsagentur Südwestthüringen",
        "kind": "wba_contact_point",
        "email": "kontakt@wba-suedwest.example",
        "answer_days": 5,
        "region": "SW",
        "districts": SW,
        "programmes": [],
    },
]
