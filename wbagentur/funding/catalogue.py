"""The engine's parameter catalogue, built from the approved versions in the database.

Resolution rule: on a given date the **newest approved** version (by approval time, then id)
whose ``valid_from ≤ date`` (and ``valid_to ≥ date`` if set) wins. Old rows are never edited;
instead the effective periods are derived here, so the engine gets non-overlapping sets.

Cache: one catalogue per process, keyed by a fingerprint of the approved rows (id, key,
approval time). Each evaluation costs one cheap query for the fingerprint; an approval in any
worker process changes the fingerprint, so every process rebuilds on its next evaluation.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from wbagentur.extensions import db
from wbagentur.funding.engine import ParameterCatalogue, ParameterSet, parse_parameter_set
from wbagentur.funding.models import FundingProgramme, ParameterVersion

Fingerprint = tuple[tuple[int, str, str], ...]

_lock = threading.Lock()
_cache: dict[str, Any] = {"key": None, "catalogue": None}


def _fingerprint() -> Fingerprint:
    rows = db.session.execute(
        sa.select(ParameterVersion.id, ParameterVersion.version_key, ParameterVersion.decided_at)
        .where(ParameterVersion.state == "approved")
        .order_by(ParameterVersion.id)
    ).all()
    return tuple(
        (r.id, r.version_key, r.decided_at.isoformat() if r.decided_at else "") for r in rows
    )


def _approved_rows() -> list[tuple[str, ParameterVersion]]:
    rows = db.session.execute(
        sa.select(FundingProgramme.code, ParameterVersion)
        .join(FundingProgramme, ParameterVersion.programme_id == FundingProgramme.id)
        .where(ParameterVersion.state == "approved")
        .order_by(ParameterVersion.decided_at, ParameterVersion.id)
    ).all()
    return [(code, version) for code, version in rows]


@dataclasses.dataclass(frozen=True)
class Candidate:
    """An approved version as input to the period resolution (rank: higher = newer)."""

    rank: int
    valid_from: date
    valid_to: date | None
    parameter_set: ParameterSet


def resolve_periods(candidates: Sequence[Candidate]) -> list[ParameterSet]:
    """Cut overlapping versions of one programme into non-overlapping effective periods."""
    bounds = sorted(
        {c.valid_from for c in candidates}
        | {c.valid_to + timedelta(days=1) for c in candidates if c.valid_to is not None}
    )
    out: list[ParameterSet] = []
    current: Candidate | None = None
    start: date | None = None
    for day in bounds:
        valid = [
            c
            for c in candidates
            if c.valid_from <= day and (c.valid_to is None or day <= c.valid_to)
        ]
        winner = max(valid, key=lambda c: c.rank) if valid else None
        if winner is current:
            continue
        if current is not None and start is not None:
            out.append(
                dataclasses.replace(
                    current.parameter_set, valid_from=start, valid_to=day - timedelta(days=1)
                )
            )
        current, start = winner, day
    if current is not None and start is not None:
        out.append(dataclasses.replace(current.parameter_set, valid_from=start, valid_to=None))
    return out


def build_catalogue(rows: Sequence[tuple[str, ParameterVersion]]) -> ParameterCatalogue:
    """Engine catalogue from approved versions given oldest approval first."""
    by_programme: dict[str, list[Candidate]] = {}
    for rank, (code, version) in enumerate(rows):
        data = json.loads(version.parameters)
        data.update(
            programme=code,
            version=version.version_key,
            valid_from=version.valid_from.isoformat(),
            valid_to=version.valid_to.isoformat() if version.valid_to else None,
        )
        ps = parse_parameter_set(data)
        by_programme.setdefault(code, []).append(
            Candidate(rank, version.valid_from, version.valid_to, ps)
        )
    sets: list[ParameterSet] = []
    for candidates in by_programme.values():
        sets.extend(resolve_periods(candidates))
    return ParameterCatalogue(sets)


def get_catalogue() -> ParameterCatalogue:
    """The current catalogue (cached per process, rebuilt when approvals change)."""
    key = _fingerprint()
    with _lock:
        if _cache["key"] == key and _cache["catalogue"] is not None:
            return _cache["catalogue"]  # type: ignore[no-any-return]
    catalogue = build_catalogue(_approved_rows())
    with _lock:
        _cache["key"], _cache["catalogue"] = key, catalogue
    return catalogue


def invalidate() -> None:
    """Drop this process's cache (other processes notice the new fingerprint themselves)."""
    with _lock:
        _cache["key"], _cache["catalogue"] = None, None


def programme_statuses() -> dict[str, str]:
    """Programme code → status (open / paused / closed)."""
    rows = db.session.execute(sa.select(FundingProgramme.code, FundingProgramme.status)).all()
    return {code: status for code, status in rows}


def effective_version(programme: FundingProgramme, on: date) -> ParameterVersion | None:
    """The approved version of ``programme`` the engine uses on ``on`` (None if none)."""
    ps = get_catalogue().select(programme.code, on)
    if ps is None:
        return None
    return db.session.scalar(
        sa.select(ParameterVersion).where(ParameterVersion.version_key == ps.version)
    )
