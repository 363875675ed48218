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

from typing import Any

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


def translations() -> support.NullTranslations:
    """The catalogue of the current locale (Flask-Babel's), remembered for the request."""
    try:
        space = vars(g._get_current_object()).get(_BABEL_NAMESPACE)
    except RuntimeError:  # no application context: the message itself, as Flask-Babel
        return support.NullTranslations()
    if space is not None:
        memo = getattr(space, _MEMO, None)
        if memo is not None and memo[0] is getattr(space, "babel_locale", None):
            return memo[1]  # type: ignore[no-any-return]
    catalogue = flask_babel.get_translations()
    space = vars(g._get_current_object()).get(_BABEL_NAMESPACE)
    locale = getattr(space, "babel_locale", None)
    if space is not None and locale is not None:
        setattr(space, _MEMO, (locale, catalogue))
    return catalogue


def locale_name() -> str | None:
    """The name of the request's locale (``"de"``, ``"en"``), remembered for the request;
    None outside one. Every date and number of a page asks for it (25 dates on a case
    list): Flask-Babel's ``get_locale`` and ``str`` of the locale took 10 µs each time."""
    try:
        space = vars(g._get_current_object()).get(_BABEL_NAMESPACE)
    except RuntimeError:
        return None
    if space is not None:
        memo = getattr(space, _NAME_MEMO, None)
        if memo is not None and memo[0] is getattr(space, "babel_locale", None):
            return memo[1]  # type: ignore[no-any-return]
    locale = flask_babel.get_locale()
    if locale is None:
        return None
    name = str(locale)
    space = vars(g._get_current_object()).get(_BABEL_NAMESPACE)
    if space is not None:
        setattr(space, _NAME_MEMO, (locale, name))
    return name


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
