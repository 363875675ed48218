"""Two people act on one referral at the same moment: exactly one outcome, one event."""

import threading

import pytest
import sqlalchemy as sa

from tests.conftest import database_url, make_app
from tests.referrals.conftest import case_with_consent, partner
from wbagentur.core.errors_domain import ConflictError
from wbagentur.extensions import db
from wbagentur.referrals import services
from wbagentur.referrals.models import Referral, ReferralEvent


@pytest.mark.postgresql_only
def test_accept_and_withdraw_at_once_leave_one_outcome(backend, tmp_path_factory):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL row locks")
    url = database_url("postgresql", None, "referrals_race")
    app = make_app(url)
    with app.test_request_context():
        case, consent = case_with_consent(None)
        referral = services.create_referral(
            None,
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
    barrier = threading.Barrier(2)
    results = []

    def act(kind):
        with app.test_request_context():
            r = db.session.get(Referral, referral_id)
            barrier.wait()
            try:
                if kind == "accept":
                    services.accept_referral(None, r, via="partner_link")
                else:
                    services.withdraw_referral(None, r)
                db.session.commit()
                results.append(kind)
            except ConflictError as error:
                db.session.rollback()
                results.append(f"conflict: {error}")

    threads = [threading.Thread(target=act, args=(k,)) for k in ("accept", "withdraw")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    with app.app_context():
        state = db.session.get(Referral, referral_id).state
        events = db.session.scalars(
            sa.select(ReferralEvent.to_state).where(
                ReferralEvent.referral_id == referral_id,
                ReferralEvent.to_state.in_(("accepted", "withdrawn")),
            )
        ).all()
        db.engine.dispose()
    winners = [r for r in results if not r.startswith("conflict")]
    assert len(winners) == 1
    assert len(results) == 2
    assert state == {"accept": "accepted", "withdraw": "withdrawn"}[winners[0]]
    assert events == [state]
    assert "bitte Seite neu laden" in [r for r in results if r.startswith("conflict")][0]
