"""Public Förderkompass, anonymous quick check and the JSON endpoint."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.funding.helpers import EX1, EX3, EX6, EX8
from tests.helpers import html_page, text_of
from wbagentur.core.audit import AuditEvent
from wbagentur.extensions import db
from wbagentur.funding.engine import evaluate_document
from wbagentur.funding.models import FundingCheck

GOOD = {
    "staff_over_30h": "22",
    "staff_up_to_30h": "6",
    "staff_up_to_20h": "4",
    "staff_up_to_10h": "3",
    "district_key": "16068",
    "birth_date": "15.06.1988",
    "employment_status": "employed",
    "has_qualification": "yes",
    "qualification_year": "2012",
    "income_band": "30000",
    "course_title": "CNC-Fachkraft",
    "hours": "480",
    "hours_unit": "clock_hours",
    "course_fees": "6.000",
    "gross_wage": "8.333,33",
    "start_date": "11.01.2027",
    "goal": "other",
    "azav": "yes",
}


def _counts(app):
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count(FundingCheck.id))),
            db.session.scalar(sa.select(sa.func.count(AuditEvent.id))),
        )


def test_kompass_lists_programmes_without_login(client):
    response = client.get("/foerderkompass")
    assert response.status_code == 200
    text = text_of(html_page(response))
    for title in (
        "Beschäftigtenqualifizierung (§ 82 SGB III)",
        "Aufstiegs-BAföG (AFBG)",
        "Bildungsfreistellung (ThürBfG)",
        "ESF Plus Weiterbildungsscheck Thüringen",
    ):
        assert title in text
    assert "Agentur für Arbeit" in text
    assert "offen" in text


def test_kompass_programme_page_shows_details_and_unverified_badge(client):
    response = client.get("/foerderkompass/sgb3-82")
    assert response.status_code == 200
    text = text_of(html_page(response))
    assert "Wer entscheidet" in text
    # The public page names the version by its date, never by its key (issue #15).
    assert "seit 01.04.2024" in text
    assert "sgb3_82@2024-04-01" not in text
    assert "ungeprüft" in text
    assert 'href="https://www.gesetze-im-internet.de/sgb_3/__82.html"' in response.get_data(
        as_text=True
    )


def test_kompass_programme_unknown_code_is_404(client):
    assert client.get("/foerderkompass/gibt-es-nicht").status_code == 404


def test_quick_check_form_renders_without_login(client):
    response = client.get("/foerderkompass/schnellcheck")
    assert response.status_code == 200
    text = text_of(html_page(response))
    assert "Geburtsdatum" in text
    assert "Lehrgangsgebühren in Euro" in text


def test_quick_check_valid_input_shows_every_programme_and_stores_nothing(client, clean_app):
    before = _counts(clean_app)
    response = client.post("/foerderkompass/schnellcheck", data=GOOD)
    assert response.status_code == 200
    text = text_of(html_page(response))
    assert "Beschäftigtenqualifizierung (§ 82 SGB III)" in text
    assert text.count("Entscheidet:") == 7
    assert "13.500,00\xa0€" in text  # 6.000 € LK + 75 % of 8.333,33 € × 1,2
    assert "§ 82 Abs. 1 Nr. 4 SGB III" in text
    assert "förderfähig" in text
    assert "10.01.2027" in text  # apply before start
    assert _counts(clean_app) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("staff_over_30h", "viele", "Bitte geben Sie eine ganze Zahl zwischen 0 und 100.000 ein."),
        ("staff_up_to_10h", "-3", "Bitte geben Sie eine ganze Zahl zwischen 0 und 100.000 ein."),
        ("staff_up_to_20h", "2,5", "Bitte geben Sie eine ganze Zahl zwischen 0 und 100.000 ein."),
        ("headcount", "x", "Bitte geben Sie eine Zahl zwischen 0 und 100.000 ein"),
        ("district_key", "99999", "Bitte wählen Sie einen Eintrag aus der Liste."),
        ("birth_date", "1988-13-45", "Bitte geben Sie das Geburtsdatum als TT.MM.JJJJ ein"),
        ("birth_date", "01.01.2999", "Bitte geben Sie das Geburtsdatum als TT.MM.JJJJ ein"),
        ("employment_status", "rentner", "Bitte wählen Sie einen Eintrag aus der Liste."),
        ("has_qualification", "vielleicht", "Bitte wählen Sie einen Eintrag aus der Liste."),
        ("qualification_year", "2099", "Bitte geben Sie ein Jahr zwischen 1940"),
        ("qualification_year", "zwanzig", "Bitte geben Sie ein Jahr zwischen 1940"),
        ("income_band", "12345", "Bitte wählen Sie einen Eintrag aus der Liste."),
        ("course_title", "x" * 161, "Der Titel darf höchstens 160 Zeichen lang sein."),
        ("course_title", "CNC\x07", "Bitte keine Steuerzeichen verwenden."),
        ("hours", "viel", "Bitte geben Sie die Stundenzahl als Zahl zwischen 0 und 10.000 ein."),
        ("hours_unit", "tage", "Bitte wählen Sie einen Eintrag aus der Liste."),
        ("course_fees", "6000 Euro", "Bitte geben Sie einen Betrag in Euro"),
        ("gross_wage", "2.000.000", "Bitte geben Sie einen Betrag in Euro"),
        ("start_date", "morgen", "Bitte geben Sie den Beginn als TT.MM.JJJJ ein."),
        ("goal", "astronaut", "Bitte wählen Sie einen Eintrag aus der Liste."),
        ("mode", "nachts", "Bitte wählen Sie einen Eintrag aus der Liste."),
        ("duration_months", "500", "Bitte geben Sie die Dauer in Monaten"),
        ("azav", "egal", "Bitte wählen Sie einen Eintrag aus der Liste."),
    ],
)
def test_quick_check_bad_input_shows_message_and_stores_nothing(
    client, clean_app, field, value, message
):
    before = _counts(clean_app)
    response = client.post("/foerderkompass/schnellcheck", data={**GOOD, field: value})
    assert response.status_code == 200
    page = html_page(response)
    text = text_of(page)
    assert "Bitte korrigieren Sie die folgenden Angaben" in text
    assert message in text or message in response.get_data(as_text=True)
    assert "Ergebnis des Schnellchecks" not in text
    assert _counts(clean_app) == before


def test_quick_check_is_rate_limited(client):
    codes = [client.post("/foerderkompass/schnellcheck", data=GOOD).status_code for _ in range(31)]
    assert codes[:30] == [200] * 30
    assert codes[30] == 429


@pytest.mark.parametrize("example", [EX1, EX3, EX6, EX8], ids=["ex1", "ex3", "ex6", "ex8"])
def test_api_worked_examples_equal_engine_default_document(client, example):
    response = client.post("/api/foerdercheck", json=example)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == evaluate_document(example)


def test_api_invalid_input_is_400_listing_fields(client, clean_app):
    before = _counts(clean_app)
    response = client.post(
        "/api/foerdercheck",
        json={
            "firm": {"headcount": "12", "foo": 1},
            "person": {"birth_date": "01.02.1980"},
            "colour": "red",
        },
    )
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_input"
    assert set(body["fields"]) == {"firm.headcount", "firm.foo", "person.birth_date", "colour"}
    assert _counts(clean_app) == before


def test_api_invalid_json_is_400(client):
    response = client.post(
        "/api/foerdercheck", data="{kaputt", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_json"


def test_api_non_json_is_415(client):
    response = client.post("/api/foerdercheck", data={"firm": "x"})
    assert response.status_code == 415
    assert "JSON" in response.get_json()["message"]


def test_api_get_is_not_allowed(client):
    assert client.get("/api/foerdercheck").status_code == 405


def test_api_needs_no_csrf_token_when_csrf_is_on(clean_app):
    clean_app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = clean_app.test_client().post("/api/foerdercheck", json=EX1)
    finally:
        clean_app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 200
    assert json.loads(response.get_data(as_text=True))["routing"]["recommended"] == "sgb3_82"
