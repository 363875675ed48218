"""Money and rate helpers: integer euro cents, rates in basis points, German formatting.

Internally every amount is an ``int`` number of euro cents and every rate is an ``int`` number of
basis points (1 % = 100 bp), so results are exact; rounding (half up to the cent) happens only when
a rate is applied.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

from .i18n import current_language

__all__ = ["apply_bp", "eur", "eur_to_cents", "num", "pct", "ppt", "rate_bp"]

_ONE = Decimal(1)
# Enough digits for any finite JSON number up to 1e308 € (the default context has 28 and raised
# InvalidOperation for 1e26 €); the input bounds reject such amounts before they get here.
_CTX = Context(prec=400, Emax=999999, Emin=-999999)


def eur_to_cents(amount: int | float | str) -> int:
    """Convert a euro amount (JSON number) to integer cents, rounding half up."""
    value = _CTX.multiply(Decimal(str(amount)), Decimal(100))
    return int(value.quantize(_ONE, rounding=ROUND_HALF_UP, context=_CTX))


def rate_bp(rate: float | int) -> int:
    """Convert a fraction (0.75) to basis points (7500), kept within 0..100 %.

    The catalogue refuses rates outside [0, 1]; the clamp keeps a stored out-of-range value from
    ever granting more than the costs or a negative amount.
    """
    return min(10000, max(0, int(round(rate * 10000))))


def apply_bp(cents: int, bp: int) -> int:
    """``cents × bp / 10 000`` rounded half up (both non-negative)."""
    return (cents * bp + 5000) // 10000


def eur(cents: int) -> str:
    """Format cents as euro text, German ``10.000,00 €`` (English ``€10,000.00``)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    if current_language() == "en":
        return f"{sign}€{whole:,}.{rest:02d}"
    return f"{sign}{whole:,}".replace(",", ".") + f",{rest:02d} €"


def pct(bp: int) -> str:
    """Format basis points as percent text, German ``75 %`` / ``5,5 %`` (English ``5.5%``)."""
    whole, rest = divmod(bp, 100)
    en = current_language() == "en"
    if rest == 0:
        return f"{whole}%" if en else f"{whole} %"
    text = f"{whole},{rest:02d}".rstrip("0")
    return text.replace(",", ".") + "%" if en else text + " %"


def ppt(bp: int) -> str:
    """Format basis points as percentage points, e.g. ``5 Prozentpunkte`` (``5 percentage
    points``)."""
    if current_language() == "en":
        return pct(bp).replace("%", " percentage points")
    return pct(bp).replace(" %", " Prozentpunkte")


def num(x: float | int) -> str:
    """Format a number without trailing zeros, German ``29,25`` (English ``29.25``)."""
    if float(x).is_integer():
        return str(int(x))
    text = f"{x:.2f}".rstrip("0")
    return text if current_language() == "en" else text.replace(".", ",")
