"""Second factor through HTTP: login code step, set-up, re-authentication, the required-roles
gate, the admin reset (security.md AUTH-03, AUTH-06, SESS-02)."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.accounts.conftest import code_for
from tests.helpers import NS, html_page, text_of
from tests.personas import TEST_PASSWORD
from wbagentur.accounts.models import LoginAttempt, RecoveryCode, User, UserSession
from wbagentur.core.audit import AuditEvent
from wbagentur.core.models import utcnow
from wbagentur.extensions import db


def _password_step(client, persona, **kw):
    return client.post("/anmelden", data={"email": persona.email, "password": TEST_PASSWORD, **kw})


def _sessions(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(UserSession.id)))


def _failed_attempts(app):
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(LoginAttempt.id)).where(LoginAttempt.succeeded.is_(False))
        )


def _actions(app):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


@pytest.fixture
def enrolled(make_user, enrol):
    persona = make_user("advisor", "SW")
    return persona, enrol(persona)


# --- login: password, then code ---


def test_password_step_for_totp_account_opens_no_session(client, clean_app, enrolled):
    persona, _ = enrolled
    response = _password_step(client, persona)
    assert response.status_code == 302
    assert response.headers["Location"] == "/anmelden/code"
    assert _sessions(clean_app) == 0
    assert client.get("/start").status_code == 302  # not signed in
    page = html_page(client.get("/anmelden/code"))
    assert "Code eingeben" in text_of(page)


def test_code_step_with_current_code_signs_in_and_follows_next(client, clean_app, enrolled):
    persona, enrolment = enrolled
    _password_step(client, persona, next="/konto/passwort")
    response = client.post("/anmelden/code", data={"code": code_for(enrolment.secret)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/konto/passwort"
    assert client.get("/").status_code == 200
    assert _sessions(clean_app) == 1
    assert "login.success" in _actions(clean_app)


def test_session_cookie_changes_at_password_and_at_code_step(clean_app, enrolled):
    persona, enrolment = enrolled
    client = clean_app.test_client()
    client.get("/anmelden")
    with client.session_transaction() as sess:
        sess["probe"] = "vorher"
    before = client.get_cookie("wba_session").value
    _password_step(client, persona)
    between = client.get_cookie("wba_session").value
    with client.session_transaction() as sess:
        assert "probe" not in sess
        assert "sid" not in sess
    client.post("/anmelden/code", data={"code": code_for(enrolment.secret)})
    after = client.get_cookie("wba_session").value
    assert len({before, between, after}) == 3
    with client.session_transaction() as sess:
        assert "login_pending" not in sess
        assert sess.get("sid")
    # The cookie from between the steps does not give a signed-in session.
    thief = clean_app.test_client()
    thief.set_cookie("wba_session", between)
    assert thief.get("/start").status_code == 302


def test_code_step_reused_code_rejected(clean_app, enrolled):
    persona, enrolment = enrolled
    code = code_for(enrolment.secret)
    first = clean_app.test_client()
    _password_step(first, persona)
    assert first.post("/anmelden/code", data={"code": code}).status_code == 302
    second = clean_app.test_client()
    _password_step(second, persona)
    response = second.post("/anmelden/code", data={"code": code})
    assert response.status_code == 200
    assert "Dieser Code wurde bereits verwendet." in text_of(html_page(response))
    assert second.get("/start").status_code == 302
    assert _sessions(clean_app) == 1


def test_code_step_code_from_90_seconds_ago_rejected(client, clean_app, enrolled):
    persona, enrolment = enrolled
    with time_machine.travel(utcnow(), tick=False) as traveller:
        old = code_for(enrolment.secret)
        traveller.shift(timedelta(seconds=90))
        _password_step(client, persona)
        response = client.post("/anmelden/code", data={"code": old})
    assert response.status_code == 200
    assert "Anmeldung fehlgeschlagen. Bitte prüfen Sie den Code." in response.get_data(as_text=True)
    assert _sessions(clean_app) == 0
    assert "mfa.failure" in _actions(clean_app)


def test_code_step_wrong_code_generic_message_and_counted(client, clean_app, enrolled):
    persona, enrolment = enrolled
    _password_step(client, persona)
    wrong = "000000" if code_for(enrolment.secret) != "000000" else "111111"
    response = client.post("/anmelden/code", data={"code": wrong})
    page = html_page(response)
    assert "Anmeldung fehlgeschlagen. Bitte prüfen Sie den Code." in text_of(page)
    code_input = page.find(f".//{NS}input[@id='code']")
    assert code_input.get("aria-invalid") == "true"
    assert _failed_attempts(clean_app) == 1
    assert _sessions(clean_app) == 0


def test_code_step_pending_login_expires_after_five_minutes(client, clean_app, enrolled):
    persona, enrolment = enrolled
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _password_step(client, persona)
        traveller.shift(timedelta(minutes=5, seconds=1))
        response = client.post("/anmelden/code", data={"code": code_for(enrolment.secret)})
        assert response.status_code == 302
        assert response.headers["Location"] == "/anmelden"
        page = html_page(client.get("/anmelden"))
    assert "Die Anmeldung ist abgelaufen" in text_of(page)
    assert _sessions(clean_app) == 0


def test_code_step_within_five_minutes_still_works(client, clean_app, enrolled):
    persona, enrolment = enrolled
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _password_step(client, persona)
        traveller.shift(timedelta(minutes=4, seconds=50))
        response = client.post("/anmelden/code", data={"code": code_for(enrolment.secret)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_code_step_without_password_step_goes_to_login(client, clean_app):
    response = client.get("/anmelden/code")
    assert response.status_code == 302
    assert response.headers["Location"] == "/anmelden"
    response = client.post("/anmelden/code", data={"code": "123456"})
    assert response.status_code == 302
    assert _failed_attempts(clean_app) == 0


def test_code_step_recovery_code_works_once(clean_app, enrolled):
    persona, enrolment = enrolled
    client = clean_app.test_client()
    _password_step(client, persona)
    response = client.post(
        "/anmelden/code", data={"code": enrolment.codes[0]}, follow_redirects=True
    )
    assert "Wiederherstellungscode verwendet. Es bleiben 9 Codes" in text_of(html_page(response))
    assert "login.recovery_code" in _actions(clean_app)
    again = clean_app.test_client()
    _password_step(again, persona)
    response = again.post("/anmelden/code", data={"code": enrolment.codes[0]})
    assert "Dieser Code wurde bereits verwendet." in response.get_data(as_text=True)
    assert again.get("/start").status_code == 302


def test_code_step_wrong_recovery_code_rejected(client, clean_app, enrolled):
    persona, _ = enrolled
    _password_step(client, persona)
    response = client.post("/anmelden/code", data={"code": "abcd-efgh-ijkm-npqr"})
    assert "Anmeldung fehlgeschlagen. Bitte prüfen Sie den Code." in response.get_data(as_text=True)
    assert _sessions(clean_app) == 0
    with clean_app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(RecoveryCode.id)).where(RecoveryCode.used_at.is_not(None))
            )
            == 0
        )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Bitte geben Sie den Code aus Ihrer App ein."),
        ("   ", "Bitte geben Sie den Code aus Ihrer App ein."),
        ("12a456", "Bitte geben Sie die 6 Ziffern aus Ihrer App oder einen Wiederherstellungscode"),
        ("1234567", "Der Code aus der App hat genau 6 Ziffern."),
        ("12345", "Der Code aus der App hat genau 6 Ziffern."),
        ("1" * 41, "Der Code ist zu lang."),
        ("12\x00456", "Bitte keine Steuerzeichen verwenden."),
        ("ab3k-9xq2-mn4p", "Wiederherstellungscode (16 Zeichen"),
    ],
)
def test_code_step_bad_input_german_message_and_nothing_counted(
    client, clean_app, enrolled, code, message
):
    persona, _ = enrolled
    _password_step(client, persona)
    response = client.post("/anmelden/code", data={"code": code})
    assert response.status_code == 200
    assert message in text_of(html_page(response))
    assert _failed_attempts(clean_app) == 0
    assert _sessions(clean_app) == 0


def test_code_step_sixth_wrong_code_throttled(client, clean_app, enrolled):
    persona, enrolment = enrolled
    _password_step(client, persona)
    for _ in range(5):
        client.post("/anmelden/code", data={"code": "abcd-efgh-ijkm-npqr"})
    response = client.post("/anmelden/code", data={"code": code_for(enrolment.secret)})
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.get_data(as_text=True)
    assert _sessions(clean_app) == 0


def test_password_change_after_password_step_ends_pending_login(client, clean_app, enrolled):
    persona, enrolment = enrolled
    _password_step(client, persona)
    with clean_app.app_context():
        from wbagentur.accounts import services

        services.set_password(None, db.session.get(User, persona.id), "Ganz-neues-Passwort-Gurke-9")
        db.session.commit()
    response = client.post("/anmelden/code", data={"code": code_for(enrolment.secret)})
    assert response.headers["Location"] == "/anmelden"
    assert _sessions(clean_app) == 0


# --- set-up page ---


def _setup_secret(client):
    page = html_page(client.get("/konto/zwei-faktor"))
    secret = page.find(f".//{NS}code[@data-totp-secret]").text.replace(" ", "")
    return page, secret


def test_setup_page_shows_secret_and_qr_code(client, auth, make_user):
    advisor = make_user("advisor", "SW")
    auth.login(advisor)
    page, secret = _setup_secret(client)
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    img = page.find(f".//{NS}img")
    assert img.get("src").startswith("data:image/svg+xml;base64,")
    assert img.get("alt").startswith("QR-Code")
    # Same secret on reload within the flow; the cookie does not contain it.
    assert _setup_secret(client)[1] == secret
    assert secret not in client.get_cookie("wba_session").value


def test_setup_confirm_shows_ten_recovery_codes_once(client, auth, make_user, clean_app):
    advisor = make_user("advisor", "SW")
    auth.login(advisor)
    _, secret = _setup_secret(client)
    response = client.post("/konto/zwei-faktor", data={"code": code_for(secret)})
    page = html_page(response)
    codes = [li.text.strip() for li in page.findall(f".//{NS}ul[@data-recovery-codes]/{NS}li")]
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", c) for c in codes)
    with clean_app.app_context():
        user = db.session.get(User, advisor.id)
        assert user.has_totp
        assert user.totp_secret == secret
    status = client.get("/konto/zwei-faktor").get_data(as_text=True)
    assert "eingerichtet seit" in status
    assert codes[0] not in status
    assert "mfa.enable" in _actions(clean_app)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Bitte geben Sie den Code aus Ihrer App ein."),
        ("12a456", "Bitte geben Sie die 6 Ziffern aus Ihrer App ein."),
        ("1234567", "Bitte geben Sie die 6 Ziffern aus Ihrer App ein."),
        ("ab3k-9xq2-mn4p-77zz", "Bitte geben Sie die 6 Ziffern aus Ihrer App ein."),
    ],
)
def test_setup_confirm_bad_input_changes_nothing(client, auth, make_user, clean_app, code, message):
    advisor = make_user("advisor", "SW")
    auth.login(advisor)
    _setup_secret(client)
    response = client.post("/konto/zwei-faktor", data={"code": code})
    assert response.status_code == 200
    assert message in text_of(html_page(response))
    with clean_app.app_context():
        assert not db.session.get(User, advisor.id).has_totp


def test_setup_confirm_wrong_code_changes_nothing(client, auth, make_user, clean_app):
    advisor = make_user("advisor", "SW")
    auth.login(advisor)
    _, secret = _setup_secret(client)
    wrong = code_for(secret, -120)
    response = client.post("/konto/zwei-faktor", data={"code": wrong})
    assert "Der Code stimmt nicht" in response.get_data(as_text=True)
    with clean_app.app_context():
        assert not db.session.get(User, advisor.id).has_totp


def test_renew_needs_password_then_keeps_old_factor_until_confirmed(
    client, auth, clean_app, enrolled
):
    persona, enrolment = enrolled
    _password_step(client, persona)
    client.post("/anmelden/code", data={"code": code_for(enrolment.secret)})
    # Without re-authentication the page shows the status, never a new secret.
    page = html_page(client.get("/konto/zwei-faktor"))
    assert page.find(f".//{NS}code[@data-totp-secret]") is None
    wrong = client.post("/konto/zwei-faktor/neu", data={"renew-password": "falsch-falsch-falsch"})
    assert wrong.status_code == 200
    assert "Das Passwort stimmt nicht." in wrong.get_data(as_text=True)
    empty = client.post("/konto/zwei-faktor/neu", data={"renew-password": ""})
    assert "Bitte geben Sie Ihr Passwort ein." in text_of(html_page(empty))
    assert client.post("/konto/zwei-faktor", data={"code": "123456"}).status_code == 200
    old_cookie = client.get_cookie("wba_session").value
    ok = client.post("/konto/zwei-faktor/neu", data={"renew-password": TEST_PASSWORD})
    assert ok.status_code == 302
    assert ok.headers["Location"] == "/konto/zwei-faktor"
    assert client.get_cookie("wba_session").value != old_cookie  # new session id (SESS-02)
    _, secret = _setup_secret(client)
    assert secret != enrolment.secret
    with clean_app.app_context():
        assert db.session.get(User, persona.id).totp_secret == enrolment.secret
    response = client.post("/konto/zwei-faktor", data={"code": code_for(secret)})
    assert "Wiederherstellungscodes" in response.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.get(User, persona.id).totp_secret == secret


def test_disable_needs_password(client, clean_app, enrolled):
    persona, enrolment = enrolled
    _password_step(client, persona)
    client.post("/anmelden/code", data={"code": code_for(enrolment.secret)})
    wrong = client.post("/konto/zwei-faktor/aus", data={"disable-password": "falsch-falsch-falsch"})
    assert "Das Passwort stimmt nicht." in wrong.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.get(User, persona.id).has_totp
    ok = client.post("/konto/zwei-faktor/aus", data={"disable-password": TEST_PASSWORD})
    assert ok.status_code == 302
    with clean_app.app_context():
        assert not db.session.get(User, persona.id).has_totp
    assert "mfa.disable" in _actions(clean_app)


# --- required roles ---


def test_admin_without_totp_is_sent_to_setup_then_reaches_user_list(
    client, auth, make_user, totp_required
):
    admin = make_user("admin")
    auth.login(admin)
    for path in ("/verwaltung/benutzer", "/", "/konto/passwort"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/konto/zwei-faktor"
    assert client.post("/konto/sitzung").status_code == 200
    page, secret = _setup_secret(client)
    assert "vorgeschrieben" in text_of(page)
    client.post("/konto/zwei-faktor", data={"code": code_for(secret)})
    assert client.get("/verwaltung/benutzer").status_code == 200


def test_required_gate_leaves_logout_language_and_health_open(
    client, auth, make_user, totp_required
):
    coordinator = make_user("coordinator")
    auth.login(coordinator)
    assert client.get("/healthz").status_code == 200
    assert client.post("/sprache", data={"lang": "de", "next": "/"}).headers["Location"] == "/"
    assert client.get("/static/css/app.css").status_code == 200
    assert client.post("/abmelden").headers["Location"] == "/anmelden"


def test_required_gate_does_not_touch_advisors(client, auth, make_user, totp_required):
    advisor = make_user("advisor", "SW")
    auth.login(advisor)
    assert client.get("/").status_code == 200


def test_required_role_cannot_disable(client, clean_app, make_user, enrol, totp_required):
    admin = make_user("admin")
    enrolment = enrol(admin)
    _password_step(client, admin)
    client.post("/anmelden/code", data={"code": code_for(enrolment.secret)})
    assert "ausschalten ist nicht möglich" in client.get("/konto/zwei-faktor").get_data(
        as_text=True
    )
    response = client.post("/konto/zwei-faktor/aus", data={"disable-password": TEST_PASSWORD})
    assert "vorgeschrieben" in response.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.get(User, admin.id).has_totp


# --- admin reset ---


def test_admin_resets_second_factor_and_ends_sessions(clean_app, make_user, enrolled):
    persona, enrolment = enrolled
    user_client = clean_app.test_client()
    _password_step(user_client, persona)
    user_client.post("/anmelden/code", data={"code": code_for(enrolment.secret)})
    assert user_client.get("/").status_code == 200
    admin = make_user("admin")
    admin_client = clean_app.test_client()
    _password_step(admin_client, admin)
    page = html_page(admin_client.get("/verwaltung/benutzer"))
    assert "Zwei-Faktor zurücksetzen" in text_of(page)
    response = admin_client.post(
        f"/verwaltung/benutzer/{persona.id}/zwei-faktor", follow_redirects=True
    )
    assert "wurde zurückgesetzt" in response.get_data(as_text=True)
    assert user_client.get("/start").status_code == 302
    with clean_app.app_context():
        assert not db.session.get(User, persona.id).has_totp
    assert "mfa.reset" in _actions(clean_app)
    # Afterwards the password alone signs in again (no code step).
    assert _password_step(clean_app.test_client(), persona).headers["Location"] == "/"


def test_admin_reset_for_non_admin_forbidden(client, auth, make_user, enrolled):
    persona, _ = enrolled
    other = make_user("advisor", "SW")
    auth.login(other)
    assert client.post(f"/verwaltung/benutzer/{persona.id}/zwei-faktor").status_code == 403


def test_cli_reset_2fa(runner, clean_app, enrolled):
    persona, _ = enrolled
    result = runner.invoke(args=["accounts", "reset-2fa", persona.email])
    assert result.exit_code == 0
    assert "zurückgesetzt" in result.output
    with clean_app.app_context():
        assert not db.session.get(User, persona.id).has_totp
    again = runner.invoke(args=["accounts", "reset-2fa", persona.email])
    assert again.exit_code != 0
    assert "keine Zwei-Faktor" in again.output
    unknown = runner.invoke(args=["accounts", "reset-2fa", "niemand@test.example"])
    assert unknown.exit_code != 0
