"""Translatable texts of the engine without Flask: ``_(msgid, **values)`` and ``N_(msgid)``.

The engine writes German. Each message is a German template with named ``{placeholders}``; the
template is looked up through a translator the application installs with :func:`set_hook`
(the web app passes Flask-Babel's ``gettext`` and the request's locale), then the values are
filled in. Money, dates and percentages inserted as values are formatted by ``money``/``calendar``
in the same language. Without a hook (pure engine, CLI, tests) every text stays German.

Babel extracts ``_`` and ``N_`` by default, so the English catalogue test covers every message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

__all__ = ["N_", "_", "current_language", "german", "resolved", "set_hook"]

#: () → (language, translate); installed by the application, None in the pure engine.
Hook = Callable[[], tuple[str, Callable[[str], str]]]
_hook: list[Hook | None] = [None]
_forced_german: ContextVar[bool] = ContextVar("funding_engine_german", default=False)
_resolved: ContextVar[tuple[str, Callable[[str], str] | None] | None] = ContextVar(
    "funding_engine_language", default=None
)


def set_hook(hook: Hook | None) -> None:
    """Install (or remove with None) the function that gives the language and the translator."""
    _hook[0] = hook


@contextmanager
def german() -> Iterator[None]:
    """Write German inside the block whatever the hook says (texts stored in the case file)."""
    token = _forced_german.set(True)
    try:
        yield
    finally:
        _forced_german.reset(token)


@contextmanager
def resolved() -> Iterator[None]:
    """Ask the hook once and keep its answer for the block (one evaluation builds hundreds of
    texts; asking Flask for the locale each time cost a third of the evaluation time)."""
    token = _resolved.set(_state())
    try:
        yield
    finally:
        _resolved.reset(token)


def _state() -> tuple[str, Callable[[str], str] | None]:
    fixed = _resolved.get()
    if fixed is not None:
        return fixed
    hook = _hook[0]
    if hook is None or _forced_german.get():
        return "de", None
    lang, translate = hook()
    return lang, (translate if lang != "de" else None)


def current_language() -> str:
    """``de`` or the language the installed hook reports (``en``)."""
    return _state()[0]


def _(msgid: str, /, **values: Any) -> str:
    """The translated template ``msgid`` with ``values`` filled in (German without a hook)."""
    _lang, translate = _state()
    template = translate(msgid) if translate is not None else msgid
    return template.format(**values) if values else template


def N_(msgid: str, /) -> str:  # noqa: N802 (the gettext convention Babel extracts)
    """Mark ``msgid`` for extraction; translate later with ``_``."""
    return msgid
