"""Issue #22: a name search does not read every case's reference."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from wbagentur.accounts.models import User
from wbagentur.cases import queries
from wbagentur.cases.models import Case
from wbagentur.extensions import db


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Müller", False),
        ("Schmidt", False),
        ("GmbH", False),
        ("Anna Müller", False),
        ("WBA-SW-2026-00042", True),
        ("sw-2026", True),
        ("00042", True),
        ("wba", True),
        ("SW", True),
        ("", False),
    ],
)
def test_may_be_reference(term: str, expected: bool) -> None:
    assert queries.may_be_reference(term) is expected


def test_reference_and_name_searches_still_find_their_cases(clean_app, make_user) -> None:
    persona = make_user("advisor", "SW")
    with clean_app.test_request_context():
        advisor = db.session.get(User, persona.id)
        by_name = create_case(advisor, create_firm("Müller Metall GmbH"))
        other = create_case(advisor, create_firm("Schmidt Holzbau"))
        db.session.flush()
        seen: list[str] = []

        def _log(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
            seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", _log)
        try:
            found = db.session.scalars(queries.case_list(advisor, q="MÜLLER")).all()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", _log)
        assert [c.id for c in found] == [by_name.id]
        assert not any("reference LIKE" in s for s in seen)
        ref = db.session.get(Case, other.id).reference
        found = db.session.scalars(queries.case_list(advisor, q=ref.lower()[-10:])).all()
        assert other.id in [c.id for c in found]
