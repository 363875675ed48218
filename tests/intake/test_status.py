"""The requester's status link: plain status, own documents only, safe uploads."""

import hashlib
from datetime import timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa

from tests.factories import DocumentFactory
from tests.helpers import html_page, text_of
from tests.intake.conftest import PDF
from wbagentur.cases import services as case_services
from wbagentur.cases.models import Case, Document, TimelineEntry
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.intake.models import AdviceRequest

NS = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def upload_dir(clean_app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(clean_app.config, "UPLOAD_DIR", str(folder))
    return folder


def documents(app):
    with app.app_context():
        return db.session.scalars(sa.select(Document).order_by(Document.id)).all()


def post_file(client, token, content, name="nachweis.pdf", mimetype="application/pdf"):
    return client.post(
        f"/anfrage/{token}/dokumente",
        data={"document": (BytesIO(content), name, mimetype)},
        content_type="multipart/form-data",
    )


def files_in(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_status_page_shows_plain_status_reference_and_contact_point(
    client, clean_app, make_request
):
    case_id, _rid, token = make_request(district="Wartburgkreis")
    response = client.get(f"/anfrage/{token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    text = text_of(html_page(response))
    with clean_app.app_context():
        reference = db.session.get(Case, case_id).reference
    assert reference in text
    assert "eingegangen" in text
    assert "Weiterbildungsagentur Südwestthüringen" in text
    assert "98527 Suhl" in text
    with clean_app.app_context():
        case = db.session.get(Case, case_id)
        case.status = "referred"
        db.session.commit()
    assert "an eine Förderstelle weitergeleitet" in client.get(f"/anfrage/{token}").get_data(
        as_text=True
    )


@pytest.mark.parametrize("mutate", ["unknown", "tampered", "expired"])
def test_status_page_unknown_tampered_or_expired_link_is_404(
    client, clean_app, make_request, mutate
):
    _cid, request_id, token = make_request()
    if mutate == "unknown":
        token = "x" * 43
    elif mutate == "tampered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    else:
        with clean_app.app_context():
            advice_request = db.session.get(AdviceRequest, request_id)
            advice_request.status_token_expires_at = utcnow() - timedelta(seconds=1)
            db.session.commit()
    response = client.get(f"/anfrage/{token}")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"
    assert "Dieser Link ist ungültig oder abgelaufen" in text_of(html_page(response))
    response = post_file(client, token, PDF)
    assert response.status_code == 404


def test_status_page_lists_only_requester_documents(client, clean_app, make_request, upload_dir):
    case_id, _rid, token = make_request()
    with clean_app.app_context():
        DocumentFactory(case_id=case_id, original_name="interne-notiz.pdf", size_bytes=10)
        DocumentFactory(
            case_id=case_id, original_name="partner-antwort.pdf", size_bytes=10, source="partner"
        )
        case_services.add_entry(db.session.get(Case, case_id), None, "note", body="Geheime Notiz")
        db.session.commit()
    assert post_file(client, token, PDF, name="Beschäftigte.pdf").status_code == 303
    page = html_page(client.get(f"/anfrage/{token}"))
    rows = [text_of(r) for r in page.iter(f"{NS}tr") if r.get("data-document") is not None]
    assert len(rows) == 1
    assert "Beschäftigte.pdf" in rows[0]
    text = text_of(page)
    assert "interne-notiz" not in text
    assert "partner-antwort" not in text
    assert "Geheime Notiz" not in text


def test_upload_pdf_is_stored_listed_and_on_disk_with_hash(
    client, clean_app, make_request, upload_dir
):
    case_id, _rid, token = make_request()
    response = post_file(client, token, PDF, name="../../Angebot Schulung.pdf")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/anfrage/{token}"
    [document] = documents(clean_app)
    assert document.case_id == case_id
    assert document.source == "requester"
    assert document.original_name == "Angebot Schulung.pdf"
    assert document.content_type == "application/pdf"
    assert document.size_bytes == len(PDF)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert len(document.stored_name) == 32
    stored = upload_dir / document.stored_name
    assert files_in(upload_dir) == [document.stored_name]
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == document.sha256
    with clean_app.app_context():
        entry = db.session.scalar(
            sa.select(TimelineEntry).where(
                TimelineEntry.case_id == case_id, TimelineEntry.kind == "document"
            )
        )
        assert entry is not None
        assert str(document.id) in entry.data
    page = client.get(f"/anfrage/{token}")
    assert "Ihr Dokument ist bei uns angekommen" in page.get_data(as_text=True)
    assert "Angebot Schulung.pdf" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("content", "name", "mimetype"),
    [
        (b"<html><script>alert(1)</script></html>", "rechnung.pdf", "application/pdf"),
        (b"PK\x03\x04" + b"\x00" * 40, "vertrag.pdf", "application/pdf"),
        (b"MZ\x90\x00" + b"\x00" * 40, "bild.jpg", "image/jpeg"),
        (b"GIF89a" + b"\x00" * 20, "bild.png", "image/png"),
    ],
    ids=["html-as-pdf", "zip-as-pdf", "exe-as-jpeg", "gif-as-png"],
)
def test_upload_wrong_content_is_rejected_nothing_stored(
    client, clean_app, make_request, upload_dir, content, name, mimetype
):
    _cid, _rid, token = make_request()
    response = post_file(client, token, content, name=name, mimetype=mimetype)
    assert response.status_code == 400
    assert "Diese Datei können wir nicht annehmen" in text_of(html_page(response))
    assert documents(clean_app) == []
    assert files_in(upload_dir) == []


def test_upload_oversize_is_rejected_with_413(
    client, clean_app, make_request, upload_dir, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "UPLOAD_MAX_BYTES", 1024)
    _cid, _rid, token = make_request()
    assert post_file(client, token, PDF + b"0" * (1024 - len(PDF))).status_code == 303
    response = post_file(client, token, PDF + b"0" * (1025 - len(PDF)))
    assert response.status_code == 413
    assert "Die Datei ist zu groß" in text_of(html_page(response))
    assert len(documents(clean_app)) == 1
    assert len(files_in(upload_dir)) == 1


def test_upload_without_file_shows_german_message(client, clean_app, make_request, upload_dir):
    _cid, _rid, token = make_request()
    response = client.post(
        f"/anfrage/{token}/dokumente", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert "Bitte wählen Sie eine Datei aus." in text_of(html_page(response))
    assert documents(clean_app) == []


def test_upload_rolled_back_transaction_leaves_no_row_and_no_file(
    client, clean_app, make_request, upload_dir, monkeypatch
):
    from wbagentur.intake import services

    _cid, _rid, token = make_request()

    def failing_entry(*args, **kwargs):
        raise RuntimeError("simulated failure after store_upload")

    monkeypatch.setattr(services, "add_entry", failing_entry)
    response = post_file(client, token, PDF)
    assert response.status_code == 500
    assert documents(clean_app) == []
    assert files_in(upload_dir) == []


def test_upload_rate_limit_per_address(client, clean_app, make_request, upload_dir, monkeypatch):
    monkeypatch.setitem(clean_app.config, "INTAKE_UPLOAD_RATE_LIMIT", "2 per hour")
    _cid, _rid, token = make_request()
    statuses = [post_file(client, token, PDF).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    assert len(documents(clean_app)) == 2


def test_status_token_never_logged(client, clean_app, make_request, upload_dir, caplog):
    with caplog.at_level("DEBUG"):
        _cid, _rid, token = make_request()
        client.get(f"/anfrage/{token}")
        post_file(client, token, PDF)
    assert token not in caplog.text


def test_access_log_lines_have_status_token_redacted(caplog):
    import logging

    from wbagentur.core.logfilter import redact_status_tokens

    token = "AbC-123_xyzAbC-123_xyzAbC-123_xyzAbC-123_xy"
    with caplog.at_level("INFO", logger="werkzeug"):
        logging.getLogger("werkzeug").info('"%s" %s %s', f"GET /anfrage/{token} HTTP/1.1", 200, "-")
        logging.getLogger("gunicorn.access").info(
            "%(r)s", {"r": f"POST /anfrage/{token}/dokumente"}
        )
    assert token not in caplog.text
    assert "/anfrage/[…]" in caplog.text
    assert redact_status_tokens("/beratung-anfragen") == "/beratung-anfragen"


def test_access_log_lines_carry_no_search_terms_or_link_secrets():
    import logging

    from wbagentur.core.logfilter import StatusTokenFilter

    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "%s" %s',
        ("127.0.0.1", "GET /faelle?q=M%C3%BCller&status=open HTTP/1.1", "200"),
        None,
    )
    StatusTokenFilter().filter(record)
    line = record.getMessage()
    assert "M%C3%BCller" not in line
    assert "/faelle?[…]" in line
    for path in ("/weiterleitung/Zx81kPq0abcdEFGH1234", "/passwort-neu/Zx81kPq0abcdEFGH1234"):
        record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "GET %s", (path,), None)
        StatusTokenFilter().filter(record)
        assert "Zx81kPq0" not in record.getMessage()
