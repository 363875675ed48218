"""CLI: ``flask audit verify``."""

from __future__ import annotations

import click
from flask import Blueprint

from wbagentur.core.audit import verify_chain

bp = Blueprint("audit", __name__)
bp.cli.short_help = "Audit-Protokoll prüfen."


@bp.cli.command("verify")
def verify_command() -> None:
    """Verify the hash chain of the audit trail."""
    count, broken = verify_chain()
    if broken is not None:
        click.echo(f"Kette unterbrochen bei Eintrag {broken} (geprüft: {count}).")
        raise SystemExit(1)
    click.echo(f"Audit-Kette intakt: {count} Einträge geprüft.")
