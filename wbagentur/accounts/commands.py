"""CLI: ``flask accounts create|set-password|deactivate|activate|reset-2fa|rotate-totp-key``."""

from __future__ import annotations

import click
import sqlalchemy as sa

from wbagentur.accounts import bp, services
from wbagentur.extensions import db
from wbagentur.regions.models import ContactPoint, Region

bp.cli.short_help = "Benutzerkonten verwalten."


@bp.cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option(
    "--role", type=click.Choice(["advisor", "supervisor", "coordinator", "admin"]), required=True
)
@click.option("--region", "region_code", help="Regionskürzel NT, MT, OT oder SW (Kontaktstelle).")
def create_command(email: str, display_name: str, role: str, region_code: str | None) -> None:
    """Create a user with a random password, printed once."""
    contact_point_id = None
    if region_code:
        cp = db.session.scalar(
            sa.select(ContactPoint).join(Region).where(Region.code == region_code.upper())
        )
        if cp is None:
            raise click.BadParameter("unbekannte Region", param_hint="--region")
        contact_point_id = cp.id
    password = services.generate_password()
    try:
        user = services.create_user(
            None,
            email=email,
            display_name=display_name,
            role=role,
            password=password,
            contact_point_id=contact_point_id,
        )
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Konto angelegt: {user.email} ({user.role_label})")
    click.echo(f"Einmaliges Passwort: {password}")


def _user_or_fail(email: str) -> services.User:
    user = services.user_by_email(email)
    if user is None:
        raise click.ClickException("Kein Konto mit dieser E-Mail-Adresse.")
    return user


@bp.cli.command("set-password")
@click.argument("email")
def set_password_command(email: str) -> None:
    """Give a user a new random password (ends all their sessions)."""
    user = _user_or_fail(email)
    password = services.generate_password()
    services.set_password(None, user, password)
    db.session.commit()
    click.echo(f"Neues Passwort für {user.email}: {password}")


@bp.cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Deactivate an account and end its sessions."""
    services.set_active(None, _user_or_fail(email), False)
    db.session.commit()
    click.echo("Konto deaktiviert.")


@bp.cli.command("activate")
@click.argument("email")
def activate_command(email: str) -> None:
    """Re-activate an account."""
    services.set_active(None, _user_or_fail(email), True)
    db.session.commit()
    click.echo("Konto aktiviert.")


@bp.cli.command("reset-2fa")
@click.argument("email")
def reset_2fa_command(email: str) -> None:
    """Remove a user's second factor after an identity check (ends their sessions)."""
    user = _user_or_fail(email)
    try:
        ended = services.reset_second_factor(None, user)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Zwei-Faktor-Anmeldung zurückgesetzt; {ended} Sitzung(en) beendet.")


@bp.cli.command("rotate-totp-key")
def rotate_totp_key_command() -> None:
    """Re-encrypt every stored TOTP secret with the current TOTP_ENCRYPTION_KEY.

    Run it after moving the previous key into TOTP_ENCRYPTION_OLD_KEYS; afterwards the
    old key can be removed from the configuration.
    """
    from wbagentur.accounts import secretbox
    from wbagentur.accounts.models import User

    users = db.session.scalars(sa.select(User).where(User.totp_secret_encrypted.is_not(None))).all()
    try:
        for user in users:
            user.totp_secret_encrypted = secretbox.rotate(user.totp_secret_encrypted or "")
    except secretbox.TotpSecretUnreadable as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{len(users)} TOTP-Geheimnis(se) mit dem aktuellen Schlüssel neu verschlüsselt.")
