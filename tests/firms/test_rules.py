"""Pure firm rules: SME class edges, § 82 weighting, duplicates, register numbers, postcodes."""

import pytest

from wbagentur.firms import postcodes, rules, wz
from wbagentur.firms.rules import FirmFacts

M = 100_000_000  # one million euros in cents


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((10, 0, 0, 0), 10.0),
        ((0, 4, 0, 0), 3.0),
        ((0, 0, 3, 0), 1.5),
        ((0, 0, 0, 3), 0.75),
        ((2, 4, 2, 4), 7.0),
        ((0, 0, 0, 0), 0.0),
    ],
)
def test_weighted_headcount_factors_match_section_82(counts, expected):
    assert rules.weighted_headcount(*counts) == expected


@pytest.mark.parametrize(
    ("staff", "turnover", "balance", "expected"),
    [
        (9.75, 2 * M, None, "micro"),  # turnover exactly at the ceiling
        (9.75, 2 * M + 1, None, "small"),  # one cent over
        (9.75, 2 * M + 1, 2 * M, "micro"),  # balance rescues
        (10, 1 * M, 1 * M, "small"),  # 10 staff is no longer micro
        (49.5, 10 * M, None, "small"),
        (50, 10 * M, None, "medium"),
        (249.75, 50 * M, None, "medium"),
        (249.75, 60 * M, 43 * M, "medium"),  # balance ceiling 43 M
        (249.75, 60 * M, 43 * M + 1, "large"),
        (250, 1 * M, 1 * M, "large"),
    ],
)
def test_sme_class_edges(staff, turnover, balance, expected):
    result = rules.classify_sme(staff, None, turnover, balance)
    assert result.key == expected
    assert result.financials_known
    assert result.explanation


def test_sme_class_unknown_financials_uses_staff_only_and_says_so():
    result = rules.classify_sme(12.5)
    assert result.key == "small"
    assert not result.financials_known
    assert any("nur auf der Beschäftigtenzahl" in r for r in result.explanation)


def test_sme_class_group_headcount_counts_when_larger():
    result = rules.classify_sme(8, group_headcount=300)
    assert result.key == "large"
    assert result.staff == 300
    assert "Konzern" in result.staff_basis
    assert rules.classify_sme(8, group_headcount=5).key == "micro"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("HRB 12345", "HRB 12345"),
        ("hrb12345", "HRB 12345"),
        ("HRA  501234", "HRA 501234"),
        ("gnr 12", "GnR 12"),
        ("PR 7", "PR 7"),
        ("VR 4711", "VR 4711"),
        ("HRB 12345 b", "HRB 12345 B"),
        ("", None),
        (None, None),
    ],
)
def test_register_number_normalised(raw, normalised):
    assert rules.normalise_register_number(raw) == normalised


@pytest.mark.parametrize(
    "raw", ["HRC 123", "12345", "HRB", "HRB 1234567", "HRB-12345", "HRB 12x45"]
)
def test_register_number_malformed_raises(raw):
    with pytest.raises(ValueError):
        rules.normalise_register_number(raw)


def _facts(id_, name, key="16054", hr=None, domain=None):
    from wbagentur.core.text import normalise_search

    return FirmFacts(id_, normalise_search(name), key, hr, domain)


@pytest.mark.parametrize(
    ("new_name", "old_name", "similar"),
    [
        ("Müller Metallbau GmbH", "Mueller Metallbau GmbH", True),  # normalised equal
        ("Müller Metallbau", "Müller Metallbau GmbH", True),  # contained
        ("Mueller Metalbau GmbH", "Müller Metallbau GmbH", True),  # ratio ≥ 0.85
        ("Schmidt Logistik GmbH", "Müller Metallbau GmbH", False),
    ],
)
def test_duplicate_name_similarity_in_same_district(new_name, old_name, similar):
    matches = rules.find_duplicates(_facts(None, new_name), [_facts(1, old_name)])
    assert bool(matches) is similar


def test_duplicate_similar_name_in_other_district_is_no_candidate():
    assert (
        rules.find_duplicates(
            _facts(None, "Müller GmbH", "16054"), [_facts(1, "Müller GmbH", "16051")]
        )
        == []
    )


def test_duplicate_same_register_number_or_domain_across_districts():
    new = _facts(None, "Alpha", "16054", "HRB 1", "alpha.de")
    matches = rules.find_duplicates(
        new, [_facts(1, "Beta", "16051", "HRB 1"), _facts(2, "Gamma", "16051", None, "alpha.de")]
    )
    assert [(m.firm_id, m.reasons) for m in matches] == [
        (1, ("gleiche Handelsregisternummer",)),
        (2, ("gleiche E-Mail-Domain",)),
    ]


def test_duplicate_freemail_domain_is_ignored():
    new = _facts(None, "Alpha", "16054", None, "gmx.de")
    assert rules.find_duplicates(new, [_facts(1, "Beta", "16051", None, "gmx.de")]) == []


def test_duplicate_check_skips_the_firm_itself():
    assert rules.find_duplicates(_facts(5, "Alpha"), [_facts(5, "Alpha")]) == []


@pytest.mark.parametrize(
    ("postcode", "key"),
    [
        ("98527", "16054"),
        ("98528", "16054"),
        ("98529", "16054"),
        ("99084", "16051"),
        ("99099", "16051"),
        ("07743", "16053"),
        ("07751", "16053"),
        ("07545", "16052"),
        ("07557", "16052"),
        ("99817", "16063"),
        ("99310", "16070"),
        ("12345", None),
        ("", None),
        (None, None),
    ],
)
def test_postcode_map_suggests_district(postcode, key):
    assert postcodes.suggest_district_key(postcode) == key


def test_postcode_map_covers_every_district_and_only_thuringian_keys():
    keys = set(postcodes.POSTCODE_DISTRICTS.values())
    assert len(keys) == 22
    assert all(k.startswith("16") for k in keys)


def test_wz_has_21_sections_and_88_divisions():
    assert list(wz.SECTIONS) == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    assert len(wz.DIVISIONS) == 88
    assert {s for s, _n in wz.DIVISIONS.values()} == set(wz.SECTIONS)
    assert wz.describe("25") == "C 25 – Herstellung von Metallerzeugnissen"
    assert wz.describe("04") is None


def test_email_domain_lower_case():
    assert rules.email_domain("Info@Mueller-Metall.DE") == "mueller-metall.de"
    assert rules.email_domain(None) is None


def test_two_unrelated_firms_at_one_free_mail_provider_are_no_duplicates():
    """Issue #18: intake's free-mail list knew proton.me, the firms' list did not."""
    a = rules.FirmFacts(1, "baeckerei schmidt", "16051", None, rules.email_domain("a@proton.me"))
    b = rules.FirmFacts(2, "metallbau vogel", "16052", None, rules.email_domain("b@proton.me"))
    assert rules.duplicate_reasons(a, b) == ()
    c = rules.FirmFacts(3, "baeckerei schmidt", "16051", None, "mueller-metall.de")
    d = rules.FirmFacts(4, "metallbau vogel", "16052", None, "mueller-metall.de")
    assert rules.duplicate_reasons(c, d) == ("gleiche E-Mail-Domain",)


def test_there_is_one_free_mail_list():
    from wbagentur.intake import rules as intake_rules

    for domain in ("proton.me", "gmx.de", "web.de", "outlook.de", "Posteo.DE"):
        assert rules.company_domain(f"erika@{domain}") is None
        assert intake_rules.email_domain(f"erika@{domain}") is None
    assert rules.company_domain("erika@mueller-metall.de.") == "mueller-metall.de"
    assert not hasattr(intake_rules, "FREEMAIL_DOMAINS")
