"""Template globals: navigation per role, the logout form, locale."""

from __future__ import annotations

from typing import Any

from flask import Flask, before_render_template, current_app, g, request
from flask_babel import get_locale
from flask_login import current_user

from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.core.translation import lazy_pgettext

# (endpoint, label, roles) — the navigation shows only what the role may open.
NAVIGATION: list[tuple[str, Any, tuple[str, ...]]] = [
    ("main.index", _l("Start"), ("advisor", "supervisor", "coordinator", "admin")),
    ("cases.inbox", _l("Posteingang"), ("advisor", "supervisor")),
    ("cases.mine", _l("Meine Fälle"), ("advisor", "supervisor")),
    ("cases.due", _l("Fällig"), ("advisor", "supervisor")),
    ("cases.index", _l("Fälle"), ("advisor", "supervisor", "coordinator")),
    ("reports.dashboard", _l("Übersicht"), ("supervisor", "coordinator")),
    ("referrals.mine", _l("Weiterleitungen"), ("advisor", "supervisor")),
    ("referrals.transfers", _l("Übergaben"), ("advisor", "supervisor", "coordinator")),
    (
        "firms.index",
        lazy_pgettext("firms, plural", "Unternehmen"),
        ("advisor", "supervisor", "coordinator"),
    ),
    ("persons.index", _l("Personen"), ("advisor", "supervisor", "coordinator")),
    ("funding.programmes", _l("Förderprogramme"), ("admin", "coordinator")),
    ("esf.completeness", _l("ESF+-Vollständigkeit"), ("advisor", "supervisor")),
    ("reports.esf", _l("ESF+-Indikatoren"), ("supervisor", "coordinator")),
    ("partners.index", _l("Partner"), ("admin", "coordinator", "supervisor", "advisor")),
    ("accounts.users", _l("Benutzer"), ("admin",)),
    ("auditlog.index", _l("Protokoll"), ("admin",)),
    ("retention.rules", _l("Löschfristen"), ("admin",)),
    ("retention.requests", _l("Löschanträge"), ("supervisor", "coordinator")),
]


def _navigation() -> list[tuple[str, Any]]:
    if not current_user.is_authenticated:
        return []
    views = current_app.view_functions
    return [
        (ep, label) for ep, label, roles in NAVIGATION if current_user.role in roles and ep in views
    ]


def _remember_page_template(
    sender: Flask, template: Any, context: dict[str, Any], **extra: Any
) -> None:
    """Note the page's own template (the first one a request renders) for ``data-page``;
    the accessibility suite uses it to prove that every page template was checked."""
    if "page_template" not in g:
        g.page_template = template.name


def init_templating(app: Flask) -> None:
    before_render_template.connect(_remember_page_template, app)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "navigation": _navigation(),
            "current_locale": str(get_locale()),
            "current_path": request.full_path.rstrip("?") if request else "/",
            "has_endpoint": lambda endpoint: endpoint in current_app.view_functions,
        }
