"""What every export shares: formula neutralisation of text cells (security.md ENC-02) and
the download header. Used by the report exports and the ESF+ monitoring export."""

from __future__ import annotations

from typing import Any

from flask_babel.speaklater import LazyString

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise_cell(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with ``'``.

    Numbers stay numbers (a negative amount is data, not a formula); only strings are
    touched. A lazily translated label becomes its text in the reader's language.
    """
    if isinstance(value, LazyString):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def content_disposition(filename: str) -> str:
    """RFC 6266 attachment header for a server-generated ASCII filename."""
    safe = "".join(c for c in filename if c.isalnum() or c in "-_.")
    return f'attachment; filename="{safe}"'
