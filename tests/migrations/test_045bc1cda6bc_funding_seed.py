"""Migration 045bc1cda6bc creates the funding catalogue with its seed; downgrade removes it."""

import json

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.conftest import app_without_schema, database_url
from wbagentur.extensions import db
from wbagentur.funding.engine import DEFAULT_PARAMETER_SETS


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
        assert {key: json.loads(params) for key, params in versions} == {
            ps.version: ps.to_dict() for ps in DEFAULT_PARAMETER_SETS
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
