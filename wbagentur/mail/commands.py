"""CLI: ``flask mail send [--limit N]`` (cron, every minute) and ``flask mail list``."""

from __future__ import annotations

import click

from wbagentur.mail import bp, services

bp.cli.short_help = "E-Mail-Postausgang versenden und anzeigen."


@bp.cli.command("send")
@click.option(
    "--limit",
    default=100,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Höchstens so viele Nachrichten in diesem Lauf.",
)
def send_command(limit: int) -> None:
    """Send due messages from the outbox; print how many were sent or failed.

    Exit code 1 when messages were due and every delivery failed (relay down, wrong
    settings), so cron and monitoring notice; a partial failure is retried with backoff
    and exits 0."""
    report = services.send_pending(limit=limit)
    click.echo(
        f"gesendet: {report.sent}, fehlgeschlagen: {report.failed}, übersprungen: {report.skipped}"
    )
    if report.failed and not report.sent:
        click.echo("Keine Nachricht konnte zugestellt werden.", err=True)
        raise SystemExit(1)


@bp.cli.command("list")
def list_command() -> None:
    """Show how many messages wait in the outbox."""
    unsent, due = services.pending_count()
    click.echo(f"nicht gesendet: {unsent}, davon jetzt fällig: {due}")
