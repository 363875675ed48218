"""ESF+ indicators: numbers from the fixture, suppression, consent rule, no personal data."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from tests.figures import backend_of, record_figure
from tests.reports.conftest import CASES, PERSONS
from wbagentur.reports import indicators


def _rows(client, query=""):
    text = client.get(f"/uebersicht/export/esf-teilnehmende.csv?{query}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    return {r[0]: r[1:] for r in rows[1:]}, text


def _participants():
    """Persons of SW cases opened in the default period (last 365 days), once each."""
    keys = {}
    for c in CASES:
        if c["region"] != "SW" or c["age"] > 365:
            continue
        for p in c.get("participants", []) + ([c["person"]] if c.get("person") else []):
            keys[p] = max(keys.get(p, 0), c["age"])
    return keys


def _age(birth, on):
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@pytest.fixture
def sup(client, auth, dataset):
    auth.login(dataset.users["sup"])
    return dataset


def test_esf_counts_match_fixture_with_threshold_one(client, clean_app, sup, monkeypatch):
    monkeypatch.setitem(clean_app.config, "ESF_SUPPRESSION_THRESHOLD", 1)
    rows, _ = _rows(client)
    people = _participants()
    total = rows["Teilnehmende insgesamt"]
    genders = ["weiblich", "maennlich", "divers", "keine_angabe"]
    for i, g in enumerate(genders):
        n = sum(1 for p in people if PERSONS[p]["gender"] == g)
        assert total[i] == (str(n) if n else "< 1")
    assert total[4] == str(len(people))
    employed = sum(
        1
        for p in people
        if PERSONS[p]["employment"] in ("employed", "self_employed", "apprentice", "threatened")
    )
    assert rows["erwerbstätig (einschl. selbstständig)"][4] == str(employed)
    assert rows["arbeitslos (einschl. langzeitarbeitslos)"][4] == "1"
    assert rows["nicht erwerbstätig (inaktiv)"][4] == "1"
    bands = {
        "unter 18 Jahre": 0,
        "18–29 Jahre": 0,
        "30–54 Jahre": 0,
        "55 Jahre und älter": 0,
        "Alter unbekannt": 0,
    }
    for p, age_days in people.items():
        birth = PERSONS[p]["birth"]
        entry = sup.today - timedelta(days=age_days)
        if PERSONS[p].get("minor"):
            birth = sup.today.replace(year=sup.today.year - 16)
        if birth is None:
            bands["Alter unbekannt"] += 1
            continue
        age = _age(birth, entry)
        label = (
            "unter 18 Jahre"
            if age < 18
            else "18–29 Jahre"
            if age < 30
            else "30–54 Jahre"
            if age < 55
            else "55 Jahre und älter"
        )
        bands[label] += 1
    for label, n in bands.items():
        assert rows[label][4] == (str(n) if n else "< 1"), label
    isced = {
        "isced_0_2": "ISCED 0–2",
        "isced_3_4": "ISCED 3–4",
        "isced_5_8": "ISCED 5–8",
        None: "ISCED unbekannt",
    }
    for code, label in isced.items():
        n = sum(1 for p in people if PERSONS[p]["isced"] == code)
        assert rows[label][4] == str(n), label
    # Only p2 has both consents active; p4 lacks special categories, p5 withdrew it.
    disabled = [
        p
        for p in people
        if PERSONS[p].get("disabled")
        and {"esf_reporting", "special_categories"} <= set(PERSONS[p].get("consents", ()))
        and not PERSONS[p].get("withdrawn")
    ]
    assert disabled == ["p2"]
    assert rows["Teilnehmende mit Behinderungen (nur mit Einwilligung erfasst)"][4] == "1"
    text = client.get("/uebersicht/export/esf-kmu.csv").get_data(as_text=True)
    smes = {
        r[0]: r[1]
        for r in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";")
    }
    # firms of SW firm cases opened within 365 days: f_small, f_micro, f_medium, f_ot (small),
    # f_large
    assert smes["Kleinstunternehmen"] == "1"
    assert smes["Kleine Unternehmen"] == "2"
    assert smes["Mittlere Unternehmen"] == "1"
    assert smes["Unterstützte KMU insgesamt"] == "4"


def test_esf_default_threshold_suppresses_small_cells(client, sup):
    rows, text = _rows(client)
    people = _participants()
    below = [cell for cells in rows.values() for cell in cells if cell != "< 5" and int(cell) < 5]
    record_figure(
        "stats.cells_below_threshold",
        len(below),
        target="0",
        ok=not below,
        db=backend_of(client.application),
    )
    assert rows["Teilnehmende insgesamt"][4] == str(len(people))
    assert rows["Teilnehmende insgesamt"][1] == "< 5"
    assert rows["Teilnehmende mit Behinderungen (nur mit Einwilligung erfasst)"][4] == "< 5"
    for cells in rows.values():
        for cell in cells:
            assert cell == "< 5" or int(cell) >= 5


def test_esf_page_and_export_carry_no_personal_data(client, sup):
    page = client.get("/uebersicht/esf").get_data(as_text=True)
    _, export = _rows(client)
    found = sum(
        1
        for spec in PERSONS.values()
        for text in (page, export)
        for value in (
            spec["last"],
            spec["first"],
            spec["birth"] and spec["birth"].isoformat(),
            spec["birth"] and spec["birth"].strftime("%d.%m.%Y"),
        )
        if value and value in text
    )
    record_figure(
        "stats.pii_columns",
        found,
        target="0",
        ok=found == 0,
        db=backend_of(client.application),
        detail="gemessen als Namen und Geburtsdaten der Fixture-Personen in Seite und Export",
    )
    for spec in PERSONS.values():
        for text in (page, export):
            assert spec["last"] not in text
            assert spec["first"] not in text
            if spec["birth"]:
                assert spec["birth"].isoformat() not in text
                assert spec["birth"].strftime("%d.%m.%Y") not in text


def test_esf_other_region_supervisor_sees_only_own(client, auth, dataset, monkeypatch, clean_app):
    monkeypatch.setitem(clean_app.config, "ESF_SUPPRESSION_THRESHOLD", 1)
    auth.login(dataset.users["sup_ot"])
    rows, _ = _rows(client, f"region={dataset.regions['SW']}")
    assert rows["Teilnehmende insgesamt"][4] == "1"  # p9 only


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("von=31.12.2026", "gültiges Datum"),
        ("von=2026-05-01&bis=2026-01-01", "nicht vor dem Startdatum"),
    ],
)
def test_esf_bad_filter_shows_german_message(client, sup, query, message):
    response = client.get(f"/uebersicht/esf?{query}")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_indicators_age_band_boundaries():
    entry = date(2026, 10, 1)
    assert indicators.age_band(date(2008, 10, 2), entry) == "under_18"
    assert indicators.age_band(date(2008, 10, 1), entry) == "18_29"
    assert indicators.age_band(date(1996, 10, 1), entry) == "30_54"
    assert indicators.age_band(date(1971, 10, 2), entry) == "30_54"
    assert indicators.age_band(date(1971, 10, 1), entry) == "55_plus"
    assert indicators.age_band(None, entry) == "unknown"


def test_indicators_employment_and_consent_rules():
    assert indicators.employment_group("apprentice") == "employed"
    assert indicators.employment_group("not_employed") == "inactive"
    assert indicators.employment_group(None) == "unknown"
    base = dict(
        gender="divers",
        birth_date=None,
        entry_date=date(2026, 1, 1),
        employment_status=None,
        isced_level=None,
        severely_disabled=True,
    )
    counted = indicators.Participant(**base, esf_consent=True, special_consent=True)
    no_special = indicators.Participant(**base, esf_consent=True, special_consent=False)
    result = indicators.participant_indicators([counted, no_special])
    assert result["participants"]["divers"] == 2
    assert result["disability"]["total"] == 1
    assert indicators.suppress(4, 5) == "< 5"
    assert indicators.suppress(5, 5) == "5"
    assert indicators.sme_counts(["micro", "large", "small", "small"]) == {
        "micro": 1,
        "small": 2,
        "total": 3,
    }
