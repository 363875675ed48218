"""Issue #22: the benchmark generator loads SQLite without the triggers of the trigram
search indexes (core.fulltext) and without the tables' secondary indexes, and rebuilds
them at the end; afterwards the triggers and indexes are back as the migrations wrote
them, every index holds exactly its table, and the connection's page cache is its own
again."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import database_url, make_app


def _triggers() -> list[tuple[str, str]]:
    from wbagentur.extensions import db

    return db.session.execute(
        sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    ).all()


def _indexes() -> list[tuple[str, str, str]]:
    from wbagentur.extensions import db

    return db.session.execute(
        sa.text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
    ).all()


def test_generator_rebuilds_the_search_indexes_and_restores_the_triggers(
    backend: str, tmp_path: Any
) -> None:
    if backend != "sqlite":
        pytest.skip("FTS5 exists only on SQLite")
    from wbagentur.bench.generator import Volume, generate
    from wbagentur.core import fulltext
    from wbagentur.core.text import normalise_search
    from wbagentur.extensions import db
    from wbagentur.persons.models import Person

    app = make_app(database_url("sqlite", tmp_path, "bench_fts"), RATELIMIT_ENABLED=False)
    try:
        with app.app_context():
            before = _triggers()
            indexes_before = _indexes()
            cache_before = db.session.execute(sa.text("PRAGMA cache_size")).scalar()
            generate(
                Volume.for_cases(120),
                seed=11,
                now=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
                password_hash="x",
                echo=lambda _line: None,
            )
            db.session.commit()
            assert _triggers() == before
            assert _indexes() == indexes_before
            assert any(table == "cases" for _n, table, _s in indexes_before)
            assert db.session.execute(sa.text("PRAGMA cache_size")).scalar() == cache_before
            # Every index holds exactly its table's rows.
            assert db.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
            assert {name for name, _sql in before} >= {
                t for i in fulltext.INDEXES for t in i.triggers
            }
            for index in fulltext.INDEXES:
                # Raises "database disk image is malformed" if the index and table differ.
                check = (
                    f"INSERT INTO {index.name}({index.name}, rank) VALUES ('integrity-check', 1)"
                )
                db.session.execute(sa.text(check))
            last_name = db.session.scalar(sa.select(Person.last_name).limit(1))
            by_index = db.session.scalars(
                sa.select(Person.id).where(fulltext.name_condition(Person.name_search, last_name))
            ).all()
            by_like = db.session.scalars(
                sa.select(Person.id).where(
                    Person.name_search.contains(normalise_search(last_name), autoescape=True)
                )
            ).all()
            assert by_index
            assert sorted(by_index) == sorted(by_like)
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
