"""/dev/postfach: the development mailbox (staff only, never in production)."""

from __future__ import annotations

from flask import abort, current_app, render_template

from wbagentur.core.access import requires_role
from wbagentur.jobs import bp
from wbagentur.mail.mailbox import list_messages, mailbox_dir, read_message


def _development_mailbox_only() -> None:
    config = current_app.config
    if config["ENV_NAME"] != "development" or config.get("MAIL_BACKEND") != "file":
        abort(404)


@bp.get("/dev/postfach")
@requires_role()
def mailbox() -> str:
    _development_mailbox_only()
    return render_template("jobs/mailbox.html", messages=list_messages(), folder=mailbox_dir())


@bp.get("/dev/postfach/<name>")
@requires_role()
def mailbox_message(name: str) -> str:
    _development_mailbox_only()
    message = read_message(name)
    if message is None:
        abort(404)
    return render_template("jobs/mailbox_message.html", message=message)
