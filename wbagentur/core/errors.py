"""German error pages; database outages answer 503 with Retry-After."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, render_template
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from wbagentur.core.database import RETRY_HEADER, should_retry_with_write_lock
from wbagentur.extensions import db

logger = logging.getLogger(__name__)

HANDLED = (400, 403, 404, 405, 409, 413, 429)


def _render_http_error(error: HTTPException) -> tuple[str, int, dict[str, str]]:
    code = error.code or 500
    headers: dict[str, str] = {}
    if code == 429:
        headers["Retry-After"] = "60"
    template = f"errors/{code}.html" if code in HANDLED else "errors/generic.html"
    return render_template(template, code=code, error=error), code, headers


def _render_db_unavailable(error: Exception) -> tuple[str, int, dict[str, str]]:
    db.session.rollback()
    if should_retry_with_write_lock(error):
        # Not sent: core.database.SQLiteReadRetry runs the request again with the lock.
        return "", 503, {RETRY_HEADER: "1"}
    logger.warning("database unavailable: %s", type(error).__name__)
    return render_template("errors/503.html", code=503), 503, {"Retry-After": "30"}


def _render_server_error(error: Exception) -> tuple[str, int]:
    db.session.rollback()
    incident = secrets.token_hex(6)
    logger.exception("unhandled error, incident %s", incident)
    return render_template("errors/500.html", code=500, incident=incident), 500


def init_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, _render_http_error)
    app.register_error_handler(OperationalError, _render_db_unavailable)

    def _dbapi(error: DBAPIError) -> tuple[str, int, dict[str, str]] | tuple[str, int]:
        if error.connection_invalidated:
            return _render_db_unavailable(error)
        return _render_server_error(error)

    app.register_error_handler(DBAPIError, _dbapi)
    app.register_error_handler(Exception, _render_server_error)
