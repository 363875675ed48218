"""Pure rules of the public request: plain-German status, token hashing, the time trap,
and the hints used to find a requester's firm among the known firms."""

from __future__ import annotations

import hashlib
import re

from wbagentur.core.text import normalise_search
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.firms import rules as firm_rules

# What the requester sees on the status page (cases.models.STATUSES are staff words).
PLAIN_STATUS = {
    "new": _l("eingegangen"),
    "in_advice": _l("in Bearbeitung"),
    "referred": _l("an eine Förderstelle weitergeleitet"),
    "waiting": _l("wir warten auf eine Rückmeldung"),
    "closed": _l("abgeschlossen"),
}

# A firm created from a request gets the lower edge of its headcount band as its staff
# (counted as full-time): the band's size class, never more staff than the requester said.
BAND_LOWER_EDGE = {"1_9": 1, "10_49": 10, "50_249": 50, "250_plus": 250}


# Legal forms and filler words that make two different firms look alike.
_NOISE_WORDS = frozenset(
    {
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "ohg",
        "ug",
        "gbr",
        "ek",
        "e",
        "k",
        "kgaa",
        "se",
        "co",
        "und",
        "haftungsbeschraenkt",
        "the",
        "der",
        "die",
        "das",
        "fuer",
        "von",
    }
)
_WORD = re.compile(r"[a-z0-9]+")


def hash_token(token: str) -> str:
    """SHA-256 (hex) of a status-link secret; only this is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def form_age_problem(
    age_seconds: float | None, min_seconds: float, max_seconds: float
) -> str | None:
    """Check how long the form was open: None if fine, else "too_fast" or "expired".

    ``age_seconds`` is None when the signed timestamp is missing or tampered with.
    """
    if age_seconds is None or age_seconds > max_seconds:
        return "expired"
    if age_seconds < min_seconds:
        return "too_fast"
    return None


def email_domain(email: str | None) -> str | None:
    """The domain of an e-mail address, or None for free-mail providers (the one list is
    ``firms.rules.FREEMAIL_DOMAINS``)."""
    return firm_rules.company_domain(email)


def significant_words(name: str | None) -> list[str]:
    """Search words of a firm name without legal forms.

    "Müller GmbH & Co. KG" → ["mueller"].
    """
    words = _WORD.findall(normalise_search(name))
    return [w for w in dict.fromkeys(words) if w not in _NOISE_WORDS and len(w) >= 3]
