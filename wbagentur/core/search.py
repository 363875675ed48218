"""Search terms stay out of URLs (security.md WEB-05).

Staff search for people and firms by name. A name in a query string ends up in browser
history, proxy and access logs and Referer headers, so every search form POSTs its term
(CSRF-checked like every POST). ``submit`` keeps the term in the user's session (the
signed, HttpOnly cookie) under an opaque random key and redirects (303) to the list with
only that key and the non-personal filters, e.g. ``/faelle?status=open&suche=Ab3x…``.
The list view looks the term up with ``recall``; a ``q`` in the query string is ignored.
At most ``MAX_TERMS`` recent terms are kept, each for ``MAX_AGE_SECONDS``; logout and
login clear them with the rest of the session.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from flask import flash, redirect, request, session, url_for
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import Length

from wbagentur.core.forms import BaseForm, NoControlCharacters
from wbagentur.core.translation import gettext as _
from wbagentur.core.translation import lazy_gettext as _l

PARAM = "suche"
MAX_LENGTH = 100
MAX_TERMS = 5
# The session is a cookie (browsers keep at most 4 KB): older terms give way first.
MAX_STORED_CHARS = 1500
MAX_AGE_SECONDS = 8 * 3600
_SESSION_KEY = "searches"
_KEY_LENGTH = 16  # secrets.token_urlsafe(12)


class SearchTermForm(BaseForm):
    """The term of a search form. CSRFProtect checks the token of every POST before the view."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Suche"),
        validators=[
            Length(
                max=MAX_LENGTH,
                message=_l("Der Suchbegriff darf höchstens 100 Zeichen lang sein."),
            ),
            NoControlCharacters(_l("Der Suchbegriff enthält unzulässige Zeichen.")),
        ],
    )


def _entries() -> list[dict[str, Any]]:
    """The stored searches that have not expired (malformed entries are dropped)."""
    now = time.time()
    raw = session.get(_SESSION_KEY)
    if not isinstance(raw, list):
        return []
    return [
        e
        for e in raw
        if isinstance(e, dict)
        and isinstance(e.get("k"), str)
        and isinstance(e.get("t"), str)
        and isinstance(e.get("at"), int | float)
        and now - e["at"] < MAX_AGE_SECONDS
    ]


def remember(scope: str, term: str) -> str:
    """Keep ``term`` for the list ``scope``; return its opaque key (the same key again
    for a term searched before, so earlier result URLs stay valid)."""
    entries = _entries()
    found = next((e for e in entries if e.get("s") == scope and e["t"] == term), None)
    if found is not None:
        entries.remove(found)
        key = found["k"]
    else:
        key = secrets.token_urlsafe(12)
    entries.append({"k": key, "s": scope, "t": term, "at": int(time.time())})
    entries = entries[-MAX_TERMS:]
    while len(entries) > 1 and len(json.dumps(entries)) > MAX_STORED_CHARS:
        entries.pop(0)
    session[_SESSION_KEY] = entries
    return key


def recall(scope: str) -> tuple[str, str]:
    """(term, key) of the request's ``suche`` key for ``scope``; ("", "") without one.

    An unknown or expired key flashes a hint and the list is shown without search."""
    key = request.args.get(PARAM, "", type=str)
    if not key:
        return "", ""
    if len(key) == _KEY_LENGTH:
        for entry in _entries():
            if entry["k"] == key and entry.get("s") == scope:
                return entry["t"], key
    flash(_("Die Suche ist abgelaufen – bitte erneut suchen."), "warning")
    return "", ""


def submit(
    scope: str, endpoint: str, params: dict[str, Any], require_term: bool = False
) -> Response:
    """Handle a search form's POST: keep the term, redirect (303) to ``endpoint`` with the
    non-personal ``params`` and the key. Invalid terms are refused with a message."""
    params = {k: v for k, v in params.items() if v not in (None, "")}
    form = SearchTermForm(request.form)
    if not form.validate():
        for message in form.q.errors:
            flash(str(message), "danger")
        return redirect(url_for(endpoint, **params), code=303)
    term = form.q.data or ""
    if term:
        params[PARAM] = remember(scope, term)
    elif require_term:
        flash(_("Bitte geben Sie einen Suchbegriff ein."), "warning")
    return redirect(url_for(endpoint, **params), code=303)
