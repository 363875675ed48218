"""Issue #14.1: a consent recorded on the person or firm page covers the referral it names.

Recipients are chosen from the partner directory (a partner kind or one partner); a
free-text recipient from before covers no partner; the referral form records a consent
without leaving it.
"""

import pytest
import sqlalchemy as sa

from tests.factories import ConsentFactory, make_person
from tests.helpers import html_page, text_of
from tests.referrals.conftest import case_with_consent, partner, user
from wbagentur.cases import services as case_services
from wbagentur.cases.models import Case
from wbagentur.core.errors_domain import DomainError
from wbagentur.extensions import db
from wbagentur.persons.models import Consent
from wbagentur.referrals import consents, services
from wbagentur.referrals.models import Referral


@pytest.fixture
def case_ids(clean_app, sw_advisor):
    """A firm case in Südwest with a contact, an employee taking part, no usable consent."""
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        consent.withdrawn_at = consent.given_at  # the factory's consent does not count
        person = make_person("Jana", "Kühn", employer_id=case.firm_id)
        case_services.add_participant(actor, case, person.id)
        db.session.commit()
        return {
            "case": case.id,
            "person": person.id,
            "contact": case.firm.contacts[0].id,
            "firm": case.firm_id,
            "aa": partner("aa_suedwest").id,
            "ihk": partner("ihk_suedthueringen").id,
        }


def _referral(pid, consent_id, **over):
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
        "submission_token": f"tok-consent-{pid}-{consent_id}-form",
    }
    data.update(over)
    return data


def _consent_ids(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(Consent.id).order_by(Consent.id)))


def test_coverage_partner_kind_legacy_text_and_unnamed(clean_app, sw_advisor):
    with clean_app.test_request_context():
        aa, ihk = partner("aa_suedwest"), partner("ihk_suedthueringen")
        case, _c = case_with_consent(user(sw_advisor))
        contact_id = case.firm.contacts[0].id

        def add(**kw):
            row = ConsentFactory(
                firm_contact_id=contact_id, purpose="share_partner", text_version="t", **kw
            )
            return row.id

        one = add(recipient_partner_id=aa.id)
        kind = add(recipient_kind="ihk")
        legacy = add(recipient="Agentur für Arbeit Suhl")
        unnamed = add()
        for_aa = {c.id for c in services.usable_consents(case, aa)}
        for_ihk = {c.id for c in services.usable_consents(case, ihk)}
        assert one in for_aa
        assert one not in for_ihk
        assert kind in for_ihk
        assert kind not in for_aa
        assert legacy not in for_aa | for_ihk
        assert unnamed in for_aa & for_ihk
        assert "freier Text" in consents.recipient_label(db.session.get(Consent, legacy))
        assert consents.recipient_label(db.session.get(Consent, one)) == aa.name


def test_parse_recipient_refuses_free_text_unknown_kind_and_inactive_partner(clean_app):
    with clean_app.test_request_context():
        aa = partner("aa_suedwest")
        assert consents.parse_recipient(f"partner:{aa.id}") == (None, aa.id)
        assert consents.parse_recipient("kind:jobcenter") == ("jobcenter", None)
        aa.is_active = False
        db.session.flush()
        for bad in ("Agentur für Arbeit Suhl", "kind:nix", f"partner:{aa.id}", "partner:x", ""):
            with pytest.raises(DomainError):
                consents.parse_recipient(bad)


def test_consent_recorded_on_person_page_is_usable_for_that_partner_only(
    client, auth, sw_advisor, case_ids, clean_app
):
    auth.login(sw_advisor)
    person_page = client.get(f"/personen/{case_ids['person']}").get_data(as_text=True)
    assert f'value="partner:{case_ids["aa"]}"' in person_page
    response = client.post(
        f"/personen/{case_ids['person']}/einwilligungen",
        data={"purpose": "share_partner", "recipient": f"partner:{case_ids['aa']}"},
    )
    assert response.status_code == 302
    consent_id = _consent_ids(clean_app)[-1]
    page = text_of(html_page(client.get(f"/faelle/{case_ids['case']}/weiterleiten")))
    assert "Jana Kühn – Agentur für Arbeit Thüringen Südwest" in page
    assert "alle Partnerstellen" not in page
    # The IHK is not covered: nothing is sent.
    refused = client.post(
        f"/faelle/{case_ids['case']}/weiterleiten", data=_referral(case_ids["ihk"], consent_id)
    )
    assert refused.status_code == 200
    assert "gilt nicht für diese Partnerstelle" in refused.get_data(as_text=True)
    sent = client.post(
        f"/faelle/{case_ids['case']}/weiterleiten", data=_referral(case_ids["aa"], consent_id)
    )
    assert sent.status_code == 302
    with clean_app.app_context():
        referral = db.session.scalar(sa.select(Referral))
        assert referral.consent_id == consent_id
        assert referral.state == "sent"


def test_legacy_free_text_consent_is_not_offered(client, auth, sw_advisor, case_ids, clean_app):
    with clean_app.app_context():
        ConsentFactory(
            person_id=case_ids["person"],
            purpose="share_partner",
            recipient="Agentur für Arbeit Suhl",
            text_version="2026-01",
        )
        db.session.commit()
    auth.login(sw_advisor)
    page = text_of(html_page(client.get(f"/faelle/{case_ids['case']}/weiterleiten")))
    assert "Agentur für Arbeit Suhl" not in page
    person_page = text_of(html_page(client.get(f"/personen/{case_ids['person']}")))
    assert "„Agentur für Arbeit Suhl“ (freier Text, gilt für keine Partnerstelle" in person_page


def test_referral_form_records_consent_without_leaving(
    client, auth, sw_advisor, case_ids, clean_app
):
    auth.login(sw_advisor)
    form = client.get(f"/faelle/{case_ids['case']}/weiterleiten").get_data(as_text=True)
    assert "Einwilligung jetzt erfassen" in form
    inline = form[form.index('id="einwilligung-erfassen"') :]
    inline = inline[: inline.index("</details>")]
    assert "Pflichtfeld" not in inline  # optional unless its own button is pressed
    assert " required" not in inline
    data = _referral(
        case_ids["aa"],
        0,
        purpose="Beschäftigtenqualifizierung prüfen",
        action="consent",
        **{
            "einwilligung-subject": f"contact:{case_ids['contact']}",
            "einwilligung-recipient": "kind:agentur_fuer_arbeit",
            "einwilligung-confirmed": "y",
        },
    )
    response = client.post(f"/faelle/{case_ids['case']}/weiterleiten", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    html_page(response)
    [consent_id] = _consent_ids(clean_app)[-1:]
    with clean_app.app_context():
        consent = db.session.get(Consent, consent_id)
        assert consent.firm_contact_id == case_ids["contact"]
        assert consent.recipient_kind == "agentur_fuer_arbeit"
        assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 0
    assert "Die Einwilligung wurde erfasst" in page
    assert "Beschäftigtenqualifizierung prüfen" in page  # what was typed stays
    assert f'<option selected value="{consent_id}">' in page or (
        f'value="{consent_id}" selected' in page
    )
    sent = client.post(
        f"/faelle/{case_ids['case']}/weiterleiten",
        data=_referral(case_ids["aa"], consent_id, submission_token="tok-after-consent"),
    )
    assert sent.status_code == 302


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Bitte wählen Sie, wer einwilligt."),
        ({"einwilligung-subject": "person:999999"}, "Bitte wählen Sie eine Person aus der Liste."),
        ({"einwilligung-recipient": "Agentur für Arbeit Suhl"}, "Empfänger aus der Liste"),
        ({"einwilligung-confirmed": ""}, "Bitte bestätigen Sie, dass die Einwilligung vorliegt."),
    ],
)
def test_inline_consent_bad_input_records_nothing(
    client, auth, sw_advisor, case_ids, clean_app, fields, message
):
    auth.login(sw_advisor)
    before = _consent_ids(clean_app)
    data = {
        "einwilligung-subject": f"person:{case_ids['person']}",
        "einwilligung-recipient": f"partner:{case_ids['aa']}",
        "einwilligung-confirmed": "y",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v}
    if not fields:
        data.pop("einwilligung-subject")
    response = client.post(
        f"/faelle/{case_ids['case']}/weiterleiten",
        data=_referral(case_ids["aa"], 0, action="consent", **data),
    )
    assert response.status_code == 200
    assert message in text_of(html_page(response))
    assert _consent_ids(clean_app) == before


def test_firm_contact_records_consent_on_firm_page(client, auth, sw_advisor, case_ids, clean_app):
    auth.login(sw_advisor)
    firm = case_ids["firm"]
    page = client.get(f"/unternehmen/{firm}").get_data(as_text=True)
    assert "Einwilligung zur Weitergabe an eine Partnerstelle erfassen" in page
    bad = client.post(
        f"/unternehmen/{firm}/einwilligungen",
        data={"contact_id": "0", "recipient": "Agentur für Arbeit Suhl"},
        follow_redirects=True,
    )
    assert "Bitte wählen Sie einen Eintrag aus der Liste." in text_of(html_page(bad))
    before = _consent_ids(clean_app)
    response = client.post(
        f"/unternehmen/{firm}/einwilligungen",
        data={"contact_id": str(case_ids["contact"]), "recipient": f"partner:{case_ids['aa']}"},
    )
    assert response.status_code == 302
    [new_id] = [i for i in _consent_ids(clean_app) if i not in before]
    text = text_of(html_page(client.get(f"/unternehmen/{firm}")))
    assert "Petra Personal" in text
    assert "Agentur für Arbeit Thüringen Südwest" in text
    assert client.post(f"/unternehmen/{firm}/einwilligungen/{new_id}/widerruf").status_code == 302
    with clean_app.app_context():
        assert db.session.get(Consent, new_id).withdrawn_at is not None
        case = db.session.get(Case, case_ids["case"])
        assert new_id not in {c.id for c in services.usable_consents(case)}
