"""``core.database.one_of``: an IN over any number of values as one parameter (issue #22:
the export's 250 advisor names were a parameter each, written into the statement on every
request); ``distinct_ids``, its counterpart, collects ids as one value."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests import factories as f
from wbagentur.core.database import distinct_ids, ids_from, one_of
from wbagentur.extensions import db
from wbagentur.firms.models import Firm

pytestmark = pytest.mark.usefixtures("fixed_clock")


def test_one_of_finds_what_in_finds_with_one_statement_for_any_number(clean_app) -> None:
    with clean_app.app_context():
        ids = [f.FirmFactory(name=f"Firma {i}").id for i in range(12)]
        db.session.commit()
        sent: list[tuple[str, object]] = []

        def record(_conn, _cursor, statement, parameters, *_):  # noqa: ANN001, ANN002
            if statement.startswith("SELECT"):
                sent.append((statement, parameters))

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            for wanted in (ids[:1], ids[::2], [*ids, ids[0], 10**9], []):
                got = db.session.scalars(
                    sa.select(Firm.id).where(one_of(Firm.id, wanted)).order_by(Firm.id)
                ).all()
                assert got == sorted(set(wanted) & set(ids))
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        db.session.rollback()
    # The same text for one, six, thirteen and no values, with one parameter.
    assert len({statement for statement, _ in sent}) == 1
    assert all(len(parameters) == 1 for _, parameters in sent)


def test_distinct_ids_collects_ids_as_one_value_that_one_of_takes(clean_app) -> None:
    """The search collects the visible matches this way (issue #22): one row, one value,
    each id once, on both databases; no row gives no ids."""
    with clean_app.app_context():
        ids = [f.FirmFactory(name=f"Firma {i}").id for i in range(5)]
        db.session.commit()
        doubled = sa.union_all(
            sa.select(Firm.id.label("id")), sa.select(Firm.id.label("id")).where(Firm.id != ids[0])
        ).subquery()
        kept = doubled.c.id != ids[1]
        value = db.session.scalar(sa.select(distinct_ids(doubled.c.id).filter(kept)))
        collected = ids_from(value)
        assert sorted(collected) == sorted(set(ids) - {ids[1]})
        assert db.session.scalars(sa.select(Firm.id).where(one_of(Firm.id, collected))).all()
        nothing = db.session.scalar(sa.select(distinct_ids(Firm.id)).where(Firm.id < 0))
        assert ids_from(nothing) == []
        db.session.rollback()
