"""A double submit of the person form creates one row and redirects to it."""

import sqlalchemy as sa

from wbagentur.extensions import db
from wbagentur.persons.models import Person


def _token(response):
    text = response.get_data(as_text=True)
    marker = 'name="submission_token" type="hidden" value="'
    start = text.index(marker) + len(marker)
    return text[start : text.index('"', start)]


def test_double_submit_creates_one_person(client, clean_app, auth, make_user, pform):
    auth.login(make_user("advisor", "SW"))
    token = _token(client.get("/personen/neu"))
    first = client.post("/personen/neu", data=pform(submission_token=token))
    second = client.post("/personen/neu", data=pform(submission_token=token))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 1
