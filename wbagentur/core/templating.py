"""Template globals: navigation per role, the logout form, locale."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# (endpoint, label, roles) — the navigation shows only what the role may open.
NAVIGATION: list[tuple[str, Any, tuple[str, ...]]] = [
    ("main.index", _l("Start"), ("advisor", "supervisor", "coordinator", "admin")),
    ("cases.inbox", _l("Posteingang"), ("advisor", "supervisor")),
    ("cases.mine", _l("Meine Fälle"), ("advisor", "supervisor")),
    ("cases.due", _l("Fällig"), ("advisor", "supervisor")),
    ("cases.index", _l("Fälle"), ("advisor", "supervisor", "coordinator")),
    ("firms.index", _l("Unternehmen"), ("advisor", "supervisor", "coordinator")),
    ("persons.index", _l("Personen"), ("advisor", "supervisor", "coordinator")),
    ("funding.programmes", _l("Förderprogramme"), ("admin", "coordinator")),
    ("accounts.users", _l("Benutzer"), ("admin",)),
]


def _navigation() -> list[tuple[str, Any]]:
    if not current_user.is_authenticated:
        return []
    views = current_app.view_functions
    return [
        (ep, label)
        for ep, label, roles in NAVIGATION
        if current_user.role in roles and ep in views
    ]


def init_templating(app: Flask) -> None:
    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "navigation": _navigation(),
            "current_locale": str(get_locale()),
            "current_path": request.full_path.rstrip("?") if request else "/",
            "has_endpoint": lambda endpoint: endpoint in current_app.view_functions,
        }
