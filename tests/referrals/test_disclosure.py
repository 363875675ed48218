"""What a partner sees of a case (DP-10), called without HTTP or a database: each category
of data is shown only with a basis (a live consent or a documented legal basis), only when
chosen for the referral and only when on the allowlist; hidden otherwise."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from wbagentur.referrals.data import DATA_CATEGORIES
from wbagentur.referrals.disclosure import Basis, disclosed_data, shown_categories

CONSENT = Basis(consent_active=True)
LEGAL = Basis(consent_active=False, legal_basis="§ 35 SGB I, Auftrag der Agentur")
WITHDRAWN = Basis(consent_active=False)
BLANK_LEGAL = Basis(consent_active=False, legal_basis="   ")


def _person(**values):
    base = {
        "full_name": "Jana Kühn",
        "email": "jana@example.org",
        "phone": None,
        "employment_status": "employed",
        "weekly_hours": 38.5,
        "qualification": "vocational",
        "qualification_year": 2004,
    }
    return SimpleNamespace(**(base | values))


def _case():
    contact = SimpleNamespace(
        name="Petra Personal", function="Personal", email="pp@firma.example", phone=None
    )
    firm = SimpleNamespace(
        name="Suhler Werkzeugbau GmbH",
        street="Werkstraße 1",
        postcode="98527",
        city="Suhl",
        district=SimpleNamespace(name="Suhl"),
        headcount=42,
        contacts=[contact],
    )
    jana = _person()
    return SimpleNamespace(
        person=jana,
        participants=[jana, _person(full_name="Tom Berg", email=None, phone="0361 1")],
        firm=firm,
        title="Meisterkurs Zerspanung",
        topics=[],
    )


# What each category shows, and a piece of data only that category may show.
ONLY_IN = {
    "contact": "pp@firma.example",
    "firm": "Werkstraße 1 98527 Suhl",
    "employment": "38,5 Std./Woche",
    "qualification": "(2004)",
    "planned_course": "Meisterkurs Zerspanung",
    "funding_check": "§ 82 SGB III: förderfähig",
}


def _text(sections):
    return " ".join(f"{label} {k} {v}" for label, rows in sections for k, v in rows)


@pytest.mark.parametrize("code", sorted(DATA_CATEGORIES))
@pytest.mark.parametrize("basis", [CONSENT, LEGAL], ids=["consent", "legal basis"])
def test_a_chosen_category_is_shown_with_a_basis_and_nothing_else(code, basis):
    sections = disclosed_data([code], basis, _case(), funding_check="§ 82 SGB III: förderfähig")
    assert [label for label, _rows in sections] == [DATA_CATEGORIES[code]]
    text = _text(sections)
    assert ONLY_IN[code] in text
    for other, marker in ONLY_IN.items():
        if other != code:
            assert marker not in text, f"{other} leaks into {code}"


@pytest.mark.parametrize("code", sorted(DATA_CATEGORIES))
@pytest.mark.parametrize("basis", [WITHDRAWN, BLANK_LEGAL], ids=["withdrawn", "blank legal"])
def test_without_a_basis_no_category_is_shown(code, basis):
    assert disclosed_data([code], basis, _case(), funding_check="x") == []
    assert shown_categories(list(DATA_CATEGORIES), basis) == []


def test_categories_not_on_the_allowlist_are_dropped_and_order_kept():
    chosen = ["qualification", "notes", "contact", "qualification", "documents"]
    assert shown_categories(chosen, CONSENT) == ["qualification", "contact"]
    sections = disclosed_data(chosen, CONSENT, _case())
    assert [label for label, _rows in sections] == [
        DATA_CATEGORIES["qualification"],
        DATA_CATEGORIES["contact"],
    ]


def test_contact_rows_list_each_person_once_and_the_firm_contacts():
    ((_label, rows),) = disclosed_data(["contact"], CONSENT, _case())
    assert rows == [
        ("Jana Kühn", "jana@example.org"),
        ("Tom Berg", "0361 1"),
        ("Petra Personal", "Personal, pp@firma.example"),
    ]


def test_firm_category_of_a_case_without_firm_shows_an_empty_section():
    case = _case()
    case.firm = None
    assert disclosed_data(["firm"], CONSENT, case) == [(DATA_CATEGORIES["firm"], [])]


def test_funding_check_without_a_saved_check_says_so():
    ((_label, rows),) = disclosed_data(["funding_check"], LEGAL, _case(), funding_check=None)
    assert rows == [("Förderprüfung", "keine Förderprüfung erfasst")]
