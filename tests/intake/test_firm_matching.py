"""The advisor confirms the requester's firm: candidates, link, create, region scope."""

import json

import pytest
import sqlalchemy as sa

from tests.factories import FirmFactory
from tests.helpers import html_page, text_of
from wbagentur.cases.models import Case, TimelineEntry
from wbagentur.core.audit import AuditEvent
from wbagentur.extensions import db
from wbagentur.firms.models import Firm, FirmContact
from wbagentur.intake.models import AdviceRequest
from wbagentur.persons.models import Consent
from wbagentur.regions.models import District

NS = "{http://www.w3.org/1999/xhtml}"


def make_firm(app, name, district, email_domain=None):
    with app.app_context():
        district_id = db.session.scalar(sa.select(District.id).where(District.name == district))
        firm = FirmFactory(
            name=name, district_id=district_id, email_domain=email_domain, staff_over_30h=0
        )
        db.session.commit()
        return firm.id


def candidate_ids(page):
    return sorted(
        int(r.get("data-candidate")) for r in page.iter(f"{NS}tr") if r.get("data-candidate")
    )


def case_version(app, case_id):
    with app.app_context():
        return db.session.get(Case, case_id).version


def test_review_lists_candidates_by_domain_and_similar_name_in_district(
    client, auth, clean_app, make_user, make_request
):
    case_id, _rid, _token = make_request(district="Sömmerda")
    by_domain = make_firm(clean_app, "MP Werkzeugbau", "Erfurt", "mueller-praezision.example")
    by_name = make_firm(clean_app, "MÜLLER Präzisionsteile", "Sömmerda")
    other_district = make_firm(clean_app, "Müller Präzisionsteile", "Gotha")
    other_region = make_firm(
        clean_app, "Müller Präzision Süd", "Suhl", "mueller-praezision.example"
    )
    unrelated = make_firm(clean_app, "Bäckerei Schmidt", "Sömmerda", "baeckerei.example")
    auth.login(make_user("advisor", "MT"))
    response = client.get(f"/faelle/{case_id}/anfrage")
    assert response.status_code == 200
    page = html_page(response)
    assert candidate_ids(page) == sorted([by_domain, by_name])
    assert other_district not in candidate_ids(page)
    assert other_region not in candidate_ids(page)
    assert unrelated not in candidate_ids(page)
    text = text_of(page)
    assert "Erika Müller" in text
    assert "Digitale Kompetenzen" in text


def test_review_freemail_domain_does_not_match(client, auth, clean_app, make_user, make_request):
    case_id, _rid, _token = make_request(email="erika@gmx.de", firm_name="Zeiss Optik")
    make_firm(clean_app, "Gmx-Freunde", "Erfurt", "gmx.de")
    auth.login(make_user("advisor", "MT"))
    assert candidate_ids(html_page(client.get(f"/faelle/{case_id}/anfrage"))) == []


def test_link_existing_firm_sets_case_contact_consent_timeline_and_audit(
    client, auth, clean_app, make_user, make_request
):
    case_id, request_id, _token = make_request(district="Sömmerda")
    firm_id = make_firm(clean_app, "Müller Präzisionsteile", "Sömmerda")
    advisor = make_user("advisor", "MT")
    auth.login(advisor)
    response = client.post(
        f"/faelle/{case_id}/anfrage/unternehmen-verknuepfen",
        data={"firm_id": firm_id, "version": case_version(clean_app, case_id)},
    )
    assert response.status_code == 303
    with clean_app.app_context():
        case = db.session.get(Case, case_id)
        advice_request = db.session.get(AdviceRequest, request_id)
        assert case.firm_id == firm_id
        assert advice_request.firm_confirmed_at is not None
        contact = db.session.scalar(sa.select(FirmContact).where(FirmContact.firm_id == firm_id))
        assert contact.name == "Erika Müller"
        assert contact.name_search == "erika mueller"
        assert contact.email == advice_request.email
        assert contact.phone == advice_request.phone
        consent = db.session.scalar(sa.select(Consent).where(Consent.firm_contact_id == contact.id))
        assert consent.purpose == "advice"
        assert consent.text_version == advice_request.consent_text_version
        assert consent.given_at == advice_request.submitted_at
        assert consent.recorded_by_id == advisor.id
        entries = db.session.scalars(
            sa.select(TimelineEntry).where(
                TimelineEntry.case_id == case_id, TimelineEntry.kind == "request"
            )
        ).all()
        assert any(f'"firm_id": {firm_id}' in e.data for e in entries)
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.actor_id == advisor.id)
        ).all()
        assert "intake.firm_link" in actions
        assert "intake.firm_confirm" in actions
        details = db.session.scalars(sa.select(AuditEvent.details)).all()
        assert not any("Erika" in d or "@" in d for d in details)
    page = html_page(client.get(f"/faelle/{case_id}/anfrage"))
    assert "Verknüpft mit" in text_of(page)
    assert candidate_ids(page) == []


def test_create_firm_from_request_sets_search_domain_district_and_band_staff(
    client, auth, clean_app, make_user, make_request
):
    case_id, request_id, _token = make_request(district="Wartburgkreis")
    advisor = make_user("supervisor", "SW")
    auth.login(advisor)
    response = client.post(
        f"/faelle/{case_id}/anfrage/unternehmen-anlegen",
        data={"version": case_version(clean_app, case_id)},
    )
    assert response.status_code == 303
    with clean_app.app_context():
        case = db.session.get(Case, case_id)
        firm = db.session.get(Firm, case.firm_id)
        assert firm.name == "Müller Präzisionsteile GmbH"
        assert firm.name_search == "mueller praezisionsteile gmbh"
        assert firm.email_domain == "mueller-praezision.example"
        assert firm.district.name == "Wartburgkreis"
        # Issue #14 defect 4: the band "10 bis 49" gives its lower edge, not 0 staff.
        assert firm.headcount == 10
        assert firm.has_collective_agreement_training is None
        assert firm.has_works_agreement_training is None
        assert firm.has_works_council is None
        assert db.session.get(AdviceRequest, request_id).firm_confirmed_at is not None
        assert len(firm.contacts) == 1
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Consent.id)).where(
                    Consent.firm_contact_id == firm.contacts[0].id
                )
            )
            == 1
        )
        actions = set(db.session.scalars(sa.select(AuditEvent.action)).all())
        assert {"firm.create", "intake.firm_confirm"} <= actions
    # A second confirmation is refused and creates nothing.
    response = client.post(
        f"/faelle/{case_id}/anfrage/unternehmen-anlegen",
        data={"version": case_version(clean_app, case_id)},
        follow_redirects=True,
    )
    assert "bereits ein Unternehmen zugeordnet" in response.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Firm.id))) == 1


def test_link_firm_stale_version_answers_409(client, auth, clean_app, make_user, make_request):
    case_id, _rid, _token = make_request()
    firm_id = make_firm(clean_app, "Müller", "Sömmerda")
    auth.login(make_user("advisor", "MT"))
    response = client.post(
        f"/faelle/{case_id}/anfrage/unternehmen-verknuepfen",
        data={"firm_id": firm_id, "version": case_version(clean_app, case_id) + 5},
    )
    assert response.status_code == 409
    with clean_app.app_context():
        assert db.session.get(Case, case_id).firm_id is None


def test_link_firm_of_other_region_is_refused(client, auth, clean_app, make_user, make_request):
    case_id, _rid, _token = make_request(district="Sömmerda")
    foreign = make_firm(clean_app, "Müller Präzisionsteile", "Suhl")
    auth.login(make_user("advisor", "MT"))
    response = client.post(
        f"/faelle/{case_id}/anfrage/unternehmen-verknuepfen",
        data={"firm_id": foreign, "version": case_version(clean_app, case_id)},
        follow_redirects=True,
    )
    assert "gibt es in Ihrer Region nicht" in response.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.get(Case, case_id).firm_id is None
        assert db.session.scalar(sa.select(sa.func.count(FirmContact.id))) == 0


@pytest.mark.parametrize(
    ("role", "region", "method", "suffix", "expected"),
    [
        ("advisor", "SW", "get", "", 404),
        ("advisor", "SW", "post", "/unternehmen-anlegen", 404),
        ("advisor", "SW", "post", "/unternehmen-verknuepfen", 404),
        ("supervisor", "NT", "get", "", 404),
        ("coordinator", None, "get", "", 403),
        ("admin", None, "get", "", 403),
        ("advisor", "MT", "get", "", 200),
    ],
)
def test_request_review_scope(
    client, auth, clean_app, make_user, make_request, role, region, method, suffix, expected
):
    case_id, _rid, _token = make_request(district="Sömmerda")
    auth.login(make_user(role, region))
    url = f"/faelle/{case_id}/anfrage{suffix}"
    response = (
        client.get(url) if method == "get" else client.post(url, data={"firm_id": 1, "version": 1})
    )
    assert response.status_code == expected
    with clean_app.app_context():
        assert db.session.get(Case, case_id).firm_id is None


def test_review_of_case_without_public_request_is_404(client, auth, clean_app, make_user):
    from wbagentur.cases.services import open_case
    from wbagentur.regions.models import Region

    with clean_app.app_context():
        region_id = db.session.scalar(sa.select(Region.id).where(Region.code == "MT"))
        firm_id = make_firm(clean_app, "Ohne Anfrage", "Erfurt")
        case = open_case(
            None,
            region_id=region_id,
            kind="firm",
            title="Telefon",
            channel="phone",
            firm_id=firm_id,
        )
        db.session.commit()
        case_id = case.id
    auth.login(make_user("advisor", "MT"))
    assert client.get(f"/faelle/{case_id}/anfrage").status_code == 404


def test_significant_words_ignore_legal_forms():
    from wbagentur.intake.rules import email_domain, significant_words

    assert significant_words("Müller GmbH & Co. KG") == ["mueller"]
    assert significant_words("Die Bäckerei Schmidt e.K.") == ["baeckerei", "schmidt"]
    assert email_domain("a@Firma.DE") == "firma.de"
    assert email_domain("a@web.de") is None


@pytest.mark.parametrize(
    ("band", "staff", "size_class"),
    [
        ("1_9", 1, "Kleinstunternehmen"),
        ("10_49", 10, "Kleines Unternehmen"),
        ("50_249", 50, "Mittleres Unternehmen"),
        ("250_plus", 250, "Großunternehmen"),
    ],
)
def test_firm_from_request_keeps_band_and_unknown_agreements_on_the_firm_page(
    client, auth, clean_app, make_user, make_request, band, staff, size_class
):
    case_id, _request_id, _token = make_request(district="Wartburgkreis", headcount_band=band)
    auth.login(make_user("supervisor", "SW"))
    response = client.post(
        f"/faelle/{case_id}/anfrage/unternehmen-anlegen",
        data={"version": case_version(clean_app, case_id)},
    )
    assert response.status_code == 303
    with clean_app.app_context():
        firm_id = db.session.get(Case, case_id).firm_id
        assert db.session.get(Firm, firm_id).headcount == staff
    page = text_of(html_page(client.get(f"/unternehmen/{firm_id}")))
    assert size_class in page
    assert "Tarifvertrag zur Weiterbildung unbekannt" in page
    assert "Betriebsrat vorhanden unbekannt" in page


def test_creating_a_firm_from_a_request_goes_through_the_firm_service(clean_app, make_request):
    """One way to create a firm (issue #18): the region check and the normalisation of
    ``firms.services.create_firm`` hold for a firm named in a public request too."""
    from tests.personas import create_persona
    from wbagentur.accounts.models import User
    from wbagentur.core.errors_domain import DomainError
    from wbagentur.intake import services

    _case_id, request_id, _token = make_request(district="Sömmerda", email="erika@proton.me")
    with clean_app.test_request_context():
        advice_request = db.session.get(AdviceRequest, request_id)
        elsewhere = db.session.get(User, create_persona("advisor", "SW").id)
        with pytest.raises(DomainError, match="Planungsregion"):
            services.create_firm(elsewhere, advice_request, advice_request.case.version)
        assert db.session.scalar(sa.select(sa.func.count(Firm.id))) == 0
        advisor = db.session.get(User, create_persona("advisor", "MT").id)
        firm = services.create_firm(advisor, advice_request, advice_request.case.version)
        assert firm.name_search == "mueller praezisionsteile gmbh"
        assert firm.email_domain is None  # proton.me says nothing about the employer
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "firm.create")
        ).one()
        assert json.loads(event.details)["source"] == "advice_request"
