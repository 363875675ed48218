"""Partner suggestions for a firm's district and a need, and the directory seed (no database)."""

import json
from pathlib import Path

from wbagentur.partners.data import PARTNERS
from wbagentur.partners.rules import PartnerInfo, suggest_partners

SEED = (
    Path(__file__).resolve().parents[2]
    / "migrations"
    / "data"
    / "20261121_referrals_partners_seed.json"
)


def _partners():
    return [
        PartnerInfo(
            i,
            p["code"],
            p["name"],
            p["kind"],
            frozenset(p["districts"]),
            frozenset(p["programmes"]),
        )
        for i, p in enumerate(PARTNERS, start=1)
    ]


def _codes(result):
    return [p.code for p in result]


def test_suggest_sgb3_82_gives_the_agency_of_the_firms_region():
    assert _codes(suggest_partners(_partners(), "16054", "sgb3_82")) == ["aa_suedwest"]
    assert _codes(suggest_partners(_partners(), "16053", "sgb3_82")) == ["aa_ost"]


def test_suggest_afbg_gives_referat_220_then_kfw():
    assert _codes(suggest_partners(_partners(), "16070", "afbg")) == ["tlvwa_ref220", "kfw"]


def test_example_13_arnstadt_chamber_exam_gives_ihk_suedthueringen_and_hwk_erfurt():
    assert _codes(suggest_partners(_partners(), "16070", "kammerpruefung")) == [
        "ihk_suedthueringen",
        "hwk_erfurt",
    ]
    assert _codes(suggest_partners(_partners(), "16070", "sgb3_82")) == ["aa_mitte"]


def test_example_13_eisenach_gives_aa_suedwest_ihk_erfurt_hwk_suedthueringen_and_wba_sw():
    codes = _codes(suggest_partners(_partners(), "16063", None))
    assert {"aa_suedwest", "ihk_erfurt", "hwk_suedthueringen", "wba_sw"} <= set(codes)
    assert "ihk_suedthueringen" not in codes
    assert "hwk_erfurt" not in codes
    assert codes.index("hwk_suedthueringen") < codes.index("ihk_erfurt") < codes.index("jobcenter")
    assert _codes(suggest_partners(_partners(), "16063", "kammerpruefung")) == [
        "hwk_suedthueringen",
        "ihk_erfurt",
    ]


def test_example_13_jena_gives_aa_ost_and_wba_ost():
    codes = _codes(suggest_partners(_partners(), "16053", None))
    assert {"aa_ost", "wba_ot", "ihk_ostthueringen", "hwk_ostthueringen"} <= set(codes)
    assert not {"aa_suedwest", "wba_sw"} & set(codes)


def test_suggest_skips_inactive_and_unknown_needs():
    partners = [
        PartnerInfo(
            1,
            "aa",
            "AA",
            "agentur_fuer_arbeit",
            frozenset({"16054"}),
            frozenset({"sgb3_82"}),
            False,
        )
    ]
    assert suggest_partners(partners, "16054", "sgb3_82") == []
    assert suggest_partners(_partners(), "16054", "unknown") == []


def test_frozen_migration_seed_equals_partner_data():
    assert json.loads(SEED.read_text(encoding="utf-8"))["partners"] == json.loads(
        json.dumps(PARTNERS)
    )
