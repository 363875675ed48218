"""The administrators' view of the audit trail (search, breach questions)."""

from flask import Blueprint

bp = Blueprint("auditlog", __name__)

from wbagentur.auditlog import views  # noqa: E402,F401
