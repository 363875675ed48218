"""Single sign-on against a real OpenID provider process on loopback (tests/oidc_provider):
provisioning, updates from the claims, deactivation at the provider, passwords off.

The provider's login and consent pages are driven over HTTP with ``requests``; the
application is the Flask test client, and its server side talks to the provider over HTTP
as in production (discovery, keys, token, userinfo, refresh).
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
import requests
import sqlalchemy as sa
import time_machine

from tests.helpers import html_page, text_of
from tests.oidc_provider import PASSWORD, start_provider
from wbagentur.accounts.models import User, UserSession
from wbagentur.core.audit import AuditEvent
from wbagentur.core.models import utcnow
from wbagentur.extensions import db

APP_BASE = "http://localhost:5000"  # PUBLIC_BASE_URL of the test configuration
CALLBACK = APP_BASE + "/anmelden/sso/rueckkehr"


@pytest.fixture(scope="session")
def idp(tmp_path_factory):
    with start_provider(tmp_path_factory.mktemp("idp"), [CALLBACK]) as provider:
        yield provider


@pytest.fixture
def sso(clean_app, idp):
    """The app pointed at the test provider; settings restored afterwards."""
    saved = dict(clean_app.config)
    clean_app.config.update(idp.config(), PUBLIC_BASE_URL=APP_BASE)
    yield idp
    clean_app.config.clear()
    clean_app.config.update(saved)


class IdpRefused(AssertionError):
    """The provider's login form answered with an error (wrong password, disabled)."""


def _form_action(html: str, base: str) -> str:
    match = re.search(r'<form method="post" action="([^"]+)"', html)
    assert match, html[:500]
    return urljoin(base, unescape(match.group(1)))


def sign_in(client, username, password=PASSWORD, next_path=None):
    """Click "Mit Single Sign-on anmelden", sign in and consent at the provider, return the
    application's answer to the callback."""
    start = client.get("/anmelden/sso" + (f"?next={next_path}" if next_path else ""))
    assert start.status_code == 302, start.get_data(as_text=True)[:300]
    browser = requests.Session()
    response = browser.get(start.headers["Location"], allow_redirects=False, timeout=10)
    for _ in range(12):
        if response.status_code in (302, 303):
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(APP_BASE):
                parts = urlsplit(location)
                return client.get(f"{parts.path}?{parts.query}")
            response = browser.get(location, allow_redirects=False, timeout=10)
        elif response.status_code == 200 and 'name="username"' in response.text:
            if 'id="idp-error"' in response.text:
                raise IdpRefused(response.text)
            response = browser.post(
                _form_action(response.text, response.url),
                data={"username": username, "password": password},
                allow_redirects=False,
                timeout=10,
            )
        elif response.status_code == 200 and "/confirm" in response.text:
            response = browser.post(
                _form_action(response.text, response.url), allow_redirects=False, timeout=10
            )
        else:
            raise AssertionError(
                f"unexpected provider answer {response.status_code} at {response.url}: "
                + re.sub(r"<[^>]+>|\\s+", " ", response.text)[-600:]
            )
    raise AssertionError("too many redirects at the provider")


def user_with(app, subject):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.oidc_subject == subject))
        if user is None:
            return None
        return {
            "id": user.id,
            "role": user.role,
            "region": user.contact_point.region.code if user.contact_point else None,
            "email": user.email,
            "name": user.display_name,
            "password_hash": user.password_hash,
        }


def actions(app, *names):
    with app.app_context():
        return [
            (e.action, e.object_id, e.details)
            for e in db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action.in_(names)).order_by(AuditEvent.id)
            )
        ]


def sessions_of(app, user_id):
    with app.app_context():
        return db.session.scalars(
            sa.select(UserSession).where(UserSession.user_id == user_id)
        ).all()


def test_login_page_offers_single_sign_on_only_when_configured(client, clean_app, idp, monkeypatch):
    page = text_of(html_page(client.get("/anmelden")))
    assert "Mit Single Sign-on anmelden" not in page
    assert client.get("/anmelden/sso").status_code == 404
    assert client.get("/anmelden/sso/rueckkehr?code=x&state=y").status_code == 404
    for key, value in {**idp.config(), "PUBLIC_BASE_URL": APP_BASE}.items():
        monkeypatch.setitem(clean_app.config, key, value)
    root = html_page(client.get("/anmelden?next=/faelle"))
    link = root.find(".//{http://www.w3.org/1999/xhtml}a[@data-sso-login]")
    assert link is not None
    assert text_of(link) == "Mit Single Sign-on anmelden"
    assert link.get("href") == "/anmelden/sso?next=/faelle"
    assert "Passwort" in text_of(root)  # local passwords are still on


def test_first_sign_in_provisions_the_account_with_mapped_role_and_region(client, clean_app, sso):
    sub = sso.add_account(
        "anna.sso", groups=["wba-beratung", "wba-region-suedwest"], name="Anna Schmidt"
    )
    answer = sign_in(client, "anna.sso", next_path="/start")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/start"
    user = user_with(clean_app, sub)
    assert user["role"] == "advisor"
    assert user["region"] == "SW"
    assert user["email"] == "anna.sso@idp.example"
    assert user["name"] == "Anna Schmidt"
    assert not user["password_hash"].startswith("$argon2")  # no usable password
    start = text_of(html_page(client.get("/start")))
    assert "Anna Schmidt · Berater/in · Südwestthüringen" in start
    assert [a[0] for a in actions(clean_app, "user.create", "login.success")] == [
        "user.create",
        "login.success",
    ]
    created, login = actions(clean_app, "user.create", "login.success")
    assert '"via": "oidc"' in created[2]
    assert '"method": "oidc"' in login[2]
    # The provider's tokens are kept with the session, encrypted.
    (row,) = sessions_of(clean_app, user["id"])
    assert row.oidc_checked_at is not None
    assert row.oidc_refresh_token
    assert row.oidc_refresh_token.startswith("gAAAAA")
    # An SSO-only account cannot sign in with a password.
    refused = client.post("/abmelden")
    assert refused.status_code == 302
    answer = client.post("/anmelden", data={"email": user["email"], "password": "!sso-only"})
    assert "Anmeldung fehlgeschlagen" in answer.get_data(as_text=True)


def test_later_sign_in_updates_role_and_region_from_the_claims(client, clean_app, sso):
    sub = sso.add_account("bernd.sso", groups=["wba-beratung", "wba-region-suedwest"], name="Bernd")
    sign_in(client, "bernd.sso")
    first = user_with(clean_app, sub)
    client.post("/abmelden")
    sso.set_groups("bernd.sso", ["wba-leitung", "wba-region-nord"])
    answer = sign_in(client, "bernd.sso")
    assert answer.status_code == 302
    second = user_with(clean_app, sub)
    assert second["id"] == first["id"]
    assert (second["role"], second["region"]) == ("supervisor", "NT")
    (update,) = actions(clean_app, "user.sso_update")
    assert '"role": ["advisor", "supervisor"]' in update[2]
    assert "Bernd · Leitung · Nordthüringen" in text_of(html_page(client.get("/start")))
    # Promoted to the state-wide coordination: the contact point is dropped.
    client.post("/abmelden")
    sso.set_groups("bernd.sso", ["wba-koordination"])
    sign_in(client, "bernd.sso")
    third = user_with(clean_app, sub)
    assert (third["role"], third["region"]) == ("coordinator", None)


def test_deactivation_at_the_provider_ends_access_at_the_next_request(client, clean_app, sso):
    sub = sso.add_account("carla.sso", groups=["wba-beratung", "wba-region-mitte"], name="Carla")
    sign_in(client, "carla.sso")
    user = user_with(clean_app, sub)
    assert client.get("/start").status_code == 200
    assert client.get("/start").status_code == 200  # asked the provider again: still fine
    sso.set_active("carla.sso", False)
    answer = client.get("/start")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/anmelden")
    login = text_of(html_page(client.get(answer.headers["Location"])))
    assert "Ihre Sitzung wurde beendet, weil der Anmeldedienst Ihre Anmeldung nicht mehr" in login
    assert sessions_of(clean_app, user["id"]) == []
    ((_, object_id, details),) = actions(clean_app, "logout.sso_revoked")
    assert object_id == user["id"]
    assert "invalid_grant" in details
    assert client.get("/start").status_code == 302
    # And the provider no longer lets the account sign in.
    with pytest.raises(IdpRefused):
        sign_in(client, "carla.sso")


def test_without_refresh_token_the_userinfo_endpoint_decides(client, clean_app, sso):
    sub = sso.add_account("dora.sso", groups=["wba-beratung", "wba-region-ost"], name="Dora")
    sign_in(client, "dora.sso")
    user = user_with(clean_app, sub)
    with clean_app.app_context():
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.user_id == user["id"])
            .values(oidc_refresh_token=None)
        )
        db.session.commit()
    assert client.get("/start").status_code == 200
    sso.set_active("dora.sso", False)
    assert client.get("/start").status_code == 302
    ((_, _, details),) = actions(clean_app, "logout.sso_revoked")
    assert "http_401" in details


def test_revalidation_waits_for_the_configured_interval(client, clean_app, sso):
    clean_app.config["OIDC_REVALIDATE_SECONDS"] = 300
    sso.add_account("emil.sso", groups=["wba-beratung", "wba-region-nord"], name="Emil")
    sign_in(client, "emil.sso")
    sso.set_active("emil.sso", False)
    # Within the interval the session is not checked (the documented trade-off) ...
    assert client.get("/start").status_code == 200
    # ... after it, the next request asks the provider and ends the session.
    with time_machine.travel(utcnow().timestamp() + 301, tick=True):
        assert client.get("/start").status_code == 302


def test_claims_without_role_are_refused_and_nothing_is_created(client, clean_app, sso):
    sub = sso.add_account("fritz.sso", groups=["andere-gruppe"], name="Fritz")
    answer = sign_in(client, "fritz.sso")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/anmelden"
    page = text_of(html_page(client.get("/anmelden")))
    assert "Ihr Konto beim Anmeldedienst hat keine Rolle in der Fallverwaltung" in page
    assert user_with(clean_app, sub) is None
    assert client.get("/start").status_code == 302
    ((_, _, details),) = actions(clean_app, "login.sso_refused")
    assert '"reason": "no_role"' in details


def test_advisor_without_region_is_refused(client, clean_app, sso):
    sub = sso.add_account("gina.sso", groups=["wba-beratung"], name="Gina")
    sign_in(client, "gina.sso")
    assert "keiner Region zugeordnet" in text_of(html_page(client.get("/anmelden")))
    assert user_with(clean_app, sub) is None


def test_existing_account_is_linked_by_verified_email(client, clean_app, sso, make_user):
    persona = make_user("advisor", "SW")
    sub = sso.add_account(
        "hanna.sso",
        groups=["wba-beratung", "wba-region-suedwest"],
        name="Hanna",
        email=persona.email.upper(),
    )
    sign_in(client, "hanna.sso")
    assert user_with(clean_app, sub)["id"] == persona.id
    assert len(actions(clean_app, "user.sso_link")) == 1
    # From now on only the provider admits the account: the old password and a reset link
    # would side-step a deactivation there.
    client.post("/abmelden")
    refused = client.post("/anmelden", data={"email": persona.email, "password": persona.password})
    assert "Anmeldung fehlgeschlagen" in refused.get_data(as_text=True)
    assert client.get("/start").status_code == 302
    with clean_app.app_context():
        from wbagentur.accounts import services

        assert services.request_password_reset(persona.email) is None
        db.session.commit()
    (request,) = actions(clean_app, "password.reset_request")
    assert '"sent": false' in request[2]
    assert '"sso": true' in request[2]


def test_unverified_email_of_an_existing_account_is_not_linked(client, clean_app, sso, make_user):
    persona = make_user("advisor", "SW")
    sub = sso.add_account(
        "ines.sso", groups=["wba-beratung", "wba-region-suedwest"], name="Ines", email=persona.email
    )
    accounts = sso.accounts()
    accounts[sub]["claims"]["email_verified"] = False
    sso._write(accounts)
    sign_in(client, "ines.sso")
    assert "bereits ein Konto" in text_of(html_page(client.get("/anmelden")))
    assert user_with(clean_app, sub) is None


def test_account_deactivated_in_the_application_is_refused(client, clean_app, sso):
    sub = sso.add_account("jan.sso", groups=["wba-beratung", "wba-region-nord"], name="Jan")
    sign_in(client, "jan.sso")
    client.post("/abmelden")
    with clean_app.app_context():
        db.session.execute(sa.update(User).where(User.oidc_subject == sub).values(is_active=False))
        db.session.commit()
    sign_in(client, "jan.sso")
    assert "Ihr Konto in der Fallverwaltung ist deaktiviert." in text_of(
        html_page(client.get("/anmelden"))
    )
    assert client.get("/start").status_code == 302


def test_sso_admin_is_not_sent_to_the_totp_set_up(client, clean_app, sso):
    clean_app.config["TOTP_REQUIRED_ROLES"] = ("admin", "coordinator")
    sso.add_account("karl.sso", groups=["wba-admin"], name="Karl")
    sign_in(client, "karl.sso")
    assert client.get("/").status_code == 200
    users = text_of(html_page(client.get("/verwaltung/benutzer")))
    # The list says where the second factor of an SSO account is decided.
    assert "Karl karl.sso@idp.example Administration alle Regionen aktiv" in users
    assert "Single Sign-on: beim Anmeldedienst" in users


def test_forged_or_replayed_callback_is_refused(client, clean_app, sso):
    answer = client.get("/anmelden/sso/rueckkehr?code=abc&state=forged")
    assert answer.status_code == 302
    assert "Die Anmeldung über Single Sign-on ist fehlgeschlagen" in text_of(
        html_page(client.get("/anmelden"))
    )
    assert client.get("/start").status_code == 302
    cancelled = client.get("/anmelden/sso/rueckkehr?error=access_denied&state=x")
    assert cancelled.status_code == 302
    assert "abgebrochen" in text_of(html_page(client.get("/anmelden")))
    reasons = [d for _, _, d in actions(clean_app, "login.failure")]
    assert any('"reason": "oauth_error"' in d for d in reasons)
    assert any('"reason": "access_denied"' in d for d in reasons)


def test_unreachable_provider_gives_a_german_message(client, clean_app, sso):
    clean_app.config["OIDC_ISSUER"] = "http://127.0.0.1:9"  # discard port: nobody listens
    answer = client.get("/anmelden/sso")
    assert answer.status_code == 302
    assert "Der Anmeldedienst ist nicht erreichbar" in text_of(html_page(client.get("/anmelden")))


def test_local_passwords_off_refuses_the_password_form(client, clean_app, sso, make_user):
    persona = make_user("advisor", "SW")
    clean_app.config["LOCAL_PASSWORDS_ENABLED"] = False
    root = html_page(client.get("/anmelden"))
    assert root.find(".//{http://www.w3.org/1999/xhtml}input[@name='password']") is None
    assert "Mit Single Sign-on anmelden" in text_of(root)
    refused = client.post("/anmelden", data={"email": persona.email, "password": persona.password})
    assert refused.status_code == 403
    assert "Die Anmeldung mit Passwort ist abgeschaltet" in refused.get_data(as_text=True)
    assert client.get("/start").status_code == 302
    for path in ("/passwort-vergessen", "/anmelden/code", "/passwort-neu/abc"):
        assert client.get(path).status_code == 404
    assert client.post("/passwort-vergessen", data={"email": persona.email}).status_code == 404
    # Single sign-on still works.
    sso.add_account("lena.sso", groups=["wba-beratung", "wba-region-suedwest"], name="Lena")
    sign_in(client, "lena.sso")
    assert client.get("/start").status_code == 200
    assert client.get("/konto/passwort").status_code == 404


def test_target_after_sign_in_stays_on_this_site(client, clean_app, sso):
    sso.add_account("mara.sso", groups=["wba-beratung", "wba-region-ost"], name="Mara")
    answer = sign_in(client, "mara.sso", next_path="https://evil.example/")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"


def test_english_message_for_an_english_session(client, clean_app, sso):
    sso.add_account("nora.sso", groups=[], name="Nora")
    client.post("/sprache", data={"lang": "en"})
    sign_in(client, "nora.sso")
    page = text_of(html_page(client.get("/anmelden"), lang="en"))
    assert "Your account at the sign-in service has no role in the case management." in page
