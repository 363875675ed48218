"""The one ESF+ overview (/uebersicht/esf): participant indicators from the recorded ESF+
participations, supported SMEs counted separately, suppression, scope, no personal data.

Every expected figure is counted here from ``tests.reports.conftest.ESF`` / ``CASES`` with
plain Python predicates written for the test (not with ``wbagentur.esf.rules``).
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

from tests.figures import backend_of, record_figure
from tests.reports.conftest import CASES, ESF, PERSONS
from wbagentur.reports import indicators

DEFAULT_DAYS = 365  # the page's default period: the last 365 days up to today
GENDERS = ["weiblich", "maennlich", "divers", None]  # columns Frauen … ohne Angabe

ENTRY_ROWS = {
    "Teilnehmende insgesamt (Eintritte)": lambda e: True,
    "arbeitslos, einschl. langzeitarbeitslos": lambda e: (
        e["status"] in ("unemployed", "long_term_unemployed")
    ),
    "langzeitarbeitslos": lambda e: e["status"] == "long_term_unemployed",
    "nicht erwerbstätig (inaktiv)": lambda e: e["status"] == "inactive",
    "erwerbstätig, einschl. selbstständig": lambda e: e["status"] == "employed",
    "unter 18 Jahre": lambda e: e["age"] < 18,
    "18–29 Jahre": lambda e: 18 <= e["age"] <= 29,
    "55 Jahre und älter": lambda e: e["age"] >= 55,
    "ISCED 0–2": lambda e: e["isced"] == "isced_0_2",
    "ISCED 3–4": lambda e: e["isced"] == "isced_3_4",
    "ISCED 5–8": lambda e: e["isced"] == "isced_5_8",
    "Teilnehmende mit Behinderungen": lambda e: e.get("disability") is True,
    "Drittstaatsangehörige": lambda e: e.get("third_country") is True,
    "Teilnehmende ausländischer Herkunft": lambda e: e.get("foreign") is True,
    "Minderheiten (einschl. marginalisierter Gemeinschaften)": lambda e: e.get("minority") is True,
    "Obdachlose oder von Ausgrenzung auf dem Wohnungsmarkt Betroffene": lambda e: (
        e.get("homeless") is True
    ),
    "Teilnehmende aus ländlichen Gebieten": lambda e: e.get("rural") is True,
}


def _observed(e, flag):
    """An immediate result counts when observed on day 0 to 28 after leaving."""
    return bool(e.get(flag)) and "results" in e and 0 <= e["results"] <= 28


RESULT_ROWS = {
    "Austritte": lambda e: True,
    "nicht erwerbstätig bei Eintritt, arbeitsuchend nach Austritt": lambda e: (
        e["status"] == "inactive" and _observed(e, "job_searching")
    ),
    "in schulischer oder beruflicher Bildung nach Austritt": lambda e: _observed(e, "education"),
    "Qualifikation nach Austritt erlangt": lambda e: _observed(e, "qualification"),
    "erwerbstätig (einschl. selbstständig) nach Austritt": lambda e: _observed(e, "employment"),
    "erwerbstätig sechs Monate nach Austritt": lambda e: (
        e.get("survey") == "answered" and e.get("longterm_employment") is True
    ),
    "verbesserte Arbeitsmarktsituation sechs Monate nach Austritt": lambda e: (
        e.get("survey") == "answered" and e.get("longterm_improved") is True
    ),
    "Nachbefragung ohne Antwort": lambda e: e.get("survey") == "no_response",
    "Nachbefragung ohne Einwilligung": lambda e: e.get("survey") == "no_consent",
}


def _region(e):
    return next(c["region"] for c in CASES if c["key"] == e["case"])


def _in_period(days_ago, days=DEFAULT_DAYS):
    return days_ago is not None and 0 <= days_ago <= days


def expected(regions, threshold):
    """{table key: {row label: [Frauen, Männer, nicht-binär, ohne Angabe, insgesamt]}}."""
    mine = [e for e in ESF if _region(e) in regions]
    entries = [e for e in mine if _in_period(e["entry"])]
    exits = [e for e in mine if _in_period(e.get("exit"))]
    out = {}
    for key, rows, records in (
        ("esf-teilnehmende", ENTRY_ROWS, entries),
        ("esf-ergebnisse", RESULT_ROWS, exits),
    ):
        table = {}
        for label, predicate in rows.items():
            hits = [e for e in records if predicate(e)]
            counts = [sum(1 for e in hits if e["gender"] == g) for g in GENDERS] + [len(hits)]
            table[label] = [indicators.suppress(n, threshold) for n in counts]
        out[key] = table
    return out


class _Tables(HTMLParser):
    """Rows of every <table data-table=…> on the page: {key: {row label: [cells]}}."""

    def __init__(self):
        super().__init__()
        self.tables, self.key, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self.key = attrs["data-table"]
            self.tables[self.key] = {}
        elif self.key and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("th", "td"):
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None and self.row is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row:
                self.tables[self.key][self.row[0]] = self.row[1:]
            self.row = None
        elif tag == "table":
            self.key = None


def page_tables(client, query=""):
    response = client.get(f"/uebersicht/esf?{query}")
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(response.get_data(as_text=True))
    for table in parser.tables.values():
        table.pop("Indikator", None)
        table.pop("Größenklasse (EU)", None)
    return parser.tables, response.get_data(as_text=True)


def csv_rows(client, key, query=""):
    response = client.get(f"/uebersicht/export/{key}.csv?{query}")
    assert response.status_code == 200
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    return {r[0]: r[1:] for r in rows[1:]}, text


@pytest.fixture
def sup(client, auth, dataset):
    auth.login(dataset.users["sup"])
    return dataset


def test_esf_page_and_exports_count_recorded_participations(client, clean_app, sup, monkeypatch):
    monkeypatch.setitem(clean_app.config, "ESF_SUPPRESSION_THRESHOLD", 1)
    want = expected({"SW"}, threshold=1)
    tables, _ = page_tables(client)
    for key in ("esf-teilnehmende", "esf-ergebnisse"):
        assert tables[key] == want[key], key
        assert csv_rows(client, key)[0] == want[key], key
        body = client.get(f"/uebersicht/export/{key}.xlsx").get_data()
        sheet = load_workbook(io.BytesIO(body)).worksheets[0]
        values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
        header = next(i for i, row in enumerate(values) if row and row[0] == "Indikator")
        from_xlsx = {row[0]: [str(c) for c in row[1:6]] for row in values[header + 1 :] if row[0]}
        assert from_xlsx == want[key], key
    entries = want["esf-teilnehmende"]
    results = want["esf-ergebnisse"]
    # Persons of SW cases opened in the period: far more than the recorded participations.
    persons_of_cases = {
        p
        for c in CASES
        if c["region"] == "SW" and c["age"] <= DEFAULT_DAYS
        for p in c.get("participants", []) + ([c["person"]] if c.get("person") else [])
    }
    assert len(persons_of_cases) == 8
    assert entries["Teilnehmende insgesamt (Eintritte)"] == ["4", "1", "1", "1", "7"]
    # the 28/29-day boundary: e3's result (day 28) counts, e4's employment (day 29) does not
    assert results["Qualifikation nach Austritt erlangt"][4] == "1"
    assert results["erwerbstätig (einschl. selbstständig) nach Austritt"][4] == "1"  # e2 only
    # job searching counts only for those inactive at entry (e3, e9)
    assert results["nicht erwerbstätig bei Eintritt, arbeitsuchend nach Austritt"][4] == "2"
    # e6 entered before the period: not an entry, but its exit in the period is a result
    assert results["Austritte"][4] == "6"
    assert results["Nachbefragung ohne Antwort"][4] == "1"


def test_esf_smes_are_counted_separately(client, clean_app, sup, monkeypatch):
    monkeypatch.setitem(clean_app.config, "ESF_SUPPRESSION_THRESHOLD", 1)
    tables, _ = page_tables(client)
    smes, _ = csv_rows(client, "esf-kmu")
    # firms of SW firm cases opened within 365 days: f_small, f_micro, f_medium, f_ot (small),
    # f_large (not an SME) – independent of who is an ESF+ participant
    classes = {"f_small": "small", "f_micro": "micro", "f_medium": "medium", "f_ot": "small"}
    firms = {c["firm"] for c in CASES if c["region"] == "SW" and c.get("firm")}
    counted = [classes[f] for f in firms if f in classes]
    want = {
        "Kleinstunternehmen": [str(counted.count("micro"))],
        "Kleine Unternehmen": [str(counted.count("small"))],
        "Mittlere Unternehmen": [str(counted.count("medium"))],
        "Unterstützte KMU insgesamt": [str(len(counted))],
    }
    assert want["Unterstützte KMU insgesamt"] == ["4"]
    assert smes == want
    assert tables["esf-kmu"] == want


def test_esf_default_threshold_suppresses_small_cells(client, sup):
    tables, _ = page_tables(client)
    rows, _ = csv_rows(client, "esf-teilnehmende")
    results, _ = csv_rows(client, "esf-ergebnisse")
    cells = [c for r in (rows, results) for cells in r.values() for c in cells]
    below = [c for c in cells if c != "< 5" and int(c) < 5]
    record_figure(
        "stats.cells_below_threshold",
        len(below),
        target="0",
        ok=not below,
        db=backend_of(client.application),
    )
    assert not below
    want = expected({"SW"}, threshold=5)
    assert rows == want["esf-teilnehmende"] == tables["esf-teilnehmende"]
    assert results == want["esf-ergebnisse"] == tables["esf-ergebnisse"]
    assert rows["Teilnehmende insgesamt (Eintritte)"] == ["< 5", "< 5", "< 5", "< 5", "7"]
    assert "< 5" in tables["esf-kmu"]["Kleinstunternehmen"]


def test_esf_page_and_export_carry_no_personal_data(client, sup):
    _, page = page_tables(client)
    _, export = csv_rows(client, "esf-teilnehmende")
    _, results = csv_rows(client, "esf-ergebnisse")
    found = sum(
        1
        for spec in PERSONS.values()
        for text in (page, export, results)
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
    assert found == 0


def test_esf_other_region_supervisor_sees_only_own(client, auth, dataset, monkeypatch, clean_app):
    monkeypatch.setitem(clean_app.config, "ESF_SUPPRESSION_THRESHOLD", 1)
    auth.login(dataset.users["sup_ot"])
    query = f"region={dataset.regions['SW']}"  # ignored for a supervisor
    tables, _ = page_tables(client, query)
    rows, _ = csv_rows(client, "esf-teilnehmende", query)
    want = expected({"OT"}, threshold=1)
    assert rows == tables["esf-teilnehmende"] == want["esf-teilnehmende"]
    assert rows["Teilnehmende insgesamt (Eintritte)"][4] == "1"  # e8 only


@pytest.mark.parametrize("region", [None, "SW", "OT"])
def test_esf_coordinator_all_regions_or_one(client, auth, dataset, monkeypatch, clean_app, region):
    monkeypatch.setitem(clean_app.config, "ESF_SUPPRESSION_THRESHOLD", 1)
    auth.login(dataset.users["coord"])
    query = f"region={dataset.regions[region]}" if region else ""
    tables, _ = page_tables(client, query)
    want = expected({region} if region else {"SW", "OT"}, threshold=1)
    for key in ("esf-teilnehmende", "esf-ergebnisse"):
        assert tables[key] == want[key]
        assert csv_rows(client, key, query)[0] == want[key]


def test_esf_period_filter_counts_entries_and_exits_in_it(client, clean_app, sup, monkeypatch):
    monkeypatch.setitem(clean_app.config, "ESF_SUPPRESSION_THRESHOLD", 1)
    start, end = sup.today - timedelta(days=50), sup.today - timedelta(days=8)
    query = f"von={start.isoformat()}&bis={end.isoformat()}"
    tables, _ = page_tables(client, query)
    sw = [e for e in ESF if _region(e) == "SW"]
    entered = [e for e in sw if 8 <= e["entry"] <= 50]
    left = [e for e in sw if e.get("exit") is not None and 8 <= e["exit"] <= 50]
    assert tables["esf-teilnehmende"]["Teilnehmende insgesamt (Eintritte)"][4] == str(len(entered))
    assert tables["esf-ergebnisse"]["Austritte"][4] == str(len(left))
    assert len(entered) == 5
    assert len(left) == 2


def test_esf_page_links_export_and_completeness_for_the_same_period(client, sup):
    _, page = page_tables(client)
    start = (sup.today - timedelta(days=DEFAULT_DAYS)).isoformat()
    hrefs = [part.split('"', 1)[0] for part in page.split('href="')[1:]]
    export = [h for h in hrefs if h.startswith("/esf/export/teilnehmende.csv")]
    assert len(export) == 1
    args = parse_qs(urlsplit(export[0].replace("&amp;", "&")).query)
    assert args == {"von": [start], "bis": [sup.today.isoformat()]}
    assert "/esf/vollstaendigkeit" in hrefs
    # the export behind the link: one row per SW participation active in the period
    body = client.get(export[0].replace("&amp;", "&")).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"), newline=""), delimiter=";"))
    active = [
        e
        for e in ESF
        if _region(e) == "SW" and e["entry"] >= 0 and (e.get("exit") is None or e["exit"] <= 365)
    ]
    assert len(rows) - 1 == len(active)


def test_navigation_offers_one_esf_overview(client, sup):
    page = client.get("/uebersicht").get_data(as_text=True)
    assert page.count('href="/uebersicht/esf"') >= 1
    assert "/esf/kennzahlen" not in page
    old = client.get(f"/esf/kennzahlen?von=01.01.{sup.today.year}&bis=garbage")
    assert old.status_code == 302
    target = urlsplit(old.headers["Location"])
    assert target.path == "/uebersicht/esf"
    assert parse_qs(target.query) == {"von": [f"{sup.today.year}-01-01"]}


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


def test_indicators_suppression_and_sme_rules():
    assert indicators.suppress(4, 5) == "< 5"
    assert indicators.suppress(5, 5) == "5"
    assert indicators.suppress(0, 1) == "< 1"
    assert indicators.sme_counts(["micro", "large", "small", "small"]) == {
        "micro": 1,
        "small": 2,
        "total": 3,
    }
