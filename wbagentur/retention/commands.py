"""CLI: ``flask retention run`` (daily by cron) and ``flask retention rules``."""

from __future__ import annotations

import click
import sqlalchemy as sa

from wbagentur.extensions import db
from wbagentur.retention import bp
from wbagentur.retention.models import RetentionRule
from wbagentur.retention.services import remove_files, run_retention

bp.cli.short_help = "Löschkonzept ausführen."


@bp.cli.command("run")
def run_command() -> None:
    """Delete or anonymise everything that is due; print counts per rule."""
    report = run_retention()
    db.session.commit()
    removed = remove_files(report)
    for code, count in sorted(report.counts.items()):
        click.echo(f"{code:<30} {count}")
    click.echo(f"{'files_removed':<30} {removed}")


@bp.cli.command("rules")
def rules_command() -> None:
    """List the retention rules."""
    for rule in db.session.scalars(sa.select(RetentionRule).order_by(RetentionRule.id)):
        state = "aktiv" if rule.is_active else "inaktiv"
        click.echo(
            f"{rule.code:<28} {rule.start_event:<20} {rule.period_days:>5} Tage  {rule.action:<10} "
            f"{state}"
        )
