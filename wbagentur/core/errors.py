"""German error pages; database outages answer 503 with Retry-After.

During an outage nothing on the error path may touch the database again: loading the
signed-in user (``current_user`` in the context processors, the navigation or the
security headers) would raise a second error inside the handler, and the client would
get Werkzeug's bare 500 without headers, German text or Retry-After (issue #19).
``mark_database_unavailable`` therefore makes the request anonymous for the rest of its
life, and every page the handlers render falls back to the 503 page when the database
fails while rendering it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from flask import Flask, g, has_request_context, render_template
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, SecurityError

from wbagentur.core.database import RETRY_HEADER, should_retry_with_write_lock
from wbagentur.extensions import db, login_manager

logger = logging.getLogger(__name__)

HANDLED = (400, 403, 404, 405, 409, 413, 429)
DB_RETRY_AFTER = "30"
# Shown when even the 503 template cannot be rendered; static, no database, no session.
_PLAIN_503 = (
    '<!doctype html><html lang="de"><head><meta charset="utf-8">'
    "<title>Vorübergehend nicht erreichbar – Weiterbildungsagentur Thüringen</title></head>"
    '<body><main id="inhalt"><h1>Vorübergehend nicht erreichbar (503)</h1>'
    "<p>Die Datenbank ist gerade nicht erreichbar. Bitte versuchen Sie es in einer halben "
    'Minute erneut.</p><p><a href="/">Zur Startseite</a></p></main></body></html>'
)


def database_unavailable() -> bool:
    """True once this request has met an unreachable database."""
    return has_request_context() and bool(g.get("database_unavailable"))


def mark_database_unavailable() -> None:
    """Remember the outage for this request and make it anonymous, so that nothing on
    the way out (context processors, headers) loads the user from the database again."""
    if not has_request_context():
        return
    g.database_unavailable = True
    g._login_user = login_manager.anonymous_user()
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone; the pool replaces it later
        pass


# Packages that answer their own URLs with another error shape (the REST API's JSON)
# register here at app creation (wbagentur._connect_packages): core imports no domain
# package. Each entry: (is this request mine?, build the answer for status/headers/error).
ErrorResponder = tuple[Callable[[], bool], Callable[..., Any]]
_ERROR_RESPONDERS: list[ErrorResponder] = []


def register_error_responder(applies: Callable[[], bool], respond: Callable[..., Any]) -> None:
    """Let a package answer errors below its own URLs (e.g. the API's JSON error shape)."""
    if (applies, respond) not in _ERROR_RESPONDERS:
        _ERROR_RESPONDERS.append((applies, respond))


def _responder() -> Callable[..., Any] | None:
    if not has_request_context():
        return None
    for applies, respond in _ERROR_RESPONDERS:
        if applies():
            return respond
    return None


def database_unavailable_response() -> tuple[str, int, dict[str, str]]:
    """The German 503 page with Retry-After; never touches the database."""
    mark_database_unavailable()
    headers = {"Retry-After": DB_RETRY_AFTER, "Cache-Control": "no-store"}
    respond = _responder()
    if respond is not None:
        return respond(503, headers)  # type: ignore[no-any-return]
    try:
        body = render_template("errors/503.html", code=503)
    except Exception:  # noqa: BLE001 - the last resort must not fail
        logger.exception("503 page could not be rendered")
        body = _PLAIN_503
    return body, 503, headers


def _render(template: str, code: int, headers: dict[str, str] | None = None, **context: Any) -> Any:
    """Render an error page; a database failure while rendering it (the user is loaded
    for the navigation) turns the answer into the 503 page. Below /api/v1 the answer is
    the API's one JSON error shape instead of a page (wbagentur/api/errors.py)."""
    respond = _responder()
    if respond is not None:
        return respond(code, dict(headers or {}), context.get("error"), context.get("incident"))
    try:
        return render_template(template, code=code, **context), code, headers or {}
    except SQLAlchemyError as exc:
        logger.warning("database unavailable while rendering %s: %s", code, type(exc).__name__)
        return database_unavailable_response()


# For a request whose Host header is not trusted no URL can be built (Flask has no URL
# adapter for it), so the answer is a static page without links into the app.
_PLAIN_400_HOST = (
    '<!doctype html><html lang="de"><head><meta charset="utf-8">'
    "<title>Ungültige Anfrage – Weiterbildungsagentur Thüringen</title></head>"
    '<body><main id="inhalt"><h1>Ungültige Anfrage (400)</h1>'
    "<p>Diese Adresse gehört nicht zu dieser Anwendung. Bitte rufen Sie die Seite über "
    "die Adresse auf, die Ihnen mitgeteilt wurde.</p></main></body></html>"
)


def _render_http_error(error: HTTPException) -> Any:
    if isinstance(error, SecurityError):
        logger.info("request for an untrusted host refused")
        return _PLAIN_400_HOST, 400, {"Cache-Control": "no-store"}
    code = error.code or 500
    headers: dict[str, str] = {}
    if code == 429:
        headers["Retry-After"] = str(retry_after_seconds(error))
    template = f"errors/{code}.html" if code in HANDLED else "errors/generic.html"
    message = getattr(error, "user_message", None)
    return _render(template, code, headers, error=error, message=message)


def retry_after_seconds(error: HTTPException) -> int:
    """Seconds until the exceeded limit resets (Flask-Limiter's window), at least 1."""
    import time

    from wbagentur.extensions import limiter

    limit = getattr(error, "limit", None)
    try:
        reset_at = limiter.current_limit.reset_at if limiter.current_limit else None
    except Exception:  # noqa: BLE001 - storage trouble: fall back to the limit's window
        reset_at = None
    if reset_at:
        return max(1, int(reset_at - time.time()) + 1)
    if limit is not None and getattr(limit, "limit", None) is not None:
        return max(1, int(limit.limit.get_expiry()))
    return 60


def _render_db_unavailable(error: Exception) -> Any:
    if should_retry_with_write_lock(error):
        db.session.rollback()
        # Not sent: core.database.SQLiteReadRetry runs the request again with the lock.
        return "", 503, {RETRY_HEADER: "1"}
    logger.warning("database unavailable: %s", type(error).__name__)
    return database_unavailable_response()


NUMERIC_OUT_OF_RANGE = "22003"


def _number_out_of_range(error: Exception) -> Any:
    """A number from the request that the database cannot hold (an id ≥ 2³¹ on
    PostgreSQL, ≥ 2⁶³ on SQLite): the client's mistake, answered 400, not 500. The
    routes and forms bound their ids themselves (core.ids); this is the safety net."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        return database_unavailable_response()
    logger.info("number out of the database's range: %s", type(error).__name__)
    return _render("errors/400.html", 400, error=None)


UNIQUE_VIOLATION = "23505"


def is_unique_violation(error: DBAPIError) -> bool:
    orig = error.orig
    return getattr(orig, "sqlstate", None) == UNIQUE_VIOLATION or (
        "UNIQUE constraint failed" in str(orig)
    )


def _concurrent_write(error: Exception) -> Any:
    """A unique key that a view did not expect to collide: another request wrote the same
    row in the meantime (two saves of one version). Nothing was kept; 409, not 500.
    Views with a richer conflict page catch it themselves (cases.edit)."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        return database_unavailable_response()
    logger.warning("concurrent write refused by a unique key: %s", type(error).__name__)
    return _render("errors/409.html", 409, error=None)


def _render_server_error(error: Exception) -> Any:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        return database_unavailable_response()
    incident = secrets.token_hex(6)
    logger.exception("unhandled error, incident %s", incident)
    return _render("errors/500.html", 500, incident=incident)


def init_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, _render_http_error)
    app.register_error_handler(OperationalError, _render_db_unavailable)

    def _dbapi(error: DBAPIError) -> Any:
        if error.connection_invalidated:
            return _render_db_unavailable(error)
        if getattr(error.orig, "sqlstate", None) == NUMERIC_OUT_OF_RANGE:
            return _number_out_of_range(error)
        if is_unique_violation(error):
            return _concurrent_write(error)
        return _render_server_error(error)

    app.register_error_handler(DBAPIError, _dbapi)
    app.register_error_handler(OverflowError, _number_out_of_range)
    app.register_error_handler(Exception, _render_server_error)
