"""The Förderempfehlung as PDF (fpdf2, pure Python).

DejaVu Sans is embedded when installed (Debian: fonts-dejavu-core) so every German character
and "§" prints; without it the PDF falls back to the core font Helvetica, which only covers
Latin-1 – text is then transliterated (e.g. "–" → "-", "€" → "EUR").
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
        "‘": "'",
        "’": "'",
        "…": "...",
        "€": "EUR",
        "\u00a0": " ",
        "≤": "<=",
        "≥": ">=",
        "→": "->",
        "−": "-",
    }
)


class _Doc(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            self.add_font("DejaVu", "", str(regular))
            self.add_font("DejaVu", "B", str(bold))
            self.base_font = "DejaVu"
            self.has_unicode = True
        else:
            self.base_font = "Helvetica"
            self.has_unicode = False
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def t(self, text: str) -> str:
        if self.has_unicode:
            return text
        return text.translate(_TRANSLIT).encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(self.base_font, "", 8)
        self.cell(0, 5, self.t(f"{self.footer_text} – Seite {self.page_no()}/{{nb}}"), align="C")

    def heading(self, text: str, size: int = 13) -> None:
        self.set_font(self.base_font, "B", size)
        self.multi_cell(0, size * 0.5, self.t(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def para(self, text: str, size: int = 10, bold: bool = False) -> None:
        self.set_font(self.base_font, "B" if bold else "", size)
        self.multi_cell(0, 5, self.t(text), new_x="LMARGIN", new_y="NEXT")

    def bullet(self, text: str) -> None:
        self.set_font(self.base_font, "", 10)
        self.set_x(self.l_margin + 4)
        self.multi_cell(
            0,
            5,
            self.t(f"• {text}" if self.has_unicode else f"- {text}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )


def render_recommendation(view: dict[str, Any]) -> bytes:  # noqa: C901 (one section per part)
    """Render the recommendation described by ``view`` (see ``views.recommendation_view``)."""
    pdf = _Doc(f"Förderempfehlung {view['reference']}")
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.heading("Förderempfehlung der Weiterbildungsagentur Thüringen", 15)
    pdf.para(
        f"Fall {view['reference']} · Prüfung vom {view['checked_on']} · "
        f"maßgeblicher Tag {view['reference_date']}"
    )
    if view.get("firm_name"):
        pdf.para(f"Für: {view['firm_name']}")
    if view.get("person_name"):
        pdf.para(f"Beschäftigte/r: {view['person_name']}")
    if view.get("course_title"):
        pdf.para(f"Weiterbildung: {view['course_title']}")
    pdf.ln(3)
    pdf.para(view["intro"])
    pdf.ln(2)
    for p in view["recommended"]:
        pdf.heading(f"{p['title']} – {p['status_label']}", 12)
        for reason in p["reasons"]:
            pdf.bullet(reason)
        if p["amounts"]:
            pdf.para("Beträge:", bold=True)
            for amount in p["amounts"]:
                pdf.bullet(amount)
        if p["steps"]:
            pdf.para("Nächste Schritte und Fristen:", bold=True)
            for step in p["steps"]:
                pdf.bullet(step)
        pdf.para(f"Entscheidet: {p['deciding_body']}", bold=True)
        pdf.ln(3)
    if view["others"]:
        pdf.heading("Nicht passende Programme", 12)
        for other in view["others"]:
            pdf.bullet(other)
        pdf.ln(2)
    if view["warnings"]:
        pdf.heading("Hinweise", 12)
        for warning in view["warnings"]:
            pdf.bullet(warning)
        pdf.ln(2)
    pdf.heading("Ihre Ansprechpartner", 12)
    for line in view["contact"]:
        pdf.para(line)
    pdf.ln(2)
    pdf.para(view["disclaimer"], size=8)
    return bytes(pdf.output())
