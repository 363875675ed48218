"""A single-value form key sent twice is refused with 400 instead of silently taking one
copy (issue #19 item 9); multi-value fields (checkbox groups) may repeat."""

from __future__ import annotations

import re

import sqlalchemy as sa

from wbagentur.cases.models import TimelineEntry
from wbagentur.extensions import db


def _form(pairs):
    from urllib.parse import urlencode

    return {"data": urlencode(pairs), "content_type": "application/x-www-form-urlencoded"}


def test_login_with_two_email_fields_is_400(client, make_user):
    persona = make_user("advisor", "SW")
    response = client.post(
        "/anmelden",
        **_form(
            [("email", "x@test.example"), ("email", persona.email), ("password", persona.password)]
        ),
    )
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)
    assert client.get("/faelle").status_code == 302  # not signed in


def test_language_switch_with_two_values_is_400(client):
    response = client.post("/sprache", **_form([("lang", "de"), ("lang", "en"), ("next", "/")]))
    assert response.status_code == 400


def test_note_with_two_bodies_is_400_and_stores_nothing(client, auth, make_user, make_case):
    auth.login(make_user("advisor", "SW"))
    case_id = make_case()
    response = client.post(
        f"/faelle/{case_id}/notizen", **_form([("body", "harmlos"), ("body", "anders")])
    )
    assert response.status_code == 400
    with client.application.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(TimelineEntry.id)).where(TimelineEntry.kind == "note")
            )
            == 0
        )


def test_checkbox_group_may_repeat_its_key(client, auth, make_user, make_case):
    auth.login(make_user("advisor", "SW"))
    case_id = make_case()
    page = client.get(f"/faelle/{case_id}/bearbeiten").get_data(as_text=True)

    version = re.search(r'name="version" type="hidden" value="(\d+)"', page) or re.search(
        r'name="version" value="(\d+)"', page
    )
    response = client.post(
        f"/faelle/{case_id}/bearbeiten",
        **_form(
            [
                ("title", "Neu"),
                ("priority", "high"),
                ("topics", "digital"),
                ("topics", "leadership"),
                ("version", version.group(1)),
            ]
        ),
    )
    assert response.status_code == 302


def test_two_versions_are_400(client, auth, make_user, make_case):
    auth.login(make_user("advisor", "SW"))
    case_id = make_case()
    response = client.post(
        f"/faelle/{case_id}/bearbeiten",
        **_form(
            [
                ("title", "Neu"),
                ("priority", "high"),
                ("topics", "digital"),
                ("version", "1"),
                ("version", "2"),
            ]
        ),
    )
    assert response.status_code == 400
