"""Domain exceptions shared by the services; views turn them into messages or 409 pages."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A use case was refused; ``str(error)`` is a German message for the user."""


class ConflictError(DomainError):
    """Somebody else changed the object since the form was loaded (optimistic locking).

    ``current`` holds the values now stored, for the conflict page that shows both.
    """

    def __init__(self, message: str, current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.current = current or {}


def check_version(obj: Any, expected: int | None, label: str) -> None:
    """Raise ConflictError when the submitted version is not the stored one."""
    if expected is not None and int(expected) != obj.version:
        raise ConflictError(
            f"{label} wurde inzwischen von jemand anderem geändert. "
            "Bitte prüfen Sie die aktuellen Angaben und speichern Sie erneut."
        )
