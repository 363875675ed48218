"""core.translation: the request's catalogue looked up once, and still the right one when
the locale changes (the reader's choice, force_locale, outside a request)."""

from __future__ import annotations

from typing import Any

import flask_babel
import pytest
from flask import render_template_string, session
from flask_babel import force_locale, refresh

from wbagentur.core import translation
from wbagentur.core.i18n import german
from wbagentur.core.translation import gettext, lazy_gettext, ngettext

CASES = lazy_gettext("Fälle")


def _counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Calls of Flask-Babel's function ``name``, recorded (it still answers)."""
    calls: list[int] = []
    original = getattr(flask_babel, name)

    def counted() -> Any:
        calls.append(1)
        return original()

    monkeypatch.setattr(flask_babel, name, counted)
    return calls


def _request(app: Any, lang: str | None) -> Any:
    ctx = app.test_request_context("/")
    ctx.push()
    if lang:
        session["lang"] = lang
    return ctx


@pytest.mark.parametrize(("lang", "expected"), [(None, "Fälle"), ("en", "Cases")])
def test_the_readers_language_in_code_templates_and_lazy_labels(
    app: Any, lang: str | None, expected: str
) -> None:
    ctx = _request(app, lang)
    try:
        assert gettext("Fälle") == expected
        assert str(CASES) == expected
        assert render_template_string("{{ _('Fälle') }}|{{ label }}", label=CASES) == (
            f"{expected}|{expected}"
        )
        one, many = "%(num)s Programm mit offenen Angaben", "%(num)s Programme mit offenen Angaben"
        assert ngettext(one, many, 3) == (
            "3 programmes with open details" if lang else "3 Programme mit offenen Angaben"
        )
        assert render_template_string(
            "{% trans num=1 %}{{ num }} Programm mit offenen Angaben{% pluralize %}"
            "{{ num }} Programme mit offenen Angaben{% endtrans %}"
        ) == ("1 programme with open details" if lang else "1 Programm mit offenen Angaben")
        assert gettext("%(n)s Fälle", n="1.001") == f"1.001 {'cases' if lang else 'Fälle'}"
    finally:
        ctx.pop()


def test_force_locale_and_refresh_switch_the_remembered_catalogue(app: Any) -> None:
    ctx = _request(app, "en")
    try:
        assert gettext("Anwenden") == "Apply"
        with force_locale("de"):
            assert gettext("Anwenden") == "Anwenden"
            assert render_template_string("{{ _('Anwenden') }}") == "Anwenden"
        assert gettext("Anwenden") == "Apply"
        assert german(CASES) == "Fälle"
        assert str(CASES) == "Cases"
        session["lang"] = "de"
        refresh()
        assert gettext("Anwenden") == "Anwenden"
    finally:
        ctx.pop()


def test_one_catalogue_lookup_per_request(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the module: Flask-Babel is asked once, not for every string. It also
    fails when Flask-Babel stops keeping the locale where ``translations`` looks for it."""
    calls = _counted(monkeypatch, "get_translations")
    for lang in ("en", None):
        ctx = _request(app, lang)
        try:
            texts = {gettext("Fälle") for _ in range(50)} | {str(CASES) for _ in range(50)}
            assert len(texts) == 1
        finally:
            ctx.pop()
    assert len(calls) == 2  # once per request


def test_outside_a_request_the_message_itself(app: Any) -> None:
    assert gettext("Fälle") == "Fälle"
    assert translation.translations().ugettext("Anwenden") == "Anwenden"
    with app.app_context():
        assert gettext("Fälle") == "Fälle"  # the default locale, German


def test_wtforms_messages_in_the_readers_language_loaded_once_per_locale(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WTForms' own messages follow the reader's language; their catalogue is read from
    disk once per locale, not on every request that validates a form (issue #22)."""
    from babel import support
    from wtforms import SelectField

    from wbagentur.core.forms import BaseForm

    class Pick(BaseForm):
        class Meta:
            csrf = False

        choice = SelectField("Auswahl", choices=[("a", "A")])

    loads = []
    original = support.Translations.load

    def counted(*args: Any, **kwargs: Any) -> Any:
        loads.append(kwargs.get("domain"))
        return original(*args, **kwargs)

    monkeypatch.setattr(support.Translations, "load", counted)
    monkeypatch.setattr(translation.wtforms_messages, "_catalogues", {})
    for lang, expected in [(None, "Keine gültige Auswahl."), ("en", "Not a valid choice.")] * 2:
        ctx = app.test_request_context("/", method="POST", data={"choice": "x"})
        ctx.push()
        try:
            if lang:
                session["lang"] = lang
            form = Pick()
            assert not form.validate()
            assert form.choice.errors == [expected]
        finally:
            ctx.pop()
    assert loads.count("wtforms") == 2  # German once, English once


def test_dates_and_numbers_follow_the_locale_asked_once_per_request(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The locale's name (for every date and number of a page) is remembered like the
    catalogue: asked of Flask-Babel once a request, new after force_locale and refresh."""
    from datetime import date

    from wbagentur.core.formatting import format_date
    from wbagentur.core.numbers import current_locale, format_number

    calls = _counted(monkeypatch, "get_locale")
    day = date(2026, 12, 2)
    ctx = _request(app, "en")
    try:
        assert {format_date(day) for _ in range(25)} == {"Dec 2, 2026"}
        assert len(calls) == 1
        assert format_number(14640) == "14,640"
        with force_locale("de"):
            assert format_date(day) == "02.12.2026"
            assert format_number(14640) == "14.640"
        assert format_date(day) == "Dec 2, 2026"
        session["lang"] = "de"
        refresh()
        assert current_locale() == "de"
        assert format_date(day) == "02.12.2026"
    finally:
        ctx.pop()
    assert translation.locale_name() is None  # outside a request
    assert current_locale() == "de"
