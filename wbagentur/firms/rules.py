"""Pure rules for firms: register numbers, § 82 weighting, EU SME class, duplicates.

No database and no Flask here, so tests call them directly.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from wbagentur.core import formatting
from wbagentur.core.i18n import german
from wbagentur.core.translation import lazy_gettext as _l

LEGAL_FORMS = [
    "GmbH",
    "UG (haftungsbeschränkt)",
    "AG",
    "KG",
    "GmbH & Co. KG",
    "OHG",
    "e. K.",
    "GbR",
    "eG",
    "e. V.",
    "Einzelunternehmen",
    "Sonstige",
]
# The legal forms that are words, shown translated (the stored value stays German).
LEGAL_FORM_LABELS = {"Einzelunternehmen": _l("Einzelunternehmen"), "Sonstige": _l("Sonstige")}

# Addresses at these providers say nothing about the employer: the one list (issue #18;
# intake's longer list and this one disagreed, and two unrelated firms with proton.me
# addresses were flagged as duplicates).
FREEMAIL_DOMAINS = frozenset(
    {
        "1und1.de",
        "aol.com",
        "aol.de",
        "arcor.de",
        "email.de",
        "freenet.de",
        "gmail.com",
        "gmx.at",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hotmail.com",
        "hotmail.de",
        "icloud.com",
        "live.com",
        "live.de",
        "mailbox.org",
        "me.com",
        "online.de",
        "outlook.com",
        "outlook.de",
        "posteo.de",
        "proton.me",
        "protonmail.com",
        "t-online.de",
        "vodafone.de",
        "web.com",
        "web.de",
        "yahoo.com",
        "yahoo.de",
    }
)

# Handelsregister A/B, Genossenschafts-, Partnerschafts- and Vereinsregister; some
# courts append a letter (e.g. "HRB 12345 B").
_REGISTER = re.compile(r"^(HRA|HRB|GNR|PR|VR)\s*(\d{1,6})(?:\s*([A-Z]{1,2}))?$", re.IGNORECASE)
_REGISTER_SPELLING = {"HRA": "HRA", "HRB": "HRB", "GNR": "GnR", "PR": "PR", "VR": "VR"}

SIMILARITY_THRESHOLD = 0.85


def normalise_register_number(value: str | None) -> str | None:
    """``"hrb12345"`` → ``"HRB 12345"``; empty → None; raise ValueError if malformed."""
    if value is None or not value.strip():
        return None
    match = _REGISTER.match(" ".join(value.split()))
    if not match:
        raise ValueError(value)
    kind, number, suffix = match.groups()
    result = f"{_REGISTER_SPELLING[kind.upper()]} {number}"
    return f"{result} {suffix.upper()}" if suffix else result


def email_domain(email: str | None) -> str | None:
    """Lower-case domain of an e-mail address, or None."""
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].strip().lower().rstrip(".") or None


def company_domain(email: str | None) -> str | None:
    """The domain of an address when it can name an employer: None for free mail."""
    domain = email_domain(email)
    return None if domain in FREEMAIL_DOMAINS else domain


def weighted_headcount(over_30: int, up_to_30: int, up_to_20: int, up_to_10: int) -> float:
    """§ 82 Abs. 6 SGB III: > 30 h counts 1.0, ≤ 30 h 0.75, ≤ 20 h 0.5, ≤ 10 h 0.25."""
    return over_30 + 0.75 * up_to_30 + 0.5 * up_to_20 + 0.25 * up_to_10


# --- EU SME class (Recommendation 2003/361/EC, Annex Art. 2) ----------------------

_EUR = 100  # cents
SME_CLASSES = {
    "micro": _l("Kleinstunternehmen"),
    "small": _l("Kleines Unternehmen"),
    "medium": _l("Mittleres Unternehmen"),
    "large": _l("Großunternehmen"),
}
# (class, staff below, turnover ceiling in cents, balance-sheet ceiling in cents)
_THRESHOLDS = (
    ("micro", 10, 2_000_000 * _EUR, 2_000_000 * _EUR),
    ("small", 50, 10_000_000 * _EUR, 10_000_000 * _EUR),
    ("medium", 250, 50_000_000 * _EUR, 43_000_000 * _EUR),
)


@dataclass(frozen=True)
class SmeClassification:
    """The SME class with the reasons that led to it."""

    key: str
    label: str
    staff: float
    staff_basis: str
    financials_known: bool
    explanation: list[str] = field(default_factory=list)

    @property
    def is_sme(self) -> bool:
        return self.key != "large"


# Cached: the ESF+ page classifies every firm of the period (11,700 at 100,000 cases) and
# Babel's formatting of the same few ceilings and head counts was 93 % of its time (#22).
@functools.lru_cache(maxsize=4096)
def _fmt_number(value: float) -> str:
    return formatting.format_number(value, "de")


@functools.lru_cache(maxsize=64)
def _fmt_euro(cents: int) -> str:
    return formatting.format_money(cents, "de")


def classify_sme(
    weighted_staff: float,
    group_headcount: int | None = None,
    turnover_cents: int | None = None,
    balance_sheet_cents: int | None = None,
) -> SmeClassification:
    """Classify by staff and financial ceilings; explain the verdict in German.

    Staff is the weighted headcount, or the group headcount when that is larger (the
    recommendation counts linked enterprises). With unknown financials the class rests
    on the staff count alone, and the explanation says so.
    """
    staff, basis = float(weighted_staff), "gewichtete Beschäftigtenzahl nach § 82 Abs. 6 SGB III"
    if group_headcount is not None and group_headcount > staff:
        staff, basis = (
            float(group_headcount),
            "Beschäftigtenzahl des Konzerns (verbundene Unternehmen)",
        )
    known = turnover_cents is not None or balance_sheet_cents is not None
    # The explanation is German prose: German numbers whatever the reader's language.
    reasons = [f"Beschäftigte: {_fmt_number(staff)} ({basis})."]
    if not known:
        reasons.append(
            "Umsatz und Bilanzsumme sind nicht bekannt; die Einstufung beruht nur auf der "
            "Beschäftigtenzahl und ist vorläufig."
        )
    for key, staff_limit, turnover_limit, balance_limit in _THRESHOLDS:
        if staff >= staff_limit:
            continue
        turnover, balance = _fmt_euro(turnover_limit), _fmt_euro(balance_limit)
        if known:
            financial_ok = (turnover_cents is not None and turnover_cents <= turnover_limit) or (
                balance_sheet_cents is not None and balance_sheet_cents <= balance_limit
            )
            if not financial_ok:
                reasons.append(
                    f"Für „{german(SME_CLASSES[key])}“ zu hoch: Umsatz über {turnover} "
                    f"und Bilanzsumme über {balance} (oder nicht angegeben)."
                )
                continue
            reasons.append(
                f"Weniger als {staff_limit} Beschäftigte und Umsatz höchstens "
                f"{turnover} oder Bilanzsumme höchstens {balance}."
            )
        else:
            reasons.append(f"Weniger als {staff_limit} Beschäftigte.")
        return SmeClassification(key, SME_CLASSES[key], staff, basis, known, reasons)
    reasons.append(
        "Die Schwellenwerte für KMU (unter 250 Beschäftigte und Finanzgrenzen) sind überschritten."
    )
    return SmeClassification("large", SME_CLASSES["large"], staff, basis, known, reasons)


# --- Duplicate matching -----------------------------------------------------------


@dataclass(frozen=True)
class FirmFacts:
    """What the duplicate check compares; built from a form or a stored firm."""

    id: int | None
    name_search: str
    district_key: str | None
    register_number: str | None = None
    email_domain: str | None = None


@dataclass(frozen=True)
class DuplicateMatch:
    firm_id: int | None
    reasons: tuple[str, ...]


def names_similar(a: str, b: str) -> bool:
    """Normalised names equal, one contains the other, or SequenceMatcher ratio ≥ 0.85."""
    if not a or not b:
        return False
    if a == b or a in b or b in a:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= SIMILARITY_THRESHOLD


def duplicate_reasons(new: FirmFacts, existing: FirmFacts) -> tuple[str, ...]:
    """Why ``existing`` may be the same firm as ``new`` (empty: not a candidate)."""
    reasons = []
    if (
        new.district_key
        and new.district_key == existing.district_key
        and names_similar(new.name_search, existing.name_search)
    ):
        reasons.append("ähnlicher Name im selben Kreis")
    if new.register_number and new.register_number == existing.register_number:
        reasons.append("gleiche Handelsregisternummer")
    if (
        new.email_domain
        and new.email_domain not in FREEMAIL_DOMAINS
        and new.email_domain == existing.email_domain
    ):
        reasons.append("gleiche E-Mail-Domain")
    return tuple(reasons)


def find_duplicates(new: FirmFacts, existing: Iterable[FirmFacts]) -> list[DuplicateMatch]:
    """All existing firms that may be ``new``, in input order."""
    matches = []
    for other in existing:
        if new.id is not None and other.id == new.id:
            continue
        reasons = duplicate_reasons(new, other)
        if reasons:
            matches.append(DuplicateMatch(other.id, reasons))
    return matches
