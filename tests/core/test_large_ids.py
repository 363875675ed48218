"""Ids beyond the database's integer range give 404 or a form error, never 500
(issue #19 item 4: PostgreSQL from 2³¹, SQLite from 2⁶³)."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from wbagentur.core.ids import MAX_ID, parse_id, parse_page

HUGE = [2**31, 2**63, 10**40]


def _int_get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or not rule.arguments:
            continue
        if all(isinstance(rule._converters[a], IntegerConverter) for a in rule.arguments):
            yield rule


def _url(rule, number: int) -> str:
    return re.sub(r"<[^>]+>", str(number), rule.rule)


@pytest.mark.parametrize("role", ["advisor", "admin"])
def test_every_route_with_an_id_answers_404_for_huge_ids(client, clean_app, auth, make_user, role):
    auth.login(make_user(role, "SW" if role == "advisor" else None))
    rules = list(_int_get_routes(clean_app))
    assert len(rules) > 20
    wrong = []
    for rule in rules:
        for number in HUGE:
            response = client.get(_url(rule, number))
            if response.status_code != 404:
                wrong.append((_url(rule, number), response.status_code))
    assert wrong == []


def test_post_routes_with_huge_ids_answer_404(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    for rule in clean_app.url_map.iter_rules():
        if "POST" in (rule.methods or ()) and "<int:" in rule.rule:
            response = client.post(_url(rule, 2**31), data={"version": "1"})
            assert response.status_code == 404, rule.rule


def test_largest_id_still_matches_the_route(client, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    response = client.get(f"/faelle/{MAX_ID}")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", [str(2**31), "999999999999", "9" * 40, "-1", "0", "1e3", "½"])
def test_case_form_with_huge_client_id_is_no_500(client, auth, make_user, value):
    auth.login(make_user("advisor", "SW"))
    for data in ({"firm_id": value}, {"person_id": value}):
        assert client.post("/faelle/neu", data=data).status_code < 500
    assert client.get(f"/faelle/neu?unternehmen={value}").status_code == 200
    assert client.get(f"/personen/neu?arbeitgeber={value}").status_code == 200


@pytest.mark.parametrize(
    "path", ["/faelle", "/unternehmen", "/personen", "/verwaltung/protokoll", "/weiterleitungen"]
)
def test_huge_page_numbers_are_no_500(client, auth, make_user, path):
    auth.login(
        make_user(
            "admin" if "protokoll" in path else "advisor", None if "protokoll" in path else "SW"
        )
    )
    for page in ("2147483648", "9" * 25, "-5"):
        assert client.get(f"{path}?seite={page}").status_code in (200, 404)


def test_parse_id_and_page():
    assert parse_id("42") == 42
    assert parse_id(str(MAX_ID)) == MAX_ID
    for bad in (str(MAX_ID + 1), "0", "-1", "", "abc", "٣", "9" * 40, " 1 2"):
        with pytest.raises(ValueError):  # noqa: PT011
            parse_id(bad)
    assert parse_page("3") == 3
    assert parse_page("0") == 1
    for bad in ("9" * 7, "-1", "x"):
        with pytest.raises(ValueError):  # noqa: PT011
            parse_page(bad)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_number_the_database_cannot_hold_is_a_400_not_a_500(tmp_path, request, kind):
    """The safety net behind the bounded routes and fields: PostgreSQL's "integer out of
    range" (SQLSTATE 22003) and SQLite's OverflowError answer the German 400 page."""
    import sqlalchemy as sa

    from tests.conftest import app_without_schema, database_url
    from wbagentur.core.access import public
    from wbagentur.extensions import db

    if request.config.getoption("--db") not in ("both", kind):
        pytest.skip(f"--db excludes {kind}")
    app = app_without_schema(database_url(kind, tmp_path, "ids"))

    @app.route("/zahl-test/<path:number>")
    @public
    def _number(number: str):
        value = int(number)
        db.session.execute(sa.select(sa.cast(sa.bindparam("v", value, sa.Integer), sa.Integer)))
        return "ok"

    client = app.test_client()
    assert client.get("/zahl-test/5").status_code == 200
    huge = 2**31 if kind == "postgresql" else 2**63
    response = client.get(f"/zahl-test/{huge}")
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    "amount", ["9" * 40, "9" * 20 + ",00", "99.999.999.999.999.999.999,99", str(2**63)]
)
def test_huge_turnover_is_a_form_error_not_a_500(client, auth, make_user, amount):
    from tests.firms.helpers import firm_form

    auth.login(make_user("advisor", "SW"))
    data = firm_form(turnover=amount, turnover_confirmed="y", balance_sheet=amount)
    response = client.post("/unternehmen/neu", data=data)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "Der Betrag ist zu groß: höchstens" in response.get_data(as_text=True)
