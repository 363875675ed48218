"""REST API under /api/v1 (issue #21): bearer tokens with read and write scopes, region
scopes, business rules and audit as in the UI, optimistic locking (ETag/If-Match), one
error shape in German or English, OpenAPI 3.1 at /api/v1/openapi.json."""

from flask import Blueprint

from wbagentur.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, not cookies, authenticate the API: no CSRF token (a browser session does
# not open the API at all).
csrf.exempt(bp)

from wbagentur.api import (  # noqa: E402,F401
    cases,
    commands,
    firms,
    funding,
    models,
    persons,
    referrals,
    views,
)
from wbagentur.api.commands import cli as cli  # noqa: E402
