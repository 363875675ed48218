"""Development mailbox: ``MAIL_BACKEND = "file"`` writes each sent e-mail as an ``.eml`` file
into ``MAIL_FILE_DIR`` (default ``instance/postfach``), which any mail program opens and
/dev/postfach lists for signed-in staff (development only)."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from flask import current_app

from wbagentur.core.models import utcnow

_NAME = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-z._-]{1,80}\.eml$")


def mailbox_dir() -> Path:
    configured = current_app.config.get("MAIL_FILE_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "postfach"


def write_message(message: EmailMessage) -> Path:
    """Store one delivered message; the file name sorts by time."""
    folder = mailbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    message_id = re.sub(r"[^0-9a-z._-]", "", str(message["Message-ID"] or "").lower())[:60]
    path = folder / f"{utcnow():%Y%m%dT%H%M%S}-{message_id or 'mail'}.eml"
    path.write_bytes(message.as_bytes())
    return path


@dataclass(frozen=True)
class StoredMail:
    name: str
    recipient: str
    subject: str
    sent: datetime | None
    body: str


def _read(path: Path) -> StoredMail:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body_part = parsed.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    try:
        sent = parsedate_to_datetime(str(parsed["Date"]))
    except (TypeError, ValueError):
        sent = None
    return StoredMail(
        name=path.name,
        recipient=str(parsed["To"] or ""),
        subject=str(parsed["Subject"] or ""),
        sent=sent,
        body=body_part.get_content() if body_part is not None else "",
    )


def list_messages(limit: int = 200) -> list[StoredMail]:
    """The newest messages first."""
    folder = mailbox_dir()
    if not folder.is_dir():
        return []
    paths = sorted((p for p in folder.iterdir() if _NAME.match(p.name)), reverse=True)
    return [_read(p) for p in paths[:limit]]


def read_message(name: str) -> StoredMail | None:
    """One message by file name; None for a name that is not a mailbox file."""
    if not _NAME.match(name):
        return None
    path = mailbox_dir() / name
    return _read(path) if path.is_file() else None
