"""Start page, language switch, health checks and the accessibility statement."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from wbagentur.main import views  # noqa: E402,F401
