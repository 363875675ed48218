"""Sign-in pages through HTTP: German text, PRG, bad input, session revocation."""

import pytest
import sqlalchemy as sa

from tests.figures import backend_of, record_figure
from tests.helpers import html_page, text_of
from tests.personas import TEST_PASSWORD
from wbagentur.accounts.models import LoginAttempt, User
from wbagentur.extensions import db


def test_login_page_is_german_and_well_formed(client):
    response = client.get("/anmelden")
    assert response.status_code == 200
    page = html_page(response)
    text = text_of(page)
    assert "Anmelden" in text
    assert "E-Mail-Adresse" in text
    assert "Passwort" in text


def test_anonymous_staff_start_page_redirects_to_login(client):
    response = client.get("/start")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/anmelden")


def test_login_then_start_page_then_logout(client, auth, make_user):
    advisor = make_user("advisor", "SW")
    response = auth.login(advisor)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = html_page(client.get("/"))
    assert "Südwestthüringen" in text_of(page)
    assert "Pilotregion" in text_of(page)
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/start").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password": "x"}, "Bitte geben Sie Ihre E-Mail-Adresse ein."),
        ({"email": "a@test.example", "password": ""}, "Bitte geben Sie Ihr Passwort ein."),
        (
            {"email": "a" * 300 + "@test.example", "password": "x"},
            "Die E-Mail-Adresse ist zu lang.",
        ),
        ({"email": "a\x00b@test.example", "password": "x"}, "Bitte keine Steuerzeichen verwenden."),
    ],
)
def test_login_bad_input_shows_german_message_and_writes_nothing(client, clean_app, data, message):
    response = client.post("/anmelden", data=data)
    assert response.status_code == 200
    page = html_page(response)
    assert message in text_of(page)
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 0


def test_login_wrong_password_generic_message(client, auth, make_user):
    advisor = make_user("advisor", "SW")
    response = auth.login(advisor, password="falsches-Passwort-99")
    assert response.status_code == 200
    assert "Anmeldung fehlgeschlagen" in response.get_data(as_text=True)
    unknown = auth.login("niemand@test.example", password="falsches-Passwort-99")
    assert unknown.get_data(as_text=True).count("Anmeldung fehlgeschlagen") == 1


def test_sixth_wrong_password_is_throttled(client, auth, make_user):
    advisor = make_user("advisor", "SW")
    for _ in range(5):
        assert "Anmeldung fehlgeschlagen" in auth.login(advisor, "falsch-falsch-1").get_data(
            as_text=True
        )
    response = auth.login(advisor)  # correct password, but throttled
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example", "/\\evil", "javascript:alert(1)"]
)
def test_login_ignores_foreign_next_targets(client, auth, make_user, target):
    advisor = make_user("advisor", "SW")
    response = client.post(
        "/anmelden", data={"email": advisor.email, "password": TEST_PASSWORD, "next": target}
    )
    assert response.headers["Location"] == "/"


def test_login_follows_local_next(client, make_user):
    admin = make_user("admin")
    response = client.post(
        "/anmelden",
        data={"email": admin.email, "password": TEST_PASSWORD, "next": "/verwaltung/benutzer"},
    )
    assert response.headers["Location"] == "/verwaltung/benutzer"


def test_replayed_cookie_after_logout_is_dead(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    client = clean_app.test_client()
    client.post("/anmelden", data={"email": advisor.email, "password": TEST_PASSWORD})
    cookie = client.get_cookie("wba_session").value
    client.post("/abmelden")
    thief = clean_app.test_client()
    thief.set_cookie("wba_session", cookie)
    status = thief.get("/start").status_code
    record_figure(
        "session.old_after_logout",
        "nein" if status == 302 else f"ja ({status})",
        target="nein",
        ok=status == 302,
        db=backend_of(clean_app),
    )
    assert status == 302


def test_session_cookie_changes_at_login(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    client = clean_app.test_client()
    client.get("/anmelden")
    with client.session_transaction() as sess:
        sess["probe"] = "vorher"
    before = client.get_cookie("wba_session").value
    client.post("/anmelden", data={"email": advisor.email, "password": TEST_PASSWORD})
    after = client.get_cookie("wba_session").value
    assert before != after
    with client.session_transaction() as sess:
        assert "probe" not in sess  # pre-login session content is not carried over


def test_deactivated_users_open_session_stops_on_next_request(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    admin = make_user("admin")
    advisor_client = clean_app.test_client()
    advisor_client.post("/anmelden", data={"email": advisor.email, "password": TEST_PASSWORD})
    assert advisor_client.get("/").status_code == 200
    admin_client = clean_app.test_client()
    admin_client.post("/anmelden", data={"email": admin.email, "password": TEST_PASSWORD})
    response = admin_client.post(f"/verwaltung/benutzer/{advisor.id}/aktiv", follow_redirects=True)
    assert "deaktiviert" in response.get_data(as_text=True)
    status = advisor_client.get("/start").status_code
    record_figure(
        "session.old_after_disable",
        "nein" if status == 302 else f"ja ({status})",
        target="nein",
        ok=status == 302,
        db=backend_of(clean_app),
    )
    assert status == 302


def test_advisor_cannot_open_admin_pages(client, auth, make_user):
    advisor = make_user("advisor", "SW")
    auth.login(advisor)
    assert client.get("/verwaltung/benutzer").status_code == 403
    assert client.post("/verwaltung/benutzer/neu", data={}).status_code == 403


def test_admin_creates_user_with_one_time_password(client, auth, make_user, clean_app):
    admin = make_user("admin")
    auth.login(admin)
    html_page(client.get("/verwaltung/benutzer/neu"))
    with clean_app.app_context():
        from wbagentur.regions.models import ContactPoint

        cp_id = db.session.scalar(sa.select(ContactPoint.id).where(ContactPoint.city == "Gera"))
    response = client.post(
        "/verwaltung/benutzer/neu",
        data={
            "display_name": "Neue Beraterin",
            "email": "neu@test.example",
            "role": "advisor",
            "contact_point_id": cp_id,
        },
    )
    page = html_page(response)
    password = page.find(".//{http://www.w3.org/1999/xhtml}code").text
    fresh = clean_app.test_client()
    assert (
        fresh.post(
            "/anmelden", data={"email": "neu@test.example", "password": password}
        ).status_code
        == 302
    )
    assert "Thüringen Ost" in fresh.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"display_name": "", "email": "x@test.example", "role": "admin"},
            "Bitte geben Sie einen Namen ein.",
        ),
        (
            {"display_name": "X", "email": "kein-at-zeichen", "role": "admin"},
            "gültige E-Mail-Adresse",
        ),
        (
            {
                "display_name": "X",
                "email": "y@test.example",
                "role": "advisor",
                "contact_point_id": 0,
            },
            "Bitte wählen Sie die Kontaktstelle.",
        ),
        (
            {"display_name": "X" * 101, "email": "y@test.example", "role": "admin"},
            "höchstens 100 Zeichen",
        ),
        (
            {"display_name": "X", "email": "y@test.example", "role": "superuser"},
            "Keine gültige Auswahl",
        ),
    ],
)
def test_user_create_bad_input(client, auth, make_user, clean_app, data, message):
    admin = make_user("admin")
    auth.login(admin)
    data.setdefault("contact_point_id", 0)
    response = client.post("/verwaltung/benutzer/neu", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_password_change_flow_and_errors(client, auth, make_user):
    advisor = make_user("advisor", "SW")
    auth.login(advisor)
    html_page(client.get("/konto/passwort"))
    bad = client.post(
        "/konto/passwort",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "kurz",
            "confirm_password": "kurz",
        },
    )
    assert "mindestens 12 Zeichen" in bad.get_data(as_text=True)
    mismatch = client.post(
        "/konto/passwort",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "Neues-Passwort-Gurke-77",
            "confirm_password": "Neues-Passwort-Gurke-78",
        },
    )
    assert "stimmen nicht überein" in mismatch.get_data(as_text=True)
    wrong = client.post(
        "/konto/passwort",
        data={
            "current_password": "falsch-falsch-falsch",
            "new_password": "Neues-Passwort-Gurke-77",
            "confirm_password": "Neues-Passwort-Gurke-77",
        },
    )
    assert "aktuelle Passwort stimmt nicht" in wrong.get_data(as_text=True)
    ok = client.post(
        "/konto/passwort",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "Neues-Passwort-Gurke-77",
            "confirm_password": "Neues-Passwort-Gurke-77",
        },
    )
    assert ok.status_code == 302


def test_language_switch_to_english(client):
    response = client.post("/sprache", data={"lang": "en", "next": "/anmelden"})
    assert response.headers["Location"] == "/anmelden"
    page = html_page(client.get("/anmelden"), lang="en")
    assert "Sign in" in text_of(page)
    assert client.post("/sprache", data={"lang": "fr"}).status_code == 400


def test_extend_session_returns_new_expiry(client, auth, make_user):
    import re

    advisor = make_user("advisor", "SW")
    auth.login(advisor)
    # The warning lead the page gives the browser script (WCAG 2.2.1: at least 20 s).
    lead = int(
        re.search(r'data-session-warn="(\d+)"', client.get("/").get_data(as_text=True)).group(1)
    )
    record_figure("session.warning_lead", f"{lead} s", target="≥ 20 s", ok=lead >= 20)
    assert lead >= 20
    response = client.post("/konto/sitzung")
    assert response.status_code == 200
    assert response.json["expires_at"]
