"""HTTP security headers on every response (security.md WEB-02)."""

from __future__ import annotations

from flask import Flask, Response, current_app
from flask_login import current_user

from wbagentur.core.database import RETRY_HEADER

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    if RETRY_HEADER in headers:
        # Never sent (core.database.SQLiteReadRetry runs the request again); touching
        # current_user here would load the session again, into the same lost lock.
        return response
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
    if not is_static and (current_user.is_authenticated or "Cache-Control" not in headers):
        headers["Cache-Control"] = "no-store"
    headers.pop("Server", None)
    return response


def init_security(app: Flask) -> None:
    app.after_request(set_security_headers)
