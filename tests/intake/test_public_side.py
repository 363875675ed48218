"""Issue #15: the public side – start page, legal pages, the layperson's quick check, the
status page as a timeline with mails, and limits that do not punish honest users."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.helpers import html_page, text_of
from wbagentur.cases.models import Case
from wbagentur.extensions import db
from wbagentur.mail.models import OutboxMessage
from wbagentur.regions.models import ContactPoint

pytestmark = pytest.mark.usefixtures("fixed_clock")

# Internal names that must never reach a public page: field paths and parameter keys.
TOKEN = re.compile(r"\b(?:firm|person|course|thuerbfg)\.[a-z_]+|@\d{4}-\d{2}-\d{2}/|\w+@\d{4}-")

ISSUE_EXAMPLE = {  # 30 staff, age 50, 400 h, 6.000 € (issue #15)
    "age": "50",
    "employed": "employed",
    "size_band": "10_49",
    "hours": "400",
    "costs": "6.000",
    "district": "16068",
}


def _text(response):
    return text_of(html_page(response))


def _outbox(app, kind):
    with app.app_context():
        return db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        ).all()


# --- start page --------------------------------------------------------------------------


def test_start_page_for_anonymous_shows_offer_contact_points_and_links(client, clean_app):
    response = client.get("/")
    assert response.status_code == 200
    page = html_page(response)
    text = text_of(page)
    assert "Beratung aus einer Hand" in text
    with clean_app.app_context():
        points = db.session.scalars(sa.select(ContactPoint)).all()
        assert len(points) == 4
        for point in points:
            assert point.name in text
            assert point.phone
            assert point.phone in text
            assert point.email
            assert point.email in text
            assert point.opening_hours in text
            assert f"{point.postcode} {point.city}" in text
    body = response.get_data(as_text=True)
    assert 'href="/beratung-anfragen"' in body
    assert 'href="/foerderkompass/kurzcheck"' in body
    assert 'href="/anmelden"' in body
    assert 'href="mailto:' in body


def test_signed_in_staff_keep_their_work_start_page(client, auth, make_user):
    auth.login(make_user("advisor", "SW"))
    text = _text(client.get("/"))
    assert "Willkommen" in text
    assert "Unsere Kontaktstellen" not in text


def test_staff_without_required_second_factor_are_sent_to_set_up(
    client, auth, clean_app, make_user, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "TOTP_REQUIRED_ROLES", ("admin",))
    auth.login(make_user("admin"))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/konto/zwei-faktor")


# --- contact points (administrator) ------------------------------------------------------


def _point_id(app, name="Weiterbildungsagentur Mittelthüringen"):
    with app.app_context():
        return db.session.scalar(sa.select(ContactPoint.id).where(ContactPoint.name == name))


def test_admin_edits_contact_point_and_start_page_shows_it(client, auth, clean_app, make_user):
    auth.login(make_user("admin"))
    point_id = _point_id(clean_app)
    assert client.get("/verwaltung/kontaktstellen").status_code == 200
    response = client.post(
        f"/verwaltung/kontaktstellen/{point_id}",
        data={
            "street": "Anger 1",
            "postcode": "99084",
            "phone": "0361 123 456",
            "email": "erfurt@wba-test.example",
            "opening_hours": "Di und Do 9:00–15:00 Uhr",
        },
    )
    assert response.status_code == 303
    client.post("/abmelden")
    text = _text(client.get("/"))
    assert "Anger 1" in text
    assert "0361 123 456" in text
    assert "Di und Do 9:00–15:00 Uhr" in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("street", "", "Bitte geben Sie Straße und Hausnummer ein."),
        ("postcode", "9908", "Die Postleitzahl hat fünf Ziffern"),
        ("phone", "0361 abc", "nur Ziffern"),
        ("email", "kein-at-zeichen", "gültige E-Mail-Adresse"),
        ("opening_hours", "x" * 501, "Höchstens 500 Zeichen."),
    ],
)
def test_contact_point_form_refuses_bad_input(
    client, auth, clean_app, make_user, field, value, message
):
    auth.login(make_user("admin"))
    point_id = _point_id(clean_app)
    data = {
        "street": "Anger 1",
        "postcode": "99084",
        "phone": "0361 123 456",
        "email": "erfurt@wba-test.example",
        "opening_hours": "Mo 9–12 Uhr",
        field: value,
    }
    response = client.post(f"/verwaltung/kontaktstellen/{point_id}", data=data)
    assert response.status_code == 200
    assert message in _text(response)
    with clean_app.app_context():
        assert db.session.get(ContactPoint, point_id).street != "Anger 1"


def test_only_admins_edit_contact_points(client, auth, clean_app, make_user):
    auth.login(make_user("supervisor", "MT"))
    assert client.get("/verwaltung/kontaktstellen").status_code == 403
    assert client.get(f"/verwaltung/kontaktstellen/{_point_id(clean_app)}").status_code == 403


# --- legal pages -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/impressum", "/datenschutz", "/barrierefreiheit"])
def test_every_public_page_links_the_legal_pages_in_its_footer(client, url):
    body = client.get(url).get_data(as_text=True)
    footer = body[body.index("<footer") :]
    for href in ('href="/impressum"', 'href="/datenschutz"', 'href="/barrierefreiheit"'):
        assert href in footer


def test_imprint_names_the_configured_operator(client, clean_app, monkeypatch):
    monkeypatch.setitem(clean_app.config, "OPERATOR_LEGAL_ENTITY", "Bildungswerk Test e. V.")
    monkeypatch.setitem(clean_app.config, "OPERATOR_REGISTER", "VR 4711, Amtsgericht Jena")
    text = _text(client.get("/impressum"))
    assert "§ 5 Digitale-Dienste-Gesetz" in text
    assert "Bildungswerk Test e. V." in text
    assert "VR 4711, Amtsgericht Jena" in text
    assert clean_app.config["OPERATOR_EMAIL"] in text


def test_privacy_statement_follows_art_13_and_14(client, clean_app):
    response = client.get("/datenschutz")
    text = _text(response)
    for part in (
        "Verantwortliche Stelle",
        clean_app.config["OPERATOR_LEGAL_ENTITY"],
        "Datenschutzbeauftragte",
        clean_app.config["DPO_EMAIL"],
        "Art. 6 Abs. 1 Buchstabe a DSGVO",
        "Art. 6 Abs. 1 Buchstabe e DSGVO",
        "Agenturen für Arbeit",
        "Handwerkskammern",
        "3 Monaten",
        "Art. 15 DSGVO",
        "widerrufen",
        "Thüringer Landesbeauftragter für den Datenschutz und die Informationsfreiheit",
    ):
        assert part in text, part
    assert f'href="mailto:{clean_app.config["DPO_EMAIL"]}"' in response.get_data(as_text=True)


def test_accessibility_statement_follows_the_eu_model(client, clean_app, monkeypatch):
    monkeypatch.setitem(clean_app.config, "ACCESSIBILITY_REVIEWED_ON", "01.12.2026")
    response = client.get("/barrierefreiheit")
    text = _text(response)
    assert "teilweise mit den Anforderungen der BITV 2.0 vereinbar" in text
    assert "Nicht barrierefreie Inhalte" in text
    assert "01.12.2026" in text
    assert "Durchsetzungsverfahren" in text
    assert clean_app.config["ACCESSIBILITY_ENFORCEMENT_BODY"] in text
    email = clean_app.config["ACCESSIBILITY_EMAIL"]
    assert f'href="mailto:{email}"' in response.get_data(as_text=True)


# --- quick check -------------------------------------------------------------------------


def test_quick_check_asks_six_questions_at_most(client):
    body = client.get("/foerderkompass/kurzcheck").get_data(as_text=True)
    body = body[body.index('action="/foerderkompass/kurzcheck"') :]
    body = body[: body.index("</form>")]
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', body))
    assert names - {"csrf_token"} == {"age", "employed", "size_band", "hours", "costs", "district"}


def test_quick_check_issue_example_answers_first_in_plain_german(client):
    response = client.post("/foerderkompass/kurzcheck", data=ISSUE_EXAMPLE)
    assert response.status_code == 200
    text = _text(response)
    headline = "Wahrscheinlich förderfähig: Förderung der Agentur für Arbeit für Beschäftigte"
    assert headline in text
    assert "bis zu 6.000,00\xa0€" in text
    assert text.index(headline) < text.index("Warum?")
    assert "Die Weiterbildung dauert mehr als 120 Stunden." in text
    assert "Das sind etwa 100 % der Kosten von 6.000,00\xa0€, die Sie angegeben haben." in text
    assert "AZAV-Zulassung" in text
    assert "weitere Angaben nötig" not in text
    assert not TOKEN.search(response.get_data(as_text=True))
    assert len(text) < 4000  # one answer, not six cards


def test_quick_check_unverified_amount_reads_provisional(client):
    data = {**ISSUE_EXAMPLE, "age": "30", "size_band": "1_9", "hours": "40", "costs": "800"}
    text = _text(client.post("/foerderkompass/kurzcheck", data=data))
    assert "Wahrscheinlich förderfähig: Weiterbildungsscheck des Landes Thüringen" in text
    assert "bis zu 400,00\xa0€" in text
    assert "vorläufig – die Stelle bestätigt den Betrag" in text
    assert "Das sind etwa 50 % der Kosten von 800,00\xa0€" in text
    assert "mehr als 120 Stunden" in text  # why § 82 does not fit


def test_quick_check_for_unemployed_outside_thuringia(client):
    data = {**ISSUE_EXAMPLE, "employed": "unemployed", "district": "outside"}
    text = _text(client.post("/foerderkompass/kurzcheck", data=data))
    assert "Bildungsgutschein" in text
    assert "Den Weiterbildungsscheck bekommen nur Angestellte." in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age", "", "Bitte geben Sie das Alter in Jahren ein"),
        ("age", "fünfzig", "ganze Zahl zwischen 15 und 80"),
        ("age", "12", "ganze Zahl zwischen 15 und 80"),
        ("employed", "rentner", "Bitte wählen Sie einen Eintrag aus der Liste."),
        ("size_band", "1000", "Bitte wählen Sie einen Eintrag aus der Liste."),
        ("hours", "0", "ganze Zahl zwischen 1 und 10.000"),
        ("hours", "viel", "ganze Zahl zwischen 1 und 10.000"),
        ("costs", "6000 Dollar", "Kosten in Euro zwischen 1 und 1.000.000"),
        ("costs", "6.00.0", "Der Betrag ist nicht eindeutig"),
        ("costs", "6000.50", "Der Betrag ist nicht eindeutig"),
        ("district", "99999", "Bitte wählen Sie einen Eintrag aus der Liste."),
    ],
)
def test_quick_check_bad_input_keeps_answers_and_names_the_problem(client, field, value, message):
    response = client.post("/foerderkompass/kurzcheck", data={**ISSUE_EXAMPLE, field: value})
    assert response.status_code == 200
    text = _text(response)
    assert "Bitte korrigieren Sie die folgenden Angaben" in text
    assert message in text
    assert "Wahrscheinlich" not in text


def test_quick_check_carries_answers_into_the_request_form(client, clean_app):
    client.post("/foerderkompass/kurzcheck", data=ISSUE_EXAMPLE)
    body = client.get("/beratung-anfragen?aus=kompass").get_data(as_text=True)
    assert re.search(r'<option selected value="10_49">', body)
    with clean_app.app_context():
        from wbagentur.regions.models import District

        soemmerda = db.session.scalar(sa.select(District.id).where(District.key == "16068"))
    assert re.search(rf'<option selected value="{soemmerda}">Sömmerda', body)
    assert re.search(r'value="funding"\s+checked|value="funding" checked', body)
    assert "Alter 50 Jahre" in body
    assert "Kosten 6.000,00\xa0€" in body
    # Without the marker the form starts empty.
    assert "Alter 50 Jahre" not in client.get("/beratung-anfragen").get_data(as_text=True)


def test_expert_quick_check_result_shows_no_field_names_or_parameter_keys(client):
    data = {
        "staff_over_30h": "30",
        "district_key": "16068",
        "birth_date": "01.06.1976",
        "employment_status": "employed",
        "hours": "400",
        "course_fees": "6.000",
    }
    response = client.post("/foerderkompass/schnellcheck", data=data)
    assert response.status_code == 200
    assert "Ergebnis des Schnellchecks" in _text(response)
    assert not TOKEN.search(response.get_data(as_text=True))


# --- status page: timeline, mails, uploads -----------------------------------------------


def _advance_case(app, case_id, *, assign=None, referral=False, close=False):
    from wbagentur.accounts.models import User
    from wbagentur.cases import services as case_services
    from wbagentur.partners.models import Partner
    from wbagentur.referrals import services as referral_services

    with app.test_request_context():
        case = db.session.get(Case, case_id)
        actor = db.session.get(User, assign) if assign else None
        if assign:
            case_services.assign_case(actor, case, assign, case.version)
        if referral:
            partner = db.session.scalar(
                sa.select(Partner).where(Partner.kind == "agentur_fuer_arbeit").limit(1)
            )
            referral_services.create_referral(
                actor,
                case,
                partner_id=partner.id,
                programme=None,
                purpose="Förderung nach § 82 SGB III prüfen",
                data_categories=["contact", "firm"],
                consent_id=None,
                legal_basis="Art. 6 Abs. 1 lit. e DSGVO",
                due_days=None,
                message=None,
                send=True,
            )
        if close:
            case_services.change_status(
                actor, case, "closed", case.version, outcome="funding_referred"
            )
        db.session.commit()


def test_status_page_is_a_timeline_with_advisor_referral_and_outcome(
    client, clean_app, make_request, make_user
):
    case_id, _rid, token = make_request(district="Sömmerda", status_mails=True)
    advisor = make_user("advisor", "MT", display_name="Anna Beraterin")
    text = _text(client.get(f"/anfrage/{token}"))
    assert "Anfrage eingegangen" in text
    assert "wir nennen Ihnen bald Ihre Ansprechperson" in text
    assert "0361 5626-0" in text  # the contact point's phone, e-mail, address
    assert "mittelthueringen@weiterbildungsagentur-thueringen.example" in text
    assert "Juri-Gagarin-Ring 152" in text

    _advance_case(clean_app, case_id, assign=advisor.id)
    text = _text(client.get(f"/anfrage/{token}"))
    assert "Ihre Ansprechperson: Anna Beraterin" in text
    assert "erledigt: In Beratung" in text

    _advance_case(clean_app, case_id, assign=advisor.id, referral=True)
    response = client.get(f"/anfrage/{token}")
    text = _text(response)
    assert "Weitergeleitet an: Agentur für Arbeit" in text
    assert not TOKEN.search(response.get_data(as_text=True))

    _advance_case(clean_app, case_id, assign=advisor.id, close=True)
    text = _text(client.get(f"/anfrage/{token}"))
    assert "erledigt: Abgeschlossen" in text
    assert "Ergebnis: an Förderstelle vermittelt" in text

    mails = _outbox(clean_app, "intake_status")
    bodies = [m.body for m in mails]
    assert all(m.recipient == "erika.mueller@mueller-praezision.example" for m in mails)
    assert any("Ihre Ansprechperson ist jetzt Anna Beraterin" in b for b in bodies)
    assert any("in Beratung" in b for b in bodies)
    assert any("weitergeleitet an: Agentur für Arbeit" in b for b in bodies)
    assert any("Ergebnis: an Förderstelle vermittelt" in b for b in bodies)
    assert not any(TOKEN.search(b) for b in bodies)


def test_no_status_mail_without_the_requesters_wish(client, clean_app, make_request, make_user):
    case_id, _rid, _token = make_request(district="Sömmerda")
    advisor = make_user("advisor", "MT")
    _advance_case(clean_app, case_id, assign=advisor.id, close=True)
    assert _outbox(clean_app, "intake_status") == []


def test_advisor_sees_whether_the_requester_wants_status_mails(
    client, auth, clean_app, make_request, make_user
):
    wants, _rid, _token = make_request(district="Sömmerda", status_mails=True)
    silent, _rid2, _token2 = make_request(district="Sömmerda")
    auth.login(make_user("advisor", "MT"))
    body = client.get(f"/faelle/{wants}/anfrage").get_data(as_text=True)
    assert re.search(r"data-status-mails>Ja<", body)
    body = client.get(f"/faelle/{silent}/anfrage").get_data(as_text=True)
    assert re.search(r"data-status-mails>Nein<", body)


def test_form_choice_for_status_mails_is_stored(client, clean_app, form_data):
    from wbagentur.intake.models import AdviceRequest

    client.post("/beratung-anfragen", data=form_data(status_mails="y"))
    client.post("/beratung-anfragen", data=form_data(), environ_base={"REMOTE_ADDR": "192.0.2.8"})
    with clean_app.app_context():
        wishes = db.session.scalars(
            sa.select(AdviceRequest.status_mails).order_by(AdviceRequest.id)
        ).all()
    assert wishes == [True, False]


def test_uploads_close_with_the_case(client, clean_app, make_request, make_user):
    from tests.intake.conftest import PDF

    case_id, _rid, token = make_request(district="Sömmerda")
    _advance_case(clean_app, case_id, assign=make_user("advisor", "MT").id, close=True)
    page = client.get(f"/anfrage/{token}").get_data(as_text=True)
    assert 'type="file"' not in page
    assert "Ihre Anfrage ist abgeschlossen" in page
    from io import BytesIO

    response = client.post(
        f"/anfrage/{token}/dokumente", data={"document": (BytesIO(PDF), "angebot.pdf")}
    )
    assert response.status_code == 409
    assert "Ihre Anfrage ist abgeschlossen" in _text(response)
    with clean_app.app_context():
        from wbagentur.cases.models import Document

        assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


def test_too_large_upload_gets_the_in_form_error(client, clean_app, make_request):
    _case_id, _rid, token = make_request(district="Sömmerda")
    from io import BytesIO

    big = BytesIO(b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024))
    response = client.post(f"/anfrage/{token}/dokumente", data={"document": (big, "gross.pdf")})
    assert response.status_code == 413
    text = _text(response)
    assert "Stand Ihrer Anfrage" in text
    assert "Die Datei ist zu groß" in text
    assert 'type="file"' in response.get_data(as_text=True)


# --- limits ------------------------------------------------------------------------------


def test_failed_validations_do_not_count_against_the_address(client, clean_app, form_data):
    for _ in range(12):
        response = client.post("/beratung-anfragen", data=form_data(email="kein-at"))
        assert response.status_code == 200
    limit = int(clean_app.config["INTAKE_RATE_LIMIT"].split()[0])
    statuses = [client.post("/beratung-anfragen", data=form_data()).status_code for _ in range(6)]
    assert statuses == [303] * limit + [429] * (6 - limit)


def test_one_address_cannot_close_the_form_for_everybody(client, clean_app, form_data, monkeypatch):
    monkeypatch.setitem(clean_app.config, "INTAKE_GLOBAL_LIMIT", "10 per hour")
    statuses = [client.post("/beratung-anfragen", data=form_data()).status_code for _ in range(40)]
    assert statuses.count(303) == 5
    for last in (3, 4):
        other = client.post(
            "/beratung-anfragen", data=form_data(), environ_base={"REMOTE_ADDR": f"127.0.0.{last}"}
        )
        assert other.status_code == 303


def test_request_form_with_expired_csrf_token_keeps_the_typed_data(clean_app, form_data):
    clean_app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = clean_app.test_client()
        client.get("/beratung-anfragen")
        data = form_data(firm_name="Behalten GmbH", csrf_token="abgelaufen")
        response = client.post("/beratung-anfragen", data=data)
    finally:
        clean_app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert re.search(r'name="firm_name"[^>]*value="Behalten GmbH"', body)
    assert "noch einmal ab" in body


def test_other_intake_pages_keep_the_applications_error_pages(clean_app, make_request):
    """The intake blueprint answers 429/413/CSRF itself only for the request form and the
    upload; a staff POST without a CSRF token still gets the German 400 page."""
    case_id, _rid, _token = make_request(district="Sömmerda")
    clean_app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = clean_app.test_client().post(f"/faelle/{case_id}/anfrage/unternehmen-anlegen")
    finally:
        clean_app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    text = _text(response)
    assert "Ungültige Anfrage" in text
    assert "Stand Ihrer Anfrage" not in text


@pytest.mark.parametrize(
    "url", ["/", "/foerderkompass", "/foerderkompass/sgb3-82", "/foerderkompass/kurzcheck"]
)
def test_the_ways_in_link_to_the_request_form(client, url):
    if url == "/foerderkompass/kurzcheck":
        response = client.post(url, data=ISSUE_EXAMPLE)
    else:
        response = client.get(url)
    assert 'href="/beratung-anfragen' in response.get_data(as_text=True)


def test_quick_check_answers_a_refusal_of_the_engine_with_a_plain_hint(client, monkeypatch):
    from wbagentur.funding import services as funding_services

    def refuse(document, today):
        raise funding_services.InvalidInput(
            "Eingabe ungültig", {"person.birth_date": "liegt nach dem Kursbeginn"}
        )

    monkeypatch.setattr(funding_services, "check_document", refuse)
    response = client.post("/foerderkompass/kurzcheck", data=ISSUE_EXAMPLE)
    assert response.status_code == 200
    text = _text(response)
    assert "Mit diesen Angaben können wir keine Einschätzung geben." in text
    assert "person.birth_date" not in response.get_data(as_text=True)
    assert 'value="50"' in response.get_data(as_text=True)  # the answers are kept
