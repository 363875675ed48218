"""referrals.attention: the answer an advisor has not seen yet is kept on the referral as
the audit trail grows (issue #22), by the rule the start page and the navigation badge
used to derive from the trail; the migration fills it by the same rule."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from tests.main.conftest import send_referral
from tests.personas import create_persona
from wbagentur.accounts.models import User
from wbagentur.core import audit
from wbagentur.core.timezone import local_today
from wbagentur.extensions import db
from wbagentur.main import workqueue
from wbagentur.referrals import services
from wbagentur.referrals.models import Referral

pytestmark = pytest.mark.usefixtures("fixed_clock")

MIGRATION = (
    Path(__file__).resolve().parents[2]
    / "migrations/versions/20261207_attn00000001_referral_answer_unseen.py"
)


def _user(role: str = "advisor") -> User:
    return db.session.get(User, create_persona(role, "SW").id)


def _unseen(*referrals: Referral) -> list[bool]:
    ids = [r.id for r in referrals]
    marked = dict(
        db.session.execute(
            sa.select(Referral.id, Referral.answer_unseen_id).where(Referral.id.in_(ids))
        ).all()
    )
    return [marked[i] is not None for i in ids]


def _scenario() -> tuple[User, User, list[Referral]]:
    advisor, colleague = _user(), _user()
    case = create_case(firm=create_firm("Achtsam GmbH", "16054"))
    case.assigned_to_id, case.status = advisor.id, "in_advice"
    due = local_today() + timedelta(days=5)
    by_partner, by_colleague, by_myself, untouched = (
        send_referral(advisor, case, due) for _ in range(4)
    )
    services.accept_referral(None, by_partner, via="partner_link")
    services.return_referral(colleague, by_colleague, via="staff", note="Bescheid fehlt")
    services.accept_referral(advisor, by_myself, via="staff", note="telefonisch")
    db.session.flush()
    return advisor, colleague, [by_partner, by_colleague, by_myself, untouched]


def test_answers_by_others_until_the_creator_opens_the_referral_or_its_case(clean_app):
    with clean_app.test_request_context():
        advisor, colleague, (by_partner, by_colleague, by_myself, untouched) = _scenario()
        assert _unseen(by_partner, by_colleague, by_myself, untouched) == [
            True,
            True,
            False,  # the advisor's own answer
            False,
        ]
        assert workqueue.nav_counts(advisor, local_today())["referrals.mine"] == 2

        # A colleague opening them sees nothing for the advisor.
        audit.record(colleague, "referral.view", "referral", by_partner.id)
        audit.record(colleague, "case.view", "case", by_partner.case_id)
        assert _unseen(by_partner, by_colleague) == [True, True]

        audit.record(advisor, "referral.view", "referral", by_partner.id)
        assert _unseen(by_partner, by_colleague) == [False, True]
        audit.record(advisor, "case.view", "case", by_colleague.case_id)
        assert _unseen(by_partner, by_colleague) == [False, False]
        assert workqueue.nav_counts(advisor, local_today())["referrals.mine"] == 0

        # A later answer is new again.
        services.complete_referral(
            None,
            by_partner,
            via="partner_link",
            outcome="approved",
            amount_cents=1_464_000,
            decision_date=local_today(),
            course_start=None,
            voucher_issued=None,
        )
        db.session.flush()
        assert _unseen(by_partner) == [True]


def test_spooled_views_count_when_the_worker_appends_them(clean_app, tmp_path, monkeypatch):
    """Reads reach the trail through the spool (core.audit.ingest_reads); a view is seen
    in the trail's order, as the trail itself orders it."""
    monkeypatch.setitem(clean_app.config, "AUDIT_SPOOL_DIR", str(tmp_path))
    with clean_app.test_request_context():
        advisor, _colleague, (by_partner, by_colleague, *_rest) = _scenario()
        db.session.commit()
        audit.record_read(advisor, "referral.view", "referral", by_partner.id)
        audit.record_read(advisor, "referral.view", "referral", by_colleague.id)
        assert _unseen(by_partner, by_colleague) == [True, True]  # not appended yet
        assert audit.ingest_reads() == 2
        assert _unseen(by_partner, by_colleague) == [False, False]


def test_the_migration_fills_the_marker_by_the_same_rule(clean_app):
    spec = importlib.util.spec_from_file_location("attn_migration", MIGRATION)
    assert spec is not None
    assert spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with clean_app.test_request_context():
        advisor, colleague, referrals = _scenario()
        audit.record(advisor, "case.view", "case", referrals[0].case_id)
        services.accept_referral(None, referrals[3], via="partner_link")
        audit.record(colleague, "referral.view", "referral", referrals[3].id)
        db.session.flush()
        kept = dict(db.session.execute(sa.select(Referral.id, Referral.answer_unseen_id)).all())
        assert [kept[r.id] is not None for r in referrals] == [False, False, False, True]

        db.session.execute(sa.update(Referral).values(answer_unseen_id=None))
        db.session.execute(sa.text(migration.BACKFILL))
        filled = dict(db.session.execute(sa.select(Referral.id, Referral.answer_unseen_id)).all())
        assert filled == kept
