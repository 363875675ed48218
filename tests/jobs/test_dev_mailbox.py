"""After one worker tick, the confirmation mail of a public request is in the development
mailbox (/dev/postfach and an .eml file); the page is for staff, in development only."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from wbagentur.cases.models import Case
from wbagentur.extensions import db
from wbagentur.jobs import services


@pytest.fixture
def mailbox(clean_app, tmp_path, monkeypatch):
    monkeypatch.setitem(clean_app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(clean_app.config, "MAIL_FILE_DIR", str(tmp_path / "postfach"))
    return tmp_path / "postfach"


def test_public_request_confirmation_is_in_the_mailbox_after_one_tick(
    client, clean_app, form_data, make_user, auth, mailbox
):
    assert client.post("/beratung-anfragen", data=form_data()).status_code == 303
    with clean_app.app_context():
        reference = db.session.scalar(sa.select(Case.reference))
    auth.login(make_user("advisor", "SW"))
    before = client.get("/dev/postfach")
    assert before.status_code == 200
    assert "Noch keine E-Mail versendet" in before.text

    with clean_app.app_context():
        assert services.run_due_jobs("test-worker")["mail.send"] == "gesendet 1, fehlgeschlagen 0"

    files = list(mailbox.glob("*.eml"))
    assert len(files) == 1
    assert "erika.mueller@mueller-praezision.example" in files[0].read_text()
    page = client.get("/dev/postfach")
    assert "erika.mueller@mueller-praezision.example" in page.text
    link = re.search(r'href="(/dev/postfach/[^"]+)"', page.text)
    assert link is not None
    message = client.get(link.group(1))
    assert message.status_code == 200
    assert reference in message.text


def test_mailbox_needs_a_signed_in_staff_member(client, mailbox):
    response = client.get("/dev/postfach")
    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]


@pytest.mark.parametrize("setting", [("ENV_NAME", "production"), ("MAIL_BACKEND", "smtp")])
def test_mailbox_is_not_there_outside_development(
    client, clean_app, make_user, auth, mailbox, monkeypatch, setting
):
    auth.login(make_user("admin"))
    monkeypatch.setitem(clean_app.config, *setting)
    assert client.get("/dev/postfach").status_code == 404


@pytest.mark.parametrize(
    "name", ["..%2Fsecret_key", "20261201T090000-x.txt", "nichtda.eml", "20261201T090000-fehlt.eml"]
)
def test_mailbox_message_outside_the_folder_is_404(client, make_user, auth, mailbox, name):
    auth.login(make_user("advisor", "SW"))
    assert client.get(f"/dev/postfach/{name}").status_code == 404
