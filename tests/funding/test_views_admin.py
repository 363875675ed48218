"""Catalogue administration through HTTP: roles, four eyes, proposal form bad input, status."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.helpers import html_page, text_of
from wbagentur.extensions import db
from wbagentur.funding.models import FundingProgramme, ParameterVersion

PROGRAMME_82 = 3  # seed order: esf_wbs, esf_aq, sgb3_82, …


def _form_defaults(client, programme_id=PROGRAMME_82):
    """The propose form's prefilled values, as a browser would submit them."""
    import html5lib

    response = client.get(f"/verwaltung/foerderprogramme/{programme_id}/neue-fassung")
    assert response.status_code == 200
    html_page(response)
    doc = html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)
    data = {}
    for el in doc.iter("input"):
        name, kind = el.get("name"), el.get("type")
        if not name or name == "csrf_token":
            continue
        if kind == "checkbox":
            if el.get("checked") is not None:
                data[name] = "y"
        else:
            data[name] = el.get("value") or ""
    for el in doc.iter("textarea"):
        data[el.get("name")] = el.text or ""
    for el in doc.iter("select"):
        chosen = [o for o in el.iter("option") if o.get("selected") is not None]
        data[el.get("name")] = (chosen or list(el.iter("option")))[0].get("value")
    return data


def _version_count(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(ParameterVersion.id)))


@pytest.mark.parametrize(
    ("role", "region", "expected"),
    [
        ("advisor", "SW", 403),
        ("supervisor", "SW", 403),
        ("coordinator", None, 200),
        ("admin", None, 200),
    ],
)
def test_programme_list_access_by_role(client, auth, make_user, role, region, expected):
    auth.login(make_user(role, region))
    assert client.get("/verwaltung/foerderprogramme").status_code == expected
    assert client.get(f"/verwaltung/foerderprogramme/{PROGRAMME_82}").status_code == expected


def test_programme_list_shows_status_current_version_and_unverified(client, auth, make_user):
    auth.login(make_user("admin"))
    text = text_of(html_page(client.get("/verwaltung/foerderprogramme")))
    assert "sgb3_82@2024-04-01" in text
    assert "offen" in text
    assert "ungeprüft" in text


def test_propose_form_is_admin_only(client, auth, make_user):
    auth.login(make_user("coordinator"))
    assert (
        client.get(f"/verwaltung/foerderprogramme/{PROGRAMME_82}/neue-fassung").status_code == 403
    )


def test_propose_then_second_person_approves_through_http(client, auth, make_user, clean_app):
    admin, coordinator = make_user("admin"), make_user("coordinator")
    auth.login(admin)
    data = _form_defaults(client)
    data.update(
        {
            "valid_from": "01.01.2026",
            "source": "BGBl. 2026 I Nr. 1",
            "p__min_hours_exclusive": "100",
        }
    )
    response = client.post(f"/verwaltung/foerderprogramme/{PROGRAMME_82}/neue-fassung", data=data)
    assert response.status_code == 302
    # Double submit of the same form creates nothing twice.
    again = client.post(f"/verwaltung/foerderprogramme/{PROGRAMME_82}/neue-fassung", data=data)
    assert again.status_code == 302
    with clean_app.app_context():
        version = db.session.scalar(
            sa.select(ParameterVersion).where(ParameterVersion.state == "proposed")
        )
        version_id = version.id
        assert version.params["min_hours_exclusive"]["value"] == 100
        assert version.params["sv_flat_rate"]["verified"] is False
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(ParameterVersion.state == "proposed")
            )
            == 1
        )
    page = text_of(html_page(client.get(f"/verwaltung/foerderprogramme/{PROGRAMME_82}")))
    assert "eine zweite Person muss sie freigeben" in page
    response = client.post(
        f"/verwaltung/foerderprogramme/fassungen/{version_id}/freigeben",
        data={"note": ""},
        follow_redirects=True,
    )
    assert "zweiten Person" in response.get_data(as_text=True)
    auth.logout()
    auth.login(coordinator)
    response = client.post(
        f"/verwaltung/foerderprogramme/fassungen/{version_id}/freigeben", data={"note": "geprüft"}
    )
    assert response.status_code == 302
    with clean_app.app_context():
        assert db.session.get(ParameterVersion, version_id).state == "approved"
    text = text_of(html_page(client.get("/verwaltung/foerderprogramme")))
    assert "sgb3_82@2026-01-01" in text


def test_reject_by_advisor_is_forbidden(client, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    assert client.post("/verwaltung/foerderprogramme/fassungen/1/ablehnen").status_code == 403


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("valid_from", "", "Bitte geben Sie an, ab wann die Fassung gilt"),
        ("valid_from", "31.02.2026", "Bitte geben Sie das Datum als TT.MM.JJJJ ein."),
        ("source", "", "Bitte geben Sie die Rechtsquelle an"),
        ("source", "x" * 301, "Die Rechtsquelle darf höchstens 300 Zeichen lang sein."),
        ("source_url", "keine-url", "Bitte geben Sie einen vollständigen Link ein"),
        ("p__min_hours_exclusive", "hundert", "Bitte geben Sie eine Zahl ein"),
        ("p__min_hours_exclusive", "", "Bitte geben Sie eine Zahl ein"),
        ("p__bands", "[{kaputt", "Bitte geben Sie gültiges JSON ein"),
        ("p__regime", "", "Bitte geben Sie einen Wert ein."),
        ("p__aez_up_to", "vielleicht", "Not a valid choice"),
    ],
)
def test_propose_bad_input_shows_german_message_and_creates_nothing(
    client, auth, make_user, clean_app, field, value, message
):
    auth.login(make_user("admin"))
    data = _form_defaults(client)
    data.update({"valid_from": "01.01.2026", "source": "Quelle", field: value})
    before = _version_count(clean_app)
    response = client.post(f"/verwaltung/foerderprogramme/{PROGRAMME_82}/neue-fassung", data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    html_page(response)
    assert "Bitte korrigieren Sie die folgenden Angaben" in body
    assert message in body or "Keine gültige Auswahl" in body
    assert _version_count(clean_app) == before


def test_status_change_through_http_and_bad_input(client, auth, make_user, clean_app):
    auth.login(make_user("coordinator"))
    url = f"/verwaltung/foerderprogramme/{PROGRAMME_82}/status"
    response = client.post(url, data={"status": "paused", "reason": "", "version": "1"})
    assert response.status_code == 200
    assert "Bitte geben Sie einen Grund für die Statusänderung an." in response.get_data(
        as_text=True
    )
    response = client.post(
        url, data={"status": "paused", "reason": "Mittel erschöpft", "version": "1"}
    )
    assert response.status_code == 302
    with clean_app.app_context():
        assert db.session.get(FundingProgramme, PROGRAMME_82).status == "paused"
    stale = client.post(url, data={"status": "closed", "reason": "alt", "version": "1"})
    assert stale.status_code == 409
    text = text_of(html_page(stale))
    assert "alt" in text
    assert "Mittel erschöpft" in text
    public = text_of(html_page(client.get("/foerderkompass")))
    assert "ausgesetzt (Fördermittel ausgeschöpft)" in public


def test_programme_page_shows_parameter_labels_in_english(client, auth, make_user):
    # The catalogue's labels are translatable: an English administrator sees "Maximum amount"
    # for cap_eur (Weiterbildungsscheck, seed order 1), a German one "Höchstbetrag".
    auth.login(make_user("admin"))
    german = text_of(html_page(client.get("/verwaltung/foerderprogramme/1")))
    assert "Höchstbetrag" in german
    assert client.post("/sprache", data={"lang": "en", "next": "/"}).status_code == 302
    english = text_of(html_page(client.get("/verwaltung/foerderprogramme/1"), lang="en"))
    assert "Maximum amount" in english
    assert "Income limit (joint assessment)" in english
    assert "€1,000.00" in english  # the value the English way too
    assert "Höchstbetrag" not in english
