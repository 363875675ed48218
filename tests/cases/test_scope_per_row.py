"""An advisor's own cases are found on the assignee's index with the read grants probed per
case (issue #22); the list holds exactly the cases the advisor may read, as the region's
lists do: their region's, and another region's only through a referral to their contact
point or a transfer."""

from __future__ import annotations

import pytest
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


@pytest.mark.parametrize("sort", ["neueste", "aelteste", "aktenzeichen", "letzter_kontakt"])
def test_case_lists_with_grants_per_row_hold_what_the_scope_holds(clean_app, sort):
    """The case list walks its order with the read grants probed per row (issue #22); in
    every order and for each status it holds exactly the cases of the region scope, the
    referred and the pending one included, and with a topic (grants read whole) too."""
    from wbagentur.cases.access import case_scope
    from wbagentur.cases.models import Case, case_topics
    from wbagentur.cases.queries import case_list
    from wbagentur.extensions import db

    with clean_app.app_context():
        me, own, referred, pending, hidden, _ot = _two_regions(f, db)
        db.session.execute(
            case_topics.insert(), [{"case_id": c.id, "topic": "digital"} for c in [*own, hidden]]
        )
        db.session.commit()
        for status in (None, "open", "new", "in_advice"):
            listed = [c.id for c in db.session.scalars(case_list(me, status=status, sort=sort))]
            scoped = sa.select(Case).where(case_scope(me))
            if status == "open":
                scoped = scoped.where(Case.status != "closed")
            elif status:
                scoped = scoped.where(Case.status == status)
            assert sorted(listed) == sorted(_ids(scoped)), status
            assert hidden.id not in listed
        assert sorted(listed) == sorted(c.id for c in own) + [referred.id]
        topical = {c.id for c in db.session.scalars(case_list(me, topic="digital", sort=sort))}
        assert topical == {c.id for c in own}
        assert pending.id in {c.id for c in db.session.scalars(case_list(me, sort=sort))}


def _two_regions(f, db):
    """Südwest with three cases of its own, and Ostthüringen's cases that Südwest may read
    (a referral to its contact point, a pending transfer) or may not."""
    sw, ot = f.region("SW"), f.region("OT")
    me = f.UserFactory(region_code="SW")
    own = [f.CaseFactory(region_code="SW", status="in_advice") for _ in range(3)]
    contact_point = f.PartnerFactory(kind="wba_contact_point", region_id=sw.id)
    referred = f.CaseFactory(region_code="OT", status="in_advice")
    f.ReferralFactory(case=referred, partner=contact_point, state="sent")
    pending = f.CaseFactory(region_code="OT", status="new")
    f.TransferFactory(case=pending, to_region_code="SW")
    hidden = f.CaseFactory(region_code="OT", status="in_advice")
    db.session.commit()
    return me, own, referred, pending, hidden, ot


def test_case_list_count_counts_the_grants_unless_the_region_alone_passes_the_cap(clean_app):
    """The list's count starts with the region's own cases (issue #22): when they alone
    are more than the cap, the grants are not counted; otherwise the count is exact."""
    from wbagentur.cases.queries import case_list
    from wbagentur.core.pagination import keyset_page
    from wbagentur.extensions import db

    with clean_app.app_context():
        me, own, referred, pending, hidden, _ot = _two_regions(f, db)
        statements: list[str] = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

        page = keyset_page(case_list(me), {}, per_page=2, cap=10)
        assert (page.total, page.count_capped) == (5, False)
        listed = {c.id for c in db.session.scalars(case_list(me))}
        assert listed == {c.id for c in own} | {referred.id, pending.id}
        assert hidden.id not in listed

        # Four is less than the five cases, but more than the region's three: counted
        # with the grants, and capped.
        assert keyset_page(case_list(me), {}, cap=4).count_capped
        statements.clear()
        page = keyset_page(case_list(me), {}, cap=2)
        assert (page.total, page.count_capped) == (2, True)
        counts = [s for s in statements if "count(" in s.lower()]
        assert counts
        assert not any("transfers" in s for s in counts)

        # Filtered: the region's three cases in advice and the referred one; the pending
        # transfer is the only new case.
        page = keyset_page(case_list(me, status="in_advice"), {}, cap=10)
        assert (page.total, page.count_capped) == (4, False)
        page = keyset_page(case_list(me, status="new"), {}, cap=10)
        assert page.total == 1
        assert [c.id for c in page.items] == [pending.id]

        # A status filter counts the region's cases of that status first too: its three
        # cases in advice pass a cap of two without the grants' subqueries.
        statements.clear()
        page = keyset_page(case_list(me, status="in_advice"), {}, cap=2)
        assert (page.total, page.count_capped) == (2, True)
        counts = [s for s in statements if "count(" in s.lower()]
        assert counts
        assert not any("transfers" in s or "referrals" in s for s in counts)
        # Three is not more than the region's three: counted again with the grants.
        statements.clear()
        page = keyset_page(case_list(me, status="in_advice"), {}, cap=3)
        assert (page.total, page.count_capped) == (3, True)
        assert any("transfers" in s for s in statements if "count(" in s.lower())


def test_my_referrals_are_those_on_cases_the_user_may_read(clean_app):
    """The advisor's referral list (and its navigation badge) tests the scope on the joined
    case, the grants per referral: the same referrals as the scope on referrals.case_id."""
    from wbagentur.core.timezone import local_today
    from wbagentur.extensions import db
    from wbagentur.referrals.access import referral_scope
    from wbagentur.referrals.models import Referral
    from wbagentur.referrals.queries import my_referrals

    with clean_app.app_context():
        me, own, referred, pending, hidden, _ot = _two_regions(f, db)
        partner = f.PartnerFactory()
        mine = {
            name: f.ReferralFactory(case=case, partner=partner, created_by_id=me.id).id
            for name, case in (
                ("own", own[0]),
                ("referred", referred),
                ("pending", pending),
                ("hidden", hidden),
            )
        }
        f.ReferralFactory(case=own[1], partner=partner)  # someone else's
        db.session.commit()

        listed = {r.id for r in db.session.scalars(my_referrals(me, None, local_today()))}
        assert listed == {mine["own"], mine["referred"], mine["pending"]}
        by_case_id = sa.select(Referral.id).where(
            Referral.created_by_id == me.id, referral_scope(me)
        )
        assert listed == set(db.session.scalars(by_case_id))


@pytest.mark.parametrize("cap", [2, 3, 4, 10])
def test_api_case_list_counts_like_the_case_list(clean_app, client, monkeypatch, cap):
    """The API's unfiltered case list counts the region's own cases first, like the page:
    exact below the cap, "at least" above it, without the grants' subqueries once the
    region's three cases alone pass the cap (issue #22). A status filter counts the
    region's cases of that status first in the same way."""
    from wbagentur.api import tokens
    from wbagentur.extensions import db

    monkeypatch.setattr("wbagentur.core.pagination.COUNT_CAP", cap)
    with clean_app.app_context():
        me, own, referred, pending, _hidden, _ot = _two_regions(f, db)
        _, secret = tokens.create_token(None, me, "Test", ["cases:read"], 30)
        db.session.commit()
        visible = {c.id for c in own} | {referred.id, pending.id}
        pending_id = pending.id
        engine = db.engine
    headers = {"Authorization": f"Bearer {secret}"}

    def get(url: str) -> tuple[dict, list[str]]:
        statements: list[str] = []
        listen = lambda *a: statements.append(a[2])  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listen)
        try:
            answer = client.get(url, headers=headers).get_json()
        finally:
            sa.event.remove(engine, "before_cursor_execute", listen)
        return answer, [s for s in statements if "count(" in s.lower()]

    answer, counts = get("/api/v1/cases?per_page=100")
    assert {c["id"] for c in answer["items"]} == visible
    assert (answer["total"], answer["total_is_lower_bound"]) == (min(5, cap), 5 > cap)
    assert counts
    assert any("transfers" in s for s in counts) == (cap >= 3)
    new, _counts = get("/api/v1/cases?status=new")
    assert [c["id"] for c in new["items"]] == [pending_id]
    assert (new["total"], new["total_is_lower_bound"]) == (1, False)
    advised, counts = get("/api/v1/cases?status=in_advice&per_page=100")
    assert {c["id"] for c in advised["items"]} == visible - {pending_id}
    assert (advised["total"], advised["total_is_lower_bound"]) == (min(4, cap), 4 > cap)
    assert any("transfers" in s for s in counts) == (cap >= 3)
