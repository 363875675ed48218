"""Migration c5a1e0000001: trigram search indexes on PostgreSQL, nothing on SQLite; down
and up again."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.conftest import app_without_schema, database_url
from wbagentur.extensions import db

TRIGRAM = {
    "ix_cases_reference_trgm": "cases",
    "ix_firms_name_search_trgm": "firms",
    "ix_persons_name_search_trgm": "persons",
}


def _trigram_indexes():
    with db.engine.connect() as conn:
        inspector = sa.inspect(conn)
        return {
            ix["name"]: ix.get("dialect_options", {}).get("postgresql_using")
            for table in ("cases", "firms", "persons")
            for ix in inspector.get_indexes(table)
            if ix["name"].endswith("_trgm")
        }


def test_trigram_indexes_up_down_up(backend, tmp_path):

    url = database_url(backend, tmp_path, "mig_c5a1")
    app = app_without_schema(url)
    expected = {name: "gin" for name in TRIGRAM} if backend == "postgresql" else {}
    with app.app_context():
        upgrade(revision="c5a1e0000001")
        assert _trigram_indexes() == expected
        downgrade(revision="7b002a280208")
        assert _trigram_indexes() == {}
        upgrade(revision="c5a1e0000001")  # the extension is still there: IF NOT EXISTS
        assert _trigram_indexes() == expected
        db.engine.dispose()
