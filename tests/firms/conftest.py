"""Fixtures for firm tests; the factories live in tests/factories.py."""

from tests.factories import (  # noqa: F401  (fixtures and helpers re-exported)
    district,
    firm_factory,
    make_firm,
    make_person,
    person_factory,
)
