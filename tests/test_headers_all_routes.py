"""Every GET route answers with the full security header set – anonymous and signed in –
and so do forced 404/405/429/500/503 responses and static files (security.md WEB-02,
figure 9: share of sampled responses with the header set = 100 %); the session cookie
of the production configuration is ``__Host-`` with Secure, HttpOnly and SameSite."""

import re

from tests.figures import backend_of, record_figure
from tests.personas import TEST_PASSWORD
from tests.test_security_headers import REQUIRED
from wbagentur.core.access import access_marker

STATIC = ("/static/css/app.css", "/static/js/app.js", "/bootstrap/static/css/bootstrap.min.css")


def _get_urls(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        url = re.sub(r"<int:[^>]+>", "1", rule.rule)
        url = re.sub(r"<[^>]+>", "x", url)
        yield rule.endpoint, url


def _missing(response, signed_in):
    missing = [
        name for name, value in REQUIRED.items() if value not in response.headers.get(name, "")
    ]
    if "unsafe-inline" in response.headers.get("Content-Security-Policy", ""):
        missing.append("CSP unsafe-inline")
    if signed_in and response.status_code == 200 and response.mimetype == "text/html":
        if response.headers.get("Cache-Control") != "no-store":
            missing.append("Cache-Control")
    return missing


def _error_responses(tmp_path):
    """A 500 from a failing view and a 503 from an unreachable database (own apps)."""
    from wbagentur import create_app

    app = create_app(
        {"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/h.sqlite"}
    )

    @app.route("/kaputt-test")
    def _broken():
        raise RuntimeError("kaputt")

    _broken._access = "public"
    down = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 40,
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        }
    )
    outage = down.test_client().post("/anmelden", data={"email": "a@test.example", "password": "x"})
    return [(500, app.test_client().get("/kaputt-test")), (503, outage)]


def test_every_response_kind_carries_the_header_set(clean_app, make_user, tmp_path):
    advisor = make_user("advisor", "SW")
    supervisor = make_user("supervisor", "SW")
    admin = make_user("admin")
    sampled = 0
    missing = []
    for persona in (None, advisor, supervisor, admin):
        client = clean_app.test_client()
        if persona is not None:
            client.post("/anmelden", data={"email": persona.email, "password": persona.password})
        for endpoint, url in _get_urls(clean_app):
            if access_marker(clean_app, endpoint) is None:
                continue
            response = client.get(url)
            sampled += 1
            if problems := _missing(response, persona is not None):
                missing.append((persona and persona.role, url, response.status_code, problems))
    assert sampled > 150
    forced = []
    client = clean_app.test_client()
    forced.append((404, client.get("/gibt-es-nicht")))
    forced.append((405, client.post("/healthz")))
    for _ in range(5):
        client.post("/anmelden", data={"email": advisor.email, "password": "falsch-falsch-1"})
    forced.append(
        (429, client.post("/anmelden", data={"email": advisor.email, "password": TEST_PASSWORD}))
    )
    forced.extend(_error_responses(tmp_path))
    forced.extend((200, client.get(url)) for url in STATIC)
    for expected, response in forced:
        assert response.status_code == expected, (expected, response.status_code)
        sampled += 1
        if problems := _missing(response, False):
            missing.append((None, response.request.path, response.status_code, problems))
    share = (sampled - len(missing)) / sampled
    record_figure(
        "headers.share",
        f"{share:.1%} ({sampled - len(missing)}/{sampled})",
        target="100 %",
        ok=not missing,
        db=backend_of(clean_app),
        detail="alle GET-Routen × 4 Rollen, 404/405/429/500/503, statische Dateien",
    )
    assert missing == [], missing[:10]


def test_production_session_cookie_is_host_prefixed_secure_httponly_samesite(clean_app, make_user):
    import runpy
    from pathlib import Path

    production = runpy.run_path(
        str(Path(__file__).resolve().parents[1] / "config" / "production.example.py")
    )
    advisor = make_user("advisor", "SW")
    saved = {key: clean_app.config[key] for key in ("SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE")}
    clean_app.config.update({key: production[key] for key in saved})
    try:
        response = clean_app.test_client().post(
            "/anmelden",
            data={"email": advisor.email, "password": TEST_PASSWORD},
            base_url="https://localhost",
        )
    finally:
        clean_app.config.update(saved)
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session = [c for c in cookies if c.startswith(production["SESSION_COOKIE_NAME"] + "=")]
    attributes = (
        {part.strip().split("=")[0].lower(): part.strip() for part in session[0].split(";")[1:]}
        if session
        else {}
    )
    conform = bool(
        session
        and production["SESSION_COOKIE_NAME"].startswith("__Host-")
        and "secure" in attributes
        and "httponly" in attributes
        and attributes.get("samesite", "").lower() in ("samesite=lax", "samesite=strict")
        and attributes.get("path") == "Path=/"
        and "domain" not in attributes
    )
    record_figure(
        "headers.session_cookie",
        "ja" if conform else f"nein ({session})",
        target="ja",
        ok=conform,
        db=backend_of(clean_app),
    )
    assert conform, session
    assert not any(c.startswith("remember_token") for c in cookies)
