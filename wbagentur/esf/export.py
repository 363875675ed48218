"""The monitoring export's file formats: CSV with ``;`` and UTF-8 BOM, XLSX with numeric
cells. Cell neutralisation is shared with the reports (``core.exports``, called, not copied)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from wbagentur.core.exports import neutralise_cell


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise_cell("" if v is None else v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """Numbers stay numeric cells; text cells are stored as strings, never formulas."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "ESF-Teilnehmende"
    sheet.append(list(header))
    for row in rows:
        sheet.append([neutralise_cell(v) for v in row])
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
