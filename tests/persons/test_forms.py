"""Bad input on the person and consent forms: 200, a German message, no new row."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import html_page, text_of
from wbagentur.extensions import db
from wbagentur.persons.models import Consent, Person

TOMORROW = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"first_name": ""}, "Bitte geben Sie den Vornamen ein."),
        ({"last_name": ""}, "Bitte geben Sie den Nachnamen ein."),
        ({"last_name": "x" * 81}, "Der Nachname darf höchstens 80 Zeichen lang sein."),
        ({"first_name": "An\x00na"}, "Bitte keine Steuerzeichen verwenden."),
        ({"email": "anna@"}, "Bitte geben Sie eine gültige E-Mail-Adresse ein"),
        ({"phone": "1" * 41}, "Die Telefonnummer ist zu lang."),
        ({"birth_date": "31.02.1980"}, "Bitte geben Sie ein gültiges Datum ein"),
        ({"birth_date": TOMORROW}, "Das Geburtsdatum darf nicht in der Zukunft liegen."),
        ({"birth_date": "1919-12-31"}, "es liegt vor 1920"),
        ({"gender": "x"}, "Bitte wählen Sie einen Eintrag aus der Liste."),
        ({"employment_status": "boss"}, "Bitte wählen Sie einen Eintrag aus der Liste."),
        ({"employer_id": "abc"}, "Bitte wählen Sie einen Eintrag aus der Liste."),
        ({"weekly_hours": "81"}, "Bitte geben Sie 0 bis 80 Stunden ein."),
        ({"weekly_hours": "-1"}, "Bitte geben Sie 0 bis 80 Stunden ein."),
        ({"weekly_hours": "viel"}, "Bitte geben Sie die Stunden als Zahl ein"),
        ({"working_days_per_week": "0"}, "Bitte geben Sie 1 bis 7 Tage ein."),
        ({"working_days_per_week": "8"}, "Bitte geben Sie 1 bis 7 Tage ein."),
        ({"working_days_per_week": "fünf"}, "Bitte geben Sie die Arbeitstage als ganze Zahl"),
        ({"employed_since": TOMORROW}, "Das Beschäftigungsdatum darf nicht in der Zukunft liegen."),
        (
            {"employed_since": "1980-01-01"},
            "Die Beschäftigung kann nicht vor der Geburt begonnen haben.",
        ),
        ({"qualification": "phd"}, "Bitte wählen Sie einen Eintrag aus der Liste."),
        ({"qualification_year": "1990"}, "Das Abschlussjahr kann frühestens 1999 sein"),
        ({"qualification_year": "2999"}, "Das Abschlussjahr darf nicht in der Zukunft liegen."),
        ({"qualification_year": "zwanzig"}, "Bitte geben Sie das Jahr vierstellig ein"),
        ({"isced_level": "isced_9"}, "Bitte wählen Sie einen Eintrag aus der Liste."),
        ({"residence_district_id": "9999"}, "Bitte wählen Sie einen Eintrag aus der Liste."),
        ({"severely_disabled": "vielleicht"}, "Bitte wählen Sie einen Eintrag aus der Liste."),
        (
            {"severely_disabled": "ja"},
            "nur mit ausdrücklicher Einwilligung der Person gespeichert werden",
        ),
        ({"residence_district_id": "0"}, "sonst wäre die Person für Sie nicht mehr auffindbar"),
    ],
)
def test_person_form_bad_input_german_message_no_row(
    client, clean_app, auth, make_user, pform, changes, message
):
    auth.login(make_user("advisor", "SW"))
    response = client.post("/personen/neu", data=pform(**changes))
    assert response.status_code == 200
    assert message in text_of(html_page(response))
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Consent.id))) == 0


def test_person_form_max_length_names_stored(client, clean_app, auth, make_user, pform):
    auth.login(make_user("advisor", "SW"))
    response = client.post("/personen/neu", data=pform(first_name="v" * 80, last_name="n" * 80))
    assert response.status_code == 302
    with clean_app.app_context():
        assert db.session.scalar(sa.select(Person.last_name)) == "n" * 80


def test_person_form_accepts_german_date_typing(client, clean_app, auth, make_user, pform):
    auth.login(make_user("advisor", "SW"))
    assert client.post("/personen/neu", data=pform(birth_date="12.04.1985")).status_code == 302
    with clean_app.app_context():
        assert db.session.scalar(sa.select(Person.birth_date)) == date(1985, 4, 12)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"purpose": "share_partner", "recipient": ""}, "an welche Partnerstelle"),
        ({"purpose": "special_categories"}, "Bitte wählen Sie einen Eintrag aus der Liste."),
        # The field's old example as free text: recipients come from the directory only.
        (
            {"purpose": "share_partner", "recipient": "Agentur für Arbeit Suhl"},
            "Bitte wählen Sie einen Eintrag aus der Liste.",
        ),
        ({"purpose": "share_partner", "recipient": "kind:nix"}, "aus der Liste"),
        ({"purpose": "share_partner", "recipient": "partner:999999"}, "aus der Liste"),
    ],
)
def test_consent_form_bad_input_flashes_german_message(
    client, clean_app, auth, make_user, person_factory, data, message
):
    person_id = person_factory()
    auth.login(make_user("advisor", "SW"))
    response = client.post(
        f"/personen/{person_id}/einwilligungen", data=data, follow_redirects=True
    )
    assert message in text_of(html_page(response))
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Consent.id))) == 0
