"""Firm pages through HTTP: PRG, German labels, search, pagination, scope, roles."""

import pytest
import sqlalchemy as sa

from tests.factories import CaseFactory, FirmContactFactory
from tests.firms.conftest import make_firm
from tests.firms.helpers import firm_form
from tests.helpers import html_page, next_link, text_of
from wbagentur.core.audit import AuditEvent
from wbagentur.extensions import db
from wbagentur.firms.models import Firm, FirmContact


def _count(app, model=Firm):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(model.id)))


def test_create_firm_redirects_to_detail_with_sme_class(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    page = html_page(client.get("/unternehmen/neu"))
    text = text_of(page)
    for label in (
        "Name des Unternehmens",
        "Rechtsform",
        "Handelsregisternummer",
        "Wirtschaftszweig (WZ 2008)",
        "Postleitzahl",
        "Landkreis oder kreisfreie Stadt",
        "Beschäftigte mit mehr als 30 Wochenstunden",
        "Jahresumsatz in Euro",
        "Betriebsrat vorhanden",
    ):
        assert label in text
    assert len(page.findall(".//{http://www.w3.org/1999/xhtml}optgroup")) >= 21 + 4
    response = client.post("/unternehmen/neu", data=firm_form())
    assert response.status_code == 302
    location = response.headers["Location"]
    detail = client.get(location)
    body = text_of(html_page(detail))
    assert "Das Unternehmen wurde angelegt." in body
    assert "Kleines Unternehmen" in body  # 8 + 0.75·4 + 0.25·2 = 11.5 staff
    with clean_app.app_context():
        firm = db.session.scalar(sa.select(Firm))
        assert firm.weighted_headcount == 11.5
        assert firm.turnover_cents == 150_000_000
        assert firm.district.key == "16054"


def test_detail_shows_weighted_headcount_and_explanation(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        firm_id = make_firm("Alpha GmbH", staff_over_30h=40, staff_up_to_20h=3).id
        db.session.commit()
    body = text_of(html_page(client.get(f"/unternehmen/{firm_id}")))
    assert "41,5" in body
    assert "Kleines Unternehmen" in body
    assert "nur auf der Beschäftigtenzahl" in body


@pytest.mark.parametrize("query", ["Müller", "MÜLLER", "Mueller", "müller"])
def test_list_search_folds_case_and_umlauts(client, clean_app, auth, make_user, query):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        make_firm("Müller GmbH")
        make_firm("Schmidt AG")
        db.session.commit()
    body = text_of(html_page(client.post("/unternehmen", data={"q": query}, follow_redirects=True)))
    assert "Müller GmbH" in body
    assert "Schmidt AG" not in body


def test_list_search_treats_wildcards_literally(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        make_firm("Müller GmbH")
        db.session.commit()
    body = text_of(html_page(client.post("/unternehmen", data={"q": "%"}, follow_redirects=True)))
    assert "Müller GmbH" not in body


def test_list_paginates_25_per_page_and_sorts(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        for i in range(30):
            make_firm(f"Firma {i:02d} GmbH")
        db.session.commit()
    first = text_of(html_page(client.get("/unternehmen")))
    assert "Firma 00 GmbH" in first
    assert "Firma 24 GmbH" in first
    assert "Firma 25 GmbH" not in first
    assert "30 Unternehmen gefunden." in first
    second = text_of(html_page(client.get(next_link(client.get("/unternehmen")))))
    assert "Firma 25 GmbH" in second
    assert "Firma 29 GmbH" in second
    assert "Firma 00 GmbH" not in second
    newest = text_of(html_page(client.get("/unternehmen", query_string={"sortierung": "neu"})))
    assert "Firma 29 GmbH" in newest
    assert "Firma 00 GmbH" not in newest
    bogus = client.get("/unternehmen", query_string={"sortierung": "name; DROP TABLE firms"})
    assert bogus.status_code == 200


def test_list_filters_by_district(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        make_firm("Suhler Firma", "16054")
        make_firm("Sonneberger Firma", "16072")
        db.session.commit()
    body = text_of(html_page(client.get("/unternehmen", query_string={"kreis": "16072"})))
    assert "Sonneberger Firma" in body
    assert "Suhler Firma" not in body


def test_other_regions_firm_is_404_and_not_listed(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        other = make_firm("Erfurter Firma", "16051").id
        db.session.commit()
    assert client.get(f"/unternehmen/{other}").status_code == 404
    assert client.get(f"/unternehmen/{other}/bearbeiten").status_code == 404
    assert client.post(f"/unternehmen/{other}/kontakte/neu", data={"name": "X"}).status_code == 404
    assert "Erfurter Firma" not in client.get("/unternehmen").get_data(as_text=True)


def test_firm_linked_to_own_regions_case_is_visible_read_only(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        firm = make_firm("Erfurter Firma", "16051")
        CaseFactory(firm=firm, region_code="SW", title="Beratung")
        db.session.commit()
        other = firm.id
    assert client.get(f"/unternehmen/{other}").status_code == 200
    assert client.get(f"/unternehmen/{other}/bearbeiten").status_code == 403


def test_admin_gets_403(client, auth, make_user, firm_factory):
    firm_id = firm_factory()
    auth.login(make_user("admin"))
    assert client.get("/unternehmen").status_code == 403
    assert client.get(f"/unternehmen/{firm_id}").status_code == 403
    assert client.get("/unternehmen/kreis-vorschlag?plz=98527").status_code == 403


def test_coordinator_reads_all_but_cannot_write(client, clean_app, auth, make_user, firm_factory):
    firm_id = firm_factory(name="Erfurter Firma", district_key="16051")
    auth.login(make_user("coordinator"))
    page = html_page(client.get(f"/unternehmen/{firm_id}"))
    assert "Bearbeiten" not in text_of(page)
    assert "Erfurter Firma" in text_of(html_page(client.get("/unternehmen")))
    assert client.get("/unternehmen/neu").status_code == 403
    assert client.post("/unternehmen/neu", data=firm_form()).status_code == 403
    assert client.post(f"/unternehmen/{firm_id}/bearbeiten", data=firm_form()).status_code == 403
    assert _count(clean_app) == 1


def test_district_suggestion_json(client, auth, make_user):
    auth.login(make_user("advisor", "MT"))
    assert client.get("/unternehmen/kreis-vorschlag?plz=98527").get_json() == {
        "district_key": "16054",
        "district_name": "Suhl",
    }
    assert (
        client.get("/unternehmen/kreis-vorschlag?plz=99310").get_json()["district_name"]
        == "Ilm-Kreis"
    )
    assert client.get("/unternehmen/kreis-vorschlag?plz=12345").get_json() == {}
    assert client.get("/unternehmen/kreis-vorschlag").get_json() == {}


def test_district_suggestion_requires_login(client):
    assert client.get("/unternehmen/kreis-vorschlag?plz=98527").status_code == 302


def test_duplicate_warning_then_confirm_creates(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        existing = make_firm("Köhler Präzisionsteile", "16054").id
        hidden = make_firm("Geheim AG", "16051", register_number="HRB 12345").id
        db.session.commit()
    response = client.post("/unternehmen/neu", data=firm_form())
    assert response.status_code == 200
    body = text_of(html_page(response))
    assert "vielleicht schon erfasst" in body
    assert f'href="/unternehmen/{existing}"' in response.get_data(as_text=True)
    assert "ein Unternehmen in einer anderen Region" in body
    assert "Geheim AG" not in body
    assert f"/unternehmen/{hidden}" not in response.get_data(as_text=True)
    assert "Trotzdem neu anlegen" in body
    assert _count(clean_app) == 2
    response = client.post("/unternehmen/neu", data=firm_form(confirm_new="y"))
    assert response.status_code == 302
    assert _count(clean_app) == 3


def test_edit_firm_prg_and_audit(client, clean_app, auth, make_user, firm_factory):
    firm_id = firm_factory()
    auth.login(make_user("advisor", "SW"))
    form = html_page(client.get(f"/unternehmen/{firm_id}/bearbeiten"))
    assert "Unternehmen bearbeiten" in text_of(form)
    response = client.post(f"/unternehmen/{firm_id}/bearbeiten", data=firm_form(version="1"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/unternehmen/{firm_id}"
    assert "Die Änderungen wurden gespeichert." in client.get(f"/unternehmen/{firm_id}").get_data(
        as_text=True
    )
    with clean_app.app_context():
        firm = db.session.get(Firm, firm_id)
        assert firm.name == "Köhler Präzisionsteile GmbH"
        assert firm.version == 2
        assert db.session.scalar(
            sa.select(AuditEvent.action).where(
                AuditEvent.object_id == firm_id, AuditEvent.action == "firm.update"
            )
        )


def test_contacts_add_edit_remove_with_confirmation(
    client, clean_app, auth, make_user, firm_factory
):
    firm_id = firm_factory()
    auth.login(make_user("advisor", "SW"))
    html_page(client.get(f"/unternehmen/{firm_id}/kontakte/neu"))
    response = client.post(
        f"/unternehmen/{firm_id}/kontakte/neu",
        data={"name": "Jörg Köhler", "function": "Geschäftsführung", "email": "jk@firma.example"},
    )
    assert response.status_code == 302
    assert "Jörg Köhler" in client.get(f"/unternehmen/{firm_id}").get_data(as_text=True)
    with clean_app.app_context():
        contact_id = db.session.scalar(sa.select(FirmContact.id))
    response = client.post(
        f"/unternehmen/{firm_id}/kontakte/{contact_id}/bearbeiten",
        data={"name": "Jörg Köhler", "function": "Personal"},
    )
    assert response.status_code == 302
    confirm = html_page(client.get(f"/unternehmen/{firm_id}/kontakte/{contact_id}/loeschen"))
    assert "Ja, entfernen" in text_of(confirm)
    assert _count(clean_app, FirmContact) == 1  # GET deletes nothing
    response = client.post(f"/unternehmen/{firm_id}/kontakte/{contact_id}/loeschen")
    assert response.status_code == 302
    assert _count(clean_app, FirmContact) == 0
    with clean_app.app_context():
        actions = set(
            db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_id == firm_id))
        )
    assert {"firm.contact_create", "firm.contact_update", "firm.contact_delete"} <= actions


def test_contact_of_another_firm_is_404(client, clean_app, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        a, b = make_firm("A GmbH"), make_firm("B GmbH")
        contact = FirmContactFactory(firm=b, name="X")
        db.session.commit()
        a_id, b_contact = a.id, contact.id
    assert client.get(f"/unternehmen/{a_id}/kontakte/{b_contact}/bearbeiten").status_code == 404
    assert client.post(f"/unternehmen/{a_id}/kontakte/{b_contact}/loeschen").status_code == 404
