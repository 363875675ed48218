"""A request that only read ends its transaction with COMMIT on PostgreSQL, so psycopg keeps
the statements it has prepared and PostgreSQL stops planning a page's statements on every
request (issue #22). Anything that wrote, or failed, is rolled back as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from tests import factories as f
from wbagentur.extensions import db
from wbagentur.firms.models import Firm

pytestmark = pytest.mark.usefixtures("fixed_clock")


def _commits_at_teardown(app: Any, work: Callable[[], None], error: Exception | None = None) -> int:
    """How many commits the end of a request makes after ``work`` ran in it."""
    commits: list[object] = []

    def count(session: Any) -> None:
        commits.append(session)

    with app.test_request_context("/faelle"):
        session = db.session()
        sa.event.listen(session, "after_commit", count)
        try:
            work()
            app.do_teardown_request(error)
        finally:
            sa.event.remove(session, "after_commit", count)
            db.session.rollback()
    return len(commits)


def test_only_a_request_that_read_ends_with_commit(clean_app, backend) -> None:
    def read() -> None:
        db.session.execute(sa.text("SELECT 1"))

    with clean_app.app_context():
        firm_id = f.FirmFactory(name="Alt GmbH").id
        db.session.commit()

    def read_and_change() -> None:  # a change not yet sent: a commit would send it
        db.session.get(Firm, firm_id).name = "Ungespeichert GmbH"

    def update() -> None:
        read()
        db.session.execute(sa.text("UPDATE firms SET name = name WHERE 1 = 0"))

    expected = 1 if backend == "postgresql" else 0  # SQLite: a rollback costs it nothing
    assert _commits_at_teardown(clean_app, read) == expected
    assert _commits_at_teardown(clean_app, read, error=RuntimeError("kaputt")) == 0
    assert _commits_at_teardown(clean_app, read_and_change) == 0
    assert _commits_at_teardown(clean_app, update) == 0
    assert _commits_at_teardown(clean_app, lambda: None) == 0  # no transaction begun
    with clean_app.app_context():
        assert db.session.get(Firm, firm_id).name == "Alt GmbH"


@pytest.mark.postgresql_only
def test_a_page_s_statements_stay_prepared_and_are_planned_once(
    clean_app, backend, client, make_user, auth
) -> None:
    if backend != "postgresql":
        pytest.skip("prepared statements and their plans are PostgreSQL's")
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        for i in range(3):
            f.CaseFactory(region_code="SW", title=f"Anliegen {i}")
        db.session.commit()
    auth.login(advisor)
    # psycopg prepares a statement at its fifth run on a connection; PostgreSQL plans it for
    # the values at hand five more times before it settles on one plan for all values.
    for _ in range(12):
        response = client.get("/faelle")
        assert response.status_code == 200
        assert "Anliegen 2" in response.get_data(as_text=True)
    with clean_app.app_context():
        # The test's one connection (tests/conftest.isolated) is the requests' connection.
        prepared = db.session.execute(
            sa.text(
                "SELECT statement, generic_plans, cardinality(parameter_types) "
                "FROM pg_prepared_statements"
            )
        ).all()
    # Prepared at all: the page's statements survived from one request to the next.
    assert any("ORDER BY cases.opened_at" in s for s, *_ in prepared), [
        s[:80] for s, *_ in prepared
    ]
    # The session lookup of every signed-in request: planned once for all tokens.
    session = [g for s, g, _ in prepared if s.startswith("SELECT user_sessions.id")]
    assert session, [s[:80] for s, *_ in prepared]
    assert session[0] >= 1
    # The navigation's counts are constants of the user and the day, written into the SQL:
    # planned once, for exactly these values.
    navigation = [(g, n) for s, g, n in prepared if "AS cases_inbox" in s]
    assert navigation == [(navigation[0][0], 0)], navigation
    assert navigation[0][0] >= 1


def test_a_statement_with_its_values_written_returns_what_it_did_with_parameters(
    clean_app,
) -> None:
    """core.database.with_values_written: quotes, colons and percent signs in the values
    stay values, on both databases."""
    from wbagentur.core.database import with_values_written

    tricky = "O'Brien: 100 % 10:30 ::text"
    with clean_app.app_context():
        firm_id = f.FirmFactory(name=tricky).id
        stmt = sa.select(sa.func.count(), sa.func.max(Firm.name)).where(
            Firm.name == tricky, Firm.id == firm_id, Firm.name.like("%Brien%")
        )
        assert db.session.execute(with_values_written(stmt)).one() == (1, tricky)
        assert db.session.execute(stmt).one() == (1, tricky)


def test_a_read_planned_for_its_values_returns_what_it_did_with_parameters(
    clean_app, backend
) -> None:
    """core.database.planned_for_values (the dashboards' reads of their aggregates): on
    PostgreSQL numbers, dates and codes are written into the SQL and the rows stay the
    same; a statement with any other value is sent with parameters, as on SQLite."""
    from datetime import UTC, datetime

    from wbagentur.cases.models import Case
    from wbagentur.core.database import planned_for_values

    with clean_app.app_context():
        sw = f.region("SW")
        for day in (1, 2, 30):
            month = 11 if day == 30 else 12
            opened = datetime(2026, month, day, 9, 0, tzinfo=UTC)
            f.CaseFactory(region_code="SW", status="in_advice", opened_at=opened)
        db.session.flush()
        stmt = (
            sa.select(Case.status, sa.func.count())
            .where(
                Case.status == "in_advice",
                Case.region_id.in_([sw.id]),
                Case.opened_at >= datetime(2026, 12, 1, tzinfo=UTC),
            )
            .group_by(Case.status)
        )
        planned = planned_for_values(stmt)
        assert db.session.execute(planned).all() == [("in_advice", 2)]
        assert (planned is stmt) == (backend == "sqlite")
        if backend == "postgresql":
            assert "'2026-12-01" in str(planned)
            assert "'in_advice'" in str(planned)
        odd = stmt.where(Case.title != "O'Brien")
        assert planned_for_values(odd) is odd
        assert db.session.execute(odd).all() == [("in_advice", 2)]
