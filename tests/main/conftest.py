"""Fixtures of the start page tests: cases as in the case tests."""

from tests.cases.conftest import make_case  # noqa: F401
