"""HTTP security headers on every response (security.md WEB-02)."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, make_response
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from wbagentur.core.database import RETRY_HEADER, should_retry_with_write_lock
from wbagentur.extensions import db

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


MAX_REDIRECT_LENGTH = 2000


def is_safe_redirect_path(target: object) -> bool:
    r"""True only for a same-site absolute path such as ``/faelle/3?tab=notizen`` (WEB-04).

    Browsers read a Location value the WHATWG way: they drop tabs and newlines anywhere,
    strip leading control characters and spaces, and treat a backslash like a slash, so
    ``/\t/evil.example`` or ``/\\evil.example`` become the scheme-relative
    ``//evil.example``. The check therefore refuses every control, format and whitespace
    character and every backslash outright instead of checking before the browser cleans
    the value up (issue #19); a newline would also make Werkzeug refuse the header (500).
    """
    if not isinstance(target, str) or not target or len(target) > MAX_REDIRECT_LENGTH:
        return False
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    for char in target:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and ":" not in parts.path


def safe_redirect_target(target: object, fallback: str) -> str:
    """``target`` when it is a safe local path, else ``fallback`` (the one check used by
    login, language switch and every ``next=`` parameter)."""
    return target if is_safe_redirect_path(target) else fallback  # type: ignore[return-value]


class _LostWriteLock(Exception):
    """SQLite: a safe request lost the write lock while its user was loaded."""


def _signed_in() -> bool | None:
    """Whether the request belongs to a signed-in user; None when the database needed to
    find out is unreachable (the request is then marked anonymous, see core.errors)."""
    from wbagentur.core.errors import database_unavailable, mark_database_unavailable

    if database_unavailable():
        return None
    try:
        return bool(current_user.is_authenticated)
    except SQLAlchemyError as exc:
        if should_retry_with_write_lock(exc):
            raise _LostWriteLock from exc
        mark_database_unavailable()
        return None


def set_security_headers(response: Response) -> Response:
    if RETRY_HEADER in response.headers:
        # Never sent (core.database.SQLiteReadRetry runs the request again); touching
        # current_user here would load the session again, into the same lost lock.
        return response
    try:
        signed_in = _signed_in()
    except _LostWriteLock:
        db.session.rollback()
        # Not sent: core.database.SQLiteReadRetry runs the request again with the lock.
        return Response("", 503, {RETRY_HEADER: "1"})
    if signed_in is None and response.status_code != 503:
        # The user could not be loaded: whatever the view answered was not checked
        # against a session; the client gets the outage page instead (issue #19).
        from wbagentur.core.errors import database_unavailable_response

        response = make_response(database_unavailable_response())
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config.get("SECURITY_HEADERS_HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Personal data must not be kept in shared caches or the browser's back cache.
    is_static = response.mimetype in ("text/css", "application/javascript", "text/javascript")
    if not is_static and (signed_in is not False or "Cache-Control" not in headers):
        headers["Cache-Control"] = "no-store"
    headers.pop("Server", None)
    return response


def init_security(app: Flask) -> None:
    from wbagentur.core.forms import refuse_duplicate_keys

    # Keys every form shares (CSRF token, next, version, …), also where a view reads
    # request.form directly; each form checks its own fields in BaseForm.validate.
    app.before_request(refuse_duplicate_keys)
    app.after_request(set_security_headers)
