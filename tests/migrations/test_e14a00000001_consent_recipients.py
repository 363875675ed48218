"""Data migration e14a00000001 (issue #14): free-text consent recipients are mapped to a
partner kind or partner where the text matches, other texts stay as legacy text; empty
participant notes and catalogue notices get their own timeline kinds; the downgrade
restores the old shape."""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.conftest import app_without_schema, database_url
from wbagentur.extensions import db

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _insert(conn, table, **values):
    meta = sa.MetaData()
    t = sa.Table(table, meta, autoload_with=conn)
    return conn.execute(sa.insert(t).values(**values).returning(t.c.id)).scalar_one()


def test_recipients_and_timeline_kinds_migrate_and_return(backend, tmp_path):
    url = database_url(backend, tmp_path, "mig_e14a")
    app = app_without_schema(url)
    with app.app_context():
        upgrade(revision="c5a1e0000003")
        with db.engine.begin() as conn:
            region = conn.execute(sa.text("SELECT id FROM regions ORDER BY id")).scalar()
            aa_id = conn.execute(
                sa.text("SELECT id FROM partners WHERE code='aa_suedwest'")
            ).scalar()
            person = _insert(
                conn,
                "persons",
                first_name="A",
                last_name="B",
                name_search="a b",
                gender="keine_angabe",
                version=1,
                created_at=NOW,
                updated_at=NOW,
            )
            texts = {
                "code": "agentur_fuer_arbeit",
                "label": " industrie- und  HANDELSKAMMER ",
                "partner": "Agentur für Arbeit Thüringen Südwest",
                "legacy": "Agentur für Arbeit Suhl",
            }
            ids = {
                key: _insert(
                    conn,
                    "consents",
                    person_id=person,
                    purpose="share_partner",
                    recipient=text,
                    text_version="2026-01",
                    given_at=NOW,
                )
                for key, text in texts.items()
            }
            case = _insert(
                conn,
                "cases",
                reference="WBA-SW-2026-09999",
                region_id=region,
                kind="firm",
                title="t",
                channel="phone",
                priority="normal",
                status="in_advice",
                opened_at=NOW,
                legal_hold=False,
                version=1,
                created_at=NOW,
                updated_at=NOW,
            )

            def entry(kind, body, data):
                return _insert(
                    conn,
                    "timeline_entries",
                    case_id=case,
                    kind=kind,
                    at=NOW,
                    created_at=NOW,
                    body=body,
                    data=json.dumps(data),
                )

            participant = entry("note", None, {"participant_added": person})
            note = entry("note", "Gespräch", {})
            notice = entry(
                "funding_check", "Der Status von X ist jetzt: offen.", {"programme": "x"}
            )
            check = entry("funding_check", "geprüft", {"check_id": 1})
        upgrade(revision="e14a00000001")
        with db.engine.connect() as conn:
            rows = {
                r.id: r
                for r in conn.execute(
                    sa.text(
                        "SELECT id, recipient, recipient_kind, recipient_partner_id FROM consents"
                    )
                )
            }
            kinds = dict(conn.execute(sa.text("SELECT id, kind FROM timeline_entries")).all())
        assert rows[ids["code"]].recipient_kind == "agentur_fuer_arbeit"
        assert rows[ids["label"]].recipient_kind == "ihk"
        assert rows[ids["partner"]].recipient_partner_id == aa_id
        assert rows[ids["partner"]].recipient_kind is None
        legacy = rows[ids["legacy"]]
        assert (legacy.recipient, legacy.recipient_kind, legacy.recipient_partner_id) == (
            "Agentur für Arbeit Suhl",
            None,
            None,
        )
        assert kinds == {
            participant: "participant",
            note: "note",
            notice: "catalogue",
            check: "funding_check",
        }
        downgrade(revision="c5a1e0000003")
        with db.engine.connect() as conn:
            back = dict(conn.execute(sa.text("SELECT id, recipient FROM consents")).all())
            kinds = dict(conn.execute(sa.text("SELECT id, kind FROM timeline_entries")).all())
        assert back[ids["code"]] == "agentur_fuer_arbeit"
        assert back[ids["label"]] == "ihk"
        assert back[ids["partner"]] == "agentur_fuer_arbeit"
        assert back[ids["legacy"]] == "Agentur für Arbeit Suhl"
        assert kinds[participant] == "note"
        assert kinds[notice] == "funding_check"
        db.engine.dispose()
