"""Funding engine 2.0: corrected parameter versions as approved versions next to the seed

Adds, per programme whose default parameters changed in engine 2.0 (issue #17), an approved
version ``<key>.2`` with the same validity as the seed version it corrects (citations as the law
numbers them, § 82 Abs. 7 Kurzarbeit dates, ESF+ SME rates and wage unit costs, § 87a Abs. 2
verified, ThürBfG recognising authority as a parameter, AFBG means test; plus
``afbg@2024-08-01`` for the BAföG amounts from 01.08.2024, the AFBG correction ending the day
before). The catalogue resolves overlaps by the newest approval, so these take effect; the seed
rows stay untouched. Data is read from the frozen file
``migrations/data/20261206_funding_engine_v2.json`` – never from the app.

Revision ID: f17a00000001
Revises: f15a00000001
Create Date: 2026-12-06 20:00:00
"""
import json
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f17a00000001'
down_revision = 'f15a00000001'
branch_labels = None
depends_on = None

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "20261206_funding_engine_v2.json"


def upgrade():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    decided_at = datetime.fromisoformat(data["decided_at"])
    if op.get_bind().dialect.name == "sqlite":
        decided_at = decided_at.replace(tzinfo=None)
    bind = op.get_bind()
    ids = dict(bind.execute(sa.text("SELECT code, id FROM funding_programmes")).all())
    versions = sa.table(
        "funding_parameter_versions",
        sa.column("programme_id", sa.Integer),
        sa.column("version_key", sa.String), sa.column("valid_from", sa.Date),
        sa.column("valid_to", sa.Date), sa.column("parameters", sa.Text),
        sa.column("source", sa.String), sa.column("source_url", sa.String),
        sa.column("state", sa.String), sa.column("proposed_by_id", sa.Integer),
        sa.column("proposed_at", sa.DateTime(timezone=True)),
        sa.column("decided_by_id", sa.Integer),
        sa.column("decided_at", sa.DateTime(timezone=True)),
        sa.column("decision_note", sa.String),
    )
    rows = [
        {
            "programme_id": ids[v["programme"]],
            "version_key": v["version_key"],
            "valid_from": date.fromisoformat(v["valid_from"]),
            "valid_to": date.fromisoformat(v["valid_to"]) if v["valid_to"] else None,
            "parameters": json.dumps(v["parameters"], ensure_ascii=False, sort_keys=True),
            "source": v["source"],
            "source_url": v["source_url"],
            "state": "approved",
            "proposed_by_id": None,
            "proposed_at": decided_at,
            "decided_by_id": None,
            "decided_at": decided_at,
            "decision_note": data["decision_note"],
        }
        for v in data["versions"]
        if v["programme"] in ids
    ]
    if rows:
        op.bulk_insert(versions, rows)


def downgrade():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    keys = [v["version_key"] for v in data["versions"]]
    op.get_bind().execute(
        sa.text("DELETE FROM funding_parameter_versions WHERE version_key IN :keys").bindparams(
            sa.bindparam("keys", expanding=True)
        ),
        {"keys": keys},
    )
