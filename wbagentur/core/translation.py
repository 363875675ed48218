"""Message translation: Flask-Babel's catalogue and locale, looked up once per request.

The code and the templates translate through these functions instead of Flask-Babel's
module-level ones. Those find the catalogue anew for every string – the babel namespace
in ``g`` three times through context proxies, then the locale's name – and a case list
translates about 200 strings (labels, choices, table heads): 2 of its 14 ms at 100,000
cases (issue #22). Here a string costs one proxy lookup and a dictionary read.

Everything else stays Flask-Babel's: the locale selector, the catalogues it loads and
caches, ``force_locale`` and ``refresh``. The catalogue is kept in Flask-Babel's own
request namespace together with the locale object it belongs to, so a forced or
refreshed locale (a new object) is looked up again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import flask_babel
from babel import support
from flask import g
from flask_babel.speaklater import LazyString

__all__ = [
    "LazyString",
    "gettext",
    "lazy_gettext",
    "lazy_ngettext",
    "lazy_pgettext",
    "locale_name",
    "ngettext",
    "npgettext",
    "pgettext",
    "translations",
    "wtforms_messages",
]

# Flask-Babel 4 keeps the request's locale in this namespace of ``g``
# (flask_babel._get_current_context); tests/core/test_translation.py checks the pairing.
_BABEL_NAMESPACE = "_flask_babel"
_MEMO = "wbagentur_catalogue"
_NAME_MEMO = "wbagentur_locale_name"
T = TypeVar("T")
# Outside an application context (no state: it returns each message as it is).
_NO_CATALOGUE = support.NullTranslations()


def _remembered(memo: str, compute: Callable[[], T], outside: T) -> T:
    """``compute()`` once per request and locale, kept in Flask-Babel's request namespace
    under ``memo`` together with the locale object it belongs to (a forced or refreshed
    locale is a new object, so it is computed again); ``outside`` without an app context."""
    try:
        space = vars(g._get_current_object()).get(_BABEL_NAMESPACE)
    except RuntimeError:
        return outside
    if space is not None:
        kept = getattr(space, memo, None)
        if kept is not None and kept[0] is getattr(space, "babel_locale", None):
            return kept[1]  # type: ignore[no-any-return]
    value = compute()
    space = vars(g._get_current_object()).get(_BABEL_NAMESPACE)
    locale = getattr(space, "babel_locale", None)
    if space is not None and locale is not None:
        setattr(space, memo, (locale, value))
    return value


def translations() -> support.NullTranslations:
    """The catalogue of the current locale (Flask-Babel's), remembered for the request;
    outside an application context the message itself, as Flask-Babel."""
    return _remembered(_MEMO, flask_babel.get_translations, _NO_CATALOGUE)


def _locale_name() -> str | None:
    locale = flask_babel.get_locale()
    return None if locale is None else str(locale)


def locale_name() -> str | None:
    """The name of the request's locale (``"de"``, ``"en"``), remembered for the request;
    None outside one. Every date and number of a page asks for it (25 dates on a case
    list): Flask-Babel's ``get_locale`` and ``str`` of the locale took 10 µs each time."""
    return _remembered(_NAME_MEMO, _locale_name, None)


def gettext(string: str, **variables: Any) -> str:
    text = translations().ugettext(string)
    return text if not variables else text % variables


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    return text if not variables else text % variables


def pgettext(context: str, string: str, **variables: Any) -> str:
    text = translations().upgettext(context, string)
    return text if not variables else text % variables


def npgettext(context: str, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = translations().unpgettext(context, singular, plural, num)
    return text if not variables else text % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables: Any) -> LazyString:
    return LazyString(ngettext, singular, plural, num, **variables)


def lazy_pgettext(context: str, string: str, **variables: Any) -> LazyString:
    return LazyString(pgettext, context, string, **variables)


def install_in_templates(app: Any) -> None:
    """The templates' ``_``, ``gettext``, ``ngettext`` … (Jinja's i18n extension, newstyle
    as Flask-Babel installs it) through the remembered catalogue."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )


class WTFormsMessages:
    """WTForms' own messages ("Not a valid choice.") in the request's locale, for the forms'
    ``Meta.get_translations``: Flask-WTF's own object reads the catalogue from disk on
    every request that validates a form; these are loaded once per locale and process."""

    def __init__(self) -> None:
        self._catalogues: dict[str, support.NullTranslations] = {}

    def _catalogue(self) -> support.NullTranslations | None:
        locale = flask_babel.get_locale()
        if locale is None:  # no request: WTForms' English messages
            return None
        name = str(locale)
        catalogue = self._catalogues.get(name)
        if catalogue is None:
            from wtforms.i18n import messages_path

            catalogue = support.Translations.load(messages_path(), [locale], domain="wtforms")
            self._catalogues[name] = catalogue
        return catalogue

    def gettext(self, string: str) -> str:
        catalogue = self._catalogue()
        return string if catalogue is None else catalogue.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalogue = self._catalogue()
        if catalogue is None:
            return singular if n == 1 else plural
        return catalogue.ungettext(singular, plural, n)


wtforms_messages = WTFormsMessages()
