"""An advisor's own cases are found on the assignee's index with the read grants probed per
case (issue #22); the list holds exactly the cases the advisor may read, as the region's
lists do: their region's, and another region's only through a referral to their contact
point or a transfer."""

from __future__ import annotations

import sqlalchemy as sa

from tests import factories as f


def _ids(stmt) -> set[int]:
    from wbagentur.extensions import db

    return {c.id for c in db.session.scalars(stmt)}


def test_own_cases_per_row_scope_equals_the_region_scope(clean_app):
    from wbagentur.cases.access import case_scope, case_scope_per_row
    from wbagentur.cases.models import Case
    from wbagentur.cases.queries import my_open_cases
    from wbagentur.extensions import db

    with clean_app.app_context():
        sw, ot = f.region("SW"), f.region("OT")
        me = f.UserFactory(region_code="SW")
        other = f.UserFactory(region_code="OT")
        own = f.CaseFactory(region_code="SW", assigned_to_id=me.id, status="in_advice")
        closed = f.CaseFactory(region_code="SW", assigned_to_id=me.id, closed=True)
        # Cases of Ostthüringen assigned to the advisor (as after a move of the case): one
        # referred to Südwest's contact point, one whose transfer to Südwest is pending, one
        # Südwest handed over, one with no grant at all.
        contact_point = f.PartnerFactory(kind="wba_contact_point", region_id=sw.id)
        referred = f.CaseFactory(region_code="OT", assigned_to_id=me.id, status="in_advice")
        f.ReferralFactory(case=referred, partner=contact_point, state="sent")
        pending = f.CaseFactory(region_code="OT", assigned_to_id=me.id, status="in_advice")
        f.TransferFactory(case=pending, to_region_code="SW")
        handed = f.CaseFactory(region_code="OT", assigned_to_id=me.id, status="in_advice")
        f.TransferFactory(case=handed, from_region_id=sw.id, to_region_id=ot.id, state="accepted")
        draft = f.CaseFactory(region_code="OT", assigned_to_id=me.id, status="in_advice")
        f.ReferralFactory(case=draft, partner=contact_point, state="draft")
        hidden = f.CaseFactory(region_code="OT", assigned_to_id=me.id, status="in_advice")
        f.CaseFactory(region_code="OT", assigned_to_id=other.id, status="in_advice")
        db.session.commit()

        mine = _ids(my_open_cases(me))
        assert mine == {own.id, referred.id, pending.id, handed.id}
        assert not mine & {closed.id, draft.id, hidden.id}
        for user in (me, other):
            assert _ids(sa.select(Case).where(case_scope_per_row(user))) == _ids(
                sa.select(Case).where(case_scope(user))
            )
