"""Log redaction: access and error logs carry no personal data or link secrets.

Query strings (search terms are names) and the secrets in status, partner and reset
links are replaced before werkzeug, gunicorn or the error handler write a line.
"""

from __future__ import annotations

import logging
import re

LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "wbagentur.core.errors")

_STATUS_TOKEN = re.compile(r"(/(?:anfrage|weiterleitung|passwort-neu)/)[A-Za-z0-9_\-]{8,}")
# Query strings carry search terms (names) and filters: never into the access log.
_QUERY_STRING = re.compile(r"(\?)[^\s\"]+")


def redact_status_tokens(text: str) -> str:
    """Replace link secrets (status, partner and reset links) and query strings in a
    log line, so access logs carry no personal data."""
    return _QUERY_STRING.sub(r"\1[…]", _STATUS_TOKEN.sub(r"\1[…]", text))


class StatusTokenFilter(logging.Filter):
    """Keep status-link secrets out of access and error logs (werkzeug, gunicorn)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_status_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_status_tokens(a) if isinstance(a, str) else a for a in record.args
            )
        elif isinstance(record.args, dict):
            record.args = {
                k: redact_status_tokens(v) if isinstance(v, str) else v
                for k, v in record.args.items()
            }
        return True


def install_log_redaction() -> None:
    """Attach the filter to the access and error loggers (once per process)."""
    for name in LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(f, StatusTokenFilter) for f in target.filters):
            target.addFilter(StatusTokenFilter())
