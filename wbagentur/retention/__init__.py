"""Retention (Löschkonzept after DIN 66398), erasure requests with an undo window."""

from flask import Blueprint

bp = Blueprint("retention", __name__)

from wbagentur.retention import commands, models, views  # noqa: E402,F401
