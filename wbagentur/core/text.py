"""Text normalisation for search: case, umlaut spelling and accents do not matter.

"Müller", "MÜLLER" and "Mueller" all normalise to "mueller". Search columns store this
form, because SQLite's lower() does not fold non-ASCII letters. ``name_matches`` searches
such a column word by word and also finds "Kühn" for "kuhn" (issue #14 defect 10).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_SPACES = re.compile(r"\s+")


def normalise_search(text: str | None) -> str:
    """Return the search form of a text (lower case, umlauts spelled out, no accents)."""
    if not text:
        return ""
    lowered = unicodedata.normalize("NFC", text).lower().translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", plain).strip()


def like_pattern(term: str) -> str:
    """A LIKE pattern for a normalised search term, with wildcards escaped (escape '\\')."""
    escaped = normalise_search(term).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- Search terms ----------------------------------------------------------------
# A term is searched word by word, in any order ("Reinhardt Thomas" finds Thomas Reinhardt),
# and a word typed without umlauts also finds the umlaut spelling ("kuhn" finds Kühn, which
# is stored as "kuehn"): each a, o or u not already followed by an "e" may stand for ä, ö, ü.
# The variants are built for the term, so the stored search columns keep one spelling.

MAX_TOKENS = 6
# 2**4 = 16 spellings per word at most; later vowels are matched as typed.
MAX_UMLAUT_POSITIONS = 4


def search_tokens(term: str | None) -> list[str]:
    """The distinct words of a search term in their search form."""
    seen: list[str] = []
    for token in normalise_search(term).split(" "):
        if token and token not in seen:
            seen.append(token)
    return seen[:MAX_TOKENS]


def token_spellings(token: str) -> list[str]:
    """The stored spellings a typed word may stand for: "kuhn" → ["kuhn", "kuehn"]."""
    positions = [i for i, c in enumerate(token) if c in "aou" and token[i + 1 : i + 2] != "e"][
        :MAX_UMLAUT_POSITIONS
    ]
    spellings = [token]
    for position in reversed(positions):
        spellings += [s[: position + 1] + "e" + s[position + 1 :] for s in spellings]
    return spellings


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def name_matches(column: Any, term: str | None) -> Any:
    """SQL condition: every word of ``term`` occurs in ``column`` (a normalised search
    column) in one of its spellings; true for a term without words."""
    import sqlalchemy as sa

    conditions = [
        sa.or_(*(column.like(f"%{_escape_like(s)}%", escape="\\") for s in token_spellings(token)))
        for token in search_tokens(term)
    ]
    return sa.and_(sa.true(), *conditions)
