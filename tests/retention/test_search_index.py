"""An erased person's name leaves the SQLite search index (core.fulltext), not only its
live view: FTS5 keeps a deleted row's trigrams in the index file until its segments are
merged, and the retention run merges them (issue #22)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.factories import make_person
from wbagentur.core import fulltext
from wbagentur.extensions import db
from wbagentur.retention import services

# The only persons of the test. FTS5 stores a term after the previous one's common
# prefix, so a byte search of the index pages finds most, not all, of the canary's
# trigrams while they are there; after the erasure it must find none.
CANARY = ("Xaver", "Qyzzjak")
OTHER = ("Anna", "Schmidt")
TRIGRAMS = [b"xav", b"ave", b"ver", b"qyz", b"yzz", b"zzj", b"zja", b"jak"]


def _persons_index_bytes() -> bytes:
    index = next(i for i in fulltext.INDEXES if i.table == "persons")
    blocks = db.session.scalars(sa.text(f"SELECT block FROM {index.name}_data"))
    return b"".join(b for b in blocks if isinstance(b, bytes))


def _found(term: str) -> list[int]:
    from wbagentur.persons.models import Person

    return list(
        db.session.scalars(
            sa.select(Person.id).where(fulltext.name_condition(Person.name_search, term))
        )
    )


def test_erased_name_disappears_from_the_search_index(clean_app: Any, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("FTS5 exists only on SQLite (PostgreSQL: the GIN index follows the row)")
    with clean_app.app_context():
        person = make_person(*CANARY, district_key=None)
        other = make_person(*OTHER, district_key=None)
        db.session.commit()
        assert _found("qyzzjak") == [person.id]
        assert len([t for t in TRIGRAMS if t in _persons_index_bytes()]) >= 4

        request = services.request_deletion(None, "person", person.id, "Antrag nach Art. 17")
        db.session.commit()
        services.run_retention(now=request.execute_after + timedelta(minutes=1))
        db.session.commit()

        assert _found("qyzzjak") == []
        assert _found("xaver") == []
        assert _found("schmidt") == [other.id]
        stored = _persons_index_bytes()
        assert [t for t in TRIGRAMS if t in stored] == []
        assert b"sch" in stored  # the method finds what is there
