"""Exports (CSV/XLSX) read back, formula neutralisation, audit; monthly report and PDF."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import sqlalchemy as sa

from tests.reports.conftest import HYPERLINK
from tests.reports.test_dashboard import links
from wbagentur.reports.exports import content_disposition, neutralise_cell, to_csv


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 361", "'+49 361"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Müller", "Müller"),
        ("", ""),
        (-5, -5),
        (12, 12),
        (None, None),
    ],
)
def test_neutralise_cell_prefixes_formula_starts(raw, expected):
    assert neutralise_cell(raw) == expected


def test_to_csv_round_trips_quotes_and_newlines():
    data = to_csv(["a", "b"], [['x;"y"', "z\nw"], [HYPERLINK, 3]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [["a", "b"], ['x;"y"', "z\nw"], ["'" + HYPERLINK, "3"]]


def test_to_csv_is_for_german_excel():
    from datetime import date
    from decimal import Decimal

    data = to_csv(["Betrag", "Tag"], [[Decimal("14640.50"), date(2026, 12, 2)], [1.5, None]])
    assert data.decode("utf-8-sig").splitlines() == [
        "Betrag;Tag",
        "14640,50;02.12.2026",
        "1,5;",
    ]


def test_content_disposition_strips_unsafe_characters():
    assert content_disposition('a"b;\r\nc.csv') == 'attachment; filename="abc.csv"'


@pytest.fixture
def sup(client, auth, dataset):
    auth.login(dataset.users["sup"])
    return dataset


def _audit_exports(app):
    from wbagentur.core.audit import AuditEvent
    from wbagentur.extensions import db

    with app.app_context():
        return [
            json.loads(e.details)
            for e in db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.action == "report.export")
                .order_by(AuditEvent.id)
            )
        ]


def test_export_csv_matches_dashboard_and_neutralises(client, clean_app, sup):
    body = client.get("/uebersicht").get_data(as_text=True)
    response = client.get("/uebersicht/export/fallbestand.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert re.fullmatch(
        r'attachment; filename="wba-fallbestand-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"',
        response.headers["Content-Disposition"],
    )
    assert response.data.startswith("\ufeff".encode())
    rows = list(
        csv.reader(
            io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"), newline=""),
            delimiter=";",
        )
    )
    assert rows[0][0] == "Beratende/r"
    by_name = {r[0]: r for r in rows[1:]}
    assert "'" + HYPERLINK in by_name
    assert HYPERLINK not in by_name
    exported = sorted(int(v) for r in rows[1:] for v in r[1:])
    shown = sorted(v for _, v, _ in links(body, "fallbestand"))
    assert exported == shown
    assert _audit_exports(clean_app)[-1] == {
        "format": "csv",
        "rows": len(rows) - 1,
        "table": "fallbestand",
    }


def test_export_xlsx_matches_csv(client, clean_app, sup):
    from openpyxl import load_workbook

    for table in ("zugangswege", "weiterleitungen", "ueberfaellig"):
        csv_rows = list(
            csv.reader(
                io.StringIO(
                    client.get(f"/uebersicht/export/{table}.csv")
                    .get_data(as_text=True)
                    .lstrip("\ufeff"),
                    newline="",
                ),
                delimiter=";",
            )
        )
        response = client.get(f"/uebersicht/export/{table}.xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.data)).active
        xlsx_rows = [
            [
                "" if v is None else (str(v).replace(".", ",") if isinstance(v, float) else str(v))
                for v in row
            ]
            for row in sheet.iter_rows(values_only=True)
        ]
        assert xlsx_rows == csv_rows
    sheet = load_workbook(
        io.BytesIO(client.get("/uebersicht/export/ueberfaellig.xlsx").data)
    ).active
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "'" + HYPERLINK in names
    assert [e["format"] for e in _audit_exports(clean_app)][-2:] == ["xlsx", "xlsx"]


def test_export_of_case_load_runs_only_its_own_queries(client, clean_app, sup):
    from wbagentur.extensions import db

    with clean_app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get("/uebersicht/export/fallbestand.csv")
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    # The other dashboard tables (referrals, follow-ups, funding checks) are not computed.
    other_tables = re.compile(r"\b(referrals|follow_ups|funding_checks|transfers)\b")
    assert [s for s in statements if other_tables.search(s)] == []
    assert any(re.search(r"\bcases\b", s) for s in statements)


def test_export_of_coordinator_table_is_404_for_supervisor(client, sup):
    assert client.get("/uebersicht/export/regionen-uebergaben.csv").status_code == 404


@pytest.mark.parametrize(
    "name", ["unbekannt.csv", "fallbestand.pdf", "fallbestand", "..%2Fx.csv", "FALL.csv"]
)
def test_export_unknown_table_or_format_is_404(client, sup, name):
    assert client.get(f"/uebersicht/export/{name}").status_code == 404


def test_monthly_report_print_view_and_pdf(client, clean_app, sup):
    month = sup.today.strftime("%Y-%m")
    response = client.get(f"/uebersicht/monatsbericht?monat={month}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "css/reports-print.css" in text
    assert "Monatsbericht" in text
    assert "Otto Ostberater" not in text
    pdf = client.get(f"/uebersicht/monatsbericht/pdf?monat={month}")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert f"wba-monatsbericht-{month}.pdf" in pdf.headers["Content-Disposition"]
    assert _audit_exports(clean_app)[-1]["table"] == "monatsbericht"


@pytest.mark.parametrize("month", ["2026-13", "26-10", "abc", "2026-1"])
def test_monthly_report_bad_month_shows_german_message(client, sup, month):
    response = client.get(f"/uebersicht/monatsbericht?monat={month}")
    assert response.status_code == 200
    assert "Bitte geben Sie den Monat im Format JJJJ-MM an" in response.get_data(as_text=True)


def test_an_english_reader_sees_english_tables_but_exports_the_german_file(client, sup):
    """The dashboard follows the reader's language; the export is a file for German Excel
    and the office (issue #18: decided per output)."""
    assert client.post("/sprache", data={"lang": "en", "next": "/"}).status_code == 302
    page = client.get("/uebersicht").get_data(as_text=True)
    assert "open, total" in page
    assert "offen gesamt" not in page
    response = client.get("/uebersicht/export/fallbestand.csv")
    header = response.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert header.startswith("Beratende/r;offen gesamt;0–30 Tage")
