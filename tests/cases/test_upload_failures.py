"""Uploads when the storage fails (issue #19 item 7): a missing file is a German 404 on
download; a full or read-only upload folder is a German message with 507/503, and
nothing is half-written (no row, no file, no timeline entry)."""

from __future__ import annotations

import errno
import io

import pytest
import sqlalchemy as sa

from wbagentur.cases.models import Document, TimelineEntry
from wbagentur.core import uploads
from wbagentur.extensions import db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def folder(clean_app, tmp_path, monkeypatch):
    path = tmp_path / "ablage"
    monkeypatch.setitem(clean_app.config, "UPLOAD_DIR", str(path))
    return path


def _upload(client, case_id):
    return client.post(
        f"/faelle/{case_id}/dokumente",
        data={"file": (io.BytesIO(PDF), "Angebot.pdf")},
        content_type="multipart/form-data",
    )


def test_download_of_a_missing_file_is_a_german_404(client, auth, make_user, make_case, folder):
    auth.login(make_user("advisor", "SW"))
    case_id = make_case()
    assert _upload(client, case_id).status_code == 302
    (stored,) = list(folder.iterdir())
    stored.unlink()
    with client.application.app_context():
        document_id = db.session.scalar(sa.select(Document.id))
    response = client.get(f"/faelle/{case_id}/dokumente/{document_id}")
    assert response.status_code == 404
    assert "Die Datei zu diesem Dokument ist nicht mehr vorhanden." in response.get_data(
        as_text=True
    )
    assert response.headers["Content-Type"].startswith("text/html")


class _FailingFile(io.RawIOBase):
    def __init__(self, code: int) -> None:
        self.code = code

    def writable(self) -> bool:
        return True

    def write(self, _data) -> int:
        raise OSError(self.code, "simulated")


@pytest.mark.parametrize(
    ("code", "where", "status", "message"),
    [
        (errno.ENOSPC, "write", 507, "Der Speicherplatz für Dokumente ist voll."),
        (errno.EDQUOT, "write", 507, "Der Speicherplatz für Dokumente ist voll."),
        (errno.EROFS, "open", 503, "Dokumente können gerade nicht gespeichert werden."),
        (errno.EACCES, "open", 503, "Dokumente können gerade nicht gespeichert werden."),
        (errno.EROFS, "mkdir", 503, "Dokumente können gerade nicht gespeichert werden."),
    ],
)
def test_full_or_read_only_folder_gives_german_message_and_writes_nothing(
    client, auth, make_user, make_case, folder, monkeypatch, code, where, status, message
):
    auth.login(make_user("advisor", "SW"))
    case_id = make_case()
    real_open = open
    created = []

    def fake_open(path, mode="r", *args, **kwargs):
        if where == "open":
            raise OSError(code, "simulated")
        created.append(path)
        real_open(path, mode, *args, **kwargs).close()  # the temporary file exists
        return _FailingFile(code)

    if where == "mkdir":
        monkeypatch.setitem(client.application.config, "UPLOAD_DIR", "/proc/nicht-schreibbar")
        monkeypatch.setattr(
            uploads.Path, "mkdir", lambda *a, **k: (_ for _ in ()).throw(OSError(code, "x"))
        )
    else:
        monkeypatch.setattr(uploads, "open", fake_open, raising=False)
    response = _upload(client, case_id)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0
        assert (
            db.session.scalar(
                sa.select(sa.func.count(TimelineEntry.id)).where(TimelineEntry.kind == "document")
            )
            == 0
        )
    if where != "mkdir":
        assert list(folder.iterdir()) == []
