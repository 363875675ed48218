"""Pure funding eligibility engine (no Flask, no database): rules, parameters, JSON interface.

Public API::

    from wbagentur.funding.engine import CaseInput, evaluate, evaluate_document
    result = evaluate(CaseInput.from_dict(doc), date(2026, 11, 21))
    result.programme("sgb3_82").status
"""

from __future__ import annotations

from .core import ENGINE_VERSION, PROGRAMME_CODES, evaluate
from .defaults import DEFAULT_CATALOGUE, DEFAULT_PARAMETER_SETS
from .geo import DISTRICTS, District, lookup_district
from .inputs import CaseInput, Child, Course, Firm, Person, StaffGroup, ThuerbfgInput
from .jsonio import evaluate_document
from .params import Param, ParameterCatalogue, ParameterSet, parse_parameter_set
from .result import EvaluationResult, ProgrammeResult

__all__ = [
    "DEFAULT_CATALOGUE",
    "DEFAULT_PARAMETER_SETS",
    "DISTRICTS",
    "ENGINE_VERSION",
    "PROGRAMME_CODES",
    "CaseInput",
    "Child",
    "Course",
    "District",
    "EvaluationResult",
    "Firm",
    "Param",
    "ParameterCatalogue",
    "ParameterSet",
    "Person",
    "ProgrammeResult",
    "StaffGroup",
    "ThuerbfgInput",
    "evaluate",
    "evaluate_document",
    "lookup_district",
    "parse_parameter_set",
]
