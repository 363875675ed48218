"""TOTP secrets are encrypted at rest: a database dump reveals no seed, sign-in with a code
still works, key rotation keeps enrolments, a wrong key gives a clear error."""

import pytest
import sqlalchemy as sa

from tests.accounts.conftest import code_for
from tests.personas import TEST_PASSWORD
from wbagentur.accounts import secretbox
from wbagentur.accounts.models import User
from wbagentur.extensions import db

NEW_KEY = "neuer-totp-schluessel-" + "k" * 32


def _stored(app, user_id):
    with app.app_context():
        return db.session.execute(
            sa.text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user_id}
        ).scalar()


@pytest.fixture
def enrolled(make_user, enrol):
    persona = make_user("advisor", "SW")
    return persona, enrol(persona)


@pytest.fixture
def key_change(clean_app):
    saved = {
        k: clean_app.config.get(k) for k in ("TOTP_ENCRYPTION_KEY", "TOTP_ENCRYPTION_OLD_KEYS")
    }
    yield clean_app.config
    clean_app.config.update(saved)


def test_database_holds_no_base32_secret(clean_app, enrolled):
    persona, enrolment = enrolled
    stored = _stored(clean_app, persona.id)
    assert stored.startswith(secretbox.TOKEN_PREFIX)
    assert enrolment.secret.lower() not in stored.lower()
    with clean_app.app_context():
        assert db.session.get(User, persona.id).totp_secret == enrolment.secret


def test_sign_in_with_code_works_with_encrypted_secret(client, clean_app, enrolled):
    persona, enrolment = enrolled
    client.post("/anmelden", data={"email": persona.email, "password": TEST_PASSWORD})
    response = client.post("/anmelden/code", data={"code": code_for(enrolment.secret)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_key_rotation_keeps_enrolments_and_rotate_command_re_encrypts(
    clean_app, enrolled, key_change
):
    persona, enrolment = enrolled
    old_material = clean_app.config.get("TOTP_ENCRYPTION_KEY") or clean_app.config["SECRET_KEY"]
    before = _stored(clean_app, persona.id)
    key_change.update(TOTP_ENCRYPTION_KEY=NEW_KEY, TOTP_ENCRYPTION_OLD_KEYS=(old_material,))
    with clean_app.app_context():
        assert db.session.get(User, persona.id).totp_secret == enrolment.secret
    result = clean_app.test_cli_runner().invoke(args=["accounts", "rotate-totp-key"])
    assert result.exit_code == 0, result.output
    assert "1 TOTP-Geheimnis(se)" in result.output
    assert _stored(clean_app, persona.id) != before
    key_change.update(TOTP_ENCRYPTION_OLD_KEYS=())  # the old key is no longer needed
    with clean_app.app_context():
        assert db.session.get(User, persona.id).totp_secret == enrolment.secret


def test_wrong_key_gives_a_clear_error(clean_app, enrolled, key_change):
    persona, _ = enrolled
    key_change.update(TOTP_ENCRYPTION_KEY=NEW_KEY, TOTP_ENCRYPTION_OLD_KEYS=())
    with clean_app.app_context():
        user = db.session.get(User, persona.id)
        assert user.has_totp  # the account still requires its second factor
        with pytest.raises(
            secretbox.TotpSecretUnreadable, match="TOTP_ENCRYPTION_OLD_KEYS"
        ) as info:
            _ = user.totp_secret
        assert f"user {persona.id}" in str(info.value)
    result = clean_app.test_cli_runner().invoke(args=["accounts", "rotate-totp-key"])
    assert result.exit_code != 0
    assert "fits none of the configured keys" in result.output


def test_encrypting_twice_gives_different_tokens_for_the_same_secret(clean_app):
    with clean_app.app_context():
        first, second = secretbox.encrypt("JBSWY3DPEHPK3PXP"), secretbox.encrypt("JBSWY3DPEHPK3PXP")
        assert first != second
        assert secretbox.decrypt(first) == secretbox.decrypt(second) == "JBSWY3DPEHPK3PXP"
