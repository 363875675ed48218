"""Security headers on every kind of response (security.md WEB-02), CSRF on (WEB-01),
health check and error pages (ERR-01, ROB-04)."""

import re

import pytest

from tests.helpers import html_page
from tests.personas import TEST_PASSWORD

REQUIRED = {
    "Content-Security-Policy": "default-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=31536000",
}


def _assert_headers(response):
    for name, value in REQUIRED.items():
        assert value in response.headers.get(name, ""), (name, response.status_code)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "Server" not in response.headers or "Werkzeug" not in response.headers.get("Server", "")


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/anmelden", 200),
        ("GET", "/gibt-es-nicht", 404),
        ("POST", "/healthz", 405),
        ("GET", "/healthz", 200),
        ("GET", "/static/css/app.css", 200),
        ("GET", "/bootstrap/static/css/bootstrap.min.css", 200),
        ("GET", "/start", 302),
        ("GET", "/", 200),
    ],
)
def test_headers_on_every_response(client, method, url, status):
    response = client.open(url, method=method)
    assert response.status_code == status
    _assert_headers(response)


def test_authenticated_pages_are_not_cached(client, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    response = client.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    _assert_headers(response)


def test_404_page_is_german_without_internals(client):
    response = client.get("/.git/config")
    assert response.status_code == 404
    page = html_page(response)
    assert "Seite nicht gefunden" in response.get_data(as_text=True)
    assert page is not None


def test_500_page_has_incident_id_and_no_traceback(tmp_path):
    from wbagentur import create_app

    app = create_app(
        {"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/e.sqlite"}
    )

    @app.route("/kaputt-test")
    def _broken():
        raise RuntimeError("secret internal detail /home/x")

    _broken._access = "public"
    response = app.test_client().get("/kaputt-test")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert re.search(r"Vorgangsnummer für Rückfragen: <code>[0-9a-f]{12}</code>", text)
    for leak in ("Traceback", "secret internal detail", "/home/", 'File "'):
        assert leak not in text
    _assert_headers(response)


def test_healthz_reports_database_down_with_503(tmp_path):
    from wbagentur import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.json["database"] == "unreachable"


def test_database_outage_on_page_gives_german_503(tmp_path):
    from wbagentur import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 40,
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        }
    )
    response = app.test_client().post(
        "/anmelden", data={"email": "a@test.example", "password": "x"}
    )
    # The figure (robust.db_outage) is measured with an outage during operation:
    # tests/core/test_db_outage.py.
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Vorübergehend nicht erreichbar" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.fixture
def csrf_client(clean_app):
    clean_app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield clean_app.test_client()
    finally:
        clean_app.config["WTF_CSRF_ENABLED"] = False


def _token(page_text):
    return re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
        page_text,
    )


def test_csrf_missing_token_rejected_then_valid_token_accepted(csrf_client, make_user):
    advisor = make_user("advisor", "SW")
    response = csrf_client.post(
        "/anmelden", data={"email": advisor.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 400
    page = csrf_client.get("/anmelden")
    html_page(page, check_csrf=True)
    match = _token(page.get_data(as_text=True))
    token = match.group(1) or match.group(2)
    response = csrf_client.post(
        "/anmelden", data={"email": advisor.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    start = csrf_client.get("/")
    html_page(start, check_csrf=True)
    # Logout without token is refused; the session stays alive.
    assert csrf_client.post("/abmelden").status_code == 400
    assert csrf_client.get("/").status_code == 200


def test_csrf_token_of_another_session_rejected(csrf_client, clean_app, make_user):
    advisor = make_user("advisor", "SW")
    other = clean_app.test_client()
    match = _token(other.get("/anmelden").get_data(as_text=True))
    foreign = match.group(1) or match.group(2)
    csrf_client.get("/anmelden")
    response = csrf_client.post(
        "/anmelden", data={"email": advisor.email, "password": TEST_PASSWORD, "csrf_token": foreign}
    )
    assert response.status_code == 400
