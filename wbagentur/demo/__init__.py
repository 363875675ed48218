"""Demo data for newcomers and for trying the application out."""

from flask import Blueprint

bp = Blueprint("demo", __name__)

from wbagentur.demo import commands  # noqa: E402,F401
