"""The admin's audit search and the breach-readiness query (DP-11)."""

from datetime import timedelta

import sqlalchemy as sa

from tests.helpers import html_page, text_of
from wbagentur.auditlog.queries import objects_accessed_by
from wbagentur.core import audit
from wbagentur.core.models import utcnow
from wbagentur.extensions import db


def test_admin_filters_audit_entries_by_actor_and_action(client, auth, make_user, clean_app):
    admin = make_user("admin")
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        audit.record(
            type("A", (), {"id": advisor.id, "role": "advisor"})(), "case.view", "case", 41
        )
        audit.record(
            type("A", (), {"id": advisor.id, "role": "advisor"})(), "case.note", "case", 41
        )
        audit.record(None, "login.failure", "user", None)
        db.session.commit()
    auth.login(admin)
    page = html_page(
        client.get(
            "/verwaltung/protokoll", query_string={"actor_id": advisor.id, "action": "case."}
        )
    )
    text = text_of(page)
    assert "case.view" in text
    assert "case.note" in text
    assert "login.failure" not in text
    assert "2 Einträge" in text
    assert client.get("/verwaltung/protokoll", query_string={"object_id": "-3"}).status_code == 200


def test_audit_page_is_admin_only(client, auth, make_user):
    auth.login(make_user("coordinator"))
    assert client.get("/verwaltung/protokoll").status_code == 403


def test_objects_accessed_by_returns_exactly_the_viewed_objects_in_the_period(clean_app):
    with clean_app.app_context():
        actor = type("A", (), {"id": 7, "role": "advisor"})()
        other = type("A", (), {"id": 8, "role": "advisor"})()
        audit.record(actor, "case.view", "case", 1)
        audit.record(actor, "person.view", "person", 5)
        audit.record(actor, "case.view", "case", 1)
        audit.record(actor, "case.note", "case", 2)  # a change, not a read
        audit.record(other, "case.view", "case", 3)
        db.session.commit()
        now = utcnow()
        rows = db.session.execute(
            objects_accessed_by(7, now - timedelta(hours=1), now + timedelta(hours=1))
        ).all()
        assert [tuple(r) for r in rows] == [("case", 1), ("person", 5)]
        assert (
            db.session.execute(
                objects_accessed_by(7, now + timedelta(hours=1), now + timedelta(hours=2))
            ).all()
            == []
        )
        assert sa is not None
