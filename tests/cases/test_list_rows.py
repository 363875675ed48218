"""The case lists read plain rows of what a row shows (issue #22), and a row still shows all of it:
reference, title, firm or person, status, assignee, opening date – with as many
statements for 24 rows as for 3."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests import factories as f
from tests.helpers import html_page, text_of
from wbagentur.extensions import db

pytestmark = pytest.mark.usefixtures("fixed_clock")


def _statements(clean_app, client, url: str) -> tuple[int, str]:
    seen: list[str] = []

    def _log(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        seen.append(statement)

    with clean_app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", _log)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", _log)
    assert response.status_code == 200
    return len(seen), text_of(html_page(response))


@pytest.mark.parametrize("url", ["/faelle", "/faelle/meine", "/faelle/posteingang"])
def test_rows_show_firm_person_assignee_with_a_fixed_number_of_statements(
    clean_app, client, make_user, auth, url
):
    persona = make_user("advisor", "SW", display_name="Berta Beraterin")
    auth.login(persona)

    def add(n: int, start: int) -> None:
        with clean_app.app_context():
            for i in range(start, start + n):
                if i % 2:
                    f.CaseFactory(
                        region_code="SW",
                        status="new",
                        title=f"Anliegen {i}",
                        firm=f.FirmFactory(name=f"Firma {i} GmbH"),
                        assigned_to_id=persona.id if url != "/faelle/posteingang" else None,
                    )
                else:
                    f.CaseFactory(
                        region_code="SW",
                        status="new",
                        kind="individual",
                        title=f"Anliegen {i}",
                        firm=None,
                        person=f.PersonFactory(first_name=f"Vorname{i}", last_name="Muster"),
                        assigned_to_id=persona.id if url != "/faelle/posteingang" else None,
                    )
            db.session.commit()

    add(3, 0)
    few, text = _statements(clean_app, client, url)
    assert "Firma 1 GmbH" in text
    assert "Vorname2 Muster" in text
    add(21, 3)
    many, text = _statements(clean_app, client, url)
    assert many == few
    assert "Anliegen 23" in text
    assert "Vorname22 Muster" in text
    if url != "/faelle/posteingang":
        assert text.count("Berta Beraterin") >= 24
    assert text.count("neu") >= 24  # the status of every row


def test_lists_follow_the_user_and_their_region(clean_app, client, make_user, auth):
    """The lists' statements are kept by user, role, region and filters (issue #22): a
    colleague in another region, and the same advisor moved there, see that region's."""
    from tests.factories import _contact_point_id
    from wbagentur.accounts.models import User

    south = make_user("advisor", "SW", display_name="Berta Süd")
    east = make_user("advisor", "OT", display_name="Otto Ost")
    with clean_app.app_context():
        f.CaseFactory(region_code="SW", title="Anliegen Südwest", status="new")
        f.CaseFactory(region_code="OT", title="Anliegen Ost", status="new")
        db.session.commit()

    def seen(url: str) -> str:
        return _statements(clean_app, client, url)[1]

    auth.login(south)
    for url in ("/faelle", "/faelle/posteingang", "/faelle?status=new"):
        assert "Anliegen Südwest" in seen(url)
        assert "Anliegen Ost" not in seen(url)
    auth.logout()
    auth.login(east)
    for url in ("/faelle", "/faelle/posteingang", "/faelle?status=new"):
        assert "Anliegen Ost" in seen(url)
        assert "Anliegen Südwest" not in seen(url)

    with clean_app.app_context():
        db.session.get(User, south.id).contact_point_id = _contact_point_id("OT")
        db.session.commit()
    auth.logout()
    auth.login(south)
    for url in ("/faelle", "/faelle/posteingang", "/faelle?status=new"):
        assert "Anliegen Ost" in seen(url)
        assert "Anliegen Südwest" not in seen(url)


def test_inbox_page_walks_its_own_index_in_display_order(clean_app, backend, make_user):
    """The inbox's page is read along ix_cases_inbox (new, unassigned cases in display
    order; SQLite may use its status index) and not sorted, so its cost does not grow with
    the region's intake (issue #22: PostgreSQL sorted 1,972 joined cases for 26 at
    1,000,000)."""
    from wbagentur.accounts.models import User
    from wbagentur.cases import queries
    from wbagentur.cases.views import list_rows

    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        for i in range(30):
            f.CaseFactory(region_code="SW", status="new" if i % 3 else "in_advice")
        # Unassigned cases outside the inbox, as the other regions have many of them: on
        # an equal footing the planner may walk ix_cases_unassigned_opened instead.
        for region in ("NT", "MT", "OT"):
            for _ in range(50):
                f.CaseFactory(region_code=region, status="in_advice")
        db.session.commit()
        user = db.session.get(User, advisor.id)
        stmt = list_rows(queries.inbox(user)).limit(26)
        shown = db.session.execute(stmt).all()
        compiled = stmt.compile(db.engine)
        if backend == "sqlite":
            params = tuple(compiled.params[k] for k in compiled.positiontup)
            plan = "\n".join(
                row[3]
                for row in db.session.connection().exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + str(compiled), params
                )
            )
            # SQLite's indexes end in the rowid (the id): the region's status index gives
            # the display order too.
            assert "SEARCH cases USING INDEX" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
        else:
            # The plan for any values, as a prepared statement keeps it: a partial index
            # is usable there only with the status written in, not as a parameter.
            names: list[str] = []

            def placeholder(match: re.Match[str]) -> str:
                names.append(match.group(1))
                return f"${len(names)}"

            sql = re.sub(r"%\((\w+)\)s", placeholder, str(compiled)).replace("%%", "%")
            # A test table of 30 cases is read whole by any plan; without that choice the
            # planner must find the walk along the index that needs no sort.
            db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
            db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
            db.session.execute(sa.text("SET LOCAL plan_cache_mode = force_generic_plan"))
            # The statistics of these 30 cases, not of whatever the tests before left
            # (autovacuum): with none, ix_cases_unassigned_opened (every unassigned case,
            # the same order) may cost the planner as little as the inbox's own index.
            db.session.execute(sa.text("ANALYZE cases"))
            db.session.execute(sa.text(f"PREPARE inbox_page AS {sql}"))
            values = ", ".join(
                str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"
                for v in (compiled.params[n] for n in names)
            )
            plan = "\n".join(
                db.session.execute(sa.text(f"EXPLAIN EXECUTE inbox_page({values})")).scalars()
            )
            db.session.execute(sa.text("DEALLOCATE inbox_page"))
            assert "ix_cases_inbox" in plan, plan
            assert "Sort" not in plan, plan
        db.session.rollback()
    assert len(shown) == 20
    assert [r.opened_at for r in shown] == sorted(r.opened_at for r in shown)


def _walk_plan(stmt, backend) -> str:
    """The plan of ``stmt`` as for a large table (inside the caller's transaction)."""
    if backend == "sqlite":
        # Statistics as of 1,000,000 cases in four regions: at 30 SQLite rightly reads the
        # region and sorts it. Every estimate of the cases' indexes is scaled up; one row
        # per key (an id at the end) stays one.
        db.session.execute(sa.text("ANALYZE"))
        rows = db.session.execute(
            sa.text("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'cases'")
        ).all()
        for index, stat in rows:
            numbers = [int(n) for n in stat.split()]
            scaled = [1_000_000] + [
                n if n == 1 else n * 1_000_000 // numbers[0] for n in numbers[1:]
            ]
            if index == "ix_cases_region_id":
                scaled = [1_000_000, 250_000]
            db.session.execute(
                sa.text("UPDATE sqlite_stat1 SET stat = :stat WHERE idx = :index"),
                {"stat": " ".join(map(str, scaled)), "index": index},
            )
        db.session.execute(sa.text("ANALYZE sqlite_schema"))
        compiled = stmt.compile(db.engine, compile_kwargs={"render_postcompile": True})
        params = tuple(compiled.params[k] for k in compiled.positiontup)
        return "\n".join(
            row[3]
            for row in db.session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(compiled), params
            )
        )
    # A table of 30 cases is read whole by any plan; without that choice the planner must
    # find the walk along the index that needs no sort.
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    return "\n".join(db.session.execute(sa.text("EXPLAIN " + sql)).scalars())


def _sorted(plan: str, backend: str) -> bool:
    return ("TEMP B-TREE FOR ORDER BY" if backend == "sqlite" else "Sort") in plan


def _first_page_walking(advisor_id, backend, index, **filters):
    """The first page of the advisor's case list with ``filters``, after checking that it
    is read along ``index`` without a sort (the caller's app context)."""
    from wbagentur.accounts.models import User
    from wbagentur.cases import queries
    from wbagentur.cases.views import list_rows

    user = db.session.get(User, advisor_id)
    stmt = list_rows(queries.case_list(user, **filters)).limit(26)
    shown = db.session.execute(stmt).all()
    plan = _walk_plan(stmt, backend)
    assert index in plan, plan
    assert not _sorted(plan, backend), plan
    # The read grants probed per row of the walk, not read whole first (issue #22: their
    # lists grow with the region's referrals).
    assert ("LIST SUBQUERY" if backend == "sqlite" else "hashed SubPlan") not in plan, plan
    db.session.rollback()
    return shown


def test_list_by_last_contact_walks_its_index(clean_app, backend, make_user):
    """Sorted by last contact (never contacted first), the case list is read along
    ix_cases_last_contact and stops after the page: it sorted the user's whole scope
    before (issue #22: 444 ms on PostgreSQL, 221 ms on SQLite at 1,000,000 cases)."""
    from datetime import UTC, datetime, timedelta

    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        start = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
        for i in range(30):
            contact = None if i % 4 == 0 else start - timedelta(days=(i * 7) % 30)
            f.CaseFactory(region_code="SW", last_contact_at=contact)
        db.session.commit()
        shown = _first_page_walking(
            advisor.id, backend, "ix_cases_last_contact", sort="letzter_kontakt"
        )
    contacts = [r.last_contact_at for r in shown]
    assert contacts[:8] == [None] * 8  # never contacted first
    assert contacts[8:] == sorted(contacts[8:])


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("neueste", "ix_cases_status_opened"),
        ("aelteste", "ix_cases_status_opened"),
        ("aktenzeichen", "ix_cases_status_reference"),
        ("letzter_kontakt", "ix_cases_status_last_contact"),
    ],
)
def test_list_of_one_status_walks_its_index_in_every_order(
    clean_app, backend, make_user, sort, index
):
    """A list of one status is read along that status's index in the display order and
    stops after the page. Before, both databases read all of the region's cases of the
    status and sorted them, or walked an order in which the status was rare (issue #22:
    1.6 s on SQLite for "abgeschlossen", newest first, 1.1 s on PostgreSQL for
    "weitergeleitet" by last contact, at 1,000,000 cases)."""
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        for i in range(30):
            f.CaseFactory(region_code="SW" if i % 2 else "OT", closed=bool(i % 3))
        db.session.commit()
        shown = _first_page_walking(advisor.id, backend, index, status="closed", sort=sort)
    assert len(shown) == 10  # Südwest's closed cases, none of Ostthüringen's
    assert {r.status for r in shown} == {"closed"}


@pytest.mark.parametrize(
    ("sort", "index"),
    [("aelteste", "ix_cases_unassigned_opened"), ("aktenzeichen", "ix_cases_unassigned_reference")],
)
def test_list_of_unassigned_cases_walks_its_index(clean_app, backend, make_user, sort, index):
    """The unassigned cases ("niemand"), mostly the newest, oldest first or by reference:
    read along a partial index of them instead of walking all cases (issue #22: 438 and
    164 ms on PostgreSQL at 1,000,000 cases)."""
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        for i in range(30):
            f.CaseFactory(region_code="SW", assigned_to_id=None if i % 3 else advisor.id)
        db.session.commit()
        shown = _first_page_walking(advisor.id, backend, index, assigned="none", sort=sort)
    assert len(shown) == 20
    assert all(r.assignee_name is None for r in shown)
