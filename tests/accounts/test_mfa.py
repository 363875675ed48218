"""Pure TOTP and recovery-code functions (security.md AUTH-03), no app or database."""

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from wbagentur.accounts import mfa

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = datetime(2026, 11, 21, 10, 0, 15, tzinfo=UTC)


def code_at(moment):
    return pyotp.TOTP(SECRET).at(moment)


def test_verify_totp_current_code_accepted_with_its_step():
    check = mfa.verify_totp(SECRET, code_at(NOW), None, NOW)
    assert check.ok
    assert check.step == mfa.time_step(NOW)


def test_verify_totp_code_with_spaces_accepted():
    code = code_at(NOW)
    assert mfa.verify_totp(SECRET, f"{code[:3]} {code[3:]}", None, NOW).ok


@pytest.mark.parametrize("offset", [-30, 30])
def test_verify_totp_neighbour_steps_accepted_within_window(offset):
    assert mfa.verify_totp(SECRET, code_at(NOW + timedelta(seconds=offset)), None, NOW).ok


@pytest.mark.parametrize("offset", [-90, -60, 60, 90])
def test_verify_totp_codes_outside_window_rejected(offset):
    check = mfa.verify_totp(SECRET, code_at(NOW + timedelta(seconds=offset)), None, NOW)
    assert check.verdict is mfa.TotpVerdict.INVALID


def test_verify_totp_same_step_twice_is_replay():
    first = mfa.verify_totp(SECRET, code_at(NOW), None, NOW)
    again = mfa.verify_totp(SECRET, code_at(NOW), first.step, NOW + timedelta(seconds=5))
    assert again.verdict is mfa.TotpVerdict.REPLAYED


def test_verify_totp_older_step_than_last_is_replay():
    newer = mfa.verify_totp(SECRET, code_at(NOW), None, NOW)
    older = mfa.verify_totp(SECRET, code_at(NOW - timedelta(seconds=30)), newer.step, NOW)
    assert older.verdict is mfa.TotpVerdict.REPLAYED


def test_verify_totp_next_code_after_last_step_accepted():
    first = mfa.verify_totp(SECRET, code_at(NOW), None, NOW)
    later = NOW + timedelta(seconds=30)
    assert mfa.verify_totp(SECRET, code_at(later), first.step, later).ok


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12a456", "abcdef", "１２３４５６"])
def test_verify_totp_malformed_codes_invalid(code):
    assert mfa.verify_totp(SECRET, code, None, NOW).verdict is mfa.TotpVerdict.INVALID


def test_verify_totp_wrong_secret_invalid():
    other = pyotp.random_base32()
    assert not mfa.verify_totp(other, code_at(NOW), None, NOW).ok


def test_new_secret_has_160_bits_and_works_with_pyotp():
    secret = mfa.new_secret()
    assert len(base64.b32decode(secret)) == 20
    assert mfa.verify_totp(secret, pyotp.TOTP(secret).at(NOW), None, NOW).ok


def test_setup_secret_depends_on_key_user_and_nonce():
    base = mfa.setup_secret(b"k" * 32, 1, "n1")
    assert base == mfa.setup_secret(b"k" * 32, 1, "n1")
    assert (
        len(
            {
                base,
                mfa.setup_secret(b"x" * 32, 1, "n1"),
                mfa.setup_secret(b"k" * 32, 2, "n1"),
                mfa.setup_secret(b"k" * 32, 1, "n2"),
            }
        )
        == 4
    )
    assert len(base64.b32decode(base)) == 20


def test_provisioning_uri_and_qr_code():
    uri = mfa.provisioning_uri(SECRET, "a@test.example")
    assert uri.startswith("otpauth://totp/")
    assert f"secret={SECRET}" in uri
    assert "issuer=" in uri
    data = mfa.qr_data_uri(uri)
    assert data.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(data.split(",", 1)[1]).decode()
    assert svg.startswith("<svg")
    assert "<path" in svg


def test_recovery_codes_are_ten_distinct_grouped_80_bit_codes():
    codes = mfa.new_recovery_codes()
    assert len(codes) == 10 == len(set(codes))
    for code in codes:
        assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", code)
        assert set(code.replace("-", "")) <= set(mfa.RECOVERY_ALPHABET)
    # 16 symbols from 32 = 80 bits
    assert len(mfa.RECOVERY_ALPHABET) == 32
    assert mfa.RECOVERY_LENGTH * 5 >= 80


def test_recovery_code_hash_is_sha256_and_ignores_case_and_separators():
    code = "ab3k-9xq2-mn4p-77zz"
    expected = hashlib.sha256(b"ab3k9xq2mn4p77zz").hexdigest()
    assert mfa.hash_recovery_code(code) == expected
    assert mfa.hash_recovery_code(" AB3K 9XQ2 MN4P 77ZZ ") == expected
    assert mfa.hash_recovery_code("ab3k-9xq2-mn4p-77zy") != expected


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("123456", mfa.CodeKind.TOTP),
        (" 123 456 ", mfa.CodeKind.TOTP),
        ("ab3k-9xq2-mn4p-77zz", mfa.CodeKind.RECOVERY),
        ("AB3K9XQ2MN4P77ZZ", mfa.CodeKind.RECOVERY),
        ("12a456", None),
        ("1234567", None),
        ("ab3k-9xq2-mn4p-77z", None),
        ("ab3k-9xq2-mn4p-77z0", None),  # 0 is not in the alphabet
        ("", None),
        (None, None),
    ],
)
def test_classify_code(raw, kind):
    assert mfa.classify_code(raw) is kind


def test_time_step_is_30_second_counter():
    assert mfa.time_step(NOW) == int(NOW.timestamp()) // 30
    assert mfa.time_step(NOW + timedelta(seconds=30)) == mfa.time_step(NOW) + 1
