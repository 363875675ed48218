"""CLI: ``flask funding check FILE.json`` (``-`` reads standard input)."""

from __future__ import annotations

import json
from typing import IO

import click

from wbagentur.funding import bp, services

bp.cli.short_help = "Förderprüfung und Förderkatalog."


@bp.cli.command("check")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def check_command(file: IO[str]) -> None:
    """Run the funding check on an input document and print the result document (JSON)."""
    try:
        doc = services.load_json(file.read())
        result = services.check_document(doc)
    except UnicodeDecodeError as exc:
        raise click.ClickException("Die Datei ist kein UTF-8-Text / not UTF-8 text.") from exc
    except services.InvalidInput as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))
