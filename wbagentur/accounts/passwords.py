"""Password hashing (argon2id) and the password policy (security.md AUTH-01/02)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context

MIN_LENGTH = 12
MAX_LENGTH = 128

# Argon2id parameter sets, chosen by ARGON2_PROFILE (docs/configuration.md).
# "rfc9106_low_memory" (t=3, m=64 MiB, p=4) is argon2-cffi's default and above the ASVS 5.0
# Appendix C minimums; production refuses anything else (core.config.validate). "test" is the
# cheapest set argon2 accepts, for the test suite only: every login there verifies a hash.
PROFILES: dict[str, Parameters] = {
    "rfc9106_low_memory": profiles.RFC_9106_LOW_MEMORY,
    "test": Parameters(
        type=profiles.RFC_9106_LOW_MEMORY.type,
        version=profiles.RFC_9106_LOW_MEMORY.version,
        salt_len=16,
        hash_len=32,
        time_cost=1,
        memory_cost=8,
        parallelism=1,
    ),
}
DEFAULT_PROFILE = "rfc9106_low_memory"


@cache
def _hasher_for(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(PROFILES[profile])


def _hasher() -> PasswordHasher:
    """The hasher of the current app's profile; the production profile outside an app."""
    profile = DEFAULT_PROFILE
    if has_app_context():
        profile = current_app.config.get("ARGON2_PROFILE", DEFAULT_PROFILE)
    return _hasher_for(profile)


CONTEXT_WORDS = (
    "weiterbildung",
    "weiterbildungsagentur",
    "wbagentur",
    "thüringen",
    "thueringen",
    "nordthüringen",
    "mittelthüringen",
    "ostthüringen",
    "südwestthüringen",
    "erfurt",
    "suhl",
    "gera",
    "nordhausen",
    "passwort",
    "password",
)


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFC", password)


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher().hash(_normalise(password))


def verify_password(stored_hash: str, password: str) -> bool:
    """Check a password against a stored hash; False for any mismatch or bad hash."""
    try:
        return _hasher().verify(stored_hash, _normalise(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the stored hash uses weaker parameters than the current ones."""
    try:
        return _hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("dummy password for timing")


def verify_dummy(password: str) -> None:
    """Spend the same time as a real verification (unknown accounts, AUTH-04)."""
    verify_password(_dummy_hash(_hasher()), password)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords shipped with zxcvbn (offline)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, user_inputs: tuple[str, ...] = ()) -> list[str]:
    """Return German messages for every policy the password breaks (empty = accepted).

    Length 12–128 characters, no composition rules; rejects common passwords, and
    passwords that are essentially a context word or the user's own name/e-mail.
    """
    password = _normalise(password)
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Das Passwort muss mindestens {MIN_LENGTH} Zeichen lang sein.")
        return problems
    if len(password) > MAX_LENGTH:
        problems.append(f"Das Passwort darf höchstens {MAX_LENGTH} Zeichen lang sein.")
        return problems
    lowered = password.lower()
    if lowered in common_passwords() or lowered.strip() in common_passwords():
        problems.append("Dieses Passwort ist zu verbreitet. Bitte wählen Sie ein anderes.")
        return problems
    tokens = {t for u in user_inputs for t in re.split(r"[\s.@_\-]+", u.lower())}
    words = sorted(
        {w.lower() for w in (*CONTEXT_WORDS, *user_inputs, *tokens) if w and len(w) >= 4},
        key=len,
        reverse=True,
    )
    remainder = lowered
    for word in words:
        remainder = remainder.replace(word, "")
    if len(set(remainder)) < 4 or len(remainder) < 8:
        problems.append(
            "Das Passwort besteht fast nur aus naheliegenden Wörtern (Name, E-Mail, "
            "Region, Agentur). Bitte wählen Sie ein anderes."
        )
        return problems
    from zxcvbn import zxcvbn

    if zxcvbn(password[:72], user_inputs=list(user_inputs) + list(CONTEXT_WORDS))["score"] < 3:
        problems.append(
            "Das Passwort ist zu leicht zu erraten. Tipp: mehrere zufällige Wörter "
            "aneinanderreihen."
        )
    return problems
