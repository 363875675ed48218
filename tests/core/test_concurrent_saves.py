"""Two saves of one case version at the same moment on PostgreSQL (issue #19 item 5):
the loser gets the conflict page (409), not a 500 from the topics' primary key."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case
from tests.conftest import make_app
from tests.personas import create_persona


def test_save_that_loses_the_race_on_the_topics_is_a_409(own_postgres):
    _name, url, _admin = own_postgres
    app = make_app(url, RATELIMIT_ENABLED=False)
    from wbagentur.accounts.models import User
    from wbagentur.extensions import db

    with app.app_context():
        persona = create_persona("advisor", "SW")
        case = create_case(actor=db.session.get(User, persona.id))
        db.session.commit()
        case_id, version = case.id, case.version
    client = app.test_client()
    client.post("/anmelden", data={"email": persona.email, "password": persona.password})

    # The other save has written the same topic and not yet committed: ours waits on the
    # primary key and fails when the other one commits (exactly the race of the report).
    other = sa.create_engine(url)
    conn = other.connect()
    conn.begin()
    conn.execute(
        sa.text("INSERT INTO case_topics (case_id, topic) VALUES (:c, 'leadership')"),
        {"c": case_id},
    )
    name = sa.make_url(url).database

    def commit_once_ours_waits() -> None:
        # Ours must already wait on the key: a fixed second was not enough on a busy CI
        # machine, ours then ran after the commit and simply replaced the topic.
        with other.connect() as watch:
            for _ in range(200):
                waiting = watch.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = :d AND wait_event_type = 'Lock'"
                    ),
                    {"d": name},
                ).scalar()
                if waiting:
                    break
                watch.rollback()
                threading.Event().wait(0.05)
        conn.commit()

    timer = threading.Thread(target=commit_once_ours_waits)
    timer.start()
    try:
        response = client.post(
            f"/faelle/{case_id}/bearbeiten",
            data={
                "title": "Neuer Titel",
                "priority": "high",
                "topics": ["digital", "leadership"],
                "version": str(version),
            },
        )
    finally:
        timer.join()
        conn.close()
        other.dispose()
    assert response.status_code == 409
    assert "gleichzeitig geändert" in response.get_data(as_text=True)
    with app.app_context():
        # nothing of the losing save was kept
        assert db.session.get(type(case), case_id).title == "Qualifizierung CNC"
        db.engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_unexpected_unique_violation_is_a_409_page(tmp_path, request, kind):
    """Safety net for views without their own conflict page: a key collision from a
    concurrent request answers the German 409 page, not 500."""
    from tests.conftest import app_without_schema, database_url
    from wbagentur.core.access import public
    from wbagentur.extensions import db

    if request.config.getoption("--db") not in ("both", kind):
        pytest.skip(f"--db excludes {kind}")
    app = app_without_schema(database_url(kind, tmp_path, "unique"))
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE twice (id INTEGER PRIMARY KEY)"))
        db.engine.dispose()

    @app.route("/doppelt-test", methods=["POST"])
    @public
    def _twice():
        db.session.execute(sa.text("INSERT INTO twice (id) VALUES (1)"))
        db.session.commit()
        return "ok"

    client = app.test_client()
    assert client.post("/doppelt-test").status_code == 200
    response = client.post("/doppelt-test")
    assert response.status_code == 409
    assert "Änderungskonflikt" in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
