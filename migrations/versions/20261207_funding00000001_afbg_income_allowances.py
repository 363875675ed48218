"""Funding: AFBG means test with the income allowances (issue #17 item 7)

Adds the approved versions ``afbg@2020-08-01.3`` and ``afbg@2024-08-01.2`` with the income
allowances of § 17 AFBG with §§ 23, 25 BAföG (participant, spouse/partner, children; before and
from 01.08.2024) and the partner's free share (§ 25 Abs. 4 BAföG). The catalogue resolves overlaps
by the newest approval, so they replace ``afbg@2020-08-01.2`` and ``afbg@2024-08-01`` without
editing them. Data is read from the frozen file
``migrations/data/20261207_funding_afbg_income.json`` – never from the app.

Revision ID: funding00000001
Revises: j21a00000002
Create Date: 2026-12-07 00:00:00
"""
import json
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'funding00000001'
down_revision = "oidc00000001"
branch_labels = None
depends_on = None

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "20261207_funding_afbg_income.json"


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
