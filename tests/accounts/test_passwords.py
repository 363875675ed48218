"""Password hashing and policy (security.md AUTH-01, AUTH-02); no database."""

import random

import pytest
from argon2 import PasswordHasher, extract_parameters

from tests.figures import record_figure
from wbagentur.accounts.passwords import (
    common_passwords,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)


def test_hash_password_uses_argon2id_above_asvs_minimums():
    stored = hash_password("Kartoffel-Salat-mit-Gurke-42")
    assert stored.startswith("$argon2id$v=19$")
    params = extract_parameters(stored)
    meets = params.type.name == "ID" and params.time_cost >= 3 and params.memory_cost >= 12 * 1024
    record_figure(
        "password.argon2",
        f"{'bestanden' if meets else 'nicht bestanden'} (m={params.memory_cost} KiB, "
        f"t={params.time_cost}, p={params.parallelism})",
        target="bestanden",
        ok=meets,
    )
    assert params.time_cost >= 3
    assert params.memory_cost >= 12 * 1024  # ASVS 5.0 App. C: t>=3 needs m>=12 MiB
    assert verify_password(stored, "Kartoffel-Salat-mit-Gurke-42")
    assert not verify_password(stored, "Kartoffel-Salat-mit-Gurke-43")


def test_verify_password_rejects_garbage_hash():
    assert not verify_password("not-a-hash", "whatever-password")


def test_needs_rehash_for_weak_parameters():
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("abcdefghijklm")
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("abcdefghijklmn-op"))


@pytest.mark.parametrize(
    ("length", "accepted"), [(11, False), (12, True), (64, True), (128, True), (129, False)]
)
def test_password_policy_length_bounds(length, accepted):
    rnd = random.Random(length)
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_!"
    password = "".join(rnd.choice(alphabet) for _ in range(length))
    problems = password_problems(password)
    assert (problems == []) is accepted, problems
    if length == 11:
        assert "mindestens 12 Zeichen" in problems[0]
    if length == 129:
        assert "höchstens 128 Zeichen" in problems[0]


def test_password_policy_rejects_common_passwords():
    long_common = sorted(p for p in common_passwords() if len(p) >= 12)
    sample = random.Random(7).sample(long_common, min(200, len(long_common)))
    assert len(sample) >= 200
    rejected = [p for p in sample if password_problems(p)]
    share = 100 * len(rejected) / len(sample)
    record_figure(
        "password.common_rejected",
        f"{share:.0f} % ({len(rejected)}/{len(sample)})",
        target="100 %",
        ok=len(rejected) == len(sample) >= 200,
    )
    assert len(rejected) == len(sample)


@pytest.mark.parametrize(
    "password",
    ["Thüringen2026!!", "weiterbildungsagentur1", "Südwestthüringen-Suhl", "sabine.wolf.sabine"],
)
def test_password_policy_rejects_context_words(password):
    assert password_problems(password, ("sabine.wolf", "Sabine Wolf"))


@pytest.mark.parametrize(
    "password",
    ["Kartoffel-Salat-mit-Gurke-42", "ganz ruhiger Fluss am Abend", "ÄöüßÄöüß Wörter 12"],
)
def test_password_policy_accepts_long_passphrases_with_spaces_and_unicode(password):
    assert password_problems(password) == []


def test_trailing_spaces_are_significant():
    stored = hash_password("Kartoffel-Salat-mit-Gurke-42 ")
    assert not verify_password(stored, "Kartoffel-Salat-mit-Gurke-42")


def test_the_test_profile_is_cheap_only_inside_an_app_configured_for_it(clean_app):
    from wbagentur.accounts.passwords import hash_password

    with clean_app.app_context():
        cheap = extract_parameters(hash_password("abcdefghijklmn-op"))
        assert (cheap.time_cost, cheap.memory_cost, cheap.parallelism) == (1, 8, 1)
        clean_app.config["ARGON2_PROFILE"] = "rfc9106_low_memory"
        try:
            strong = extract_parameters(hash_password("abcdefghijklmn-op"))
        finally:
            clean_app.config["ARGON2_PROFILE"] = "test"
    assert (strong.time_cost, strong.memory_cost, strong.parallelism) == (3, 65536, 4)
