"""CLI: ``flask referrals remind`` (cron, e.g. hourly)."""

from __future__ import annotations

import click

from wbagentur.extensions import db
from wbagentur.referrals import bp, reminders

bp.cli.short_help = "Weiterleitungen: Erinnerungen, Eskalation, Ablauf."


@bp.cli.command("remind")
def remind_command() -> None:
    """Remind partners before the due date, escalate and expire overdue referrals."""
    counts = reminders.run_reminders()
    db.session.commit()
    click.echo(
        f"Erinnerungen: {counts['reminded']}, überfällig: {counts['overdue']}, "
        f"eskaliert: {counts['escalated']}, abgelaufen: {counts['expired']}"
        + (
            f", Eskalation ohne Empfänger (nächster Lauf versucht es erneut): "
            f"{counts['escalation_pending']}"
            if counts["escalation_pending"]
            else ""
        )
    )
