"""CLI: ``flask reports refresh`` recomputes the dashboards' aggregates now."""

from __future__ import annotations

import click

from wbagentur.extensions import db
from wbagentur.reports import aggregates, bp

bp.cli.short_help = "Berichtszahlen der Übersichten neu berechnen."


@bp.cli.command("refresh", short_help="Berichtszahlen jetzt neu berechnen.")
def refresh_command() -> None:
    """Recompute the dashboards' aggregates (the worker does it every few minutes)."""
    rows = aggregates.refresh()
    db.session.commit()
    click.echo(f"{rows} Zeilen berechnet.")
