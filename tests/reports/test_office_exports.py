"""Exports for offices (issue #16.4): one workbook per export with a sheet per table, money as
numbers with a euro format, dates as dates, frozen styled header, an "Angaben" sheet; the
monthly report as tagged PDF (issue #16.3)."""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal

import html5lib

from tests.plans.pdfcheck import assert_accessible, read_pdf
from wbagentur.reports.exports import SHEET_NAMES


def _dashboard_amounts(body: str) -> list[Decimal]:
    root = html5lib.parse(body, namespaceHTMLElements=False)
    table = root.find(".//table[@data-table='programme']")
    assert table is not None
    amounts = []
    for row in table.find("tbody").findall("tr"):
        text = "".join(row.findall("td")[-1].itertext()).strip()
        match = re.fullmatch(r"([\d.]+,\d\d)\s€", text.replace("\xa0", " "))
        assert match, text
        amounts.append(Decimal(match.group(1).replace(".", "").replace(",", ".")))
    return amounts


def test_workbook_money_cells_sum_to_the_dashboard_figure(client, clean_app, auth, dataset):
    from openpyxl import load_workbook

    auth.login(dataset.users["sup"])
    shown = _dashboard_amounts(client.get("/uebersicht").get_data(as_text=True))
    assert sum(shown) > 0
    body = client.get("/uebersicht").get_data(as_text=True)
    link = html5lib.parse(body, namespaceHTMLElements=False).find(".//a[@data-export-all]")
    assert link.get("href").startswith("/uebersicht/export/alle.xlsx")
    response = client.get(link.get("href"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert set(book.sheetnames) - {"Angaben"} <= set(SHEET_NAMES.values())
    assert book.sheetnames[-1] == "Angaben"
    assert len(book.sheetnames) >= 8
    sheet = book["Förderprogramme"]
    header = [c.value for c in sheet[1]]
    column = header.index("bewilligte Summe") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)]
    assert all(isinstance(c.value, (int, float)) for c in cells), [c.value for c in cells]
    assert all("€" in c.number_format for c in cells)
    assert Decimal(str(round(sum(c.value for c in cells), 2))) == sum(shown)
    for name in book.sheetnames:
        assert book[name].freeze_panes == "A2"
        assert book[name]["A1"].font.b
    info = {row[0]: row[1] for row in book["Angaben"].iter_rows(min_row=2, values_only=True)}
    assert info["Region"] == "Südwestthüringen"
    assert isinstance(info["Zeitraum von"], datetime)
    assert isinstance(info["Erstellt am"], datetime)
    assert book["Angaben"]["B3"].number_format == "DD.MM.YYYY"
    from wbagentur.accounts.models import User
    from wbagentur.extensions import db

    with clean_app.app_context():
        assert info["Erstellt von"] == db.session.get(User, dataset.users["sup"].id).display_name
    assert (
        info["Tabelle „Überfällige Vorgänge“"] == "Überfällige Wiedervorlagen und Weiterleitungen"
    )


def test_single_table_workbook_and_csv_for_german_excel(client, auth, dataset):
    from openpyxl import load_workbook

    auth.login(dataset.users["sup"])
    book = load_workbook(io.BytesIO(client.get("/uebersicht/export/programme.xlsx").data))
    assert book.sheetnames == ["Förderprogramme", "Angaben"]
    data = client.get("/uebersicht/export/programme.csv").data
    assert data.startswith("\ufeff".encode())
    first = data.decode("utf-8-sig").splitlines()[0]
    assert first.count(";") == 4
    assert "," not in first
    assert client.get("/uebersicht/export/alle.csv").status_code == 404


def test_monthly_report_pdf_is_tagged(client, auth, dataset):
    auth.login(dataset.users["sup"])
    month = dataset.today.strftime("%Y-%m")
    response = client.get(f"/uebersicht/monatsbericht/pdf?monat={month}")
    assert response.status_code == 200
    info = read_pdf(response.data)
    assert_accessible(info)
    for tag in ("/H1", "/H2", "/Table", "/TH", "/TD"):
        assert tag in info["tags"], tag
    assert info["title"].startswith("Monatsbericht ")
    text = info["text"].replace("\xa0", " ")
    assert "Förderprogramme" in text
    assert "Otto Ostberater" not in text
    assert not re.search(r"\b\d+\.\d\d €", text)
