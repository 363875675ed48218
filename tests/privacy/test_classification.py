"""Data inventory (security.md DATA-01): every column classified, every personal column
with a deletion rule that exists (figure 16)."""

import sqlalchemy as sa

from tests.figures import backend_of, record_figure
from wbagentur.extensions import db
from wbagentur.privacy import classification
from wbagentur.privacy.classification import RULES, TABLES, inventory_problems
from wbagentur.retention.models import RetentionRule
from wbagentur.retention.services import RULES as JOB_HANDLERS


def test_every_column_is_classified_and_personal_ones_have_a_rule(clean_app):
    with clean_app.app_context():
        problems = inventory_problems(db.metadata)
        seeded = set(db.session.scalars(sa.select(RetentionRule.code)))
    columns = sum(len(t.columns) for t in db.metadata.tables.values())
    personal = sum(
        1
        for t in db.metadata.tables.values()
        for c in t.columns
        if classification.category(t.name, c.name) in classification.PERSONAL_CATEGORIES
    )
    by_kind = {}
    for t in db.metadata.tables.values():
        for c in t.columns:
            rule = classification.rule_for(t.name, c.name)
            if rule in RULES:
                by_kind[RULES[rule].kind] = by_kind.get(RULES[rule].kind, 0) + 1
    record_figure(
        "data.unclassified_columns",
        len(problems["unclassified"]),
        target="0",
        ok=not problems["unclassified"],
        db=backend_of(clean_app),
        detail=f"{columns} Spalten in {len(db.metadata.tables)} Tabellen",
    )
    record_figure(
        "data.personal_without_retention",
        len(problems["without_rule"]),
        target="0",
        ok=not problems["without_rule"],
        db=backend_of(clean_app),
        detail=f"{personal} personenbezogene Spalten; Regeln je Art: "
        + ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items())),
    )
    assert problems == {"unclassified": [], "without_rule": [], "stale": []}
    # Every job rule has a handler in the retention job and a row in the Löschkonzept table.
    jobs = {code for code, rule in RULES.items() if rule.kind == "job"}
    assert jobs == set(JOB_HANDLERS)
    assert jobs <= seeded


def test_registry_agrees_with_the_pii_markers_on_the_models():
    conflicts = [
        f"{t.name}.{c.name}"
        for t in db.metadata.tables.values()
        for c in t.columns
        if c.info.get("pii") and classification.category(t.name, c.name) in (None, "none")
    ]
    assert conflicts == []
    assert classification.category("persons", "severely_disabled") == "special"
    assert classification.category("users", "totp_secret") == "secret"


def test_a_new_column_without_classification_is_reported():
    metadata = sa.MetaData()
    sa.Table(
        "persons",
        metadata,
        *[sa.Column(name, sa.String) for name in TABLES["persons"].columns],
        sa.Column("nickname", sa.String),
    )
    sa.Table("regions", metadata, sa.Column("id", sa.Integer))
    problems = inventory_problems(metadata)
    assert problems["unclassified"] == ["persons.nickname"]
    assert "regions.code" in problems["stale"]


def test_a_personal_column_with_an_unknown_rule_is_reported(monkeypatch):
    monkeypatch.setitem(
        TABLES,
        "login_attempts",
        classification.TableClass(
            "forever", classification._cols(pseudonymous="id account_key at succeeded")
        ),
    )
    metadata = sa.MetaData()
    sa.Table(
        "login_attempts",
        metadata,
        *[sa.Column(n, sa.String) for n in ("id", "account_key", "at", "succeeded")],
    )
    assert inventory_problems(metadata)["without_rule"] == [
        "login_attempts.account_key",
        "login_attempts.at",
        "login_attempts.id",
        "login_attempts.succeeded",
    ]


def test_every_table_of_the_database_is_a_model_or_a_classified_copy(clean_app):
    """Tables that exist only in the database (the SQLite trigram search indexes of
    core.fulltext and their FTS5 shadow tables) hold a copy of a classified column: the
    inventory names the column, and it carries the column's category and rule."""
    with clean_app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
    outside = sorted(tables - set(db.metadata.tables) - {"alembic_version"})
    sources = {t: classification.derived_source(t) for t in outside}
    assert [t for t, source in sources.items() if source is None] == []
    for table, column in set(sources.values()):
        assert classification.category(table, column) in classification.PERSONAL_CATEGORIES
        assert classification.rule_for(table, column) in RULES
    if backend_of(clean_app) == "sqlite":
        assert {s for s in sources.values()} == set(classification.DERIVED.values())
