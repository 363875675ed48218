"""``flask referrals remind`` with a time machine: reminder once, escalation once, expiry."""

from datetime import date, datetime

import sqlalchemy as sa
import time_machine

from tests.referrals.conftest import case_with_consent, partner, user
from wbagentur.core.timezone import BERLIN
from wbagentur.extensions import db
from wbagentur.mail.models import OutboxMessage
from wbagentur.referrals import services
from wbagentur.referrals.models import Referral, ReferralEvent


def _mails(app, kind):
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind)
        )


def _at(day):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 9, 0, tzinfo=BERLIN), tick=False
    )


def test_remind_escalate_expire_each_once(clean_app, runner, make_user, sw_advisor):
    make_user("supervisor", "SW")
    with _at(date(2026, 11, 2)):  # Monday; due date = 10 working days later = 16 Nov
        with clean_app.test_request_context():
            case, consent = case_with_consent(user(sw_advisor))
            referral = services.create_referral(
                user(sw_advisor),
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
            referral_id = referral.id
            assert referral.due_date == date(2026, 11, 16)
    with _at(date(2026, 11, 11)):  # 3 working days before: nothing yet
        assert "Erinnerungen: 0" in runner.invoke(args=["referrals", "remind"]).output
    with _at(date(2026, 11, 12)):  # 2 working days before (Thu → Mon 16)
        assert "Erinnerungen: 1" in runner.invoke(args=["referrals", "remind"]).output
        assert "Erinnerungen: 0" in runner.invoke(args=["referrals", "remind"]).output  # idempotent
    assert _mails(clean_app, "referral_reminder") == 1
    with _at(date(2026, 11, 20)):  # 4 working days overdue: overdue, not escalated
        output = runner.invoke(args=["referrals", "remind"]).output
        assert "überfällig: 1" in output
        assert "eskaliert: 0" in output
    with _at(date(2026, 11, 23)):  # 5 working days overdue
        assert "eskaliert: 1" in runner.invoke(args=["referrals", "remind"]).output
        assert "eskaliert: 0" in runner.invoke(args=["referrals", "remind"]).output
    assert _mails(clean_app, "referral_escalation") == 1
    with _at(date(2026, 12, 14)):  # 20 working days overdue
        assert "abgelaufen: 1" in runner.invoke(args=["referrals", "remind"]).output
        assert "abgelaufen: 0" in runner.invoke(args=["referrals", "remind"]).output
    with clean_app.app_context():
        assert db.session.get(Referral, referral_id).state == "expired"
        event = db.session.scalars(
            sa.select(ReferralEvent).order_by(ReferralEvent.id.desc())
        ).first()
        assert event.via == "system"
        assert event.to_state == "expired"
    assert _mails(clean_app, "referral_reminder") == 1
    assert _mails(clean_app, "referral_escalation") == 1
