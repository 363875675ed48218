"""Double submits of the create forms create one row and redirect to it."""

import sqlalchemy as sa

from tests.figures import backend_of, record_figure
from tests.firms.helpers import firm_form
from wbagentur.extensions import db
from wbagentur.firms.models import Firm, FirmContact


def _token(response):
    text = response.get_data(as_text=True)
    marker = 'name="submission_token" type="hidden" value="'
    start = text.index(marker) + len(marker)
    return text[start : text.index('"', start)]


def test_double_submit_creates_one_firm(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    token = _token(client.get("/unternehmen/neu"))
    first = client.post("/unternehmen/neu", data=firm_form(submission_token=token))
    second = client.post("/unternehmen/neu", data=firm_form(submission_token=token))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    for _ in range(8):  # ten submits of the same form in all
        client.post("/unternehmen/neu", data=firm_form(submission_token=token))
    with clean_app.app_context():
        firms = db.session.scalar(sa.select(sa.func.count(Firm.id)))
    record_figure(
        "robust.duplicates",
        firms - 1,
        target="0",
        ok=firms == 1,
        db=backend_of(clean_app),
        detail="10 Absendungen mit demselben Token, nacheinander",
    )
    assert firms == 1


def test_fresh_tokens_create_separate_firms(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    for name in ("Erste GmbH", "Zweite AG"):
        token = _token(client.get("/unternehmen/neu"))
        assert (
            client.post(
                "/unternehmen/neu",
                data=firm_form(name=name, register_number="", email="", submission_token=token),
            ).status_code
            == 302
        )
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Firm.id))) == 2


def test_double_submit_creates_one_contact(client, clean_app, auth, make_user, firm_factory):
    firm_id = firm_factory()
    auth.login(make_user("advisor", "SW"))
    token = _token(client.get(f"/unternehmen/{firm_id}/kontakte/neu"))
    for _ in range(2):
        response = client.post(
            f"/unternehmen/{firm_id}/kontakte/neu",
            data={"name": "Jörg Köhler", "submission_token": token},
        )
        assert response.status_code == 302
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FirmContact.id))) == 1
