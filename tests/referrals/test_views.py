"""Referral pages through HTTP: the form with bad input, the partner link, transfers."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import html_page, text_of
from tests.referrals.conftest import case_with_consent, partner, user
from wbagentur.cases.models import Case
from wbagentur.core.audit import AuditEvent, ingest_reads
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.mail.models import OutboxMessage
from wbagentur.referrals.models import Referral, ReferralEvent, Transfer


def _count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def sw_case(clean_app, sw_advisor):
    with clean_app.test_request_context():
        case, consent = case_with_consent(user(sw_advisor))
        db.session.commit()
        return case.id, consent.id, partner("aa_suedwest").id


def _form(pid, consent_id, **over):
    data = {
        "partner_id": pid,
        "programme": "sgb3_82",
        "purpose": "§ 82 prüfen",
        "data_categories": ["firm", "planned_course"],
        "consent_id": consent_id,
        "legal_basis": "",
        "due_days": "",
        "message": "",
        "action": "send",
        "submission_token": "tok-" + str(id(over)),
    }
    data.update(over)
    return data


def _send(client, auth, sw_advisor, sw_case):
    case_id, consent_id, pid = sw_case
    auth.login(sw_advisor)
    response = client.post(f"/faelle/{case_id}/weiterleiten", data=_form(pid, consent_id))
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _token(app):
    with app.app_context():
        body = db.session.scalars(
            sa.select(OutboxMessage.body)
            .where(OutboxMessage.kind == "referral_partner")
            .order_by(OutboxMessage.id.desc())
        ).first()
    return re.search(r"/weiterleitung/([A-Za-z0-9_\-]+)", body).group(1)


def test_referral_form_shows_suggestions_first(client, auth, sw_advisor, sw_case):
    auth.login(sw_advisor)
    response = client.get(f"/faelle/{sw_case[0]}/weiterleiten?bedarf=sgb3_82")
    html_page(response)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert (
        body.index('label="Vorschläge"')
        < body.index("Agentur für Arbeit Thüringen Südwest")
        < body.index('label="Alle Partnerstellen"')
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("purpose", "", "Bitte geben Sie den Zweck der Weiterleitung an."),
        ("purpose", "x" * 2001, "Bitte kürzen Sie den Text auf höchstens 2000 Zeichen."),
        ("purpose", "a\x07b", "Bitte keine Steuerzeichen verwenden."),
        ("data_categories", [], "Bitte wählen Sie mindestens eine Datenkategorie."),
        (
            "consent_id",
            0,
            "Bitte wählen Sie eine Einwilligung oder geben Sie eine Rechtsgrundlage an.",
        ),
        ("due_days", "99", "Bitte geben Sie 1 bis 60 Arbeitstage an."),
        ("partner_id", "999999", 'aria-invalid="true"'),
        ("programme", "nix", 'aria-invalid="true"'),
    ],
)
def test_referral_form_bad_input_rerenders_with_message_and_no_row(
    client, auth, sw_advisor, sw_case, clean_app, field, value, message
):
    case_id, consent_id, pid = sw_case
    auth.login(sw_advisor)
    before = _count(clean_app, Referral)
    response = client.post(
        f"/faelle/{case_id}/weiterleiten", data={**_form(pid, consent_id), field: value}
    )
    assert response.status_code == 200
    html_page(response)
    assert message in response.get_data(as_text=True)
    assert _count(clean_app, Referral) == before


def test_referral_double_submit_creates_one(client, auth, sw_advisor, sw_case, clean_app):
    case_id, consent_id, pid = sw_case
    auth.login(sw_advisor)
    data = _form(pid, consent_id, submission_token="same-token-for-both-posts")
    first = client.post(f"/faelle/{case_id}/weiterleiten", data=data)
    second = client.post(f"/faelle/{case_id}/weiterleiten", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(clean_app, Referral) == 1


def test_partner_link_accept_then_complete_shows_outcome_on_case(
    client, auth, sw_advisor, sw_case, clean_app
):
    referral_id = _send(client, auth, sw_advisor, sw_case)
    token = _token(clean_app)
    auth.logout()
    page = client.get(f"/weiterleitung/{token}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = text_of(html_page(page))
    assert "Suhler Werkzeugbau GmbH" in text  # firm data shared
    assert "Petra Personal" not in text  # contact data not shared
    assert (
        client.post(f"/weiterleitung/{token}/annehmen", data={"note-note": ""}).status_code == 303
    )
    response = client.post(
        f"/weiterleitung/{token}/abschluss",
        data={
            "complete-outcome": "approved",
            "complete-amount": "1.234,50",
            "complete-decision_date": "2026-11-20",
            "complete-voucher_issued": "ja",
        },
    )
    assert response.status_code == 303
    with clean_app.app_context():
        referral = db.session.get(Referral, referral_id)
        assert referral.state == "completed"
        assert referral.amount_cents == 123450
        assert referral.voucher_issued is True
        ingest_reads()  # the partner's page views are spooled (issue #22)
        views = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "referral.partner_view")
        )
        assert views == 1
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.kind == "referral_advisor")
            )
            == 2
        )
    # reused after completion → clear page, nothing changes
    again = client.post(f"/weiterleitung/{token}/annehmen", data={})
    assert again.status_code == 404
    assert "nicht (mehr) gültig" in again.get_data(as_text=True)
    auth.login(sw_advisor)
    case_page = client.get(f"/faelle/{sw_case[0]}").get_data(as_text=True)
    assert "bewilligt" in case_page
    assert "1.234,50\xa0€" in case_page


def test_partner_page_hides_shared_data_once_the_consent_is_withdrawn(
    client, auth, sw_advisor, sw_case, clean_app
):
    from wbagentur.firms.models import FirmContact
    from wbagentur.persons import services as person_services
    from wbagentur.persons.models import Consent

    _case_id, consent_id, _pid = sw_case
    _send(client, auth, sw_advisor, sw_case)
    token = _token(clean_app)
    auth.logout()
    before = text_of(html_page(client.get(f"/weiterleitung/{token}")))
    assert "Suhler Werkzeugbau GmbH" in before
    assert "Qualifizierung CNC" in before
    with clean_app.test_request_context():
        consent = db.session.get(Consent, consent_id)
        contact = db.session.get(FirmContact, consent.firm_contact_id)
        person_services.withdraw_contact_consent(user(sw_advisor), contact, consent)
        db.session.commit()
    response = client.get(f"/weiterleitung/{token}")
    text = text_of(html_page(response))
    assert "Suhler Werkzeugbau GmbH" not in text
    assert "Qualifizierung CNC" not in text
    assert "data-category" not in response.get_data(as_text=True)
    assert "Die Einwilligung zur Weitergabe wurde widerrufen" in text


def test_partner_link_expired_is_410_and_changes_nothing(
    client, auth, sw_advisor, sw_case, clean_app
):
    referral_id = _send(client, auth, sw_advisor, sw_case)
    token = _token(clean_app)
    with clean_app.app_context():
        db.session.get(Referral, referral_id).token_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert client.get(f"/weiterleitung/{token}").status_code == 410
    response = client.post(f"/weiterleitung/{token}/annehmen", data={})
    assert response.status_code == 410
    assert "abgelaufen" in response.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.get(Referral, referral_id).state == "sent"


def test_partner_link_tampered_or_unknown_is_404(client, auth, sw_advisor, sw_case, clean_app):
    _send(client, auth, sw_advisor, sw_case)
    token = _token(clean_app)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "x", "a" * 200):
        response = client.get(f"/weiterleitung/{bad}")
        assert response.status_code == 404
        html_page(response)
    assert (
        client.post(
            f"/weiterleitung/{tampered}/abschluss", data={"complete-outcome": "approved"}
        ).status_code
        == 404
    )
    assert _count(clean_app, ReferralEvent) == 2


def test_partner_decline_without_reason_rerenders(client, auth, sw_advisor, sw_case, clean_app):
    _send(client, auth, sw_advisor, sw_case)
    token = _token(clean_app)
    response = client.post(f"/weiterleitung/{token}/ablehnen", data={"decline-reason": ""})
    assert response.status_code == 200
    assert "Bitte wählen Sie einen Grund." in response.get_data(as_text=True)
    response = client.post(f"/weiterleitung/{token}/rueckfrage", data={"return-note": ""})
    assert "Bitte geben Sie an, welche Angaben fehlen." in response.get_data(as_text=True)
    assert _count(clean_app, ReferralEvent) == 2


def test_staff_records_phone_answer_and_bad_amount(client, auth, sw_advisor, sw_case, clean_app):
    referral_id = _send(client, auth, sw_advisor, sw_case)
    assert (
        client.post(f"/weiterleitungen/{referral_id}/antwort/annehmen", data={}).status_code == 302
    )
    bad = client.post(
        f"/weiterleitungen/{referral_id}/antwort/abschluss",
        data={"complete-outcome": "approved", "complete-amount": "-5"},
    )
    assert bad.status_code == 200
    assert "Bitte geben Sie einen Betrag" in bad.get_data(as_text=True)
    detail = client.get(f"/weiterleitungen/{referral_id}")
    assert detail.status_code == 200
    assert "angenommen" in text_of(html_page(detail))
    with clean_app.app_context():
        events = db.session.scalars(
            sa.select(ReferralEvent)
            .where(ReferralEvent.referral_id == referral_id)
            .order_by(ReferralEvent.id)
        ).all()
        assert [e.via for e in events][-1] == "staff"
    assert client.get("/weiterleitungen?filter=offen").status_code == 200
    assert client.get("/weiterleitungen?filter=ueberfaellig").status_code == 200
    mine = client.get("/weiterleitungen")
    assert f"/weiterleitungen/{referral_id}" in mine.get_data(as_text=True)
    pid = sw_case[2]
    partner_page = client.get(f"/partner/{pid}")
    assert partner_page.status_code == 200
    assert "angenommen: 1" in text_of(html_page(partner_page))


def test_transfer_sw_to_ot_accepted_sender_reads_history_until_transfer_but_cannot_edit(
    client, auth, make_user, sw_advisor, sw_case, clean_app
):
    case_id = sw_case[0]
    ot_advisor = make_user("advisor", "OT")
    auth.login(sw_advisor)
    client.post(f"/faelle/{case_id}/notizen", data={"body": "Notiz vor der Übergabe"})
    response = client.post(
        f"/faelle/{case_id}/uebergeben",
        data={
            "to_region_id": _region(clean_app, "OT"),
            "reason": "Umzug nach Jena",
            "submission_token": "transfer-form-token-0001",
        },
    )
    assert response.status_code == 302
    auth.logout()
    auth.login(ot_advisor)
    assert client.get(f"/faelle/{case_id}").status_code == 200  # pending → read
    assert client.post(f"/faelle/{case_id}/notizen", data={"body": "x"}).status_code == 403
    transfers = client.get("/uebergaben")
    html_page(transfers)
    with clean_app.app_context():
        transfer = db.session.scalar(sa.select(Transfer))
    assert (
        client.post(
            f"/uebergaben/{transfer.id}/annehmen", data={"version": transfer.version}
        ).status_code
        == 302
    )
    with clean_app.app_context():
        case = db.session.get(Case, case_id)
        assert case.region.code == "OT"
        assert case.assigned_to_id == ot_advisor.id
        assert case.reference.startswith("WBA-SW")
    client.post(f"/faelle/{case_id}/notizen", data={"body": "Geheime Notiz nach der Übergabe"})
    auth.logout()
    auth.login(sw_advisor)
    page = client.get(f"/faelle/{case_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Notiz vor der Übergabe" in text
    assert "Geheime Notiz nach der Übergabe" not in text
    assert client.post(f"/faelle/{case_id}/notizen", data={"body": "x"}).status_code == 403
    assert client.get(f"/faelle/{case_id}/weiterleiten").status_code == 403


def _region(app, code):
    from wbagentur.regions.models import Region

    with app.app_context():
        return db.session.scalar(sa.select(Region.id).where(Region.code == code))


def test_transfer_form_bad_input_and_decline_and_cancel(
    client, auth, make_user, sw_advisor, sw_case, clean_app
):
    case_id = sw_case[0]
    auth.login(sw_advisor)
    for data, message in [
        ({"to_region_id": 0, "reason": "x"}, "Bitte wählen Sie die Region."),
        (
            {"to_region_id": _region(clean_app, "OT"), "reason": ""},
            "Bitte geben Sie einen Grund für die Übergabe an.",
        ),
    ]:
        response = client.post(f"/faelle/{case_id}/uebergeben", data=data)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert _count(clean_app, Transfer) == 0
    client.post(
        f"/faelle/{case_id}/uebergeben",
        data={"to_region_id": _region(clean_app, "OT"), "reason": "r"},
    )
    with clean_app.app_context():
        transfer = db.session.scalar(sa.select(Transfer))
    assert client.post(f"/uebergaben/{transfer.id}/zuruecknehmen", data={}).status_code == 302
    with clean_app.app_context():
        assert db.session.get(Transfer, transfer.id).state == "cancelled"
    client.post(
        f"/faelle/{case_id}/uebergeben",
        data={"to_region_id": _region(clean_app, "OT"), "reason": "r2"},
    )
    auth.logout()
    auth.login(make_user("advisor", "OT"))
    with clean_app.app_context():
        transfer = db.session.scalar(sa.select(Transfer).where(Transfer.state == "pending"))
    client.post(f"/uebergaben/{transfer.id}/ablehnen", data={"reason": ""})
    with clean_app.app_context():
        assert db.session.get(Transfer, transfer.id).state == "pending"  # a reason is required
    client.post(f"/uebergaben/{transfer.id}/ablehnen", data={"reason": "nicht zuständig"})
    with clean_app.app_context():
        assert db.session.get(Transfer, transfer.id).state == "declined"
        assert db.session.get(Case, case_id).region.code == "SW"
