"""Firms (SMEs) and their data."""

from flask import Blueprint

bp = Blueprint("firms", __name__)

from wbagentur.firms import models, views  # noqa: E402,F401
