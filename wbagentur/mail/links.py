"""Absolute links for e-mails (status link, partner link, password reset, reminders).

Where the link's scheme and host come from, in this order (issue #14 defect 13: every
mailed link pointed to http://localhost:5000, whatever served the app):

1. ``PUBLIC_BASE_URL`` when configured: the address people reach the site under
   (production requires it, see ``core.config.validate``);
2. inside a request, the request's own scheme and host: the app as the user reached it.
   The Host header cannot be forged here, because ``TRUSTED_HOSTS`` refuses a request
   for any host the app does not serve (400) before a view runs;
3. outside a request (CLI jobs: reminders, escalations), ``SERVER_NAME`` with
   ``PREFERRED_URL_SCHEME`` (Flask's own settings for URLs without a request);
4. else ``http://localhost:5000`` (``flask run`` on a development machine), with a
   warning in the log.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, has_request_context, request, url_for

FALLBACK = "http://localhost:5000"
log = logging.getLogger(__name__)


def base_url() -> str:
    """Scheme, host and port for mailed links, without a trailing slash."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    server_name = current_app.config.get("SERVER_NAME")
    if server_name:
        scheme = current_app.config.get("PREFERRED_URL_SCHEME") or "http"
        return f"{scheme}://{server_name}"
    log.warning("PUBLIC_BASE_URL and SERVER_NAME are not set: mailed links use %s", FALLBACK)
    return FALLBACK


def path(endpoint: str, **values: Any) -> str:
    """The URL path of an endpoint (with the application root), also outside a request."""
    if has_request_context():
        return str(url_for(endpoint, **values))
    config = current_app.config
    adapter = current_app.url_map.bind(
        config.get("SERVER_NAME") or "localhost",
        script_name=config.get("APPLICATION_ROOT") or "/",
        url_scheme=config.get("PREFERRED_URL_SCHEME") or "http",
    )
    return str(adapter.build(endpoint, values))


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute link to an endpoint for an e-mail."""
    return base_url() + path(endpoint, **values)
