"""Safe file uploads (security.md UP-01, ROB-01): type by content, size cap, random
names outside the web root, and files that exist only if their transaction commits.

``store_file`` streams the upload into a temporary file in ``UPLOAD_DIR`` and adds the
row its caller makes for it (a case's ``Document``: ``cases.documents.store_upload``; core
knows no domain model). The file is renamed to its final random name in the session's
``after_commit`` event; when the outermost transaction ends without a commit (rollback,
error page, closed session) the temporary file is deleted. So a rolled-back request
leaves neither a row nor a file. A process killed between commit and rename leaves a
``.tmp-*`` file behind, which ``sweep_temporary_files`` removes.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, current_app, send_file
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.exceptions import NotFound

from wbagentur.core.errors_domain import DomainError
from wbagentur.core.translation import gettext
from wbagentur.extensions import db

logger = logging.getLogger(__name__)

ALLOWED_TYPES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
MAX_NAME_LENGTH = 200
_CHUNK = 64 * 1024
_PENDING_KEY = "wbagentur.pending_uploads"
_TEMP_PREFIX = ".tmp-"
# C0/C1 controls, DEL, bidi overrides/isolates and zero-width characters: they can
# disguise a name ("rechnung\u202efdp.exe") or break headers.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


class UploadRejected(DomainError):
    """The file was refused; ``str(error)`` is a German message, ``status`` the HTTP code."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class DocumentFileMissing(NotFound):
    """The row exists but its file does not (restored backup, manual deletion): 404 with
    a German message instead of a 500 from ``send_file``."""

    def __init__(self) -> None:
        super().__init__()
        self.user_message = gettext(
            "Die Datei zu diesem Dokument ist nicht mehr vorhanden. Bitte wenden Sie sich an "
            "die Administration."
        )


# errno → (German message, HTTP status): a full disk is 507 Insufficient Storage, a folder
# that cannot be written is 503 (the operator must fix it; the client may retry later).
_STORAGE_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_STORAGE_LOCKED = (errno.EROFS, errno.EACCES, errno.EPERM)


def _storage_error(error: OSError) -> UploadRejected:
    if error.errno in _STORAGE_FULL:
        logger.error("upload folder full: %s", errno.errorcode.get(error.errno or 0, "?"))
        return UploadRejected(
            gettext(
                "Der Speicherplatz für Dokumente ist voll. Das Dokument wurde nicht "
                "gespeichert; bitte versuchen Sie es später erneut oder wenden Sie sich an die "
                "Administration."
            ),
            status=507,
        )
    logger.error("upload folder not writable: %s", errno.errorcode.get(error.errno or 0, "?"))
    return UploadRejected(
        gettext(
            "Dokumente können gerade nicht gespeichert werden. Das Dokument wurde nicht "
            "gespeichert; bitte versuchen Sie es später erneut."
        ),
        status=503,
    )


def sniff_type(head: bytes) -> str | None:
    """Return the content type recognised from the first bytes, or None if not allowed."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def sanitise_name(name: str | None, content_type: str) -> str:
    """A display name without paths and control characters, at most 200 characters.

    The name is only ever shown and offered on download; the file on disk has a
    random name, so nothing here can reach the file system.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = _UNSAFE.sub("", text)
    text = re.split(r"[/\\]", text)[-1].strip().lstrip(".").strip()
    if not text:
        text = "dokument" + ALLOWED_TYPES.get(content_type, "")
    if len(text) > MAX_NAME_LENGTH:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            text = stem[: MAX_NAME_LENGTH - len(ext) - 1] + "." + ext
        else:
            text = text[:MAX_NAME_LENGTH]
    return text


def upload_dir() -> Path:
    """The folder for stored files, created on demand (never below the static folder)."""
    configured = current_app.config.get("UPLOAD_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


@dataclass(frozen=True)
class StoredFile:
    """What a checked upload is: the caller keeps it in a row of its own."""

    original_name: str
    stored_name: str
    content_type: str
    size_bytes: int
    sha256: str


class StoredDocument(Protocol):
    """A row that points to a stored file (e.g. ``cases.models.Document``)."""

    id: Any
    stored_name: str
    content_type: str
    original_name: str


Row = TypeVar("Row")


def store_file(file_storage: Any, make_row: Callable[[StoredFile], Row]) -> Row:
    """Check and store an uploaded file; return the flushed row ``make_row`` made for it.

    Raises ``UploadRejected`` for a missing, empty, too large or not allowed file. The
    file becomes visible under its final name only when the transaction commits.
    """
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise UploadRejected("Bitte wählen Sie eine Datei aus.")
    limit = int(current_app.config["UPLOAD_MAX_BYTES"])
    try:
        folder = upload_dir()
    except OSError as error:
        raise _storage_error(error) from error
    stored_name = secrets.token_hex(16)
    temp_path = folder / f"{_TEMP_PREFIX}{stored_name}"
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with open(temp_path, "xb") as out:
            while chunk := file_storage.stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadRejected(
                        f"Die Datei ist zu groß. Erlaubt sind höchstens {_megabytes(limit)}.",
                        status=413,
                    )
                if len(head) < 16:
                    head += chunk[: 16 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRejected("Die Datei ist leer. Bitte wählen Sie eine andere Datei.")
        content_type = sniff_type(head)
        if content_type is None:
            raise UploadRejected(
                "Diese Datei können wir nicht annehmen. Erlaubt sind PDF-Dokumente und "
                "Bilder im Format PNG oder JPEG."
            )
    except OSError as error:
        temp_path.unlink(missing_ok=True)
        if error.errno in _STORAGE_FULL + _STORAGE_LOCKED:
            raise _storage_error(error) from error
        raise
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    document = make_row(
        StoredFile(
            original_name=sanitise_name(file_storage.filename, content_type),
            stored_name=stored_name,
            content_type=content_type,
            size_bytes=size,
            sha256=digest.hexdigest(),
        )
    )
    db.session.add(document)
    pending = db.session.info.setdefault(_PENDING_KEY, [])
    pending.append((str(temp_path), str(folder / stored_name)))
    try:
        db.session.flush()
    except BaseException:
        # The outermost transaction may survive this failure (savepoint); the file must not.
        pending.remove((str(temp_path), str(folder / stored_name)))
        temp_path.unlink(missing_ok=True)
        raise
    return document


def document_path(document: StoredDocument) -> Path:
    """Where the stored file of a document lives."""
    return upload_dir() / document.stored_name


def send_document(document: StoredDocument) -> Response:
    """Serve a stored file as a download that the browser never renders (UP-01).

    Callers must have checked access to the document's case first. A document whose file
    is missing raises ``DocumentFileMissing`` (404 with a German message).
    """
    path = document_path(document)
    if not path.is_file():
        logger.error("stored file of document %s is missing", document.id)
        raise DocumentFileMissing()
    response = send_file(
        path,
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.original_name,
        max_age=0,
        conditional=False,
        etag=False,
    )
    ascii_name = (
        unicodedata.normalize("NFKD", document.original_name)
        .encode("ascii", "ignore")
        .decode()
        .replace("\\", "_")
        .replace('"', "_")
    ) or "dokument"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(document.original_name, safe='')}"
    )
    response.headers["Content-Type"] = document.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response


def sweep_temporary_files(max_age_seconds: int = 24 * 60 * 60) -> int:
    """Delete temporary upload files older than ``max_age_seconds``; return the count."""
    removed = 0
    cutoff = time.time() - max_age_seconds
    for path in upload_dir().glob(f"{_TEMP_PREFIX}*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, size // 1024)} KB"


@sa.event.listens_for(Session, "after_commit")
def _move_committed_files(session: Session) -> None:
    for temp, final in session.info.pop(_PENDING_KEY, []):
        try:
            os.replace(temp, final)
        except OSError:
            # The row is committed but the file is missing: an operator must look.
            logger.exception("stored upload could not be moved into place: %s", Path(final).name)


@sa.event.listens_for(Session, "after_transaction_end")
def _discard_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint ended; the outer transaction decides
    for temp, _final in session.info.pop(_PENDING_KEY, []):
        Path(temp).unlink(missing_ok=True)
