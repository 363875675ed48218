"""Versioned parameter sets: every rate, cap, threshold and period of a programme as data.

A :class:`ParameterSet` belongs to one programme and is valid from ``valid_from`` to ``valid_to``
(inclusive; ``None`` = open). The engine picks, per programme, the set valid on the programme's
relevant date (see ``docs/funding-check.md``). Callers (later the database catalogue) may pass their
own sets as :class:`ParameterSet` objects or plain dicts; ``defaults.py`` holds the seed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = ["Param", "ParameterCatalogue", "ParameterSet", "ParamView", "parse_parameter_set"]


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter value with its own verification flag and an optional note/source."""

    value: Any
    verified: bool = True
    source: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (a copy: mutating it never changes the parameter)."""
        return {
            "value": copy.deepcopy(self.value),
            "verified": self.verified,
            "source": self.source,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class ParameterSet:
    """All parameters of one programme version."""

    programme: str
    version: str
    valid_from: date
    valid_to: date | None
    source: str
    source_url: str | None
    params: Mapping[str, Param] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        """True only if every parameter of the set is verified."""
        return all(p.verified for p in self.params.values())

    def valid_on(self, on: date) -> bool:
        """Whether the set applies on ``on``."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (the same shape :func:`parse_parameter_set` reads)."""
        return {
            "programme": self.programme,
            "version": self.version,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "source": self.source,
            "source_url": self.source_url,
            "verified": self.verified,
            "params": {k: p.to_dict() for k, p in self.params.items()},
        }


def _parse_date(value: Any, where: str) -> date:
    if not isinstance(value, str):
        raise ValueError(f"{where}: ISO-Datum erwartet / expected ISO date string")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{where}: ungültiges Datum / invalid date {value!r}") from exc


def parse_parameter_set(data: ParameterSet | Mapping[str, Any]) -> ParameterSet:
    """Build a :class:`ParameterSet` from its dict form.

    Parameters may be ``{value, verified, source, note}`` or bare values.

    A bare value inherits the set-level ``verified`` flag (default True).
    """
    if isinstance(data, ParameterSet):
        return data
    allowed = {
        "programme",
        "version",
        "valid_from",
        "valid_to",
        "source",
        "source_url",
        "verified",
        "params",
    }
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(f"parameter set: unbekannte Felder / unknown fields: {', '.join(unknown)}")
    for key in ("programme", "version", "valid_from", "params"):
        if key not in data:
            raise ValueError(f"parameter set: Pflichtfeld fehlt / missing field {key!r}")
    where = f"parameter set {data['version']!r}"
    set_verified = bool(data.get("verified", True))
    params: dict[str, Param] = {}
    raw = data["params"]
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}.params: Objekt erwartet / expected an object")
    for key, val in raw.items():
        if isinstance(val, Mapping) and "value" in val:
            params[key] = Param(
                copy.deepcopy(val["value"]),
                bool(val.get("verified", set_verified)),
                str(val.get("source", "")),
                str(val.get("note", "")),
            )
        else:
            params[key] = Param(copy.deepcopy(val), set_verified)
    valid_to = data.get("valid_to")
    return ParameterSet(
        programme=str(data["programme"]),
        version=str(data["version"]),
        valid_from=_parse_date(data["valid_from"], f"{where}.valid_from"),
        valid_to=_parse_date(valid_to, f"{where}.valid_to") if valid_to is not None else None,
        source=str(data.get("source", "")),
        source_url=data.get("source_url"),
        params=params,
    )


class ParameterCatalogue:
    """An index of parameter sets by programme; build it once and reuse it for many evaluations."""

    __slots__ = ("_by_programme", "sets")

    def __init__(self, sets: Iterable[ParameterSet | Mapping[str, Any]]) -> None:
        """Parse and index ``sets``; overlapping validity for one programme raises ValueError."""
        parsed = tuple(parse_parameter_set(s) for s in sets)
        by_programme: dict[str, list[ParameterSet]] = {}
        for ps in parsed:
            by_programme.setdefault(ps.programme, []).append(ps)
        for programme, lst in by_programme.items():
            lst.sort(key=lambda s: s.valid_from)
            for a, b in zip(lst, lst[1:], strict=False):
                if a.valid_to is None or a.valid_to >= b.valid_from:
                    raise ValueError(
                        f"parameter sets for {programme}: {a.version} und {b.version} überlappen "
                        "/ overlap"
                    )
        self.sets = parsed
        self._by_programme = {k: tuple(v) for k, v in by_programme.items()}

    def select(self, programme: str, on: date) -> ParameterSet | None:
        """The set of ``programme`` valid on ``on``, or None."""
        for ps in self._by_programme.get(programme, ()):
            if ps.valid_on(on):
                return ps
        return None

    def earliest(self, programme: str) -> date | None:
        """First ``valid_from`` of any set of ``programme``."""
        lst = self._by_programme.get(programme)
        return lst[0].valid_from if lst else None


class ParamView:
    """Read access to one selected set that records every unverified parameter actually used."""

    __slots__ = ("ps", "used_unverified")

    def __init__(self, ps: ParameterSet, used_unverified: list[tuple[str, str, Param]]) -> None:
        """Wrap ``ps``; unverified parameters read via :meth:`v` go to ``used_unverified``."""
        self.ps = ps
        self.used_unverified = used_unverified

    def v(self, key: str) -> Any:
        """Value of parameter ``key`` (KeyError names the set if missing)."""
        try:
            p = self.ps.params[key]
        except KeyError:
            raise KeyError(f"parameter {key!r} fehlt in {self.ps.version}") from None
        if not p.verified:
            entry = (self.ps.version, key, p)
            if entry not in self.used_unverified:
                self.used_unverified.append(entry)
        return p.value

    def ok(self, key: str) -> bool:
        """Whether parameter ``key`` is verified."""
        p = self.ps.params.get(key)
        return p is not None and p.verified

    def has(self, key: str) -> bool:
        """Whether the set defines ``key``."""
        return key in self.ps.params

    @property
    def version(self) -> str:
        """Version id of the wrapped set."""
        return self.ps.version
