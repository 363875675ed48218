"""TOTP second factor and recovery codes (security.md AUTH-03) as pure functions.

RFC 6238 with a 30 s period, 6 digits and a window of one step either side
(``valid_window=1``): a code is accepted during 90 s around its step. Every accepted
code is bound to its time step; the caller stores the step (``User.totp_last_step``)
and a code whose step is not newer is refused, so each code works once.
Recovery codes carry 80 random bits; only their SHA-256 is stored.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno

PERIOD = 30
DIGITS = 6
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10
# 32 symbols = 5 bits each; without l, o, 0 and 1, which are easily confused.
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 16  # 16 × 5 = 80 bits
RECOVERY_GROUP = 4
ISSUER = "Weiterbildungsagentur Thüringen"

_TOTP_RE = re.compile(rf"[0-9]{{{DIGITS}}}")
_RECOVERY_RE = re.compile(rf"[{RECOVERY_ALPHABET}]{{{RECOVERY_LENGTH}}}")
_SEPARATORS = re.compile(r"[\s\-]+")


class CodeKind(enum.Enum):
    """What a user typed into the code field."""

    TOTP = "totp"
    RECOVERY = "recovery"


class TotpVerdict(enum.Enum):
    ACCEPTED = "accepted"
    INVALID = "invalid"
    REPLAYED = "replayed"


@dataclass(frozen=True)
class TotpCheck:
    """Outcome of a code check; ``step`` is the matched time step when accepted."""

    verdict: TotpVerdict
    step: int | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is TotpVerdict.ACCEPTED


def new_secret() -> str:
    """A random base32 secret of 160 bits (RFC 4226 recommends at least 128)."""
    return pyotp.random_base32(32)


def setup_secret(key: bytes, user_id: int, nonce: str) -> str:
    """The secret offered during set-up, derived from the app key and a per-flow nonce.

    Only the nonce travels in the (signed, not encrypted) session cookie, so a copied
    cookie does not reveal the secret; the secret is only stored once confirmed.
    """
    digest = hmac.new(key, f"totp-setup:{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def format_secret(secret: str) -> str:
    """The secret in groups of four for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, account_name: str, issuer: str = ISSUER) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD).provisioning_uri(
        name=account_name, issuer_name=issuer
    )


def qr_data_uri(uri: str) -> str:
    """An SVG QR code of ``uri`` as a base64 ``data:`` URI (allowed by the CSP's img-src)."""
    import io

    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=4, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def time_step(at: datetime | float) -> int:
    """The RFC 6238 time step (counter) of a moment."""
    timestamp = at.timestamp() if isinstance(at, datetime) else float(at)
    return int(timestamp // PERIOD)


def code_at_step(secret: str, step: int) -> str:
    """The code of one time step (for tests and the browser test's helper)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD).generate_otp(step)


def clean_code(raw: str | None) -> str:
    """Lower-case the input and drop spaces and hyphens (codes are often grouped)."""
    return _SEPARATORS.sub("", (raw or "").strip().lower())


def classify_code(raw: str | None) -> CodeKind | None:
    """TOTP for six digits, RECOVERY for a well-formed recovery code, otherwise None."""
    code = clean_code(raw)
    if _TOTP_RE.fullmatch(code):
        return CodeKind.TOTP
    if _RECOVERY_RE.fullmatch(code):
        return CodeKind.RECOVERY
    return None


def verify_totp(secret: str, code: str, last_step: int | None, at: datetime | float) -> TotpCheck:
    """Check a TOTP code at moment ``at`` against the window and the last used step.

    The newest matching step wins, so a code from the next step (clock skew) is bound to
    that step and cannot be used again afterwards.
    """
    code = clean_code(code)
    if not _TOTP_RE.fullmatch(code):
        return TotpCheck(TotpVerdict.INVALID)
    now_step = time_step(at)
    for step in range(now_step + VALID_WINDOW, now_step - VALID_WINDOW - 1, -1):
        if hmac.compare_digest(code_at_step(secret, step), code):
            if last_step is not None and step <= last_step:
                return TotpCheck(TotpVerdict.REPLAYED, step)
            return TotpCheck(TotpVerdict.ACCEPTED, step)
    return TotpCheck(TotpVerdict.INVALID)


def new_recovery_code() -> str:
    """One recovery code with 80 random bits, shown grouped as ``ab3k-9xq2-…``."""
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return "-".join(raw[i : i + RECOVERY_GROUP] for i in range(0, RECOVERY_LENGTH, RECOVERY_GROUP))


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """``count`` distinct recovery codes."""
    codes: list[str] = []
    while len(codes) < count:
        code = new_recovery_code()
        if code not in codes:
            codes.append(code)
    return codes


def hash_recovery_code(code: str) -> str:
    """SHA-256 of the code without separators, so ``ab3k-9xq2`` and ``AB3K 9XQ2`` match."""
    return hashlib.sha256(clean_code(code).encode("ascii", "replace")).hexdigest()
