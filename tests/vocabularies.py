"""Every vocabulary of the package, found by walking its modules (issue #18 item 4).

A vocabulary is a module-level constant mapping codes to labels: a dict ``{code: label}``
(or ``{code: (label, …)}``) or a list of ``(code, label)`` pairs. Its labels are lazily
translated (``lazy_gettext``/``lazy_pgettext``), so pybabel extracts them and the page shows
them in the reader's language. A constant whose labels are plain German text must be listed
in ``NOT_DISPLAYED`` with the reason why it is not shown in the UI's language.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from flask_babel.speaklater import LazyString

import wbagentur

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "wbagentur/translations/en/LC_MESSAGES/messages.po"

# The bench generator writes test data, not labels.
SKIPPED_PACKAGES = ("wbagentur.bench",)

# The funding engine runs without Flask: its labels are plain German strings marked with the
# engine's ``N_`` and translated by its ``_`` when a result is built (funding/engine/i18n.py).
# They need an English entry in the catalogue like every lazy label.
ENGINE_MARKED = ("wbagentur.funding.engine.", "wbagentur.funding.services.STATUS_TEXT")

# Constants with German text values that are not labels shown in the UI's language.
NOT_DISPLAYED = {
    "wbagentur.api.tokens.SCOPES": "token scopes described for the CLI (api/)",
    "wbagentur.firms.rules._REGISTER_SPELLING": "court register abbreviations, not words",
    "wbagentur.core.models.NAMING_CONVENTION": "constraint name patterns",
    "wbagentur.privacy.services.PURPOSES": "the German Art. 15 document for the data subject",
    "wbagentur.privacy.classification.CATEGORIES": "the German data-protection inventory (docs)",
    "wbagentur.firms.wz.SECTIONS": "WZ 2008, the official German classification (by code)",
    "wbagentur.firms.wz.DIVISIONS": "WZ 2008, the official German classification (by code)",
    "wbagentur.api.errors.DOMAIN_ENGLISH": "the English of service messages, keyed by German",
    "wbagentur.api.helpers._SCHEMA_MESSAGES": "marked with N_, translated where they are used",
    "wbagentur.main.workqueue.NAV_SECTIONS": "start page sections to endpoints, no text",
    "wbagentur.funding.engine.geo._RAW": "district names: proper names, the same in English",
    "wbagentur.funding.engine.geo.AGENCIES": "employment agencies' names: proper names",
    "wbagentur.funding.engine.geo._WBA": "the agency's contact points' names: proper names",
    **{
        f"wbagentur.api.spec.{name}": "the OpenAPI document, written in English"
        for name in (
            "CASE_INPUT",
            "CASE_FUNDING_INPUT",
            "ERROR_TEXTS",
            "FUNDING_INPUT",
            "FUNDING_RESULT",
            "IDEMPOTENCY_KEY",
            "IF_MATCH",
            "PERSON",
            "REFERRAL_INPUT",
            "REFERRAL_STATE_INPUT",
        )
    },
}
# A value that is a code, not a label: a lower-case identifier, a date or number, a suffix.
# (A vocabulary of lower-case single words only would pass unseen; none is left.)
_CODE = re.compile(r"^([a-z0-9][a-z0-9_\-]*|[0-9.\-]+|\.[a-z]+)$")


@dataclass(frozen=True)
class Label:
    vocabulary: str
    code: str
    text: Any  # LazyString or str

    @property
    def engine_marked(self) -> bool:
        return self.vocabulary.startswith(ENGINE_MARKED) and isinstance(self.text, str)

    @property
    def translatable(self) -> bool:
        return isinstance(self.text, LazyString) or self.engine_marked

    @property
    def message(self) -> tuple[str | None, str]:
        """(context, msgid) of a lazy or engine-marked label."""
        if isinstance(self.text, str):
            return (None, self.text)
        args = self.text._args
        return (args[0], args[1]) if len(args) == 2 else (None, args[0])


def _label_of(value: Any) -> Any:
    if isinstance(value, tuple) and value and isinstance(value[0], str | LazyString):
        return value[0]
    return value


def _pairs(value: Any) -> list[tuple[str, Any]] | None:
    if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
        return [(k, _label_of(v)) for k, v in value.items()]
    if (
        isinstance(value, list)
        and value
        and all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in value)
    ):
        return [(k, _label_of(v)) for k, v in value]
    return None


def _is_text(code: str, value: Any) -> bool:
    if isinstance(value, LazyString):
        return True
    return isinstance(value, str) and value != code and not _CODE.match(value)


def _assigned_names(module: Any) -> set[str]:
    """Names a module assigns at its top level (not the ones it imports)."""
    names = set()
    for node in ast.parse(inspect.getsource(module)).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


@cache
def constants() -> dict[str, list[tuple[str, Any]]]:
    """Every module-level constant of code → label pairs, by its defining module's name."""
    found: dict[str, list[tuple[str, Any]]] = {}
    for info in pkgutil.walk_packages(wbagentur.__path__, "wbagentur."):
        if info.name.startswith(SKIPPED_PACKAGES):
            continue
        module = importlib.import_module(info.name)
        for name in _assigned_names(module):
            value = getattr(module, name, None)
            if not name.lstrip("_").isupper():
                continue
            pairs = _pairs(value)
            if pairs is None or not any(_is_text(code, label) for code, label in pairs):
                continue
            found[f"{info.name}.{name}"] = pairs
    return found


def vocabularies() -> dict[str, list[Label]]:
    """The displayed vocabularies: every constant with text labels not in NOT_DISPLAYED."""
    return {
        name: [Label(name, code, text) for code, text in pairs]
        for name, pairs in constants().items()
        if name not in NOT_DISPLAYED
    }


@cache
def english_catalogue() -> dict[tuple[str | None, str], str]:
    with CATALOGUE.open("rb") as f:
        return {(m.context, m.id): m.string for m in read_po(f) if m.id and m.string}


def german_labels() -> set[str]:
    """German label texts that must not appear on an English page: every lazy label whose
    English differs, less the words the English catalogue itself uses (proper names such
    as "Aufstiegs-BAföG" or "Jobcenter")."""
    catalogue = english_catalogue()
    # Plural entries carry a tuple of forms.
    english_text = "\n".join(
        "\n".join(v) if isinstance(v, tuple) else v for v in catalogue.values()
    )
    labels = set()
    for vocabulary in vocabularies().values():
        for label in vocabulary:
            if not label.translatable:
                continue
            message = label.message
            german = message[1]
            if catalogue.get(message, german) != german and german not in english_text:
                labels.add(german)
    return labels
