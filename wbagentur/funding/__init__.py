"""Funding: catalogue of programmes with versioned parameters, the public Förderkompass, the
JSON/CLI interface and the in-case funding check. The pure rules live in ``engine/``."""

from flask import Blueprint

bp = Blueprint("funding", __name__)

from wbagentur.funding import commands, models, views  # noqa: E402,F401
