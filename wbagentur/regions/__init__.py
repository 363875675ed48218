"""Planning regions, districts and contact points (reference data)."""

from flask import Blueprint

bp = Blueprint("regions", __name__)

from wbagentur.regions import commands  # noqa: E402,F401
