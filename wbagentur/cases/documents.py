"""A case's documents: an upload stored by ``core.uploads`` becomes a ``Document`` row."""

from __future__ import annotations

from typing import Any

from wbagentur.cases.models import Case, Document
from wbagentur.core.uploads import StoredFile, store_file


def store_upload(file_storage: Any, *, case: Case, source: str, actor: Any = None) -> Document:
    """Check and store an uploaded file for ``case``; return the flushed ``Document``.

    Raises ``core.uploads.UploadRejected`` for a missing, empty, too large or not allowed
    file. The file becomes visible under its final name only when the transaction commits.
    """

    def document(stored: StoredFile) -> Document:
        return Document(
            case_id=case.id,
            original_name=stored.original_name,
            stored_name=stored.stored_name,
            content_type=stored.content_type,
            size_bytes=stored.size_bytes,
            sha256=stored.sha256,
            source=source,
            uploaded_by_id=getattr(actor, "id", None),
        )

    return store_file(file_storage, document)
