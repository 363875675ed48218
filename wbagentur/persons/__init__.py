"""Persons: employees and individual advice seekers, with their consents."""

from flask import Blueprint

bp = Blueprint("persons", __name__)

from wbagentur.persons import models, views  # noqa: E402,F401
