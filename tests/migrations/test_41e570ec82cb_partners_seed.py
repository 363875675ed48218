"""Migration 41e570ec82cb: the partner directory is seeded; downgrade removes the tables."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.conftest import database_url, make_app
from wbagentur.extensions import db


def test_partner_seed_present_after_upgrade_and_tables_gone_after_downgrade(
    backend, tmp_path_factory
):
    url = database_url(backend, tmp_path_factory.mktemp("mig-partners"), "mig_partners")
    app = make_app(url)
    with app.app_context():
        rows = dict(db.session.execute(sa.text("SELECT code, kind FROM partners")).all())
        assert len(rows) == 22
        assert rows["wba_sw"] == "wba_contact_point"
        assert rows["tlvwa_ref220"] == "tlvwa"
        ilm = (
            db.session.execute(
                sa.text(
                    "SELECT p.code FROM partners p JOIN partner_districts pd ON pd.partner_id = "
                    "p.id "
                    "JOIN districts d ON d.id = pd.district_id WHERE d.key = '16070' AND p.kind IN "
                    "('ihk', 'hwk') ORDER BY p.code"
                )
            )
            .scalars()
            .all()
        )
        assert ilm == ["hwk_erfurt", "ihk_suedthueringen"]
        db.session.remove()
        downgrade(revision="045bc1cda6bc")
        tables = sa.inspect(db.engine).get_table_names()
        assert not {
            "partners",
            "referrals",
            "referral_events",
            "transfers",
            "partner_districts",
        } & set(tables)
        upgrade()
        db.engine.dispose()
