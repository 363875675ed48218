"""Staff documents on a case: content-checked upload, scoped download with safe headers."""

import io

import sqlalchemy as sa

from wbagentur.cases.models import Document, TimelineEntry
from wbagentur.extensions import db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_upload_pdf_then_download_with_attachment_headers(
    client, auth, make_user, make_case, clean_app
):
    auth.login(make_user("advisor", "SW"))
    case_id = make_case()
    response = client.post(
        f"/faelle/{case_id}/dokumente",
        data={"file": (io.BytesIO(PDF), "Angebot März.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with clean_app.app_context():
        document = db.session.scalar(sa.select(Document))
        assert document.content_type == "application/pdf"
        assert document.source == "staff"
        assert (
            db.session.scalar(sa.select(TimelineEntry.kind).where(TimelineEntry.kind == "document"))
            == "document"
        )
        document_id = document.id
    download = client.get(f"/faelle/{case_id}/dokumente/{document_id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    assert "Angebot" in client.get(f"/faelle/{case_id}").get_data(as_text=True)


def test_upload_html_disguised_as_pdf_is_rejected(client, auth, make_user, make_case, clean_app):
    auth.login(make_user("advisor", "SW"))
    case_id = make_case()
    response = client.post(
        f"/faelle/{case_id}/dokumente",
        data={"file": (io.BytesIO(b"<html><script>alert(1)</script>"), "rechnung.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Erlaubt sind PDF-Dokumente" in response.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


def test_upload_without_file_shows_message(client, auth, make_user, make_case):
    auth.login(make_user("advisor", "SW"))
    case_id = make_case()
    response = client.post(
        f"/faelle/{case_id}/dokumente", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert "Bitte wählen Sie eine Datei aus." in response.get_data(as_text=True)


def test_download_of_other_regions_document_is_404(client, make_user, make_case, clean_app):
    owner = clean_app.test_client()
    sw = make_user("advisor", "SW")
    owner.post("/anmelden", data={"email": sw.email, "password": sw.password})
    case_id = make_case()
    owner.post(
        f"/faelle/{case_id}/dokumente",
        data={"file": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
    )
    with clean_app.app_context():
        document_id = db.session.scalar(sa.select(Document.id))
    nt = make_user("advisor", "NT")
    client.post("/anmelden", data={"email": nt.email, "password": nt.password})
    assert client.get(f"/faelle/{case_id}/dokumente/{document_id}").status_code == 404
