"""Bad input on the firm and contact forms: 200, a German message, no new row."""

import pytest
import sqlalchemy as sa

from tests.firms.helpers import firm_form
from tests.helpers import html_page, text_of
from wbagentur.extensions import db
from wbagentur.firms.models import Firm, FirmContact


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Bitte geben Sie den Namen des Unternehmens ein."),
        ({"name": "x" * 161}, "Der Name darf höchstens 160 Zeichen lang sein."),
        ({"name": "Firma\x00GmbH"}, "Bitte keine Steuerzeichen verwenden."),
        ({"name": "Firma\u202eGmbH"}, "Bitte keine Steuerzeichen verwenden."),
        ({"legal_form": "Limited"}, "Bitte wählen Sie einen Eintrag aus der Liste."),
        ({"register_number": "HRX 12"}, "Bitte geben Sie die Registernummer wie HRB 12345 an"),
        ({"register_number": "12345"}, "Bitte geben Sie die Registernummer wie HRB 12345 an"),
        ({"wz_code": "04"}, "Bitte wählen Sie einen Eintrag aus der Liste."),
        ({"street": "s" * 121}, "Die Straße darf höchstens 120 Zeichen lang sein."),
        ({"postcode": "9852"}, "Bitte geben Sie eine fünfstellige Postleitzahl ein, z. B. 98527."),
        ({"postcode": "98527a"}, "Bitte geben Sie eine fünfstellige Postleitzahl ein"),
        ({"city": "Suhl\x07"}, "Bitte keine Steuerzeichen verwenden."),
        ({"district_key": ""}, "Bitte wählen Sie den Landkreis oder die kreisfreie Stadt."),
        ({"district_key": "99999"}, "Bitte wählen Sie einen Eintrag aus der Liste."),
        ({"district_key": "16051"}, "Bitte wählen Sie einen Kreis Ihrer Planungsregion."),
        ({"email": "keine-adresse"}, "Bitte geben Sie eine gültige E-Mail-Adresse ein"),
        ({"phone": "1" * 41}, "Die Telefonnummer ist zu lang."),
        ({"staff_over_30h": "-1"}, "Bitte geben Sie eine Zahl ab 0 ein."),
        (
            {"staff_up_to_30h": "drei"},
            "Bitte geben Sie die Anzahl als ganze Zahl ein (0 oder mehr).",
        ),
        (
            {"staff_up_to_10h": "2,5"},
            "Bitte geben Sie die Anzahl als ganze Zahl ein (0 oder mehr).",
        ),
        ({"group_headcount": "-5"}, "Bitte geben Sie eine Zahl ab 0 ein."),
        ({"turnover": "viel"}, "Bitte geben Sie einen Betrag in Euro ein"),
        ({"balance_sheet": "-100"}, "Bitte geben Sie einen Betrag ab 0 Euro ein."),
    ],
)
def test_firm_form_bad_input_german_message_no_row(
    client, clean_app, auth, make_user, changes, message
):
    auth.login(make_user("advisor", "SW"))
    response = client.post("/unternehmen/neu", data=firm_form(**changes))
    assert response.status_code == 200
    page = html_page(response)
    assert message in text_of(page)
    assert "\x00" not in response.get_data(as_text=True)
    assert "\u202e" not in response.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Firm.id))) == 0


def test_firm_form_max_length_name_is_stored(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    response = client.post("/unternehmen/neu", data=firm_form(name="x" * 160))
    assert response.status_code == 302
    with clean_app.app_context():
        assert db.session.scalar(sa.select(Firm.name)) == "x" * 160


def test_firm_form_ignores_extra_fields(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    response = client.post(
        "/unternehmen/neu",
        data=firm_form(id="999", version="7", name_search="hack", email_domain="evil.example"),
    )
    assert response.status_code == 302
    with clean_app.app_context():
        firm = db.session.scalar(sa.select(Firm))
        assert firm.id != 999
        assert firm.version == 1
        assert firm.name_search == "koehler praezisionsteile gmbh"
        assert firm.email_domain == "koehler-praezision.example"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Bitte geben Sie den Namen der Ansprechperson ein."),
        ({"name": "n" * 101}, "Der Name darf höchstens 100 Zeichen lang sein."),
        ({"name": "A\x01B"}, "Bitte keine Steuerzeichen verwenden."),
        (
            {"name": "Anna", "function": "f" * 81},
            "Die Funktion darf höchstens 80 Zeichen lang sein.",
        ),
        ({"name": "Anna", "email": "anna@"}, "Bitte geben Sie eine gültige E-Mail-Adresse ein"),
        ({"name": "Anna", "phone": "0" * 41}, "Die Telefonnummer ist zu lang."),
    ],
)
def test_contact_form_bad_input_german_message_no_row(
    client, clean_app, auth, make_user, firm_factory, data, message
):
    firm_id = firm_factory()
    auth.login(make_user("advisor", "SW"))
    response = client.post(f"/unternehmen/{firm_id}/kontakte/neu", data=data)
    assert response.status_code == 200
    assert message in text_of(html_page(response))
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FirmContact.id))) == 0
