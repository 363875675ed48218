"""The public form's data (tests/intake) for the mailbox test."""

from tests.intake.conftest import form_data  # noqa: F401
