"""Deny-by-default access control for every route.

Every view function carries a marker: ``@public`` (no login) or ``@requires_role(...)``
(login plus one of the roles; no roles = any signed-in staff member). A route without a
marker answers 403 for everybody (fail closed), and ``tests/test_structure.py`` fails on
it. Object-level scoping (regions, referrals, transfers) lives in each module's
``access.py`` loaders, which answer 404 for objects outside the user's scope.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, request, session, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

ROLES = ("advisor", "supervisor", "coordinator", "admin")
STAFF = ROLES
# Staff endpoints a user without a required second factor may still use: the set-up
# page, and the session extension its timeout warning calls. Public endpoints (logout,
# language switch, health check, static files) never reach the gate.
TOTP_SETUP_ENDPOINTS = frozenset({"accounts.two_factor", "accounts.extend_session"})


def public(view: F) -> F:
    """Mark a view as reachable without login."""
    view._access = "public"  # type: ignore[attr-defined]
    return view


def api_token(view: F) -> F:
    """Mark a view as authenticated by an API bearer token instead of the session
    (wbagentur/api: the view checks the token and its scope itself)."""
    view._access = "token"  # type: ignore[attr-defined]
    return view


def requires_role(*roles: str) -> Callable[[F], F]:
    """Mark a view as needing login and, if roles are given, one of them."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view: F) -> F:
        view._access = tuple(roles) or STAFF  # type: ignore[attr-defined]
        return view

    return decorator


def access_marker(app: Flask, endpoint: str) -> Any:
    """Return the access marker of an endpoint, or None when it has none."""
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    marker = getattr(view, "_access", None)
    if marker is None:
        # Views of extensions' static blueprints are public by nature.
        if endpoint == "static" or endpoint.endswith(".static"):
            return "public"
    return marker


def enforce_access() -> Any:
    """``before_request`` hook: login and role check for the matched endpoint, then the
    "second factor required" gate (TOTP_REQUIRED_ROLES, security.md AUTH-03)."""
    if request.endpoint is None:
        return None  # 404/405 are answered by the router
    marker = access_marker(current_app._get_current_object(), request.endpoint)  # type: ignore[attr-defined]
    if marker in ("public", "token"):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if not isinstance(marker, tuple) or current_user.role not in marker:
        abort(403)
    if (
        current_user.role in tuple(current_app.config.get("TOTP_REQUIRED_ROLES") or ())
        and not current_user.has_totp
        # Single sign-on: the identity provider is responsible for the second factor.
        and session.get("auth_method") != "oidc"
        and request.endpoint not in TOTP_SETUP_ENDPOINTS
    ):
        return redirect(url_for("accounts.two_factor"))
    return None


def init_access(app: Flask) -> None:
    app.before_request(enforce_access)
