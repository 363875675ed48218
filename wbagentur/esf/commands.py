"""CLI: ``flask esf surveys`` sends due follow-up surveys and reminders (daily cron);
``flask esf indicators`` recomputes the maintained indicator counts now."""

from __future__ import annotations

import click

from wbagentur.esf import aggregates, bp, services
from wbagentur.extensions import db

bp.cli.short_help = "ESF+-Nachbefragungen versenden."


@bp.cli.command("surveys")
def surveys_command() -> None:
    """Queue the surveys due six months after leaving and the reminders (in the mail
    outbox; ``flask mail send`` delivers them) and count expired links as non-response."""
    report = services.send_due_surveys()
    db.session.commit()
    click.echo(
        f"versandt: {report.sent}, erinnert: {report.reminded}, "
        f"ohne Einwilligung: {report.no_consent}, ohne Antwort: {report.no_response}"
    )


@bp.cli.command("indicators", short_help="ESF+-Indikatoren jetzt neu berechnen.")
def indicators_command() -> None:
    """Recompute the ESF+ indicator counts of the overview (the worker does it every few
    minutes, job ``esf.indicators``)."""
    rows = aggregates.refresh()
    db.session.commit()
    click.echo(f"{rows} Zeilen berechnet.")
