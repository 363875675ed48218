"""Encryption of TOTP secrets at rest, so that a database dump alone reveals no seeds.

Fernet (AES-128-CBC with HMAC-SHA256, from the ``cryptography`` package) with a key
derived by HKDF-SHA256 from ``TOTP_ENCRYPTION_KEY`` (in development and tests, when that
is unset, from ``SECRET_KEY``). Key rotation: put the previous key into
``TOTP_ENCRYPTION_OLD_KEYS``; secrets encrypted with it stay readable, and
``flask accounts rotate-totp-key`` re-encrypts every stored secret with the current key.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

_INFO = b"wbagentur totp-secret v1"
# Every Fernet token starts with the version byte 0x80, i.e. "gAAAAA" in base64; base32
# secrets (A–Z, 2–7) never do.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 (a format marker, not a password)


class TotpSecretUnreadable(RuntimeError):
    """A stored TOTP secret cannot be decrypted with the configured keys."""


def _fernet(material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        material.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _key_materials(config: Mapping[str, Any]) -> list[str]:
    primary = config.get("TOTP_ENCRYPTION_KEY") or config.get("SECRET_KEY")
    if not primary:
        raise TotpSecretUnreadable("TOTP_ENCRYPTION_KEY (or SECRET_KEY) is not set")
    return [str(primary), *[str(k) for k in (config.get("TOTP_ENCRYPTION_OLD_KEYS") or ()) if k]]


def _box(config: Mapping[str, Any] | None) -> MultiFernet:
    return MultiFernet(
        [_fernet(m) for m in _key_materials(config if config is not None else current_app.config)]
    )


def is_encrypted(stored: str) -> bool:
    return stored.startswith(TOKEN_PREFIX)


def encrypt(secret: str, config: Mapping[str, Any] | None = None) -> str:
    """The stored form of a base32 TOTP secret."""
    return _box(config).encrypt(secret.encode("ascii")).decode("ascii")


def decrypt(stored: str, config: Mapping[str, Any] | None = None, *, owner: object = None) -> str:
    """The base32 secret of a stored value; a clear error when no configured key fits."""
    try:
        return _box(config).decrypt(stored.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError, UnicodeError) as exc:
        raise TotpSecretUnreadable(
            f"The TOTP secret of {owner or 'an account'} cannot be decrypted with "
            "TOTP_ENCRYPTION_KEY or TOTP_ENCRYPTION_OLD_KEYS. If the key was changed, add the "
            "previous key to TOTP_ENCRYPTION_OLD_KEYS and run 'flask accounts rotate-totp-key'; "
            "otherwise reset the second factor of that account ('flask accounts reset-2fa')."
        ) from exc


def rotate(stored: str, config: Mapping[str, Any] | None = None) -> str:
    """Re-encrypt ``stored`` with the current key (it may be encrypted with an old one)."""
    try:
        return _box(config).rotate(stored.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise TotpSecretUnreadable("a stored TOTP secret fits none of the configured keys") from exc
