"""Background jobs that run themselves: ``flask worker`` (APScheduler) sends the outbox and
runs referral reminders, retention and the ESF+ survey schedule; a lease row per job in the
database keeps two workers from running the same job twice (docs/operations.md)."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, cli_group=None)

from wbagentur.jobs import commands, models, views  # noqa: E402,F401
