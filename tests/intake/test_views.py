"""The public form "Beratung anfragen" through HTTP: German page, bad input, spam traps,
case in the right region, confirmation in the outbox, double submit, rate limit."""

import re
import time
from datetime import date
from email import message_from_string

import pytest
import sqlalchemy as sa
import time_machine

from tests.figures import backend_of, record_figure
from tests.helpers import html_page, text_of
from wbagentur.cases.models import Case, TimelineEntry
from wbagentur.core.audit import AuditEvent
from wbagentur.extensions import db
from wbagentur.intake.models import AdviceRequest
from wbagentur.mail.models import OutboxMessage
from wbagentur.mail.services import build_message
from wbagentur.regions.models import Region

NS = "{http://www.w3.org/1999/xhtml}"


def counts(app):
    with app.app_context():
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Case, AdviceRequest, OutboxMessage)
        )


def test_request_form_renders_german_with_consent_unchecked(client):
    response = client.get("/beratung-anfragen")
    assert response.status_code == 200
    page = html_page(response)
    text = text_of(page)
    assert "Beratung anfragen" in text
    assert "Ihr Landkreis oder Ihre kreisfreie Stadt" in text
    assert "Gesundheit" in text  # hint not to send health data
    consent = page.find(f".//{NS}input[@id='consent']")
    assert consent is not None
    assert consent.get("type") == "checkbox"
    assert consent.get("checked") is None
    honeypot = page.find(f".//{NS}input[@id='website']")
    assert honeypot.get("tabindex") == "-1"
    assert honeypot.get("autocomplete") == "off"
    wrapper = page.find(f".//{NS}div[@class='intake-hp']")
    assert wrapper.get("aria-hidden") == "true"
    assert page.find(f".//{NS}link[@href='/static/css/intake.css']") is not None
    assert page.find(f".//{NS}a[@href='/datenschutz']") is not None
    districts = page.findall(f".//{NS}select[@id='district_id']/{NS}option")
    assert len(districts) == 23  # placeholder + 22 districts


def test_privacy_page_states_purpose_basis_recipients_and_deletion(client):
    page = html_page(client.get("/datenschutz"))
    text = text_of(page)
    assert "Art. 6 Abs. 1 Buchstabe a DSGVO" in text
    assert "Kontaktstelle der Region" in text
    assert "3 Monaten" in text
    assert "Löschkonzept" in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("firm_name", "", "Bitte geben Sie den Namen Ihres Unternehmens ein."),
        ("firm_name", "A" * 161, "Der Name darf höchstens 160 Zeichen lang sein."),
        ("contact_name", "", "Bitte geben Sie Ihren Namen ein."),
        (
            "contact_name",
            "Erika\r\nBcc: spam@example.org",
            "Bitte geben Sie alles in einer Zeile ein.",
        ),
        ("email", "", "Bitte geben Sie Ihre E-Mail-Adresse ein."),
        ("email", "erika@", "Bitte geben Sie eine gültige E-Mail-Adresse ein"),
        ("email", "erika@example.org\r\nBcc: x@y.de", "Bitte geben Sie alles in einer Zeile ein."),
        ("phone", "0361 <script>", "nur Ziffern, Leerzeichen"),
        ("district_id", "", "Bitte wählen Sie Ihren Landkreis oder Ihre kreisfreie Stadt."),
        ("district_id", "99999", "aus der Liste"),
        ("district_id", "abc", "aus der Liste"),
        ("headcount_band", "", "Bitte wählen Sie die Zahl der Beschäftigten."),
        (
            "headcount_band",
            "1000_plus",
            "Bitte wählen Sie die Zahl der Beschäftigten aus der Liste.",
        ),
        ("topics", [], "Bitte wählen Sie mindestens ein Thema."),
        ("topics", ["digital", "astrology"], "Bitte wählen Sie nur Themen aus der Liste."),
        ("message", "x" * 2001, "Die Nachricht darf höchstens 2 000 Zeichen lang sein."),
        ("preferred_channel", "pigeon", "Bitte wählen Sie einen Kontaktweg aus der Liste."),
        ("consent", "", "Bitte bestätigen Sie die Einwilligung"),
        ("firm_name", "Firma\x00GmbH", "Bitte keine Steuerzeichen verwenden."),
        ("message", "Hallo \u202egnp.exe", "Bitte keine Steuerzeichen verwenden."),
    ],
)
def test_request_form_bad_input_shows_german_message_and_creates_nothing(
    client, clean_app, form_data, field, value, message
):
    data = form_data(**{field: value})
    if field == "consent":
        data.pop("consent")
    before = counts(clean_app)
    response = client.post("/beratung-anfragen", data=data)
    assert response.status_code == 200
    page = html_page(response)
    error = page.find(f".//{NS}div[@id='{field}-error']")
    assert error is not None, f"no error next to {field}"
    assert message in text_of(error)
    assert counts(clean_app) == before


def test_request_form_message_of_2000_characters_is_accepted(client, clean_app, form_data):
    response = client.post("/beratung-anfragen", data=form_data(message="ä" * 2000))
    assert response.status_code == 303
    assert counts(clean_app)[0] == 1


def test_request_form_honeypot_filled_shows_thanks_but_keeps_nothing(
    client, clean_app, form_data, caplog
):
    data = form_data(website="https://spam.example")
    with caplog.at_level("INFO", logger="wbagentur.intake"):
        response = client.post("/beratung-anfragen", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/beratung-anfragen/danke"
    page = html_page(client.get("/beratung-anfragen/danke"))
    assert "Vielen Dank" in text_of(page)
    assert page.find(f".//{NS}strong[@data-reference]") is None
    assert counts(clean_app) == (0, 0, 0)
    assert "honeypot" in caplog.text
    assert "Erika" not in caplog.text
    assert "mueller-praezision" not in caplog.text


def test_request_form_sent_too_fast_is_refused(client, clean_app, form_data):
    page = html_page(client.get("/beratung-anfragen"))
    started = page.find(f".//{NS}input[@name='started']").get("value")
    data = form_data(started=started)
    response = client.post("/beratung-anfragen", data=data)
    assert response.status_code == 200
    assert "Das ging sehr schnell" in response.get_data(as_text=True)
    assert counts(clean_app) == (0, 0, 0)
    # After a few seconds the same person succeeds with the re-rendered form.
    page = html_page(response)
    data["started"] = page.find(f".//{NS}input[@name='started']").get("value")
    with time_machine.travel(time.time() + 5, tick=False):
        response = client.post("/beratung-anfragen", data=data)
    assert response.status_code == 303
    assert counts(clean_app)[0] == 1


def test_request_form_older_than_a_day_or_forged_is_refused(client, clean_app, form_data):
    from wbagentur.intake import services

    with clean_app.app_context(), time_machine.travel(time.time() - 25 * 3600, tick=False):
        old = services.issue_form_timestamp()
    for started in (old, "forged.value.here", ""):
        response = client.post("/beratung-anfragen", data=form_data(started=started))
        assert response.status_code == 200
        assert "zu lange geöffnet" in response.get_data(as_text=True)
    assert counts(clean_app) == (0, 0, 0)


@pytest.mark.parametrize(
    ("district", "region_code"),
    [("Sömmerda", "MT"), ("Wartburgkreis", "SW"), ("Jena", "OT"), ("Nordhausen", "NT")],
)
def test_request_form_success_opens_unassigned_case_in_district_region(
    client, clean_app, form_data, district, region_code
):
    response = client.post("/beratung-anfragen", data=form_data(district=district))
    assert response.status_code == 303
    assert response.headers["Location"] == "/beratung-anfragen/danke"
    year = date.today().year
    reference = f"WBA-{region_code}-{year}-00001"
    page = html_page(client.get("/beratung-anfragen/danke"))
    assert page.find(f".//{NS}strong[@data-reference]").text == reference
    assert reference not in response.headers["Location"]
    with clean_app.app_context():
        case = db.session.scalar(sa.select(Case))
        assert case.reference == reference
        assert case.region.code == region_code
        assert case.status == "new"
        assert case.assigned_to_id is None
        assert case.kind == "firm"
        assert case.channel == "public_form"
        assert case.title == "Anfrage: Müller Präzisionsteile GmbH"
        assert case.topics == ["digital", "funding"]
        advice_request = db.session.scalar(sa.select(AdviceRequest))
        assert advice_request.case_id == case.id
        assert (
            advice_request.consent_text_version == clean_app.config["INTAKE_CONSENT_TEXT_VERSION"]
        )
        assert len(advice_request.status_token_hash) == 64
        kinds = db.session.scalars(
            sa.select(TimelineEntry.kind).where(TimelineEntry.case_id == case.id)
        ).all()
        assert "request" in kinds
        audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "intake.submit"))
        assert audit.object_id == advice_request.id
        assert "Müller" not in audit.details
        assert "@" not in audit.details


def test_request_form_success_queues_confirmation_with_working_status_link(
    client, clean_app, form_data
):
    client.post("/beratung-anfragen", data=form_data(district="Wartburgkreis"))
    with clean_app.app_context():
        message = db.session.scalar(sa.select(OutboxMessage))
        reference = db.session.scalar(sa.select(Case.reference))
        assert message.recipient == "erika.mueller@mueller-praezision.example"
        assert message.sent_at is None
        assert reference in message.subject
        assert reference in message.body
        body = message.body
    base = clean_app.config["PUBLIC_BASE_URL"].rstrip("/")
    links = re.findall(re.escape(base) + r"(/anfrage/[A-Za-z0-9_\-]+)", body)
    assert len(links) == 1
    response = client.get(links[0])
    assert response.status_code == 200
    assert reference in response.get_data(as_text=True)
    assert "eingegangen" in text_of(html_page(response))


def test_request_form_status_link_ignores_host_header(client, clean_app, form_data):
    # A foreign Host is refused outright (TRUSTED_HOSTS); for a trusted one the link
    # still comes from PUBLIC_BASE_URL, never from the request.
    foreign = client.post("/beratung-anfragen", data=form_data(), headers={"Host": "evil.example"})
    assert foreign.status_code == 400
    client.post("/beratung-anfragen", data=form_data(), headers={"Host": "127.0.0.1:8123"})
    with clean_app.app_context():
        body = db.session.scalar(sa.select(OutboxMessage.body))
    assert "127.0.0.1:8123" not in body
    assert clean_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/anfrage/" in body


def test_request_form_double_submit_same_token_creates_one_case(client, clean_app, form_data):
    data = form_data()
    first = client.post("/beratung-anfragen", data=data)
    second = client.post("/beratung-anfragen", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"] == "/beratung-anfragen/danke"
    assert counts(clean_app) == (1, 1, 1)
    assert "WBA-MT-" in client.get("/beratung-anfragen/danke").get_data(as_text=True)


def test_request_form_double_submit_from_new_session_shows_generic_thanks(clean_app, form_data):
    data = form_data()
    assert clean_app.test_client().post("/beratung-anfragen", data=data).status_code == 303
    other = clean_app.test_client()
    response = other.post("/beratung-anfragen", data=data)
    assert response.status_code == 303
    page = html_page(other.get("/beratung-anfragen/danke"))
    assert "Ihre Anfrage ist bei uns eingegangen." in text_of(page)
    assert counts(clean_app)[0] == 1


def test_thanks_page_without_submission_redirects_to_form(client):
    response = client.get("/beratung-anfragen/danke")
    assert response.status_code == 302
    assert response.headers["Location"] == "/beratung-anfragen"


def test_request_form_rate_limit_per_address_then_429(client, clean_app, form_data):
    limit = int(clean_app.config["INTAKE_RATE_LIMIT"].split()[0])
    statuses = []
    for _ in range(100):
        response = client.post("/beratung-anfragen", data=form_data())
        statuses.append(response.status_code)
    accepted = statuses.count(303)
    record_figure(
        "throttle.public_form", accepted, target="≤ 5", ok=accepted <= 5, db=backend_of(clean_app)
    )
    assert statuses[:limit] == [303] * limit
    assert set(statuses[limit:]) == {429}
    assert counts(clean_app)[0] == limit
    response = client.post(
        "/beratung-anfragen", data=form_data(firm_name="Zweite Anfrage GmbH", message="Noch da?")
    )
    assert response.headers["Retry-After"]
    # Issue #15: the refused submission shows the form again with everything typed.
    assert "schon mehrere Anfragen" in text_of(html_page(response))
    body = response.get_data(as_text=True)
    assert re.search(r'name="firm_name"[^>]*value="Zweite Anfrage GmbH"', body)
    assert re.search(r'name="message"[^>]*>\s*Noch da\?</textarea>', body)
    # Another address is not blocked; GET is never limited.
    other = client.post(
        "/beratung-anfragen", data=form_data(), environ_base={"REMOTE_ADDR": "192.0.2.77"}
    )
    assert other.status_code == 303
    assert client.get("/beratung-anfragen").status_code == 200
    assert counts(clean_app)[0] == limit + 1


def test_request_form_global_limit_caps_all_addresses(client, clean_app, form_data, monkeypatch):
    monkeypatch.setitem(clean_app.config, "INTAKE_GLOBAL_LIMIT", "3 per hour")
    statuses = [
        client.post(
            "/beratung-anfragen", data=form_data(), environ_base={"REMOTE_ADDR": f"192.0.2.{i}"}
        ).status_code
        for i in range(1, 6)
    ]
    assert statuses == [303, 303, 303, 429, 429]
    assert counts(clean_app)[0] == 3
    # The cap for all says so, and keeps what was typed (issue #15).
    response = client.post(
        "/beratung-anfragen",
        data=form_data(firm_name="Später GmbH"),
        environ_base={"REMOTE_ADDR": "192.0.2.9"},
    )
    assert response.status_code == 429
    assert "Gerade gehen sehr viele Anfragen bei uns ein" in text_of(html_page(response))
    assert re.search(r'name="firm_name"[^>]*value="Später GmbH"', response.get_data(as_text=True))


def test_request_form_crlf_in_name_never_reaches_mail_headers(client, clean_app, form_data):
    response = client.post(
        "/beratung-anfragen", data=form_data(contact_name="Erika\r\nBcc: spam@example.org")
    )
    assert response.status_code == 200
    assert "\r\nBcc" not in response.get_data(as_text=True)
    assert counts(clean_app) == (0, 0, 0)
    # A multi-line message is fine: it only goes into the case, never into a header.
    response = client.post(
        "/beratung-anfragen", data=form_data(message="Hallo\r\nBcc: spam@example.org")
    )
    assert response.status_code == 303
    with clean_app.test_request_context():
        message = db.session.scalar(sa.select(OutboxMessage))
        parsed = message_from_string(build_message(message).as_string())
    assert parsed.get_all("Bcc") is None
    assert sorted(k.lower() for k in parsed.keys()) == sorted(
        [
            "subject",
            "from",
            "to",
            "date",
            "message-id",
            "content-type",
            "content-transfer-encoding",
            "mime-version",
        ]
    )


def test_request_form_region_mapping_covers_all_districts(clean_app, make_request):
    from wbagentur.regions.data import DISTRICTS

    with clean_app.app_context():
        codes = dict(db.session.execute(sa.select(Region.id, Region.code)).all())
    for key, name, _kind, region_code in DISTRICTS[:3] + DISTRICTS[-2:]:
        case_id, _rid, _token = make_request(district=name)
        with clean_app.app_context():
            assert codes[db.session.get(Case, case_id).region_id] == region_code, key
