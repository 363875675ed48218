"""core.uploads: type by content, safe display names, size cap, files only after commit,
and downloads that the browser never renders."""

import hashlib
from io import BytesIO

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from wbagentur.cases.documents import store_upload
from wbagentur.cases.models import Case, Document
from wbagentur.cases.services import open_case
from wbagentur.core.uploads import (
    UploadRejected,
    sanitise_name,
    send_document,
    sniff_type,
    sweep_temporary_files,
)
from wbagentur.extensions import db
from wbagentur.regions.models import Region

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (b"<!DOCTYPE html><html>", None),
        (b"  %PDF-1.4", None),
        (b"PK\x03\x04", None),
        (b"GIF89a", None),
        (b"\x89PNG", None),
        (b"\xff\xd8", None),
        (b"", None),
    ],
    ids=[
        "pdf",
        "png",
        "jpeg",
        "html",
        "pdf-not-at-start",
        "zip",
        "gif",
        "png-cut",
        "jpeg-cut",
        "empty",
    ],
)
def test_sniff_type_recognises_only_allowed_signatures(head, expected):
    assert sniff_type(head) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.pdf", "cmd.pdf"),
        ("/absolute/path/Angebot.pdf", "Angebot.pdf"),
        ("rechnung\u202efdp.exe", "rechnungfdp.exe"),
        ("nach\u2066weis\u2069.pdf", "nachweis.pdf"),
        ("zeile\r\nX-Header: 1.pdf", "zeileX-Header: 1.pdf"),
        ("nul\x00byte.pdf", "nulbyte.pdf"),
        (".htaccess", "htaccess"),
        ("", "dokument.pdf"),
        (None, "dokument.pdf"),
        ("../", "dokument.pdf"),
        ("Übersicht Beschäftigte.pdf", "Übersicht Beschäftigte.pdf"),
    ],
)
def test_sanitise_name_strips_paths_and_control_characters(name, expected):
    assert sanitise_name(name, "application/pdf") == expected


def test_sanitise_name_caps_length_and_keeps_extension():
    name = sanitise_name("a" * 500 + ".pdf", "application/pdf")
    assert len(name) == 200
    assert name.endswith(".pdf")
    assert len(sanitise_name("b" * 500, "application/pdf")) == 200


@pytest.fixture
def case_id(clean_app):
    with clean_app.app_context():
        region_id = db.session.scalar(sa.select(Region.id).where(Region.code == "SW"))
        case = open_case(
            None, region_id=region_id, kind="firm", title="Test", channel="public_form"
        )
        db.session.commit()
        return case.id


@pytest.fixture
def folder(clean_app, tmp_path, monkeypatch):
    path = tmp_path / "ablage"
    monkeypatch.setitem(clean_app.config, "UPLOAD_DIR", str(path))
    return path


def upload(content, name="datei.pdf", mimetype="application/pdf"):
    return FileStorage(stream=BytesIO(content), filename=name, content_type=mimetype)


def test_store_upload_writes_file_only_after_commit(clean_app, case_id, folder):
    with clean_app.app_context():
        case = db.session.get(Case, case_id)
        document = store_upload(upload(PNG, "../../x.png", "text/html"), case=case, source="staff")
        assert document.content_type == "image/png"  # by content, not the declared type
        assert document.original_name == "x.png"
        assert document.sha256 == hashlib.sha256(PNG).hexdigest()
        assert document.size_bytes == len(PNG)
        assert not (folder / document.stored_name).exists()
        assert [p.name.startswith(".tmp-") for p in folder.iterdir()] == [True]
        db.session.commit()
        assert sorted(p.name for p in folder.iterdir()) == [document.stored_name]
        assert (folder / document.stored_name).read_bytes() == PNG


def test_store_upload_rollback_leaves_no_file_and_no_row(clean_app, case_id, folder):
    with clean_app.app_context():
        case = db.session.get(Case, case_id)
        store_upload(upload(PDF), case=case, source="staff")
        db.session.rollback()
        assert list(folder.iterdir()) == []
        assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


def test_store_upload_session_closed_without_commit_leaves_no_file(clean_app, case_id, folder):
    with clean_app.app_context():
        store_upload(upload(JPEG, "foto.jpg"), case=db.session.get(Case, case_id), source="staff")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"<html></html>", 400, "Diese Datei können wir nicht annehmen"),
        (b"", 400, "Die Datei ist leer"),
        (PDF + b"x" * 2048, 413, "Die Datei ist zu groß. Erlaubt sind höchstens 2 KB."),
    ],
    ids=["html", "empty", "too-large"],
)
def test_store_upload_rejects_with_german_message(
    clean_app, case_id, folder, monkeypatch, content, status, message
):
    monkeypatch.setitem(clean_app.config, "UPLOAD_MAX_BYTES", 2048)
    with clean_app.app_context():
        with pytest.raises(UploadRejected) as info:
            store_upload(upload(content), case=db.session.get(Case, case_id), source="staff")
        assert info.value.status == status
        assert message in str(info.value)
        assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0
    assert list(folder.iterdir()) == []


def test_store_upload_exactly_at_limit_is_accepted(clean_app, case_id, folder, monkeypatch):
    monkeypatch.setitem(clean_app.config, "UPLOAD_MAX_BYTES", 2048)
    content = PDF + b"x" * (2048 - len(PDF))
    with clean_app.app_context():
        document = store_upload(upload(content), case=db.session.get(Case, case_id), source="staff")
        db.session.commit()
        assert document.size_bytes == 2048


def test_store_upload_without_file_is_rejected(clean_app, case_id, folder):
    with clean_app.app_context():
        with pytest.raises(UploadRejected, match="Bitte wählen Sie eine Datei aus"):
            store_upload(None, case=db.session.get(Case, case_id), source="staff")
        with pytest.raises(UploadRejected):
            store_upload(upload(PDF, name=""), case=db.session.get(Case, case_id), source="staff")


def test_upload_dir_defaults_to_instance_folder_outside_static(clean_app, monkeypatch):
    from wbagentur.core.uploads import upload_dir

    monkeypatch.setitem(clean_app.config, "UPLOAD_DIR", None)
    with clean_app.app_context():
        path = upload_dir()
    assert path.parent.resolve() == __import__("pathlib").Path(clean_app.instance_path).resolve()
    assert not str(path.resolve()).startswith(
        str(__import__("pathlib").Path(clean_app.static_folder).resolve())
    )


def test_send_document_is_attachment_with_safe_headers(clean_app, case_id, folder):
    with clean_app.app_context():
        document = store_upload(
            upload(PDF, 'Übersicht "Team".pdf'), case=db.session.get(Case, case_id), source="staff"
        )
        db.session.commit()
        document_id = document.id
    with clean_app.test_request_context():
        response = send_document(db.session.get(Document, document_id))
        response.direct_passthrough = False
        assert response.get_data() == PDF
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''%C3%9Cbersicht%20%22Team%22.pdf" in disposition
        assert 'filename="Ubersicht _Team_.pdf"' in disposition
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "sandbox"
        response.close()


def test_sweep_removes_only_old_temporary_files(clean_app, folder):
    import os
    import time

    folder.mkdir(parents=True)
    old = folder / ".tmp-old"
    old.write_bytes(b"x")
    os.utime(old, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    new = folder / ".tmp-new"
    new.write_bytes(b"x")
    # Ages are set on the process clock: the file system's own stamp need not agree with it
    # (CI runs the suite with the process clock moved ahead).
    os.utime(new, (time.time() - 60, time.time() - 60))
    (folder / ("a" * 32)).write_bytes(b"x")
    with clean_app.app_context():
        assert sweep_temporary_files() == 1
    assert sorted(p.name for p in folder.iterdir()) == [".tmp-new", "a" * 32]
