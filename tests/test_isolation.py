"""The isolation recipe itself: a committed row is gone in the next test."""

import sqlalchemy as sa

from tests.personas import create_persona


def _count_users(app):
    from wbagentur.accounts.models import User
    from wbagentur.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_isolation_commit_is_visible_inside_the_test(clean_app):
    with clean_app.app_context():
        create_persona("coordinator", email="isolation@test.example")
    assert _count_users(clean_app) == 1


def test_isolation_commit_of_previous_test_is_gone(clean_app):
    assert _count_users(clean_app) == 0
