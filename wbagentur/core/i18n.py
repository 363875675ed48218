"""Locale selection (German default, English second); the template filters for dates, money
and numbers (all formatted by ``core.formatting``)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request, session
from flask_babel import force_locale

from wbagentur.core import formatting, translation


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    # German is the users' language: only an explicit choice switches to English.
    chosen = session.get("lang") if request else None
    if chosen in languages:
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def german(label: Any) -> str:
    """A (lazily translated) label in German, whatever the reader's language: for text
    that is stored (timeline entries) or sent to German recipients (mails, letters)."""
    with force_locale("de"):
        return str(label)


def init_i18n(app: Flask) -> None:
    from wbagentur.extensions import babel

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(app.root_path) / "translations"),
    )
    translation.install_in_templates(app)  # after Flask-Babel's own callables

    @app.template_filter("datum")
    def _date_filter(value: date | datetime | None, fmt: str = "medium") -> str:
        """A date or time the locale's way: "02.12.2026" / "Dec 2, 2026"."""
        return formatting.format_date(value, fmt)

    @app.template_filter("zeitpunkt")
    def _minute_filter(value: datetime | None) -> str:
        """A point in time to the minute: "07.12.2026, 02:15" / "Dec 7, 2026, 02:15"."""
        return formatting.format_minute(value)

    @app.template_filter("euro")
    def _euro_filter(cents: int | None) -> str:
        """Integer cents as money the locale's way: 1464000 → "14.640,00 €"."""
        return formatting.format_money(cents)

    @app.template_filter("zahl")
    def _number_filter(value: Any, places: int | None = None) -> str:
        """A number the locale's way: 1234.5 → "1.234,5"."""
        return formatting.format_number(value, places=places)
