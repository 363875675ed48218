"""Fixtures for person tests; the factories live in tests/factories.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import (  # noqa: F401  (fixtures and helpers re-exported)
    district,
    firm_factory,
    make_firm,
    make_person,
    person_factory,
)


@pytest.fixture
def pform(clean_app: Any) -> Any:
    """``pform(**changes)`` → valid person form data living in Suhl (Südwestthüringen)."""
    from tests.persons.helpers import person_form

    with clean_app.app_context():
        suhl = district("16054").id

    return lambda **changes: person_form(changes.pop("residence_district_id", suhl), **changes)
