"""Outgoing e-mail through an outbox table, sent by ``flask mail send``."""

from flask import Blueprint

bp = Blueprint("mail", __name__)

from wbagentur.mail import commands, models  # noqa: E402,F401
