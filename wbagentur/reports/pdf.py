"""The monthly region report as PDF (fpdf2, pure Python, landscape A4).

DejaVu Sans from ``/usr/share/fonts/truetype/dejavu/`` (Debian: fonts-dejavu-core) is
embedded when installed; otherwise the core font Helvetica is used and text is
transliterated to Latin-1 ("–" → "-", "€" → "EUR").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_TRANSLIT = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "„": '"',
        "“": '"',
        "”": '"',
        "’": "'",
        "…": "...",
        "€": "EUR",
        "\u00a0": " ",
        "·": "-",
    }
)


class _Report(FPDF):
    def __init__(self, footer_text: str, font_dir: Path = FONT_DIR) -> None:
        super().__init__(orientation="L", format="A4")
        self.footer_text = footer_text
        regular, bold = font_dir / "DejaVuSans.ttf", font_dir / "DejaVuSans-Bold.ttf"
        self.unicode = regular.exists() and bold.exists()
        if self.unicode:
            self.add_font("DejaVu", "", str(regular))
            self.add_font("DejaVu", "B", str(bold))
            self.base_font = "DejaVu"
        else:
            self.base_font = "Helvetica"
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(14, 14, 14)

    def t(self, text: Any) -> str:
        text = "" if text is None else str(text)
        if self.unicode:
            return text
        return text.translate(_TRANSLIT).encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(self.base_font, "", 7)
        self.cell(0, 5, self.t(f"{self.footer_text} – Seite {self.page_no()}/{{nb}}"), align="C")


def render_monthly(board: Any, month_label: str, regions: str, font_dir: Path = FONT_DIR) -> bytes:
    """Every dashboard table of the month as a PDF table (numbers only, no personal data
    beyond advisor names, which the supervisor already sees)."""
    pdf = _Report(f"Weiterbildungsagentur Thüringen – Monatsbericht {month_label}", font_dir)
    pdf.set_title(pdf.t(f"Monatsbericht {month_label}"))
    pdf.set_lang("de")
    pdf.add_page()
    pdf.set_font(pdf.base_font, "B", 15)
    pdf.multi_cell(0, 8, pdf.t(f"Monatsbericht {month_label}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.base_font, "", 10)
    period = f"{board.scope.date_from:%d.%m.%Y} bis {board.scope.date_to:%d.%m.%Y}"
    pdf.multi_cell(
        0, 5, pdf.t(f"Region(en): {regions}. Zeitraum: {period}."), new_x="LMARGIN", new_y="NEXT"
    )
    for table in board.tables.values():
        pdf.ln(3)
        pdf.set_font(pdf.base_font, "B", 11)
        pdf.multi_cell(0, 6, pdf.t(table.title), new_x="LMARGIN", new_y="NEXT")
        if table.note:
            pdf.set_font(pdf.base_font, "", 7.5)
            pdf.multi_cell(0, 4, pdf.t(table.note), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.base_font, "", 7.5)
        rows = [[c.display for c in row] for row in table.rows]
        if table.footer:
            rows.append([c.display for c in table.footer])
        if not rows:
            pdf.multi_cell(0, 5, pdf.t("Keine Daten im Zeitraum."), new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(first_row_as_headings=True, line_height=4.5) as pdf_table:
            heading = pdf_table.row()
            for col in table.columns:
                heading.cell(pdf.t(col))
            for row in rows:
                line = pdf_table.row()
                for value in row:
                    line.cell(pdf.t(value))
    return bytes(pdf.output())
