"""A person created from a firm case joins that case (issue #14.5).

Cases build on persons, so persons do not import them (tests/test_import_graph.py): cases
register at app creation (``wbagentur._connect_packages``) how to find the firm case a user
may add a new employee to, and how to add them. Without a registration no case is joined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

# (user, case id) → the firm case the user may edit, or None.
CaseFinder = Callable[[Any, int], Any]
# (user, case, person ids) → adds the persons as participants (flushes, never commits).
CaseJoiner = Callable[[Any, Any, Iterable[int]], Any]
_finders: list[CaseFinder] = []
_joiners: list[CaseJoiner] = []


def register_case_join(find: CaseFinder, join: CaseJoiner) -> None:
    """Called once at app creation by the package that owns cases."""
    _finders[:] = [find]
    _joiners[:] = [join]


def case_to_join(user: Any, case_id: int) -> Any:
    """The firm case a new employee is created from, if ``user`` may edit it."""
    return _finders[0](user, case_id) if _finders else None


def join_case(user: Any, case: Any, person_ids: Iterable[int]) -> None:
    _joiners[0](user, case, person_ids)
