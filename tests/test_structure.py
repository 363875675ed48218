"""Structural invariants: deny by default, URL shape, no legacy query API, templates."""

import re
from pathlib import Path

import pytest

from wbagentur.core.access import access_marker

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_ENDPOINTS = {
    "accounts.login",
    "accounts.logout",
    "accounts.login_code",
    "accounts.password_forgot",
    "accounts.password_reset",
    # Single sign-on: the way to the identity provider and back (accounts/oidc.py).
    "accounts.sso_start",
    "accounts.sso_callback",
    "main.set_language",
    "main.healthz",
    "main.accessibility",
    "main.index",
    "main.imprint",
    "main.quick_check",
    "intake.request_form",
    "intake.thanks",
    "intake.privacy",
    "intake.status",
    "intake.upload",
    "referrals.partner_page",
    "referrals.partner_accept",
    "referrals.partner_decline",
    "referrals.partner_return",
    "referrals.partner_complete",
    "referrals.partner_thanks",
    "static",
    "bootstrap.static",
    "funding.kompass",
    "funding.kompass_programme",
    "funding.quick_check",
    "funding.api_check",
    "esf.survey",
    # The API's document and reference page; its data routes are token-authenticated.
    "api.openapi",
    "api.reference",
}


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory):
    from wbagentur import create_app

    db_file = tmp_path_factory.mktemp("structure") / "s.sqlite"
    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}", "SECRET_KEY": "x" * 40}
    )


def test_every_route_is_public_listed_or_guarded(plain_app):
    unmarked, public = [], set()
    for rule in plain_app.url_map.iter_rules():
        marker = access_marker(plain_app, rule.endpoint)
        if marker is None:
            unmarked.append(rule.endpoint)
        elif marker == "public":
            public.add(rule.endpoint)
    from tests.figures import record_figure

    record_figure(
        "authz.unguarded_routes",
        len(unmarked),
        target="0",
        ok=not unmarked,
        detail=f"{len(list(plain_app.url_map.iter_rules()))} Routen geprüft",
    )
    assert unmarked == []
    # New public routes must be added here deliberately.
    assert public - PUBLIC_ENDPOINTS == set()


def test_unmarked_view_is_denied_for_everyone(plain_app):
    from wbagentur import create_app

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": plain_app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "x" * 40,
        }
    )
    app.add_url_rule("/vergessen", "forgotten", lambda: "geheim")
    response = app.test_client().get("/vergessen")
    assert response.status_code == 302  # anonymous → login; never the content
    assert b"geheim" not in response.data


def test_urls_are_kebab_case_and_ids_typed(plain_app):
    for rule in plain_app.url_map.iter_rules():
        if rule.endpoint.endswith("static"):
            continue
        static_parts = re.sub(r"<[^>]+>", "", rule.rule)
        # The one file name: the API's OpenAPI document (issue #21).
        assert re.fullmatch(r"[a-z0-9/\-]*(/openapi\.json)?", static_parts), rule.rule
        for arg in re.findall(r"<([^>]+)>", rule.rule):
            if arg.endswith("_id"):
                assert arg.startswith("int:"), f"untyped id in {rule.rule}"


def test_no_side_effects_on_get(plain_app):
    for rule in plain_app.url_map.iter_rules():
        if "GET" in rule.methods and "POST" not in rule.methods:
            assert not any(w in rule.endpoint for w in ("logout", "delete", "toggle")), (
                rule.endpoint
            )


def test_no_legacy_query_api_and_no_create_all():
    offenders = []
    for path in (ROOT / "wbagentur").rglob("*.py"):
        text = path.read_text()
        if re.search(r"\.query\.(filter|get|all|first)|Model\.query|create_all\(", text):
            offenders.append(str(path))
    assert offenders == []


def test_templates_extend_a_layout_with_title():
    for path in (ROOT / "templates").rglob("*.html"):
        rel = path.relative_to(ROOT / "templates").as_posix()
        if (
            rel.startswith(("macros/", "layouts/"))
            or rel == "base.html"
            or path.name.startswith("_")
        ):
            continue
        text = path.read_text()
        assert text.startswith('{% extends "layouts/'), rel
        assert "{% block title %}" in text, rel


def test_no_inline_script_or_style_in_templates():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert "style=" not in text, path
        assert "<style" not in text, path
        assert "onclick" not in text.lower(), path


def test_no_cdn_assets():
    for path in list((ROOT / "templates").rglob("*.html")) + list(
        (ROOT / "wbagentur").rglob("*.py")
    ):
        assert not re.search(r"cdn\.|googleapis|unpkg|jsdelivr", path.read_text()), path


def test_anonymous_requests_to_guarded_routes_redirect_to_login(plain_app, tmp_path):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path}/anon.sqlite")
    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if access_marker(app, rule.endpoint) in ("public", "token"):
            continue  # API routes answer 401 without a token (tests/api)
        url = re.sub(r"<int:[^>]+>", "1", rule.rule)
        url = re.sub(r"<[^>]+>", "x", url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/anmelden")
            checked += 1
    assert checked >= 5


# View modules that still end a transaction themselves, and why (issue #18: one way).
OWN_TRANSACTION = {
    ("wbagentur/plans/views.py", "commit"): 1,  # letter PDF: a GET that audits an export
    ("wbagentur/api/views.py", "rollback"): 1,  # the API's error handler
}


def test_views_run_their_transaction_through_core_actions():
    """A state-changing view commits through core.actions.run, not with its own
    commit, rollback or try/except around the service."""
    found: dict[tuple[str, str], int] = {}
    handlers = []
    modules = list((ROOT / "wbagentur").rglob("*views*.py"))
    modules.append(ROOT / "wbagentur/referrals/partner_link.py")
    for path in modules:
        text = path.read_text("utf-8")
        name = str(path.relative_to(ROOT))
        for call in ("commit", "rollback"):
            n = len(re.findall(rf"db\.session\.{call}\(\)", text))
            if n:
                found[(name, call)] = n
        if re.search(r"except\s*\(?\s*(DomainError|ConflictError)\b", text):
            handlers.append(name)
    assert found == OWN_TRANSACTION
    assert handlers == []
