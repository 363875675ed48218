"""Password reset by e-mail through HTTP (security.md AUTH-05, AUTH-06, WEB-03)."""

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.accounts.conftest import code_for
from tests.helpers import html_page, text_of
from tests.personas import TEST_PASSWORD
from wbagentur.accounts.models import PasswordResetToken, User, UserSession
from wbagentur.core.audit import AuditEvent
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.mail.models import OutboxMessage

NEW_PASSWORD = "Neues-Passwort-Gurke-77"
SENT = "Wenn ein Konto existiert, haben wir eine E-Mail geschickt."


def _mails(app, kind=None):
    with app.app_context():
        stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            stmt = stmt.where(OutboxMessage.kind == kind)
        return [(m.recipient, m.kind, m.body) for m in db.session.scalars(stmt)]


def _link(app, persona):
    request = _request(app, persona)
    assert request.status_code == 302
    body = _mails(app, "password_reset")[-1][2]
    return re.search(r"https?://\S+/passwort-neu/(\S+)", body).group(0)


def _request(app, persona_or_email):
    email = getattr(persona_or_email, "email", persona_or_email)
    return app.test_client().post("/passwort-vergessen", data={"email": email})


def _path(link):
    return "/" + link.split("/", 3)[3]


def _count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(model.id)))


def test_login_page_links_to_forgot_password(client):
    page = html_page(client.get("/anmelden"))
    assert "Passwort vergessen?" in text_of(page)
    assert 'href="/passwort-vergessen"' in client.get("/anmelden").get_data(as_text=True)


def test_forgot_page_is_german_and_public(client):
    page = html_page(client.get("/passwort-vergessen"))
    assert "Passwort vergessen" in text_of(page)
    assert "E-Mail-Adresse" in text_of(page)


def test_forgot_known_account_queues_one_mail_with_configured_host(
    clean_app, make_user, fast_reset, monkeypatch
):
    # A foreign Host header is refused before any view (TRUSTED_HOSTS); for a trusted one the
    # configured address still wins over the request's host.
    monkeypatch.setitem(clean_app.config, "PUBLIC_BASE_URL", "https://wba.example")
    advisor = make_user("advisor", "SW")
    client = clean_app.test_client()
    refused = client.post(
        "/passwort-vergessen", data={"email": advisor.email}, headers={"Host": "evil.example"}
    )
    assert refused.status_code == 400
    response = client.post(
        "/passwort-vergessen", data={"email": advisor.email}, headers={"Host": "127.0.0.1:8123"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/passwort-vergessen")
    assert SENT in text_of(
        html_page(client.get("/passwort-vergessen", headers={"Host": "127.0.0.1:8123"}))
    )
    mails = _mails(clean_app)
    assert len(mails) == 1
    assert mails[0][0] == advisor.email
    assert "https://wba.example/passwort-neu/" in mails[0][2]
    assert "127.0.0.1:8123" not in mails[0][2]


def test_forgot_unknown_account_same_answer_no_mail(clean_app, make_user, fast_reset):
    advisor = make_user("advisor", "SW")
    known = _request(clean_app, advisor)
    unknown = _request(clean_app, "niemand@test.example")
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    assert len(_mails(clean_app)) == 1


def test_forgot_timing_does_not_reveal_accounts(clean_app, make_user, monkeypatch):
    """Known and unknown addresses answer after the same floor: the view pads its work to
    PASSWORD_RESET_MIN_SECONDS. The pause is recorded instead of slept, so the test measures
    the view's own arithmetic and not the load of the machine it runs on (wall-clock medians
    of three requests differed by 0.09 s on a loaded CI machine with identical code paths)."""
    from wbagentur.accounts import views

    advisor = make_user("advisor", "SW")
    slept = []
    offset = [0.0]
    real_monotonic = time.monotonic

    def clock():
        return real_monotonic() + offset[0]

    def fake_sleep(seconds):
        slept.append(seconds)
        offset[0] += seconds

    monkeypatch.setattr(views.time, "monotonic", clock)
    monkeypatch.setattr(views.time, "sleep", fake_sleep)
    floor = clean_app.config["PASSWORD_RESET_MIN_SECONDS"]
    clean_app.config["PASSWORD_RESET_MAX_PER_HOUR"] = 100
    clean_app.config["PASSWORD_RESET_MIN_SECONDS"] = 5.0
    answers = {"known": [], "unknown": []}
    try:
        for _ in range(3):
            for kind, email in (("known", advisor.email), ("unknown", "niemand@test.example")):
                started = clock()
                response = _request(clean_app, email)
                answers[kind].append(clock() - started)
                assert response.status_code == 302
    finally:
        clean_app.config["PASSWORD_RESET_MAX_PER_HOUR"] = 3
        clean_app.config["PASSWORD_RESET_MIN_SECONDS"] = floor
    # The known address did real work (three mails), the unknown one did not.
    assert len(_mails(clean_app, "password_reset")) == 3
    # Every answer waited: the pause filled the gap between the work and the floor.
    assert len(slept) == 6, slept
    assert all(p > 0 for p in slept), slept
    # Seen from outside, each answer took the floor plus only the request's own overhead
    # outside the padded block (routing, form, redirect), never the account lookup or the mail.
    for kind, durations in answers.items():
        assert all(5.0 <= d < 5.0 + 0.5 for d in durations), (kind, durations)


def test_forgot_fourth_request_in_an_hour_sends_no_mail(clean_app, make_user, fast_reset):
    advisor = make_user("advisor", "SW")
    responses = [_request(clean_app, advisor) for _ in range(4)]
    assert {r.status_code for r in responses} == {302}
    assert len(_mails(clean_app)) == 3


def test_forgot_eleventh_request_from_one_ip_is_limited(clean_app, fast_reset):
    client = clean_app.test_client()
    for _ in range(10):
        assert (
            client.post("/passwort-vergessen", data={"email": "x@test.example"}).status_code == 302
        )
    assert client.post("/passwort-vergessen", data={"email": "x@test.example"}).status_code == 429


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Bitte geben Sie Ihre E-Mail-Adresse ein."),
        ("kein-at-zeichen", "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ("a" * 300 + "@test.example", "Die E-Mail-Adresse ist zu lang."),
        ("a\x00b@test.example", "Bitte keine Steuerzeichen verwenden."),
    ],
)
def test_forgot_bad_input_german_message_nothing_written(client, clean_app, email, message):
    response = client.post("/passwort-vergessen", data={"email": email})
    assert response.status_code == 200
    assert message in text_of(html_page(response))
    assert _count(clean_app, PasswordResetToken) == 0
    assert _count(clean_app, OutboxMessage) == 0


def test_reset_link_works_once_ends_sessions_and_notifies(clean_app, make_user, fast_reset):
    advisor = make_user("advisor", "SW")
    signed_in = clean_app.test_client()
    signed_in.post("/anmelden", data={"email": advisor.email, "password": TEST_PASSWORD})
    assert signed_in.get("/").status_code == 200
    path = _path(_link(clean_app, advisor))
    client = clean_app.test_client()
    page = html_page(client.get(path))
    assert "Neues Passwort festlegen" in text_of(page)
    response = client.post(
        path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/anmelden"
    assert "Ihr Passwort wurde geändert" in text_of(html_page(client.get("/anmelden")))
    assert signed_in.get("/start").status_code == 302  # all sessions ended
    notices = _mails(clean_app, "password_changed")
    assert len(notices) == 1
    assert notices[0][0] == advisor.email
    with clean_app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
        assert "password.reset" in actions
        assert "password.reset_request" in actions
    # The link works once.
    again = client.get(path)
    assert again.status_code == 400
    assert "bereits verwendet" in text_of(html_page(again))
    reuse = client.post(
        path,
        data={
            "new_password": "Noch-ein-Passwort-Gurke-88",
            "confirm_password": "Noch-ein-Passwort-Gurke-88",
        },
    )
    assert reuse.status_code == 400
    fresh = clean_app.test_client()
    assert (
        fresh.post("/anmelden", data={"email": advisor.email, "password": NEW_PASSWORD}).status_code
        == 302
    )
    stale = clean_app.test_client().post(
        "/anmelden", data={"email": advisor.email, "password": "Noch-ein-Passwort-Gurke-88"}
    )
    assert stale.status_code == 200
    assert "Anmeldung fehlgeschlagen" in stale.get_data(as_text=True)


def test_reset_link_expired_after_configured_hours(clean_app, make_user, fast_reset):
    advisor = make_user("advisor", "SW")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        path = _path(_link(clean_app, advisor))
        hours = clean_app.config["PASSWORD_RESET_HOURS"]
        traveller.shift(timedelta(hours=hours, minutes=1))
        client = clean_app.test_client()
        response = client.get(path)
        assert response.status_code == 400
        assert "abgelaufen" in text_of(html_page(response))
        post = client.post(
            path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
        )
        assert post.status_code == 400
    with clean_app.app_context():
        from wbagentur.accounts.passwords import verify_password

        assert verify_password(db.session.get(User, advisor.id).password_hash, TEST_PASSWORD)


@pytest.mark.parametrize("token", ["x" * 43, "unbekannt", "a" * 200])
def test_reset_unknown_link_is_404_german_page(client, token):
    response = client.get(f"/passwort-neu/{token}")
    assert response.status_code == 404
    assert "Diesen Link zum Zurücksetzen des Passworts kennen wir nicht" in text_of(
        html_page(response)
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"new_password": "", "confirm_password": ""}, "Bitte geben Sie ein neues Passwort ein."),
        (
            {"new_password": NEW_PASSWORD, "confirm_password": ""},
            "Bitte wiederholen Sie das neue Passwort.",
        ),
        ({"new_password": "kurz", "confirm_password": "kurz"}, "mindestens 12 Zeichen"),
        ({"new_password": "password1234", "confirm_password": "password1234"}, "zu verbreitet"),
        (
            {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "x"},
            "stimmen nicht überein",
        ),
        ({"new_password": "x" * 129, "confirm_password": "x" * 129}, "höchstens 128 Zeichen"),
    ],
)
def test_reset_bad_input_keeps_link_and_password(clean_app, make_user, fast_reset, data, message):
    advisor = make_user("advisor", "SW")
    path = _path(_link(clean_app, advisor))
    client = clean_app.test_client()
    response = client.post(path, data=data)
    assert response.status_code == 200
    assert message in text_of(html_page(response))
    with clean_app.app_context():
        assert db.session.scalar(sa.select(PasswordResetToken.used_at)) is None
    assert _mails(clean_app, "password_changed") == []


def test_reset_does_not_bypass_second_factor(clean_app, make_user, enrol, fast_reset):
    advisor = make_user("advisor", "SW")
    enrolment = enrol(advisor)
    path = _path(_link(clean_app, advisor))
    client = clean_app.test_client()
    client.post(path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    response = client.post("/anmelden", data={"email": advisor.email, "password": NEW_PASSWORD})
    assert response.headers["Location"] == "/anmelden/code"
    assert client.get("/start").status_code == 302
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0
    client.post("/anmelden/code", data={"code": code_for(enrolment.secret)})
    assert client.get("/").status_code == 200


def test_reset_for_deactivated_account_is_refused(clean_app, make_user, fast_reset):
    advisor = make_user("advisor", "SW")
    path = _path(_link(clean_app, advisor))
    with clean_app.app_context():
        db.session.get(User, advisor.id).is_active = False
        db.session.commit()
    assert clean_app.test_client().get(path).status_code == 400
