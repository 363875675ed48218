"""Cases (Beratungsfälle): inbox, lifecycle, timeline, follow-ups, documents."""

from flask import Blueprint

bp = Blueprint("cases", __name__)

from wbagentur.cases import models, views  # noqa: E402,F401
