"""JSON interface: input document in, result document out (for the CLI and the JSON endpoint)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from .core import evaluate
from .inputs import CaseInput
from .params import ParameterCatalogue, ParameterSet

__all__ = ["evaluate_document"]


def evaluate_document(
    doc: Mapping[str, Any],
    parameter_sets: ParameterCatalogue | Iterable[ParameterSet | Mapping[str, Any]] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Validate ``doc`` (ValueError naming every bad field) and return the JSON-serialisable result.

    The reference date is ``doc["reference_date"]``, else ``today`` (else the system date – the only
    place the engine reads the clock, at the edge).
    """
    case = CaseInput.from_dict(doc)
    ref = case.reference_date or today or date.today()
    return evaluate(case, ref, parameter_sets).to_dict()
