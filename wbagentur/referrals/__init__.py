"""Referrals of cases to partner bodies (with the partner's answer through a secret link),
their reminders, and transfers of cases between the planning regions. The partner
directory itself is the ``partners`` package."""

from flask import Blueprint

bp = Blueprint("referrals", __name__)

from wbagentur.referrals import (  # noqa: E402,F401
    commands,
    models,
    partner_link,
    transfer_views,
    views,
)
