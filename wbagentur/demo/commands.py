"""CLI: ``flask demo seed`` fills demo data and prints a login for each role."""

from __future__ import annotations

import click
from flask import current_app

from wbagentur.demo import bp
from wbagentur.demo.services import seed_demo
from wbagentur.extensions import db

bp.cli.short_help = "Demodaten."


@bp.cli.command("seed")
@click.option(
    "--seed", default=42, show_default=True, help="Zufallssaat (gleiche Saat, gleiche Daten)."
)
@click.option("--firms-per-district", default=3, show_default=True)
def seed_command(seed: int, firms_per_district: int) -> None:
    """Create demo users and firms; print the logins (new passwords on every run)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Demodaten werden in der Produktion nicht angelegt.")
    logins = seed_demo(seed=seed, firms_per_district=firms_per_district)
    db.session.commit()
    click.echo("")
    click.echo("Demo-Zugänge (Passwörter gelten bis zum nächsten 'flask demo seed'):")
    click.echo(f"  {'Rolle':<20} {'Region':<18} {'E-Mail':<32} Passwort")
    for login in logins:
        click.echo(
            f"  {login.role_label:<20} {login.region:<18} {login.email:<32} {login.password}"
        )
    roles = current_app.config.get("TOTP_REQUIRED_ROLES", ())
    if roles:
        click.echo(
            "Hinweis: Landeskoordination und Administration richten beim ersten Anmelden die "
            "Zwei-Faktor-Anmeldung ein (jede TOTP-App, der Schlüssel steht auch als Text da)."
        )
    click.echo("")
