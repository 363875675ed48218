"""Lost-update protection: two people edit the same person."""

from tests.helpers import html_page, text_of
from tests.personas import Auth
from wbagentur.extensions import db
from wbagentur.persons.models import Person


def test_second_save_of_same_version_gets_409_with_both_values(
    clean_app, make_user, person_factory, pform
):
    person_id = person_factory()
    first, second = clean_app.test_client(), clean_app.test_client()
    Auth(first).login(make_user("advisor", "SW"))
    Auth(second).login(make_user("advisor", "SW"))
    for client in (first, second):
        assert 'name="version" type="hidden" value="1"' in client.get(
            f"/personen/{person_id}/bearbeiten"
        ).get_data(as_text=True)
    assert (
        first.post(
            f"/personen/{person_id}/bearbeiten", data=pform(phone="0361 111", version="1")
        ).status_code
        == 302
    )
    lost = second.post(
        f"/personen/{person_id}/bearbeiten", data=pform(phone="0361 999", version="1")
    )
    assert lost.status_code == 409
    body = text_of(html_page(lost))
    assert "Änderungskonflikt" in body
    assert "0361 111" in body
    assert "0361 999" in body
    with clean_app.app_context():
        person = db.session.get(Person, person_id)
        assert person.phone == "0361 111"
        assert person.version == 2
