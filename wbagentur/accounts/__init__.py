"""Staff accounts, roles, sign-in and server-side sessions."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from wbagentur.accounts import commands, views  # noqa: E402,F401
