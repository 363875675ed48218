"""Referral services: transitions, consent or legal basis, timeline, audit and outbox rows."""

import json

import pytest
import sqlalchemy as sa

from tests.figures import backend_of, record_figure
from tests.referrals.conftest import case_with_consent, partner, user
from wbagentur.cases.models import Case, TimelineEntry
from wbagentur.core.audit import AuditEvent
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.mail.models import OutboxMessage
from wbagentur.referrals import services
from wbagentur.referrals.models import Referral, ReferralEvent


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _make(
    actor, case, consent=None, legal_basis=None, send=True, code="aa_suedwest", categories=("firm",)
):
    return services.create_referral(
        actor,
        case,
        partner_id=partner(code).id,
        programme="sgb3_82",
        purpose="§ 82 prüfen",
        data_categories=list(categories),
        consent_id=consent.id if consent else None,
        legal_basis=legal_basis,
        due_days=None,
        message=None,
        send=send,
    )


def test_send_with_consent_writes_event_timeline_audit_outbox_and_refers_case(
    clean_app, sw_advisor
):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        outbox_before = _count(OutboxMessage)
        referral = _make(actor, case, consent)
        assert referral.state == "sent"
        assert referral.due_date is not None
        assert referral.token_hash
        assert [
            e.to_state
            for e in db.session.scalars(
                sa.select(ReferralEvent)
                .where(ReferralEvent.referral_id == referral.id)
                .order_by(ReferralEvent.id)
            )
        ] == ["draft", "sent"]
        entries = db.session.scalars(
            sa.select(TimelineEntry).where(
                TimelineEntry.case_id == case.id, TimelineEntry.kind == "referral"
            )
        ).all()
        assert {json.loads(e.data)["to"] for e in entries} == {"draft", "sent"}
        audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "referral.send"))
        details = json.loads(audit.details)
        assert details["basis"] == "consent"
        assert details["categories"] == ["firm"]
        assert details["partner_id"] == referral.partner_id
        mail = db.session.scalars(
            sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
        ).first()
        assert _count(OutboxMessage) == outbox_before + 1
        assert mail.recipient == "arbeitgeberservice@aa-suedwest.example"
        assert "/weiterleitung/" in mail.body
        assert "Suhler" not in mail.body
        assert db.session.get(Case, case.id).status == "referred"


def test_create_without_consent_or_legal_basis_is_refused_and_leaves_no_row(clean_app, sw_advisor):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, _ = case_with_consent(actor)
        before = _count(Referral)
        with pytest.raises(DomainError, match="Einwilligung oder dokumentierte Rechtsgrundlage"):
            _make(actor, case)
        without_basis = db.session.scalar(
            sa.select(sa.func.count(Referral.id)).where(
                Referral.consent_id.is_(None),
                sa.or_(Referral.legal_basis.is_(None), sa.func.trim(Referral.legal_basis) == ""),
            )
        )
        record_figure(
            "referrals.without_basis",
            without_basis,
            target="0",
            ok=without_basis == 0,
            db=backend_of(clean_app),
        )
        assert without_basis == 0
        assert _count(Referral) == before


def test_legal_basis_instead_of_consent_is_accepted(clean_app, sw_advisor):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, _ = case_with_consent(actor)
        referral = _make(
            actor, case, legal_basis="Art. 6 Abs. 1 lit. e DSGVO – öffentliche Aufgabe"
        )
        assert referral.state == "sent"
        assert referral.consent_id is None
        audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "referral.send"))
        assert json.loads(audit.details)["basis"] == "legal_basis"


def test_withdrawn_consent_cannot_be_used(clean_app, sw_advisor):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        consent.withdrawn_at = utcnow()
        db.session.flush()
        with pytest.raises(DomainError, match="widerrufen"):
            _make(actor, case, consent)


def test_consent_for_another_recipient_kind_cannot_be_used(clean_app, sw_advisor):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor, recipient="ihk")
        with pytest.raises(DomainError):
            _make(actor, case, consent)
        assert _make(actor, case, consent, code="ihk_suedthueringen").state == "sent"


def test_consent_withdrawn_after_draft_blocks_sending(clean_app, sw_advisor):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        referral = _make(actor, case, consent, send=False)
        assert referral.state == "draft"
        consent.withdrawn_at = utcnow()
        db.session.flush()
        with pytest.raises(DomainError):
            services.send_referral(actor, referral)
        assert db.session.get(Referral, referral.id).state == "draft"


def test_full_path_accept_complete_records_outcome_in_cents(clean_app, sw_advisor):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        referral = _make(actor, case, consent)
        services.accept_referral(None, referral, via="partner_link")
        services.complete_referral(
            None,
            referral,
            via="partner_link",
            outcome="approved",
            amount_cents=123456,
            decision_date=None,
            course_start=None,
            voucher_issued=True,
        )
        assert referral.state == "completed"
        assert referral.amount_cents == 123456
        assert referral.voucher_issued
        assert referral.token_hash is None
        assert referral.answered_at is not None
        advisor_mails = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "referral_advisor")
        ).all()
        assert len(advisor_mails) == 2
        assert all(m.recipient == sw_advisor.email for m in advisor_mails)


def test_return_then_resend_gives_new_link(clean_app, sw_advisor):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        referral = _make(actor, case, consent)
        first = referral.token_hash
        services.return_referral(None, referral, via="partner_link", note="Lebenslauf fehlt")
        assert referral.state == "returned"
        assert referral.token_hash is None
        services.send_referral(actor, referral)
        assert referral.state == "sent"
        assert referral.token_hash not in (None, first)


@pytest.mark.parametrize(
    ("path", "action"),
    [
        ([], "complete"),  # sent → completed is not allowed (accept first)
        (["decline"], "accept"),
        (["withdraw"], "accept"),
        (["accept", "complete"], "withdraw"),
        (["accept"], "accept"),
    ],
)
def test_forbidden_transitions_raise_and_change_nothing(clean_app, sw_advisor, path, action):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        referral = _make(actor, case, consent)
        steps = {
            "accept": lambda: services.accept_referral(actor, referral, via="staff"),
            "decline": lambda: services.decline_referral(
                actor, referral, via="staff", reason="no_capacity"
            ),
            "withdraw": lambda: services.withdraw_referral(actor, referral),
            "complete": lambda: services.complete_referral(
                actor,
                referral,
                via="staff",
                outcome="approved",
                amount_cents=None,
                decision_date=None,
                course_start=None,
                voucher_issued=None,
            ),
        }
        for step in path:
            steps[step]()
        state, events = referral.state, _count(ReferralEvent)
        with pytest.raises(DomainError):
            steps[action]()
        assert db.session.get(Referral, referral.id).state == state
        assert _count(ReferralEvent) == events


def test_stale_state_loses_with_conflict_and_writes_nothing(clean_app, sw_advisor):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        referral = _make(actor, case, consent)
        # Someone else accepted in the meantime; this session still believes "sent".
        db.session.execute(
            sa.update(Referral)
            .where(Referral.id == referral.id)
            .values(state="accepted")
            .execution_options(synchronize_session=False)
        )
        events = _count(ReferralEvent)
        with pytest.raises(ConflictError, match="inzwischen angenommen – bitte Seite neu laden"):
            services.withdraw_referral(actor, referral)
        assert _count(ReferralEvent) == events


def test_decline_needs_a_coded_reason(clean_app, sw_advisor):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        referral = _make(actor, case, consent)
        with pytest.raises(DomainError):
            services.decline_referral(actor, referral, via="staff", reason="weil")
        services.decline_referral(actor, referral, via="staff", reason="not_eligible", note="x")
        assert referral.decline_reason == "not_eligible"
        assert referral.state == "declined"
