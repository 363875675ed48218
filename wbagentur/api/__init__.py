"""REST API under /api/v1 (issue #21 item 1): bearer tokens, region scopes and audit as in
the UI, one error shape in German or English, OpenAPI 3.1 at /api/v1/openapi.json."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from wbagentur.api import commands, models, views  # noqa: E402,F401
from wbagentur.api.commands import cli as cli  # noqa: E402
