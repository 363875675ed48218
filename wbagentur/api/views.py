"""The OpenAPI document, its reference page and the API's error handlers.

The resources live in their own modules (firms, persons, cases, referrals, funding). Views
are thin: the token decides the user, the UI's access loaders decide what the user may see
(outside the region: 404 as in the UI), the UI's forms and the shared services decide what
may be written, and every read of personal data is audited.
"""

from __future__ import annotations

from flask import jsonify, render_template
from flask.typing import ResponseReturnValue

from wbagentur.api import bp
from wbagentur.api.errors import ApiError, error_response
from wbagentur.api.spec import build_spec
from wbagentur.core.access import public
from wbagentur.extensions import db


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> ResponseReturnValue:
    db.session.rollback()
    return error_response(exc.code, exc.extra, **exc.params)


@bp.get("/openapi.json")
@public
def openapi() -> ResponseReturnValue:
    return jsonify(build_spec())


@bp.get("/docs")
@public
def reference() -> str:
    """The API reference rendered on the server from the same document (no external assets)."""
    return render_template("api/reference.html", spec=build_spec())
