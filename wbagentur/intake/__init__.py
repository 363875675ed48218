"""The public advice request ("Beratung anfragen") and the requester's status page."""

from flask import Blueprint

bp = Blueprint("intake", __name__)

from wbagentur.intake import models, timeline, views  # noqa: E402,F401

timeline.install()
