"""Issue #22: on SQLite the searches look names and references up in FTS5 trigram
indexes (core.fulltext, migration fts500000001) and find exactly what LIKE finds.

Compared with the LIKE-only search (PostgreSQL's form of the query, the path of words
under three characters and of a SQLite without FTS5) on the same data and terms,
umlauts in every spelling, wildcards and quotes included; the indexes follow inserts,
changes and deletions; a SQLite without FTS5 migrates and searches without them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from tests.factories import make_person
from tests.helpers import check_search_indexes
from tests.personas import create_persona
from wbagentur.accounts.models import User
from wbagentur.cases import queries
from wbagentur.core import fulltext
from wbagentur.core.text import name_matches
from wbagentur.extensions import db
from wbagentur.firms.models import Firm
from wbagentur.persons.models import Person

TERMS = [
    "bäcker",
    "BÄCKER",
    "Baecker",
    "backer",  # typed without the umlaut: finds Bäcker too (core.text spellings)
    "größer",
    "GROESSER",
    "grosser",
    "weiß",
    "WEISS",
    "jürgen weiß",
    "weiß jürgen",
    "müller-lüd",
    "ärger",
    "Ä",  # one character, "ae" after normalising: LIKE only
    "er",  # two characters: LIKE only
    "gr ma",  # two short words
    "bäcker gr",  # a long and a short word
    "gmbh",
    "100%",
    "zimmerei",
    "%",
    "a%b",
    "gr_sser",
    '"',
    'o"brien',
    "o'brien",
    "wba-sw",
    "sw-20",
    "2026",
    "nord",
]


@pytest.fixture
def coordinator(clean_app: Any) -> Iterator[User]:
    """Firms, persons and cases whose names hold umlauts, quotes and wildcard characters;
    yields (inside the app context) a coordinator, who sees every case."""
    from wbagentur.cases import services

    with clean_app.app_context():
        persona = create_persona("coordinator")
        firm_case = create_case(firm=create_firm("Bäckerei Größer GmbH", "16054"))
        services.add_participant(None, firm_case, make_person("Jürgen", "Weiß").id)
        services.add_participant(None, firm_case, make_person("Siobhan", 'O"Brien').id)
        make_person("Anna", "Müller-Lüdenscheidt")
        make_person("Paul", "O'Brien")
        create_case(firm=create_firm("Schulze Holzbau KG", "16054"))
        create_case(firm=create_firm("Größer & Weiß Nord GmbH", "16062"))
        create_firm("ÄRGER Äpfel AG", "16054")
        create_firm("Grossmann Backwaren 100% Bio", "16054")
        db.session.commit()
        yield db.session.get(User, persona.id)


def _ids(stmt: Any) -> list[int]:
    return sorted(db.session.scalars(stmt))


def _like_only(monkeypatch: Any) -> None:
    monkeypatch.setattr(fulltext, "present_indexes", lambda _session: frozenset())


def _fts_rows(index: fulltext.TrigramIndex, text: str) -> list[int]:
    return sorted(
        db.session.scalars(
            sa.text(f"SELECT rowid FROM {index.name} WHERE {index.name} MATCH :q"),
            {"q": '"' + text + '"'},
        )
    )


def test_sqlite_has_the_trigram_tables_and_triggers_at_head(clean_app: Any, backend: str) -> None:
    """A later batch migration that recreates firms, persons or cases drops the triggers
    with the old table; this catches it. PostgreSQL has none (pg_trgm instead)."""
    triggers = {t for i in fulltext.INDEXES for t in i.triggers}
    with clean_app.app_context():
        if backend != "sqlite":
            tables = set(sa.inspect(db.engine).get_table_names())
            assert not tables & fulltext.schema_tables()
            assert fulltext.present_indexes(db.session) == frozenset()
            return
        found = set(
            db.session.execute(
                sa.text("SELECT type, name FROM sqlite_master WHERE name LIKE '%fts%'")
            ).tuples()
        )
        assert fulltext.present_indexes(db.session) == {i.name for i in fulltext.INDEXES}
    assert {("table", i.name) for i in fulltext.INDEXES} <= found
    assert {("trigger", t) for t in triggers} <= found
    assert {name for _kind, name in found} <= fulltext.schema_tables() | triggers


@pytest.mark.parametrize("model", [Firm, Person], ids=["firms", "persons"])
def test_names_found_through_the_index_equal_like(coordinator: User, model: Any) -> None:
    def found(condition: Any) -> dict[str, list[int]]:
        return {t: _ids(sa.select(model.id).where(condition(model.name_search, t))) for t in TERMS}

    through_index = found(fulltext.name_condition)
    assert through_index == found(name_matches)
    assert sum(map(bool, through_index.values())) >= 5


@pytest.mark.parametrize("limit", [queries.SEARCH_ID_LIMIT, 0], ids=["ids", "per_case"])
def test_case_search_with_the_index_equals_the_search_without(
    coordinator: User, monkeypatch: Any, limit: int
) -> None:
    monkeypatch.setattr(queries, "SEARCH_ID_LIMIT", limit)

    def found() -> dict[str, list[int]]:
        return {
            t: [c.id for c in db.session.scalars(queries.case_list(coordinator, q=t))]
            for t in TERMS
        }

    with_index = found()
    _like_only(monkeypatch)
    assert with_index == found()
    assert with_index["wba-sw"]
    assert with_index["backer"]
    assert with_index["weiß jürgen"]


def test_umlauts_match_in_either_case_and_spelling(coordinator: User, backend: str) -> None:
    """SQLite's LIKE folds ASCII letters only ('Ä' LIKE 'ä' is false), so names are
    searched in their normalised column ("bäckerei" is stored "baeckerei"); the index
    holds that column, and every spelling finds the same firms on both databases."""
    if backend == "sqlite":
        assert db.session.scalar(sa.text("SELECT 'Ä' LIKE 'ä'")) == 0
    firms = {
        t: [
            f.name
            for f in db.session.scalars(
                sa.select(Firm)
                .where(fulltext.name_condition(Firm.name_search, t))
                .order_by(Firm.id)
            )
        ]
        for t in ("bäcker", "BÄCKER", "Baecker", "BACKER", "ärger", "ÄRGER", "Aerger", "arger")
    }
    assert set(map(tuple, firms.values())) == {("Bäckerei Größer GmbH",), ("ÄRGER Äpfel AG",)}


def test_sqlite_search_reads_the_index_not_the_tables(coordinator: User, backend: str) -> None:
    """No full scan of firms, persons or cases for a name or a reference term (the
    PostgreSQL counterpart is tests/cases/test_search.py's trigram plan test)."""
    if backend != "sqlite":
        pytest.skip("FTS5 exists only on SQLite")
    for term in ("größer", "jürgen weiß", "wba-sw-20"):
        sql = str(
            queries.matching_cases(term).compile(db.engine, compile_kwargs={"literal_binds": True})
        )
        plan = [row[3] for row in db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql))]
        assert any("VIRTUAL TABLE" in step for step in plan), plan
        # The matching persons are read from their index once, into a CTE read twice.
        tables = [s for s in plan if s.startswith("SCAN") and "VIRTUAL TABLE" not in s]
        assert not [s for s in tables if s != "SCAN matching_persons"], plan


def test_index_follows_inserts_changes_and_deletions(clean_app: Any, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("FTS5 exists only on SQLite")
    firms, persons, cases = fulltext.INDEXES
    with clean_app.app_context():
        firm = create_firm("Quastenflosser Werft GmbH")
        person = make_person("Xaver", "Quendolinski")
        case = create_case(firm=firm)
        db.session.flush()
        assert _fts_rows(firms, "quastenflosser") == [firm.id]
        assert _fts_rows(persons, "quendolinski") == [person.id]
        assert case.id in _fts_rows(cases, case.reference[-8:])
        firm.name, firm.name_search = "Seestern Werft GmbH", "seestern werft gmbh"
        person.last_name, person.name_search = "Quendel", "xaver quendel"
        db.session.flush()
        assert _fts_rows(firms, "quastenflosser") == []
        assert _fts_rows(firms, "seestern") == [firm.id]
        assert _fts_rows(persons, "quendolinski") == []
        assert _fts_rows(persons, "quendel") == [person.id]
        check_search_indexes()
        db.session.delete(case)
        db.session.flush()
        db.session.execute(sa.delete(Firm).where(Firm.id == firm.id))
        db.session.execute(sa.delete(Person).where(Person.id == person.id))
        assert _fts_rows(firms, "seestern") == []
        assert _fts_rows(persons, "quendel") == []
        assert _fts_rows(cases, case.reference) == []
        check_search_indexes()


def test_sqlite_without_fts5_migrates_and_searches_with_like(
    backend: str, tmp_path: Any, monkeypatch: Any
) -> None:
    """A SQLite built without FTS5 (or older than 3.34) gets no trigram tables; the search
    gives the same results through LIKE, and the migration downgrades."""
    if backend != "sqlite":
        pytest.skip("SQLite builds only")
    from flask_migrate import downgrade, upgrade

    from tests.conftest import database_url, make_app

    monkeypatch.setattr(fulltext, "fts5_supported", lambda _conn: False)
    app = make_app(database_url("sqlite", tmp_path, "nofts"))
    try:
        with app.app_context():
            tables = set(sa.inspect(db.engine).get_table_names())
            assert not tables & fulltext.schema_tables()
            assert fulltext.present_indexes(db.session) == frozenset()
            persona = create_persona("coordinator")
            case = create_case(firm=create_firm("Bäckerei Größer GmbH"))
            db.session.commit()
            user = db.session.get(User, persona.id)
            for term in ("BAECKER", "größer", case.reference.lower(), "gr"):
                assert [c.id for c in db.session.scalars(queries.case_list(user, q=term))] == [
                    case.id
                ], term
            db.session.remove()
            downgrade(revision="aggr00000001")
            upgrade()
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
