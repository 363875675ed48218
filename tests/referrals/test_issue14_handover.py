"""Issue #14 defects 3, 8 and 9 through HTTP and the scheduled job:

- catalogue notices and saved checks have distinct timeline kinds; the partner page shows
  only a saved check as "Ergebnis der Förderprüfung";
- after a transfer the open follow-ups move to the receiving advisor, who can edit the firm;
- a reassigned case notifies the new advisor; an escalation in a region without a
  supervisor goes to the state coordination and is retried while nobody can be told.
"""

import json
import re
from datetime import date, datetime

import sqlalchemy as sa
import time_machine

from tests.helpers import NS, html_page, text_of
from tests.referrals.conftest import case_with_consent, partner, user
from wbagentur.cases import services as case_services
from wbagentur.cases.models import Case, FollowUp, TimelineEntry
from wbagentur.core.timezone import BERLIN
from wbagentur.extensions import db
from wbagentur.mail.models import OutboxMessage
from wbagentur.referrals import services, transfers
from wbagentur.referrals.models import Referral, Transfer


def _at(day):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 9, 0, tzinfo=BERLIN), tick=False
    )


def _mails(app, kind):
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(OutboxMessage.recipient, OutboxMessage.body)
                .where(OutboxMessage.kind == kind)
                .order_by(OutboxMessage.id)
            )
        )


def _region(code):
    from wbagentur.regions.models import Region

    return db.session.scalar(sa.select(Region.id).where(Region.code == code))


def test_partner_page_shows_saved_check_not_catalogue_notice(client, clean_app, sw_advisor, auth):
    with _at(date(2026, 11, 2)), clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        case_services.add_entry(
            case, actor, "funding_check", body="§ 82 SGB III: förderfähig", check_id=7
        )
        db.session.flush()
        with time_machine.travel(datetime(2026, 11, 3, 9, 0, tzinfo=BERLIN), tick=False):
            case_services.add_entry(
                case, actor, "catalogue", body="Der Status von § 82 ist jetzt: offen."
            )
            referral = services.create_referral(
                actor,
                case,
                partner_id=partner("aa_suedwest").id,
                programme=None,
                purpose="p",
                data_categories=["funding_check"],
                consent_id=consent.id,
                legal_basis=None,
                due_days=None,
                message=None,
                send=True,
            )
        db.session.commit()
        case_id = case.id
        assert referral.state == "sent"
    [(_to, body)] = _mails(clean_app, "referral_partner")
    token = re.search(r"/weiterleitung/([A-Za-z0-9_\-]+)", body).group(1)
    # The partner opens the link the next day, while it is valid (it expires after weeks).
    with _at(date(2026, 11, 4)):
        page = text_of(html_page(client.get(f"/weiterleitung/{token}")))
    assert "§ 82 SGB III: förderfähig" in page
    assert "Der Status von" not in page
    auth.login(sw_advisor)
    case_page = html_page(client.get(f"/faelle/{case_id}"))
    [notice] = [e for e in case_page.iter(f"{NS}li") if e.get("data-kind") == "catalogue"]
    assert "Hinweis aus dem Förderkatalog" in text_of(notice)


def test_transfer_moves_open_follow_ups_and_lets_receiver_edit_the_firm(
    client, clean_app, auth, make_user, sw_advisor
):
    ot_advisor = make_user("advisor", "OT")
    with _at(date(2026, 11, 2)):
        with clean_app.test_request_context():
            actor = user(sw_advisor)
            case, _consent = case_with_consent(actor)
            case_services.assign_case(actor, case, actor.id, None)
            open_one = case_services.add_follow_up(
                actor,
                case,
                title="Angebot nachfassen",
                due_date=date(2026, 11, 9),
                assignee_id=actor.id,
            )
            done_one = case_services.add_follow_up(
                actor,
                case,
                title="Erstgespräch",
                due_date=date(2026, 11, 3),
                assignee_id=actor.id,
            )
            case_services.complete_follow_up(actor, done_one)
            transfer = transfers.request_transfer(
                actor, case, to_region_id=_region("OT"), reason="Umzug nach Jena"
            )
            db.session.commit()
            ids = (case.id, case.firm_id, open_one.id, done_one.id, transfer.id)
        case_id, firm_id, open_id, done_id, transfer_id = ids
        auth.login(ot_advisor)
        assert client.get(f"/unternehmen/{firm_id}/bearbeiten").status_code == 404  # pending
        with clean_app.app_context():
            version = db.session.get(Transfer, transfer_id).version
        accepted = client.post(f"/uebergaben/{transfer_id}/annehmen", data={"version": version})
        assert accepted.status_code == 302
        with clean_app.app_context():
            assert db.session.get(FollowUp, open_id).assignee_id == ot_advisor.id
            assert db.session.get(FollowUp, done_id).assignee_id == sw_advisor.id
        page = text_of(html_page(client.get(f"/faelle/{case_id}")))
        assert "Angebot nachfassen" in page
        assert "1 offene Wiedervorlage(n) mit dem Fall übernommen" in page
        assert client.get(f"/unternehmen/{firm_id}/bearbeiten").status_code == 200
        # The sending advisor keeps no follow-up it could no longer complete.
        auth.logout()
        auth.login(sw_advisor)
        with clean_app.app_context():
            mine = db.session.scalars(
                sa.select(FollowUp.id).where(
                    FollowUp.assignee_id == sw_advisor.id, FollowUp.done_at.is_(None)
                )
            ).all()
        assert mine == []
        assert client.get(f"/unternehmen/{firm_id}/bearbeiten").status_code == 200  # own district


def test_firm_of_a_closed_handed_over_case_is_read_only_again(clean_app, make_user, sw_advisor):
    from wbagentur.firms.access import can_edit_firm

    ot_advisor = make_user("advisor", "OT")
    with clean_app.test_request_context():
        case, _consent = case_with_consent(user(sw_advisor))
        transfer = transfers.request_transfer(
            user(sw_advisor), case, to_region_id=_region("OT"), reason="Umzug"
        )
        transfers.accept_transfer(user(ot_advisor), transfer)
        assert can_edit_firm(user(ot_advisor), case.firm)
        case_services.change_status(
            user(ot_advisor), case, "closed", None, outcome="other", outcome_note=None
        )
        assert not can_edit_firm(user(ot_advisor), case.firm)


def test_reassigned_case_notifies_the_new_advisor_not_oneself(
    client, clean_app, auth, make_user, sw_advisor
):
    colleague = make_user("advisor", "SW")
    with clean_app.test_request_context():
        case, _consent = case_with_consent(None)
        db.session.commit()
        case_id, reference = case.id, case.reference
    auth.login(sw_advisor)

    def version():
        with clean_app.app_context():
            return db.session.get(Case, case_id).version

    mine = client.post(
        f"/faelle/{case_id}/zuweisen", data={"assignee_id": sw_advisor.id, "version": version()}
    )
    assert mine.status_code == 302
    assert _mails(clean_app, "case_assigned") == []
    theirs = client.post(
        f"/faelle/{case_id}/zuweisen", data={"assignee_id": colleague.id, "version": version()}
    )
    assert theirs.status_code == 302
    [(to, body)] = _mails(clean_app, "case_assigned")
    assert to == colleague.email
    assert reference in body
    assert f"/faelle/{case_id}" in body
    assert "Suhler Werkzeugbau" not in body  # no client data in the mail


def test_bulk_reassignment_sends_one_mail_per_new_advisor(clean_app, make_user):
    from wbagentur.reports.services import reassign_cases

    supervisor = make_user("supervisor", "SW")
    target = make_user("advisor", "SW")
    with clean_app.test_request_context():
        first, _c1 = case_with_consent(None)
        second, _c2 = case_with_consent(None, district_key="16069")
        result = reassign_cases(
            user(supervisor), {first.id: None, second.id: None}, target.id, "Urlaub"
        )
        db.session.commit()
        assert sorted(result.moved) == sorted([first.id, second.id])
    [(to, body)] = _mails(clean_app, "case_assigned")
    assert to == target.email
    assert first.reference in body
    assert second.reference in body


def _overdue_referral(app, advisor):
    with _at(date(2026, 11, 2)), app.test_request_context():
        case, consent = case_with_consent(user(advisor))
        referral = services.create_referral(
            user(advisor),
            case,
            partner_id=partner("aa_suedwest").id,
            programme=None,
            purpose="p",
            data_categories=["firm"],
            consent_id=consent.id,
            legal_basis=None,
            due_days=None,
            message=None,
            send=True,
        )
        db.session.commit()
        return referral.id


def test_escalation_without_supervisor_goes_to_state_coordination(
    clean_app, runner, make_user, sw_advisor
):
    coordinator = make_user("coordinator")
    make_user("supervisor", "OT")  # another region's supervisor is not asked
    referral_id = _overdue_referral(clean_app, sw_advisor)
    with _at(date(2026, 11, 23)):  # 5 working days overdue
        assert "eskaliert: 1" in runner.invoke(args=["referrals", "remind"]).output
    [(to, body)] = _mails(clean_app, "referral_escalation")
    assert to == coordinator.email
    assert "keine aktive Leitung" in body
    with clean_app.app_context():
        assert db.session.get(Referral, referral_id).escalated_at is not None


def test_escalation_nobody_to_tell_is_retried_next_run(clean_app, runner, make_user, sw_advisor):
    referral_id = _overdue_referral(clean_app, sw_advisor)
    with _at(date(2026, 11, 23)):
        output = runner.invoke(args=["referrals", "remind"]).output
        assert "eskaliert: 0" in output
        assert "Eskalation ohne Empfänger (nächster Lauf versucht es erneut): 1" in output
    with clean_app.app_context():
        assert db.session.get(Referral, referral_id).escalated_at is None
    coordinator = make_user("coordinator")
    with _at(date(2026, 11, 24)):
        assert "eskaliert: 1" in runner.invoke(args=["referrals", "remind"]).output
        assert "eskaliert: 0" in runner.invoke(args=["referrals", "remind"]).output
    assert [to for to, _b in _mails(clean_app, "referral_escalation")] == [coordinator.email]


def test_supervisor_of_the_region_still_gets_the_escalation(
    clean_app, runner, make_user, sw_advisor
):
    supervisor = make_user("supervisor", "SW")
    make_user("coordinator")
    _overdue_referral(clean_app, sw_advisor)
    with _at(date(2026, 11, 23)):
        runner.invoke(args=["referrals", "remind"])
    [(to, body)] = _mails(clean_app, "referral_escalation")
    assert to == supervisor.email
    assert "keine aktive Leitung" not in body


def test_catalogue_notice_is_its_own_kind_in_the_timeline(clean_app, sw_advisor):
    with clean_app.test_request_context():
        case, _consent = case_with_consent(user(sw_advisor))
        case_services.add_entry(case, None, "catalogue", body="Der Status von X ist jetzt: offen.")
        db.session.flush()
        kinds = db.session.scalars(
            sa.select(TimelineEntry.kind).where(TimelineEntry.case_id == case.id)
        ).all()
        assert "catalogue" in kinds
        assert (
            json.loads(
                db.session.scalar(
                    sa.select(TimelineEntry.data).where(TimelineEntry.kind == "catalogue")
                )
            )
            == {}
        )


def test_partner_page_sections_list_exactly_the_shared_categories(clean_app, sw_advisor):
    from tests.factories import make_person
    from wbagentur.referrals.partner_link import shared_sections

    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        person = make_person(
            "Jana",
            "Kühn",
            employer_id=case.firm_id,
            email="jana@example.org",
            employment_status="employed",
            weekly_hours=38.5,
            qualification="vocational",
            qualification_year=2004,
        )
        case_services.add_participant(actor, case, person.id)
        referral = services.create_referral(
            actor,
            case,
            partner_id=partner("aa_suedwest").id,
            programme=None,
            purpose="p",
            data_categories=["contact", "employment", "qualification", "funding_check"],
            consent_id=consent.id,
            legal_basis=None,
            due_days=None,
            message=None,
            send=False,
        )
        sections = dict(shared_sections(referral))
    assert list(sections) == [
        "Kontaktdaten",
        "Beschäftigungsdaten",
        "Qualifikation",
        "Ergebnis der Förderprüfung",
    ]
    assert ("Jana Kühn", "jana@example.org") in sections["Kontaktdaten"]
    assert ("Petra Personal", "pp@firma.example") in sections["Kontaktdaten"]
    assert sections["Beschäftigungsdaten"] == [("Jana Kühn", "beschäftigt, 38,5 Std./Woche")]
    assert sections["Qualifikation"] == [("Jana Kühn", "Berufsabschluss (Ausbildung) (2004)")]
    assert sections["Ergebnis der Förderprüfung"] == [
        ("Förderprüfung", "keine Förderprüfung erfasst")
    ]
