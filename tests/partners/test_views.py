"""The partner directory through HTTP: administrators add, edit and deactivate partners;
other staff only read it."""

import sqlalchemy as sa

from tests.helpers import html_page, text_of
from wbagentur.extensions import db
from wbagentur.partners.models import Partner


def _count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_partner_directory_admin_create_edit_deactivate(client, auth, make_user, clean_app):
    auth.login(make_user("admin"))
    html_page(client.get("/partner"))
    html_page(client.get("/partner/neu"))
    bad = client.post(
        "/partner/neu",
        data={"code": "Neu X", "name": "", "kind": "vhs", "email": "nope", "answer_days": "0"},
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert "Bitte nur Kleinbuchstaben" in text
    assert "Bitte geben Sie den Namen ein." in text
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein." in text
    assert "Bitte geben Sie 1 bis 60 Arbeitstage an." in text
    bad_region = client.post(
        "/partner/neu",
        data={
            "code": "wba_x",
            "name": "X",
            "kind": "wba_contact_point",
            "email": "a@b.example",
            "answer_days": "5",
            "region_id": 0,
        },
    )
    assert "Bitte wählen Sie eine Region" in bad_region.get_data(as_text=True)
    before = _count(clean_app, Partner)
    ok = client.post(
        "/partner/neu",
        data={
            "code": "vhs_gotha",
            "name": "VHS Gotha",
            "kind": "vhs",
            "email": "vhs@gotha.example",
            "answer_days": "7",
            "region_id": 0,
            "district_ids": [_district(clean_app, "16067")],
            "submission_token": "partner-form-token-0001",
        },
    )
    assert ok.status_code == 302
    assert _count(clean_app, Partner) == before + 1
    pid = int(ok.headers["Location"].rsplit("/", 1)[1])
    # Administrators see the directory entry but no client data (no referral history).
    detail = html_page(client.get(f"/partner/{pid}"))
    assert "VHS Gotha" in text_of(detail)
    assert "Weiterleitungen an diese Stelle" not in text_of(detail)
    edit = dict(
        name="VHS Gotha e. V.",
        kind="vhs",
        email="vhs@gotha.example",
        answer_days="8",
        region_id=0,
        version=1,
    )
    assert client.post(f"/partner/{pid}/bearbeiten", data=edit).status_code == 302
    stale = client.post(f"/partner/{pid}/bearbeiten", data=dict(edit, name="Alt"))
    assert stale.status_code == 409
    assert "VHS Gotha e. V." in stale.get_data(as_text=True)
    with clean_app.app_context():
        version = db.session.get(Partner, pid).version
    assert (
        client.post(f"/partner/{pid}/aktiv", data={"active": "0", "version": version}).status_code
        == 302
    )
    with clean_app.app_context():
        assert db.session.get(Partner, pid).is_active is False


def test_partner_directory_forbidden_routes(client, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    assert client.get("/partner").status_code == 200
    assert client.get("/partner/neu").status_code == 403
    assert client.post("/partner/1/aktiv", data={"active": "0"}).status_code == 403


def _district(app, key):
    from wbagentur.regions.models import District

    with app.app_context():
        return db.session.scalar(sa.select(District.id).where(District.key == key))
