"""CSV and XLSX exports of report tables (security.md ENC-02: formula neutralisation).

For offices (issue #16.4): one XLSX workbook per export with a sheet per table (complete
German sheet names, a styled and frozen header row, money as numbers with a euro format,
dates as dates) and an "Angaben" sheet with region, period, creation time and user; CSV
with ``;`` and a UTF-8 BOM so German Excel splits the columns and reads umlauts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from wbagentur.core import exports as shared
from wbagentur.core import formatting
from wbagentur.core.exports import neutralise_cell
from wbagentur.core.translation import lazy_gettext as _l


def _csv_value(value: Any) -> Any:
    """German Excel reads ``1234,5`` and ``31.10.2026``; text stays neutralised."""
    if type(value) is int:  # most cells are counts: no test below applies to them
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, (float, Decimal)):
        return format(Decimal(str(value)), "f").replace(".", ",")
    if isinstance(value, datetime):
        return formatting.format_date(value, "dd.MM.yyyy HH:mm", locale="de")
    if isinstance(value, date):
        return formatting.format_date(value, "dd.MM.yyyy", locale="de")
    return neutralise_cell(value)


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """CSV for German Excel: ``;`` separated, CRLF, quoted where needed, UTF-8 with BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise_cell(h) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Complete sheet names within Excel's 31 characters (the full titles are on "Angaben").
SHEET_NAMES = {
    "fallbestand": _l("Offene Fälle nach Alter"),
    "ueberfaellig": _l("Überfällige Vorgänge"),
    "neue-faelle": _l("Neue Fälle je Woche"),
    "ergebnisse": _l("Ergebnisse"),
    "weiterleitungen": _l("Weiterleitungen je Partner"),
    "programme": _l("Förderprogramme"),
    "regionen-weiterleitungen": _l("Weiterleitungen der Regionen"),
    "regionen-uebergaben": _l("Übergaben zwischen Regionen"),
    "zugangswege": _l("Zugangswege"),
    "esf-teilnehmende": _l("ESF-Teilnehmende"),
    "esf-ergebnisse": _l("ESF-Ergebnisse"),
    "esf-kmu": _l("ESF-KMU"),
}
EURO_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"


def _is_money(cell: Any) -> bool:
    text = getattr(cell, "text", None)
    return isinstance(cell.value, (int, float, Decimal)) and bool(text) and "€" in str(text)


def _fill_sheet(sheet: Any, columns: Sequence[str], cells: Sequence[Sequence[Any]]) -> None:
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet.append([neutralise_cell(h) for h in columns])
    # Row numbers counted here: ``sheet.max_row`` looks at every cell each time.
    for number, row in enumerate(cells, start=2):
        values = []
        for cell in row:
            value = cell.value
            if isinstance(value, Decimal):
                value = float(value)
            values.append(neutralise_cell(value))
        sheet.append(values)
        for index, cell in enumerate(row, start=1):
            target = sheet.cell(row=number, column=index)
            if _is_money(cell):
                target.number_format = EURO_FORMAT
            elif isinstance(cell.value, datetime):
                target.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, date):
                target.number_format = DATE_FORMAT
            elif isinstance(target.value, str):
                target.data_type = TYPE_STRING
    for header in sheet[1]:
        header.font = Font(bold=True, color="FFFFFF")
        header.fill = PatternFill("solid", fgColor="1F4E79")
        header.alignment = Alignment(wrap_text=True, vertical="top")
        header.data_type = TYPE_STRING
    sheet.freeze_panes = "A2"
    for index, title in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = min(max(12, len(str(title)) + 2), 45)


def to_workbook(tables: Sequence[Any], info: Sequence[tuple[str, Any]]) -> bytes:
    """One workbook: a sheet per table (``services.Table``), then the sheet "Angaben"."""
    from openpyxl import Workbook

    workbook = Workbook()
    first = True
    used: set[str] = set()
    for table in tables:
        sheet = workbook.active if first else workbook.create_sheet()
        first = False
        name = str(SHEET_NAMES.get(table.key) or _sheet_title(table.title))
        while name in used:
            name = _sheet_title(name[:28] + " " + str(len(used)))
        used.add(name)
        sheet.title = name
        rows = list(table.rows) + ([table.footer] if table.footer else [])
        _fill_sheet(sheet, table.columns, rows)
    meta = workbook.active if first else workbook.create_sheet()
    meta.title = "Angaben"
    info_rows = list(info) + [
        (f"Tabelle „{SHEET_NAMES.get(t.key) or _sheet_title(str(t.title))}“", t.title)
        for t in tables
    ]
    _fill_sheet(
        meta,
        ["Angabe", "Wert"],
        [[_Plain(k), _Plain(v)] for k, v in info_rows],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Plain:
    """A cell without display text (for the "Angaben" sheet)."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.text = None


def _sheet_title(title: str) -> str:
    title = str(title)
    cleaned = "".join(c for c in title if c not in "[]:*?/\\")
    return (cleaned or "Bericht")[:31]


# Shared with the ESF+ export; the name stays here for the report views.
content_disposition = shared.content_disposition
