"""REST API /api/v1: tokens (hashed, scoped, expiring, revocable, shown once), the UI's
region scopes (404 outside the region), audit, one error shape in German and English,
ETags, and an OpenAPI 3.1 document that names every API route."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from tests.factories import make_person
from tests.personas import create_persona
from wbagentur.accounts.models import User
from wbagentur.api import tokens
from wbagentur.api.models import ApiToken
from wbagentur.core.audit import AuditEvent, ingest_reads
from wbagentur.core.models import utcnow
from wbagentur.extensions import db

pytestmark = pytest.mark.usefixtures("fixed_clock")


@pytest.fixture
def world(clean_app):
    """An SW advisor's token, firms and cases in SW (Suhl) and NT (Nordhausen)."""
    with clean_app.app_context():
        advisor = create_persona("advisor", "SW")
        user = db.session.get(User, advisor.id)
        _, secret = tokens.create_token(
            None, user, "Test", ["firms:read", "cases:read", "persons:read"], 30
        )
        _, firms_only = tokens.create_token(None, user, "Nur Firmen", ["firms:read"], 30)
        sw_firm = create_firm("Suhler Stahl GmbH", "16054")
        nt_firm = create_firm("Nordhäuser Korn GmbH", "16062")
        sw_case = create_case(firm=sw_firm)
        nt_case = create_case(firm=nt_firm)
        sw_person = make_person("Erika", "Suhler", "16054", severely_disabled=True)
        nt_person = make_person("Norbert", "Nordhäuser", "16062")
        restricted = make_person("Rita", "Gesperrt", "16054", restricted_at=utcnow())
        db.session.commit()
        return {
            "secret": secret,
            "firms_only": firms_only,
            "user_id": advisor.id,
            "sw_firm": sw_firm.id,
            "nt_firm": nt_firm.id,
            "sw_case": sw_case.id,
            "nt_case": nt_case.id,
            "sw_person": sw_person.id,
            "nt_person": nt_person.id,
            "restricted": restricted.id,
        }


def _get(client, path, secret=None, **headers):
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    return client.get(f"/api/v1{path}", headers=headers)


def test_token_is_stored_only_as_hash(clean_app, world):
    with clean_app.app_context():
        rows = db.session.scalars(sa.select(ApiToken)).all()
    hashes = {r.token_hash for r in rows}
    assert hashlib.sha256(world["secret"].encode()).hexdigest() in hashes
    assert all(world["secret"] not in (r.token_hash, r.prefix, r.scopes) for r in rows)


def test_firms_list_shows_only_the_region_and_is_audited(client, clean_app, world):
    response = _get(client, "/firms", world["secret"])
    assert response.status_code == 200
    body = response.get_json()
    assert [f["name"] for f in body["items"]] == ["Suhler Stahl GmbH"]
    assert body["total"] == 1
    assert body["items"][0]["district"] == {"key": "16054", "name": "Suhl"}
    with clean_app.app_context():
        ingest_reads()
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "api.firms.list")
        )
    assert event.actor_id == world["user_id"]


def test_object_outside_the_region_is_404_like_the_ui(client, world):
    assert _get(client, f"/firms/{world['sw_firm']}", world["secret"]).status_code == 200
    outside = _get(client, f"/firms/{world['nt_firm']}", world["secret"])
    assert outside.status_code == 404
    assert outside.get_json() == {
        "error": {"status": 404, "code": "not_found", "message": "Nicht gefunden."}
    }
    assert _get(client, f"/cases/{world['nt_case']}", world["secret"]).status_code == 404
    assert _get(client, "/firms/99999999", world["secret"]).status_code == 404


def test_case_detail_has_timeline_etag_and_audit(client, clean_app, world):
    response = _get(client, f"/cases/{world['sw_case']}", world["secret"])
    assert response.status_code == 200
    body = response.get_json()
    assert body["region"] == "SW"
    assert isinstance(body["timeline"], list)
    assert body["timeline"]
    etag = response.headers["ETag"]
    again = _get(client, f"/cases/{world['sw_case']}", world["secret"], **{"If-None-Match": etag})
    assert again.status_code == 304
    with clean_app.app_context():
        ingest_reads()
        objects = set(
            db.session.execute(
                sa.select(AuditEvent.object_type, AuditEvent.object_id).where(
                    AuditEvent.action == "api.case.read"
                )
            ).tuples()
        )
    assert ("case", world["sw_case"]) in objects
    listing = _get(client, "/cases", world["secret"]).get_json()
    assert [c["id"] for c in listing["items"]] == [world["sw_case"]]


def test_missing_wrong_expired_and_revoked_tokens_are_401(client, clean_app, world, fixed_clock):
    assert _get(client, "/firms").status_code == 401
    assert _get(client, "/firms", "wba_falsch").status_code == 401
    assert _get(client, "/firms", world["secret"] + "x").status_code == 401
    english = _get(client, "/firms", **{"Accept-Language": "en"})
    assert english.get_json()["error"]["message"].startswith("Authentication is missing")
    assert english.headers["WWW-Authenticate"].startswith("Bearer")
    german = _get(client, "/firms")
    assert german.get_json()["error"]["message"].startswith("Anmeldung fehlt")

    fixed_clock.shift(timedelta(days=31))
    assert _get(client, "/firms", world["secret"]).status_code == 401
    fixed_clock.shift(timedelta(days=-31))
    with clean_app.app_context():
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "Test"))
        tokens.revoke_token(None, token)
        db.session.commit()
    assert _get(client, "/firms", world["secret"]).status_code == 401


def test_deactivated_user_loses_api_access(client, clean_app, world):
    with clean_app.app_context():
        db.session.get(User, world["user_id"]).is_active = False
        db.session.commit()
    assert _get(client, "/firms", world["secret"]).status_code == 401


def test_token_without_the_scope_is_403(client, world):
    response = _get(client, "/cases", world["firms_only"], **{"Accept-Language": "en"})
    assert response.status_code == 403
    assert response.get_json()["error"] == {
        "status": 403,
        "code": "forbidden",
        "message": 'The token lacks the scope "cases:read".',
    }
    assert _get(client, "/firms", world["firms_only"]).status_code == 200


@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=101", "per_page=-1"])
def test_bad_paging_is_400_in_the_error_shape(client, world, query):
    response = _get(client, f"/firms?{query}", world["secret"])
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_parameter"


def _walk(client, path, secret):
    """Every page of a list through next_cursor: the answers, in order."""
    answers = [_get(client, path, secret).get_json()]
    while answers[-1]["next_cursor"]:
        cursor = answers[-1]["next_cursor"]
        answers.append(_get(client, f"{path}&cursor={cursor}", secret).get_json())
    return answers


def test_lists_go_on_with_a_cursor_and_count_at_most_the_cap(client, clean_app, world, monkeypatch):
    """Issue #22: a cursor continues after the last row (no OFFSET), every row comes once,
    and ``total`` stops at the cap with ``total_is_lower_bound`` instead of counting the
    whole scope on every page."""
    with clean_app.app_context():
        for n in range(4):
            create_firm(f"Suhler Firma {n}", "16054")
        db.session.commit()
    expected = sorted(["Suhler Stahl GmbH", *(f"Suhler Firma {n}" for n in range(4))])
    answers = _walk(client, "/firms?per_page=2", world["secret"])
    assert [[f["name"] for f in a["items"]] for a in answers] == [
        expected[0:2],
        expected[2:4],
        expected[4:5],
    ]
    assert [(a["page"], a["has_more"]) for a in answers] == [(1, True), (2, True), (3, False)]
    assert {(a["total"], a["total_is_lower_bound"]) for a in answers} == {(5, False)}
    # The second page by number (the first version's paging) is the same rows.
    by_number = _get(client, "/firms?per_page=2&page=2", world["secret"]).get_json()
    assert by_number["items"] == answers[1]["items"]

    monkeypatch.setattr("wbagentur.core.pagination.COUNT_CAP", 3)
    capped = _get(client, "/firms?per_page=2", world["secret"]).get_json()
    assert (capped["total"], capped["total_is_lower_bound"]) == (3, True)


def test_case_list_cursor_carries_the_opening_time(client, clean_app, world):
    """The cases' sort key is a timestamp: the cursor brings it back as one (both databases)."""
    with clean_app.app_context():
        second = create_case(firm=create_firm("Suhler Zweitfirma", "16054"))
        db.session.commit()
        expected = [second.id, world["sw_case"]]  # newest first
    answers = _walk(client, "/cases?per_page=1", world["secret"])
    assert [a["items"][0]["id"] for a in answers] == expected
    assert [a["has_more"] for a in answers] == [True, False]


def test_timeline_goes_on_with_a_cursor(client, clean_app, world):
    from wbagentur.cases import services
    from wbagentur.cases.models import Case

    with clean_app.app_context():
        case = db.session.get(Case, world["sw_case"])
        user = db.session.get(User, world["user_id"])
        for text in ("Erste Notiz", "Zweite Notiz", "Dritte Notiz"):
            services.add_note(user, case, text)
        db.session.commit()
    path = f"/cases/{world['sw_case']}/timeline?kind=note&per_page=2"
    answers = _walk(client, path, world["secret"])
    assert [e["body"] for a in answers for e in a["items"]] == [
        "Erste Notiz",
        "Zweite Notiz",
        "Dritte Notiz",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "cursor=x",
        "cursor=",
        "page=2&cursor={good}",
        # a well-formed cursor whose value has the wrong type for the sort key
        "cursor=WzIsMSwxXQ",
    ],
)
def test_a_cursor_that_is_not_one_of_ours_is_400(client, clean_app, world, query):
    with clean_app.app_context():
        create_firm("Suhler Zweitfirma", "16054")
        db.session.commit()
    good = _get(client, "/firms?per_page=1", world["secret"]).get_json()["next_cursor"]
    response = _get(client, "/firms?" + query.format(good=good), world["secret"])
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_parameter"


def test_session_login_does_not_open_the_api(client, clean_app, world, auth):
    from tests.personas import TEST_PASSWORD

    with clean_app.app_context():
        email = db.session.get(User, world["user_id"]).email
    client.post("/anmelden", data={"email": email, "password": TEST_PASSWORD})
    assert _get(client, "/firms").status_code == 401


def test_openapi_document_is_3_1_and_names_every_api_route(client, clean_app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    documented = {f"/api/v1{p}" for p in spec["paths"]}
    routes = {
        rule.rule.replace("<int:", "{").replace(">", "}")
        for rule in clean_app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        and rule.endpoint not in ("api.openapi", "api.reference")
    }
    assert routes == documented
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_reference_page_uses_no_external_assets(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "GET /api/v1/firms/{firm_id}" in page.text
    assert "https://" not in page.text.split("<body", 1)[1].replace("https://www.w3.org", "")


def test_cli_creates_a_token_shown_once_and_revokes_it(clean_app):
    with clean_app.app_context():
        persona = create_persona("coordinator")
    runner = clean_app.test_cli_runner()
    result = runner.invoke(
        args=["api-tokens", "create", "--email", persona.email, "--scope", "firms:read"]
    )
    assert result.exit_code == 0, result.output
    secret = [line for line in result.output.splitlines() if line.startswith("wba_")][0]
    listing = runner.invoke(args=["api-tokens", "list"]).output
    assert secret not in listing
    assert secret[:12] in listing
    bad = runner.invoke(args=["api-tokens", "create", "--email", persona.email, "--scope", "x"])
    assert bad.exit_code != 0
    with clean_app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id).order_by(ApiToken.id.desc()))
    assert runner.invoke(args=["api-tokens", "revoke", str(token_id)]).exit_code == 0
    assert "widerrufen" in runner.invoke(args=["api-tokens", "list"]).output


def test_every_token_route_answers_401_without_a_token(client, clean_app):
    from wbagentur.core.access import access_marker

    checked = 0
    for rule in clean_app.url_map.iter_rules():
        if access_marker(clean_app, rule.endpoint) != "token":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(re.sub(r"<int:[a-z_]+>", "1", rule.rule), method=method)
            assert response.status_code == 401, (method, rule.rule)
            assert response.get_json()["error"]["code"] == "unauthorized"
            checked += 1
    assert checked == 20


def test_persons_in_region_without_special_categories_restricted_or_outside(
    client, clean_app, world
):
    listing = _get(client, "/persons", world["secret"]).get_json()
    assert [p["last_name"] for p in listing["items"]] == ["Suhler"]
    person = _get(client, f"/persons/{world['sw_person']}", world["secret"]).get_json()
    assert person["first_name"] == "Erika"
    assert "severely_disabled" not in person
    assert _get(client, f"/persons/{world['nt_person']}", world["secret"]).status_code == 404
    assert _get(client, f"/persons/{world['restricted']}", world["secret"]).status_code == 404
    assert _get(client, "/persons", world["firms_only"]).status_code == 403
    with clean_app.app_context():
        ingest_reads()
        viewed = set(
            db.session.scalars(
                sa.select(AuditEvent.object_id).where(AuditEvent.action == "person.view")
            )
        )
    assert viewed == {world["sw_person"]}


@pytest.mark.parametrize("path", ["/cases", "/firms", "/persons"])
def test_list_statements_do_not_grow_with_the_items(client, clean_app, world, path):
    """Issue #22: the rows were serialised after the commit that expired them, so each
    item was loaded again (31 statements for 25 items)."""

    def statements() -> int:
        seen: list[str] = []
        with clean_app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            assert _get(client, path, world["secret"]).status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    few = statements()
    with clean_app.app_context():
        firm = create_firm("Zella-Mehliser Werkzeugbau GmbH", "16054")
        for n in range(4):
            create_case(firm=firm)
            make_person("Paul", f"Suhler {n}", "16054")
        db.session.commit()
    assert statements() == few
