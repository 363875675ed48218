"""Data-subject rights: the Art. 15 DSGVO access export (erasure and restriction follow)."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from wbagentur.privacy import views  # noqa: E402,F401
