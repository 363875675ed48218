"""One-time submission tokens: a double-clicked or re-sent form creates nothing twice.

Each create form carries a random token. The first submission stores it (unique) with
the path of what it created; a repeat finds the row and redirects there instead.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import abort
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from wbagentur.core.models import utcnow
from wbagentur.extensions import db


class SubmissionToken(db.Model):  # type: ignore[name-defined]
    """A form submission that has been processed."""

    __tablename__ = "submission_tokens"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    result_path: Mapped[str | None] = mapped_column(sa.String(300))


def new_token() -> str:
    """A fresh token for a form."""
    return secrets.token_urlsafe(24)


def already_processed(token: str | None) -> str | None:
    """Return the result path of an earlier submission with this token, or None."""
    if not token:
        return None
    row = db.session.get(SubmissionToken, token)
    return row.result_path if row else None


def claim(token: str, result_path: str | None = None) -> None:
    """Record the token in the current transaction. A concurrent duplicate fails on the
    primary key at flush/commit (IntegrityError), so only one of them is stored."""
    db.session.add(SubmissionToken(token=token, result_path=result_path))
    db.session.flush()


_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def claim_once(token: str | None, result_path: str | None) -> bool:
    """Claim ``token`` for the submission being processed; False when a submission with
    the same token was processed already or is being committed right now (double click,
    ten parallel posts): the caller then creates nothing and redirects to ``result_path``.

    The row is inserted in a savepoint: on PostgreSQL a concurrent holder of the same
    token makes the insert wait for that transaction and then fail on the primary key,
    which only ends the savepoint. A missing token (old page, script) claims nothing; a
    malformed one is a 400.
    """
    if not token:
        return True
    if not _TOKEN.fullmatch(token):
        abort(400)
    if already_processed(token) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(SubmissionToken(token=token, result_path=result_path))
    except IntegrityError:
        return False
    return True


def record_result(token: str | None, result_path: str | None) -> None:
    """Store where a claimed submission led, once the created object exists (same transaction)."""
    if not token:
        return
    row = db.session.get(SubmissionToken, token)
    if row is not None:
        row.result_path = result_path
