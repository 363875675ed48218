"""CLI: ``flask audit verify``, ``flask audit anchor`` and ``flask audit ingest``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint

from wbagentur.core.audit import (
    AnchorError,
    anchor_path,
    ingest_reads,
    pending_reads,
    read_anchor,
    verify_anchor,
    verify_chain,
    write_anchor,
)

bp = Blueprint("audit", __name__)
bp.cli.short_help = "Audit-Protokoll prüfen."


@bp.cli.command("verify")
@click.option(
    "--anchor",
    "anchor_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Anker-Datei (Standard: AUDIT_ANCHOR_FILE, z. B. eine Kopie von einem anderen Rechner).",
)
@click.option("--require-anchor", is_flag=True, help="Ohne Anker mit Code 1 enden statt zu warnen.")
def verify_command(anchor_file: Path | None, require_anchor: bool) -> None:
    """Verify the hash chain of the audit trail and that it still reaches the anchor."""
    count, broken = verify_chain()
    if broken is not None:
        click.echo(f"Kette unterbrochen bei Eintrag {broken} (geprüft: {count}).")
        raise SystemExit(1)
    pending = pending_reads()
    if pending:
        click.echo(
            f"{pending} Lesezugriffe warten im Spool auf die Übernahme "
            "(flask worker oder flask audit ingest)."
        )
    path = anchor_file or anchor_path()
    if not path.is_file():
        click.echo(
            f"Kein Anker gefunden ({path}): das Löschen der neuesten Einträge ist so nicht prüfbar."
        )
        if require_anchor or anchor_file is not None:
            raise SystemExit(1)
        click.echo(f"Audit-Kette intakt: {count} Einträge geprüft.")
        return
    try:
        anchor = read_anchor(path.read_text(encoding="utf-8"))
        verify_anchor(anchor)
    except AnchorError as exc:
        click.echo(f"Anker verletzt: {exc} (geprüft: {count}).")
        raise SystemExit(1) from None
    click.echo(
        f"Audit-Kette intakt: {count} Einträge geprüft, Anker bei Eintrag {anchor['id']} "
        f"vom {anchor['at']} erreicht."
    )


@bp.cli.command("anchor")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Datei für den Anker (Standard: AUDIT_ANCHOR_FILE).",
)
def anchor_command(output: Path | None) -> None:
    """Sign the newest audit entry and store it outside the database (run every few
    minutes; copy the printed line off the host as well)."""
    import json

    anchor = write_anchor(output)
    click.echo(json.dumps(anchor, sort_keys=True))


@bp.cli.command("ingest")
def ingest_command() -> None:
    """Chain the spooled read entries into the audit trail now (the worker does it every
    few seconds; run this on a host without a worker, e.g. from cron)."""
    click.echo(f"{ingest_reads()} Lesezugriffe übernommen.")
