"""Referral tracking to partner bodies and transfers of cases between the planning regions."""

from flask import Blueprint

bp = Blueprint("referrals", __name__)

from wbagentur.referrals import commands, models, views  # noqa: E402,F401
