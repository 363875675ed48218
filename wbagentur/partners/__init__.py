"""The partner directory: bodies advisors refer clients to. A base layer: it imports no
domain package that builds on it (cases, firms, persons, referrals); referrals adds its
history of a partner to the partner page through ``views.register_detail_panel``."""

from flask import Blueprint

bp = Blueprint("partners", __name__)

from wbagentur.partners import commands, models, views  # noqa: E402,F401
