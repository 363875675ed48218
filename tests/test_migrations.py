"""Migrations are the only schema source: upgrade from empty, models == migrations,
one head, downgrade and upgrade again — on SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from wbagentur.core.models import include_for_dialect
from wbagentur.extensions import db


def _script(app):
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def test_single_head(app):
    with app.app_context():
        assert len(_script(app).get_heads()) == 1


def test_models_match_migrations(app):
    with app.app_context(), db.engine.connect() as conn:
        opts = {"compare_type": True, "include_object": include_for_dialect(conn.dialect.name)}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
    assert diff == []


def test_reference_data_loaded_by_migration(app):
    from wbagentur.regions.commands import reference_data_differences

    with app.app_context():
        assert reference_data_differences() == []


def _schema(app):
    with app.app_context(), db.engine.connect() as conn:
        inspector = sa.inspect(conn)
        return {
            table: sorted(
                (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
            )
            for table in inspector.get_table_names()
        }


def test_downgrade_to_base_and_upgrade_again_gives_same_schema(backend, tmp_path):
    from tests.conftest import database_url, make_app

    url = database_url(backend, tmp_path, "roundtrip")
    app = make_app(url)
    before = _schema(app)
    with app.app_context():
        downgrade(revision="base")
    assert set(_schema(app)) <= {"alembic_version"}
    with app.app_context():
        upgrade()
    from tests.figures import record_figure

    same = _schema(app) == before
    record_figure(
        "migrations.roundtrip",
        "ja" if same else "nein",
        target="ja",
        ok=same,
        db=backend,
        detail="Daten: Referenzdaten der Migrationen; Schema nach runter/hoch gleich",
    )
    assert same
    with app.app_context():
        db.engine.dispose()
