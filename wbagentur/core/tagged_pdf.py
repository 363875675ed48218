"""Tagged, accessible PDF (PDF/UA-1) from the same HTML templates as the print views.

WeasyPrint (docs/pdf.md) writes the structure tree from the HTML (h1–h6 → /H1…, ul/ol → /L /LI,
table/th/td → /Table /TH /TD), sets ``/MarkInfo << /Marked true >>``, ``/Lang`` from
``<html lang>``, ``/Title`` from ``<title>`` (shown as window title) and embeds subsets of the
fonts (DejaVu Sans, Debian package fonts-dejavu-core). No network access: only the stylesheet
files named here are read; other URLs in the HTML are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parent.parent / "static" / "css"


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"PDF rendering fetches no resources ({url[:40]})")


def html_to_pdf(html: str, *stylesheets: str) -> bytes:
    """Render ``html`` (a full document with ``lang`` and ``<title>``) to PDF/UA-1 bytes."""
    from weasyprint import CSS, HTML  # imported late: loading Pango takes ~0.3 s

    sheets = [CSS(filename=str(STATIC / name)) for name in ("pdf.css", *stylesheets)]
    document = HTML(string=html, base_url=str(STATIC), url_fetcher=_no_fetch)
    return bytes(document.write_pdf(stylesheets=sheets, pdf_variant="pdf/ua-1"))
