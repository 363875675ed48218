"""Issue 8: the benchmark generator writes PostgreSQL with COPY and SQLite with
executemany; with the same seed and clock both databases must hold the same data, so
that figures measured on one are comparable with the other."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import database_url, make_app

CASES = 120
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
# Tables the generator fills (reference data from the migrations is compared as well,
# since ids of partners and districts decide where referrals go).
TABLES = (
    "users",
    "firms",
    "firm_contacts",
    "persons",
    "cases",
    "case_topics",
    "case_participants",
    "case_counters",
    "advice_requests",
    "timeline_entries",
    "follow_ups",
    "consents",
    "referrals",
    "referral_events",
    "transfers",
    "esf_participations",
)


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _pg_schema() -> list[tuple]:
    """Every index and constraint definition of the public schema (PostgreSQL)."""
    from wbagentur.extensions import db

    return db.session.execute(
        sa.text(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "UNION ALL SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2, 3"
        )
    ).all()


def _dump(backend: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    from wbagentur.bench.generator import Volume, generate
    from wbagentur.extensions import db

    url = database_url(backend, tmp_path_factory.mktemp(f"gen-{backend}"), "bench_same")
    app = make_app(url, RATELIMIT_ENABLED=False)
    with app.app_context():
        schema_before = _pg_schema() if backend == "postgresql" else []
        counts = generate(
            Volume.for_cases(CASES), seed=11, now=NOW, password_hash="x", echo=lambda _l: None
        )
        db.session.commit()
        dump: dict[str, list[tuple]] = {}
        for name in TABLES:
            table = db.metadata.tables[name]
            rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            dump[name] = [tuple(_normalise(v) for v in row) for row in rows]
        dump["_counts"] = sorted((k, v) for k, v in counts.items() if k != "seconds")
        dump["_schema"] = [schema_before, _pg_schema() if backend == "postgresql" else []]
        db.session.remove()
        db.engine.dispose()
    return dump


@pytest.fixture(scope="module")
def dumps(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, list[tuple]]]:
    if request.config.getoption("--db") != "both":
        pytest.skip("compares SQLite with PostgreSQL; needs --db both")
    return {b: _dump(b, tmp_path_factory) for b in ("sqlite", "postgresql")}


def test_generator_same_row_counts_on_sqlite_and_postgresql(dumps: dict[str, Any]) -> None:
    sqlite, postgresql = dumps["sqlite"], dumps["postgresql"]
    assert sqlite["_counts"] == postgresql["_counts"]
    counts = {name: len(sqlite[name]) for name in TABLES}
    assert counts == {name: len(postgresql[name]) for name in TABLES}
    assert counts["cases"] == CASES
    assert counts["referral_events"] > counts["referrals"] > 0


@pytest.mark.parametrize("table", TABLES)
def test_generator_same_rows_on_sqlite_and_postgresql(dumps: dict[str, Any], table: str) -> None:
    sqlite, postgresql = dumps["sqlite"][table], dumps["postgresql"][table]
    differing = [(a, b) for a, b in zip(sqlite, postgresql, strict=True) if a != b]
    assert differing[:3] == [], f"{len(differing)} of {len(sqlite)} rows differ"


def test_generator_postgresql_restores_indexes_and_foreign_keys(dumps: dict[str, Any]) -> None:
    """The load drops foreign keys and secondary indexes on PostgreSQL; afterwards the
    schema must be exactly what the migrations built."""
    before, after = dumps["postgresql"]["_schema"]
    assert any("FOREIGN KEY" in row[2] for row in before)
    assert any(row[1] == "ix_timeline_entries_case_at" for row in before)
    assert after == before


def test_advisors_grow_with_the_cases_as_documented() -> None:
    """docs/performance.md: one advisor per 4,000 cases, at least 8 a region (100 at
    100,000 cases)."""
    from wbagentur.bench.generator import advisors_per_region

    assert advisors_per_region(2_000) == 8
    assert 4 * advisors_per_region(100_000) == 100
    assert 4 * advisors_per_region(1_000_000) == 1_000
