"""Data migration a1cad0461403 fills firms.name_search and email_domain for existing rows."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.conftest import app_without_schema, database_url
from wbagentur.extensions import db


def test_existing_firms_get_search_columns_and_downgrade_keeps_them(backend, tmp_path):

    url = database_url(backend, tmp_path, "mig_a1cad")
    app = app_without_schema(url)
    with app.app_context():
        upgrade(revision="d1ed0dac8059")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO firms (name, district_id, email, staff_over_30h, staff_up_to_30h, "
                    "staff_up_to_20h, staff_up_to_10h, has_collective_agreement_training, "
                    "has_works_agreement_training, has_works_council, seat_in_thuringia, version, "
                    "created_at, updated_at) VALUES ('MÜLLER Präzisionsteile GmbH', 1, "
                    "'Info@Mueller-Suhl.DE', "
                    "3, 0, 0, 0, false, false, false, true, 1, CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP)"
                )
            )
        upgrade(revision="a1cad0461403")
        with db.engine.connect() as conn:
            row = conn.execute(sa.text("SELECT name_search, email_domain FROM firms")).one()
        assert row == ("mueller praezisionsteile gmbh", "mueller-suhl.de")
        downgrade(revision="d1ed0dac8059")
        with db.engine.connect() as conn:
            assert (
                conn.execute(sa.text("SELECT name FROM firms")).scalar()
                == "MÜLLER Präzisionsteile GmbH"
            )
        db.engine.dispose()
