"""Qualification plan of a firm case: employees × planned courses, the funding engine per row,
the combination of programmes without double counting, and the Förderempfehlung letter."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

from wbagentur.plans import models, recommendation, views  # noqa: E402,F401
