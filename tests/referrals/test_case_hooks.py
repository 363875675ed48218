"""What referrals add to the case pages through the hooks registered at app creation
(issue #18: cases do not import referrals): closing warns about referrals still with a
partner, and the case list drills down by partner, naming the partner in its filters."""

from __future__ import annotations

import sqlalchemy as sa

from tests.helpers import NS, html_page, text_of
from tests.referrals.conftest import case_with_consent, partner, user
from wbagentur.cases import services as case_services
from wbagentur.extensions import db
from wbagentur.referrals import services
from wbagentur.referrals.models import Referral


def _refer(actor, case, consent, code, send=True):
    return services.create_referral(
        actor,
        case,
        partner_id=partner(code).id,
        programme="sgb3_82",
        purpose="§ 82 prüfen",
        data_categories=["firm"],
        consent_id=consent.id,
        legal_basis=None,
        due_days=None,
        message=None,
        send=send,
    )


def test_open_work_counts_referrals_still_with_a_partner(clean_app, sw_advisor):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        assert case_services.open_work(case) == {"follow_ups": 0, "referrals": 0}
        _refer(actor, case, consent, "aa_suedwest")
        done = _refer(actor, case, consent, "aa_suedwest")
        services.decline_referral(actor, done, via="staff", reason="not_eligible")
        assert case_services.open_work(case) == {"follow_ups": 0, "referrals": 1}


def test_drill_down_by_partner_names_it_and_lists_only_its_cases(
    client, clean_app, auth, sw_advisor
):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        referred, consent = case_with_consent(actor)
        _refer(actor, referred, consent, "aa_suedwest")
        other, _consent = case_with_consent(actor)
        aa = partner("aa_suedwest")
        aa_id, aa_name = aa.id, aa.name
        references = (referred.reference, other.reference)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 1
    auth.login(sw_advisor)
    root = html_page(client.get(f"/faelle?partner={aa_id}&programme=sgb3_82"))
    filters = text_of(root.find(f".//{NS}div[@data-active-filters]"))
    assert f"Partnerstelle: {aa_name}" in filters
    assert "Programm: § 82 SGB III Beschäftigtenqualifizierung" in filters
    listed = text_of(root.find(f".//{NS}main"))
    assert references[0] in listed
    assert references[1] not in listed
