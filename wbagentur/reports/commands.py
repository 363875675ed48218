"""CLI: ``flask reports refresh`` brings the dashboards' aggregates up to date now (the
marked days; ``--full``: every day, after data written past the application)."""

from __future__ import annotations

import click
from flask import current_app

from wbagentur.core.timezone import local_today
from wbagentur.extensions import db
from wbagentur.reports import aggregates, bp, services

bp.cli.short_help = "Berichtszahlen der Übersichten neu berechnen."


@bp.cli.command("refresh", short_help="Berichtszahlen jetzt neu berechnen.")
@click.option(
    "--full",
    is_flag=True,
    help="Alle Tage neu berechnen, nicht nur die seit dem letzten Lauf geänderten.",
)
def refresh_command(full: bool) -> None:
    """Recompute the dashboards' aggregates (the worker does it every few minutes)."""
    rows = aggregates.refresh(full=full)
    db.session.commit()
    # The medians and the case load, as the worker's job leaves them.
    services.prewarm_after_refresh(local_today(), current_app.config)
    db.session.commit()
    click.echo(f"{rows} Zeilen berechnet.")
