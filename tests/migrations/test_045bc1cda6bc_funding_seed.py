"""Migration 045bc1cda6bc creates the funding catalogue with its seed; downgrade removes it."""

import json
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.conftest import app_without_schema, database_url
from wbagentur.extensions import db

# The migration reads this frozen file, never the app: later catalogue versions (engine v2)
# come with migrations of their own and must not change what this one wrote.
SEED_FILE = Path(__file__).resolve().parents[2] / "migrations/data/20261121_funding_seed.json"


def test_funding_seed_rows_exist_after_upgrade_and_vanish_on_downgrade(backend, tmp_path):

    url = database_url(backend, tmp_path, "mig_045bc")
    app = app_without_schema(url)
    with app.app_context():
        upgrade(revision="045bc1cda6bc")
        with db.engine.connect() as conn:
            codes = (
                conn.execute(
                    sa.text(
                        "SELECT code FROM funding_programmes WHERE status = 'open' ORDER BY "
                        "sort_order"
                    )
                )
                .scalars()
                .all()
            )
            versions = conn.execute(
                sa.text(
                    "SELECT version_key, parameters FROM funding_parameter_versions "
                    "WHERE state = 'approved' ORDER BY id"
                )
            ).all()
        assert codes == [
            "esf_weiterbildungsscheck",
            "esf_anpassungsqualifizierung",
            "sgb3_82",
            "sgb3_82a",
            "afbg",
            "thuerbfg",
            "sgb3_81",
        ]
        seed = json.loads(SEED_FILE.read_text(encoding="utf-8"))
        assert {key: json.loads(params) for key, params in versions} == {
            v["version_key"]: v["parameters"] for v in seed["versions"]
        }
        # Sequences continue after the seeded ids (PostgreSQL).
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO funding_parameter_versions (programme_id, version_key, "
                    "valid_from, "
                    "parameters, source, state, proposed_at) VALUES (3, 'sgb3_82@2030-01-01', "
                    "'2030-01-01', '{}', 'x', 'proposed', CURRENT_TIMESTAMP)"
                )
            )
        downgrade(revision="a1cad0461403")
        with db.engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
        assert not {"funding_programmes", "funding_parameter_versions", "funding_checks"} & set(
            tables
        )
        db.engine.dispose()
