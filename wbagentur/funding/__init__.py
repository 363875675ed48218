"""Funding: catalogue of programmes with versioned parameters, the public Förderkompass, the
JSON/CLI interface and the in-case funding check. The pure rules live in ``engine/``."""

from collections.abc import Callable

from flask import Blueprint, has_request_context

from wbagentur.funding.engine import i18n as engine_i18n

bp = Blueprint("funding", __name__)


def _identity(msgid: str) -> str:
    return msgid


def _engine_language() -> tuple[str, Callable[[str], str]]:
    """The request's language and Flask-Babel's ``gettext`` for the engine's texts.

    Outside a request (CLI, worker, saved checks built in a job) the engine writes German.
    """
    if not has_request_context():
        return "de", _identity
    from wbagentur.core.numbers import current_locale
    from wbagentur.core.translation import gettext

    lang = current_locale()
    return ("en", gettext) if lang.startswith("en") else ("de", _identity)


engine_i18n.set_hook(_engine_language)

from wbagentur.funding import commands, models, views  # noqa: E402,F401
