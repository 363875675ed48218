"""Fixtures for the second factor and password reset: enrolment, codes, the TOTP gate."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from wbagentur.accounts import mfa, services
from wbagentur.accounts.models import User
from wbagentur.core.models import utcnow
from wbagentur.extensions import db


@dataclass(frozen=True)
class Enrolment:
    secret: str
    codes: list


def code_for(secret, offset_seconds=0):
    """The TOTP code at now + offset (follows time-machine)."""
    return mfa.code_at_step(secret, mfa.time_step(utcnow() + timedelta(seconds=offset_seconds)))


def enrol_user(app, user_id, minutes_ago=10):
    """Enable TOTP for a user as if confirmed ``minutes_ago`` (so current codes are fresh)."""
    with app.app_context():
        user = db.session.get(User, user_id)
        secret = mfa.new_secret()
        at = utcnow() - timedelta(minutes=minutes_ago)
        code = mfa.code_at_step(secret, mfa.time_step(at))
        codes = services.enable_totp(user, secret, code, now=at)
        db.session.commit()
    return Enrolment(secret, codes)


@pytest.fixture
def enrol(clean_app):
    return lambda persona, **kw: enrol_user(clean_app, persona.id, **kw)


@pytest.fixture
def totp_required(clean_app):
    """Turn on TOTP_REQUIRED_ROLES for admins and coordinators, restore afterwards."""
    old = clean_app.config["TOTP_REQUIRED_ROLES"]
    clean_app.config["TOTP_REQUIRED_ROLES"] = ("admin", "coordinator")
    yield
    clean_app.config["TOTP_REQUIRED_ROLES"] = old


@pytest.fixture
def fast_reset(clean_app):
    """No minimum response time for the reset request (tests that do not measure it)."""
    old = clean_app.config["PASSWORD_RESET_MIN_SECONDS"]
    clean_app.config["PASSWORD_RESET_MIN_SECONDS"] = 0
    yield
    clean_app.config["PASSWORD_RESET_MIN_SECONDS"] = old
