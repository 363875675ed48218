"""The advisor's referral list (``queries.my_referrals``): order, filters and scope."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.referrals.conftest import case_with_consent, partner, referral_to_agency, user
from wbagentur.extensions import db
from wbagentur.referrals import queries
from wbagentur.regions.models import Region


def _make(actor, case, consent, send=True):
    return referral_to_agency(actor, case, consent_id=consent.id, send=send)


def _ids(actor, flt=None, today=date(2026, 3, 5)):
    return [r.id for r in db.session.scalars(queries.my_referrals(actor, flt, today))]


def test_my_referrals_earliest_due_first_ties_newest_first_drafts_last(clean_app, sw_advisor):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        case, consent = case_with_consent(actor)
        late, early, tie = (_make(actor, case, consent) for _ in range(3))
        draft = _make(actor, case, consent, send=False)
        late.due_date, early.due_date, tie.due_date = (
            date(2026, 3, 10),
            date(2026, 3, 1),
            date(2026, 3, 10),
        )
        db.session.flush()
        assert draft.due_date is None
        assert _ids(actor) == [early.id, tie.id, late.id, draft.id]
        assert _ids(actor, "ueberfaellig") == [early.id]
        assert _ids(actor, "gesendet") == [early.id, tie.id, late.id]
        listed = db.session.scalars(queries.my_referrals(actor, None, date(2026, 3, 5))).first()
        assert listed.case.reference == case.reference
        assert listed.partner.name == partner("aa_suedwest").name


def test_my_referrals_only_own_and_only_on_cases_still_visible(clean_app, sw_advisor, make_user):
    with clean_app.test_request_context():
        actor = user(sw_advisor)
        colleague = user(make_user("advisor", "SW"))
        case, consent = case_with_consent(actor)
        kept = _make(actor, case, consent)
        moved_case, moved_consent = case_with_consent(actor)
        _make(actor, moved_case, moved_consent)
        # The case now belongs to another region without any transfer or referral grant.
        moved_case.region_id = db.session.scalar(sa.select(Region.id).where(Region.code == "OT"))
        db.session.flush()
        assert _ids(actor) == [kept.id]
        assert _ids(colleague) == []
        page = db.paginate(queries.my_referrals(actor, None, date(2026, 3, 5)), page=1, per_page=25)
        assert page.total == 1
