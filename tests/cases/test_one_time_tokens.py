"""Note, contact and follow-up forms carry a one-time token (issue #19 item 8): the same
form sent twice, or ten times at once, saves one entry."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import time_machine

from tests.cases.conftest import create_case
from tests.conftest import make_app
from tests.core.conftest import own_postgres  # noqa: F401  (fixture)
from tests.personas import create_persona
from wbagentur.cases.models import FollowUp, TimelineEntry
from wbagentur.extensions import db

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
FORMS = {
    "notizen": ({"body": "Bedarf: CNC-Schulung"}, "note"),
    "kontakte": ({"channel": "phone", "on_date": "2026-11-24", "summary": "Telefonat"}, "contact"),
    "wiedervorlagen": ({"title": "Angebot prüfen", "due_date": "2027-01-05"}, "follow_up"),
}


def _tokens(page: str) -> list[str]:
    return re.findall(r'name="submission_token" value="([^"]*)"', page)


def _count(kind: str) -> int:
    if kind == "follow_up":
        return db.session.scalar(sa.select(sa.func.count(FollowUp.id)))
    return db.session.scalar(
        sa.select(sa.func.count(TimelineEntry.id)).where(TimelineEntry.kind == kind)
    )


@pytest.mark.parametrize("path", list(FORMS))
def test_same_form_sent_twice_saves_once(client, clean_app, make_user, auth, make_case, path):
    with time_machine.travel(NOW, tick=False):
        advisor_sw = make_user("advisor", "SW")
        auth.login(advisor_sw)
        case_id = make_case()
        page = client.get(f"/faelle/{case_id}").get_data(as_text=True)
        tokens = _tokens(page)
        assert len(tokens) == 4  # new employees, follow-up, contact, note
        assert len(set(tokens)) == 4  # each form its own token
        data, kind = FORMS[path]
        data = {**data, "for_user_id": advisor_sw.id, "submission_token": tokens[0]}
        first = client.post(f"/faelle/{case_id}/{path}", data=data)
        second = client.post(f"/faelle/{case_id}/{path}", data=data)
        assert first.status_code == second.status_code == 302
        assert first.headers["Location"] == second.headers["Location"]
        with clean_app.app_context():
            assert _count(kind) == 1
        # A fresh page gives fresh tokens: the next note is saved again.
        fresh = _tokens(client.get(f"/faelle/{case_id}").get_data(as_text=True))[0]
        assert fresh != tokens[0]
        client.post(f"/faelle/{case_id}/{path}", data={**data, "submission_token": fresh})
        with clean_app.app_context():
            assert _count(kind) == 2


@pytest.mark.parametrize("token", ["kurz", "x" * 65, "../../etc", "a b c d e f g h i j k l m"])
def test_malformed_token_is_400(client, make_user, auth, make_case, token):
    auth.login(make_user("advisor", "SW"))
    case_id = make_case()
    response = client.post(
        f"/faelle/{case_id}/notizen", data={"body": "Notiz", "submission_token": token}
    )
    assert response.status_code == 400


@pytest.fixture(params=["sqlite", "postgresql"])
def own_app(request, tmp_path):
    if request.config.getoption("--db") not in ("both", request.param):
        pytest.skip(f"--db excludes {request.param}")
    if request.param == "postgresql":
        url = request.getfixturevalue("own_postgres")[1]
    else:
        url = f"sqlite:///{tmp_path}/tokens.sqlite"
    app = make_app(url, RATELIMIT_ENABLED=False)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_ten_parallel_posts_of_one_note_form_save_one_note(own_app):
    from wbagentur.accounts.models import User

    with own_app.app_context():
        # Ten advisors of the region (one user keeps at most three sessions).
        personas = [create_persona("advisor", "SW") for _ in range(10)]
        case_id = create_case(actor=db.session.get(User, personas[0].id)).id
        db.session.commit()
    clients = []
    for persona in personas:
        client = own_app.test_client()
        client.post("/anmelden", data={"email": persona.email, "password": persona.password})
        clients.append(client)
    page = clients[0].get(f"/faelle/{case_id}")
    assert page.status_code == 200, page.headers.get("Location")
    token = _tokens(page.get_data(as_text=True))[2]
    data = {"body": "Nur einmal", "submission_token": token}
    barrier = threading.Barrier(10)
    statuses: list[int] = []

    def post(client) -> None:
        barrier.wait()
        statuses.append(client.post(f"/faelle/{case_id}/notizen", data=data).status_code)

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with own_app.app_context():
        notes = db.session.scalars(
            sa.select(TimelineEntry.body).where(TimelineEntry.kind == "note")
        ).all()
    assert statuses == [302] * 10
    assert notes == ["Nur einmal"]
