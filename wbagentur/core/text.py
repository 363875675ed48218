"""Text normalisation for search: case, umlaut spelling and accents do not matter.

"Müller", "MÜLLER" and "Mueller" all normalise to "mueller". Search columns store this
form, because SQLite's lower() does not fold non-ASCII letters.
"""

from __future__ import annotations

import re
import unicodedata

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
