"""Staff accounts, roles, sign-in and server-side sessions."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from wbagentur.accounts import commands, oidc, views  # noqa: E402,F401

# Refuse to start with unusable single sign-on settings (wbagentur/accounts/oidc.py).
bp.record_once(lambda state: oidc.init_app(state.app))
