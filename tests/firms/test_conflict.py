"""Lost-update protection: two people edit the same firm."""

from tests.figures import backend_of, record_figure
from tests.firms.helpers import firm_form
from tests.helpers import html_page, text_of
from tests.personas import Auth
from wbagentur.extensions import db
from wbagentur.firms.models import Firm


def test_second_save_of_same_version_gets_409_with_both_values(clean_app, make_user, firm_factory):
    firm_id = firm_factory(name="Alpha Metall GmbH", city="Suhl")
    first, second = clean_app.test_client(), clean_app.test_client()
    Auth(first).login(make_user("advisor", "SW"))
    Auth(second).login(make_user("supervisor", "SW"))
    for client in (first, second):
        assert 'name="version" type="hidden" value="1"' in client.get(
            f"/unternehmen/{firm_id}/bearbeiten"
        ).get_data(as_text=True)
    saved = first.post(
        f"/unternehmen/{firm_id}/bearbeiten",
        data=firm_form(name="Alpha Metall GmbH", city="Zella-Mehlis", version="1"),
    )
    assert saved.status_code == 302
    lost = second.post(
        f"/unternehmen/{firm_id}/bearbeiten",
        data=firm_form(name="Alpha Metall GmbH", city="Oberhof", version="1"),
    )
    assert lost.status_code == 409
    body = text_of(html_page(lost))
    assert "Änderungskonflikt" in body
    assert "Oberhof" in body
    assert "Zella-Mehlis" in body
    with clean_app.app_context():
        firm = db.session.get(Firm, firm_id)
        overwrites = int(firm.city != "Zella-Mehlis")
        successes = [saved.status_code, lost.status_code].count(302)
        record_figure(
            "robust.lost_updates",
            f"Erfolge {successes}, stille Überschreibungen {overwrites}",
            target="Erfolge 1, Überschreibungen 0",
            ok=successes == 1 and overwrites == 0,
            db=backend_of(clean_app),
        )
        assert firm.city == "Zella-Mehlis"
        assert firm.version == 2


def test_tampered_version_is_400(client, auth, make_user, firm_factory):
    firm_id = firm_factory()
    auth.login(make_user("advisor", "SW"))
    response = client.post(f"/unternehmen/{firm_id}/bearbeiten", data=firm_form(version="eins"))
    assert response.status_code == 400
