"""Fixtures shared with the intake tests (the public form queues the confirmation mail)."""

from tests.intake.conftest import form_data  # noqa: F401
