"""CLI: ``flask api-tokens create|list|revoke`` (personal and service tokens)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Blueprint

from wbagentur.accounts.models import User
from wbagentur.api import tokens
from wbagentur.api.models import ApiToken
from wbagentur.core.errors_domain import DomainError
from wbagentur.extensions import db

cli = Blueprint("api_tokens", __name__, cli_group="api-tokens")
cli.cli.short_help = "API-Tokens anlegen, anzeigen, widerrufen."


@cli.cli.command("create")
@click.option("--email", required=True, help="Konto, für das das Token handelt.")
@click.option("--name", default="Token", show_default=True, help="Wofür das Token ist.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(sorted(tokens.SCOPES)),
    help="Berechtigung (mehrfach möglich).",
)
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, tokens.MAX_DAYS))
def create_command(email: str, name: str, scopes: tuple[str, ...], days: int) -> None:
    """Create a token and print it once (only its hash is stored)."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.lower()))
    if user is None:
        raise click.ClickException("Kein Konto mit dieser E-Mail-Adresse.")
    try:
        token, secret = tokens.create_token(None, user, name, list(scopes), days)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Token {token.id} ({token.prefix}…) gültig bis {token.expires_at:%d.%m.%Y}:")
    click.echo(secret)
    click.echo("Es wird nur jetzt angezeigt.")


@cli.cli.command("list")
def list_command() -> None:
    """List tokens (prefix, owner, scopes, expiry, revoked)."""
    for t in db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)):
        state = "widerrufen" if t.revoked_at else f"bis {t.expires_at:%d.%m.%Y}"
        click.echo(f"{t.id:>4} {t.prefix}… {t.user.email:<40} {t.scopes:<25} {state}")


@cli.cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id: int) -> None:
    """Revoke a token at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException("Kein Token mit dieser Nummer.")
    tokens.revoke_token(None, token)
    db.session.commit()
    click.echo(f"Token {token_id} widerrufen.")
