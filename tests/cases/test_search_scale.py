"""Issue #22: a name search does not read every case's reference."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from tests.factories import TransferFactory
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


def test_inbox_holds_the_own_region_only_not_the_read_grants(clean_app, make_user) -> None:
    """Issue #22: the inbox walks the region's index without the grants' OR. A new case of
    another region that this region may read (a pending transfer to it) is not in the
    inbox: it is assigned in its own region until the transfer is accepted."""
    from wbagentur.cases.access import cases_visible_to

    persona = make_user("advisor", "SW")
    with clean_app.test_request_context():
        advisor = db.session.get(User, persona.id)
        own = create_case(None, create_firm("Suhler Stahl GmbH", "16054"))
        other = create_case(None, create_firm("Nordhäuser Korn GmbH", "16062"))
        TransferFactory(case=other, to_region_code="SW")
        visible = set(db.session.scalars(cases_visible_to(advisor).with_only_columns(Case.id)))
        assert {own.id, other.id} <= visible
        inbox = [c.id for c in db.session.scalars(queries.inbox(advisor))]
        assert own.id in inbox
        assert other.id not in inbox
