"""Keyset pages (core.pagination): every row once, in order, forwards and backwards, with
ties and NULLs in the sort key, and a count that stops at the cap (issue #22)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case
from wbagentur.cases.models import Case
from wbagentur.cases.queries import SORTS
from wbagentur.core.pagination import AFTER, BEFORE, bounded_count, keyset_page
from wbagentur.extensions import db

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _cases(advisor: Any, n: int = 23) -> None:
    for i in range(n):
        case = create_case(advisor)
        # Ties in opened_at (three cases per hour) and NULLs in last_contact_at.
        case.opened_at = START + timedelta(hours=i // 3)
        case.last_contact_at = None if i % 4 == 0 else START + timedelta(days=i % 5)
    db.session.flush()


def _walk_forward(stmt: sa.Select[Any], per_page: int) -> tuple[list[int], list[Any]]:
    ids, pages, args = [], [], {}
    for _ in range(100):
        page = keyset_page(stmt, args, per_page=per_page)
        pages.append(page)
        ids += [c.id for c in page.items]
        if not page.has_next:
            break
        args = page.next_params
    return ids, pages


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_pages_forwards_and_backwards_hold_every_row_once_in_order(
    clean_app, make_user, sort
) -> None:
    advisor = make_user("advisor", "SW")
    with clean_app.test_request_context():
        _cases(advisor)
        stmt = sa.select(Case).order_by(*SORTS[sort])
        expected = list(db.session.scalars(stmt.with_only_columns(Case.id)))
        ids, pages = _walk_forward(stmt, per_page=5)
        assert ids == expected
        assert [len(p.items) for p in pages] == [5, 5, 5, 5, 3]
        assert not pages[0].has_prev
        assert pages[-1].has_prev
        assert all(p.count == 23 and not p.count_capped for p in pages)
        back, page = [], pages[-1]
        while page.has_prev:
            page = keyset_page(stmt, page.prev_params, per_page=5)
            back = [c.id for c in page.items] + back
        assert back == expected[:20]
        assert page.first_page
        assert not page.has_prev


def test_referral_order_with_mixed_directions_and_nulls(clean_app, make_user) -> None:
    advisor = make_user("advisor", "SW")
    with clean_app.test_request_context():
        _cases(advisor, 11)
        # Like referrals: a nullable date ascending with NULLs last, then the id descending.
        stmt = sa.select(Case).order_by(Case.last_contact_at.asc().nulls_last(), Case.id.desc())
        expected = list(db.session.scalars(stmt.with_only_columns(Case.id)))
        ids, _ = _walk_forward(stmt, per_page=2)
        assert ids == expected


def test_count_stops_at_the_cap_and_a_bad_cursor_shows_the_first_page(clean_app, make_user) -> None:
    advisor = make_user("advisor", "SW")
    with clean_app.test_request_context():
        _cases(advisor, 12)
        stmt = sa.select(Case).order_by(*SORTS["neueste"])
        assert bounded_count(stmt, cap=10) == 11
        page = keyset_page(stmt, {}, per_page=5, cap=10)
        assert (page.count, page.count_capped) == (10, True)
        first = [c.id for c in page.items]
        for bad in ("x", "W10", "eyJ0IjoxfQ", "W3sidCI6Im5vIGRhdGUifSwgMV0", "A" * 500):
            for name in (AFTER, BEFORE):
                again = keyset_page(stmt, {name: bad}, per_page=5, cap=10)
                assert [c.id for c in again.items] == first


def test_case_list_pages_through_weiter_and_zurueck(client, clean_app, auth, make_user) -> None:
    from tests.helpers import html_page, text_of

    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        _cases(advisor, 30)
        for case in db.session.scalars(sa.select(Case)):
            case.assigned_to_id, case.status = advisor.id, "in_advice"
        db.session.commit()
    auth.login(advisor)
    first = html_page(client.get("/faelle/meine"))
    assert "30 Fälle" in text_of(first)
    ns = "{http://www.w3.org/1999/xhtml}"
    links = {a.get("rel"): a.get("href") for a in first.iter(f"{ns}a") if a.get("rel")}
    assert set(links) == {"next"}
    assert "nach=" in links["next"]
    second = html_page(client.get(links["next"]))
    rows = [a for a in second.iter(f"{ns}a") if "/faelle/" in (a.get("href") or "")]
    assert len([a for a in rows if a.text and a.text.startswith("WBA-")]) == 5
    links = {a.get("rel"): a.get("href") for a in second.iter(f"{ns}a") if a.get("rel")}
    assert set(links) == {"prev"}
    back = html_page(client.get(links["prev"]))
    assert text_of(back) == text_of(first)


def test_the_count_reads_the_list_in_its_own_order(clean_app, make_user) -> None:
    """Issue #22: the bounded count walks the rows in display order, where the first pages'
    matches are, instead of an order the database picks (the filtered list "offen" was
    counted from the oldest, closed cases on and read almost the whole region)."""
    from wbagentur.core.pagination import bounded_count_statement

    advisor = make_user("advisor", "SW")
    with clean_app.test_request_context():
        _cases(advisor, 3)
        stmt = sa.select(Case).order_by(*SORTS["neueste"])
        sql = str(bounded_count_statement(stmt, cap=10).compile(db.engine))
        assert "ORDER BY cases.opened_at DESC, cases.id DESC" in sql
        assert db.session.scalar(bounded_count_statement(stmt, cap=10)) == 3


def test_a_kept_statement_pages_like_a_new_one_and_builds_its_parts_once(
    clean_app, make_user, monkeypatch
) -> None:
    """A list statement kept by core.database.StatementCache keeps its first page and count
    statements too (issue #22): the same pages and counts as a statement built anew, new
    rows seen at once (statements are kept, never results), each part built once."""
    from wbagentur.core import pagination
    from wbagentur.core.database import StatementCache

    advisor = make_user("advisor", "SW")
    built: list[str] = []
    real_count = pagination.bounded_count_statement

    def counting(stmt: Any, cap: int = pagination.COUNT_CAP) -> Any:
        built.append("count")
        return real_count(stmt, cap)

    monkeypatch.setattr(pagination, "bounded_count_statement", counting)
    cache = StatementCache()
    with clean_app.test_request_context():
        _cases(advisor, 7)
        kept = cache.get(("cases",), lambda: sa.select(Case).order_by(*SORTS["neueste"]))
        fresh = sa.select(Case).order_by(*SORTS["neueste"])
        for _ in range(3):
            a, b = keyset_page(kept, {}, per_page=5), keyset_page(fresh, {}, per_page=5)
            assert [c.id for c in a.items] == [c.id for c in b.items]
            assert a.count == b.count == 7
            assert a.has_next
        assert built.count("count") == 1 + 3  # the kept one once, the fresh one each time
        _cases(advisor, 2)
        page = keyset_page(kept, {}, per_page=5)
        assert page.count == 9
        assert [c.id for c in page.items] == list(
            db.session.scalars(fresh.with_only_columns(Case.id).limit(5))
        )
        second = keyset_page(kept, page.next_params, per_page=5)
        assert len(second.items) == 4
        assert not second.has_next
