"""Bulk import: dry run per row, nothing written before confirming, the importer's region,
audited; 1,000 rows with 50 duplicates give exactly 50 flagged; bad files are refused."""

from __future__ import annotations

import io
import random
import string

import pytest
import sqlalchemy as sa

from tests.factories import FirmFactory
from tests.helpers import check_search_indexes
from wbagentur.core.audit import AuditEvent
from wbagentur.core.fulltext import name_condition
from wbagentur.extensions import db
from wbagentur.firms.models import Firm
from wbagentur.persons.models import Person
from wbagentur.regions.models import District

pytestmark = pytest.mark.usefixtures("fixed_clock", "import_dir")


@pytest.fixture
def import_dir(clean_app, tmp_path, monkeypatch):
    """Kept upload files go to the test's own folder, not the instance folder."""
    monkeypatch.setitem(clean_app.config, "IMPORT_DIR", str(tmp_path / "imports"))
    return tmp_path / "imports"


SW_DISTRICTS = ("Suhl", "Wartburgkreis", "Schmalkalden-Meiningen", "Hildburghausen", "Sonneberg")
FIRM_HEADER = "Name;Landkreis;Handelsregisternummer;E-Mail;Beschäftigte über 30 Std.;Umsatz (EUR)"


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _upload(client, content: bytes, kind: str = "firms", filename: str = "liste.csv"):
    return client.post(
        "/import",
        data={"kind": kind, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _token(page_text: str) -> str:
    import re

    match = re.search(r'name="token" type="hidden" value="([^"]+)"', page_text)
    assert match is not None, page_text
    return match.group(1)


def _firm(app, name: str, district: str, register: str | None = None) -> int:
    with app.app_context():
        district_id = db.session.scalar(sa.select(District.id).where(District.name == district))
        firm = FirmFactory(
            name=name, district_id=district_id, register_number=register, staff_over_30h=0
        )
        db.session.commit()
        return firm.id


def _firm_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Firm.id)))


def _random_name(rng: random.Random) -> str:
    """Names that the similarity check cannot confuse (random letters)."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(14)).title() + " GmbH"


def test_dry_run_writes_nothing_and_confirm_creates_in_region(client, clean_app, make_user, auth):
    advisor = make_user("advisor", "SW")
    auth.login(advisor)
    existing = _firm(clean_app, "Alt Bestand KG", "Suhl", "HRB 4711")
    before = _firm_count(clean_app)
    content = _csv(
        [
            FIRM_HEADER,
            "Neue Fräserei Suhl GmbH;Suhl;HRB 9001;info@fraeserei.example;12;1.234.567,89",
            "Alt Bestand KG;Suhl;HRB 4711;kontakt@altbestand.example;5;",
            "Alt Bestand;Suhl;;;;",
            "Alt Bestand KG;Suhl;HRB 4711;;;",
            "Fehlerhafte Zahl GmbH;Suhl;;;zwölf;12,345",
            "Falsche Region GmbH;Erfurt;;;;",
        ]
    )
    response = _upload(client, content)
    assert response.status_code == 200
    text = response.text
    assert "Probelauf des Imports" in text
    actions = __import__("re").findall(r'data-action="(\w+)"', text)
    assert actions == ["create", "update", "duplicate", "unchanged", "error", "error"]
    assert "ändert: E-Mail, Beschäftigte über 30 Std." in text
    assert "wie „Alt Bestand KG“: ähnlicher Name im selben Kreis" in text
    assert "„zwölf“ ist keine Zahl" in text
    assert "Erfurt liegt nicht in Ihrer Planungsregion" in text
    assert _firm_count(clean_app) == before  # the dry run wrote nothing

    response = client.post("/import/bestaetigen", data={"token": _token(text)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/unternehmen")
    with clean_app.app_context():
        firm = db.session.scalar(sa.select(Firm).where(Firm.register_number == "HRB 9001"))
        assert firm is not None
        assert firm.district.region.code == "SW"
        assert firm.turnover_cents == 123456789
        assert firm.staff_over_30h == 12
        assert firm.email == "info@fraeserei.example"
        # Imported and updated firms are found by the search (SQLite: through its index).
        assert db.session.scalars(
            sa.select(Firm.id).where(name_condition(Firm.name_search, "fräserei suhl"))
        ).all() == [firm.id]
        check_search_indexes()
        updated = db.session.get(Firm, existing)
        assert (updated.name, updated.email, updated.staff_over_30h) == (
            "Alt Bestand KG",
            "kontakt@altbestand.example",
            5,
        )
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "import.confirm")
        )
    assert _firm_count(clean_app) == before + 1
    assert {"firm.create", "firm.update", "import.confirm"} <= actions
    assert event.actor_id == advisor.id
    assert '"created": 1' in event.details
    # The same file cannot be confirmed twice.
    again = client.post("/import/bestaetigen", data={"token": _token(text)}, follow_redirects=True)
    assert "schon importiert" in again.text
    assert _firm_count(clean_app) == before + 1


def test_thousand_rows_with_fifty_duplicates_flag_exactly_fifty(client, clean_app, make_user, auth):
    rng = random.Random(21)
    auth.login(make_user("advisor", "SW"))
    existing_names = [_random_name(rng) for _ in range(30)]
    for i, name in enumerate(existing_names):
        _firm(clean_app, name, SW_DISTRICTS[i % 5])
    lines = [FIRM_HEADER]
    new_names = [_random_name(rng) for _ in range(950)]
    for i, name in enumerate(new_names):
        lines.append(f"{name};{SW_DISTRICTS[i % 5]};;;{i % 40};{i + 1}.000,50")
    # 30 rows name a firm already in the database, 20 rows repeat a row of the file.
    for i, name in enumerate(existing_names):
        lines.append(f"{name};{SW_DISTRICTS[i % 5]};;;3;")
    for i in range(20):
        lines.append(f"{new_names[i * 7]};{SW_DISTRICTS[(i * 7) % 5]};;;1;")
    rng.shuffle(body := lines[1:])
    content = _csv([FIRM_HEADER, *body])
    assert len(body) == 1000

    response = _upload(client, content)
    actions = __import__("re").findall(r'data-action="(\w+)"', response.text)
    assert len(actions) == 1000
    assert actions.count("duplicate") == 50
    assert actions.count("create") == 950
    before = _firm_count(clean_app)
    client.post("/import/bestaetigen", data={"token": _token(response.text)})
    assert _firm_count(clean_app) == before + 950


def test_person_import_with_german_dates_and_numbers(client, clean_app, make_user, auth):
    auth.login(make_user("advisor", "SW"))
    _firm(clean_app, "Arbeitgeber GmbH", "Suhl", "HRB 123")
    content = _csv(
        [
            "Vorname;Nachname;Geburtsdatum;E-Mail;Landkreis;Arbeitgeber (Handelsregisternummer);"
            "Wochenstunden;Beschäftigt seit",
            "Erika;Muster;02.12.1980;erika@example.org;Suhl;HRB 123;38,5;01.03.2015",
            "Erika;Muster;02.12.1980;;Sonneberg;;;",
            "Max;Falsch;31.02.1990;;Suhl;;;",
            "Moritz;Ohnefirma;;;Suhl;HRB 999;;",
            "Kind;Zukunft;01.01.2090;;Suhl;;;",
            "Greta;Früh;02.12.1980;;Suhl;;;01.01.1975",
        ]
    )
    response = _upload(client, content, kind="persons")
    actions = __import__("re").findall(r'data-action="(\w+)"', response.text)
    assert actions == ["create", "duplicate", "error", "error", "error", "error"]
    assert "„31.02.1990“ ist kein Datum" in response.text
    assert "Das Geburtsdatum darf nicht in der Zukunft liegen" in response.text
    assert "Die Beschäftigung kann nicht vor der Geburt begonnen haben" in response.text
    client.post("/import/bestaetigen", data={"token": _token(response.text)})
    with clean_app.app_context():
        person = db.session.scalar(sa.select(Person).where(Person.last_name == "Muster"))
        count = db.session.scalar(sa.select(sa.func.count(Person.id)))
    assert count == 1
    assert person.weekly_hours == 38.5
    assert person.birth_date.isoformat() == "1980-12-02"
    assert person.employed_since.isoformat() == "2015-03-01"
    assert person.employer.name == "Arbeitgeber GmbH"


def test_xlsx_file_is_read(client, clean_app, make_user, auth):
    from openpyxl import Workbook

    auth.login(make_user("advisor", "SW"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Landkreis", "Umsatz (EUR)", "Beschäftigte über 30 Std."])
    sheet.append(["Tabellen GmbH", "Sonneberg", 14640, 7])
    sheet.append(["Text Zahl GmbH", "Hildburghausen", "14.640,00", "8"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client, buffer.getvalue(), filename="liste.xlsx")
    assert __import__("re").findall(r'data-action="(\w+)"', response.text) == ["create", "create"]
    client.post("/import/bestaetigen", data={"token": _token(response.text)})
    with clean_app.app_context():
        turnovers = set(db.session.scalars(sa.select(Firm.turnover_cents)))
    assert turnovers == {1464000}


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "leer.csv", "Die Datei ist leer."),
        (b"  \n ;; \n", "leer.csv", "Die Datei ist leer."),
        (b"Name;Landkreis\n", "kopf.csv", "nur die Kopfzeile"),
        (b"Firma;Kreis\nA;Suhl\n", "falsch.csv", "Unbekannte Spalte: „Firma“, „Kreis“"),
        (b"Name;Ort\nA;Suhl\n", "fehlt.csv", "Es fehlt die Spalte „Landkreis“"),
        (b"Name;Name;Landkreis\nA;B;Suhl\n", "doppelt.csv", "kommt zweimal vor"),
        (b"Name;Landkreis\nA;Suhl\n", "liste.pdf", "CSV-Datei"),
        (b"PK\x03\x04kaputt", "kaputt.xlsx", "lässt sich nicht lesen"),
    ],
)
def test_bad_files_are_refused_with_a_message(
    client, clean_app, make_user, auth, content, filename, message
):
    auth.login(make_user("advisor", "SW"))
    before = _firm_count(clean_app)
    response = _upload(client, content, filename=filename)
    assert response.status_code == 400
    assert message in response.text
    assert _firm_count(clean_app) == before


def test_too_big_file_is_refused(client, clean_app, make_user, auth, monkeypatch):
    auth.login(make_user("advisor", "SW"))
    monkeypatch.setitem(clean_app.config, "IMPORT_MAX_BYTES", 1024 * 1024)
    content = _csv([FIRM_HEADER] + [f"Firma {i};Suhl;;;;" for i in range(60000)])
    assert len(content) > 1024 * 1024
    response = _upload(client, content)
    assert response.status_code == 400
    assert "Die Datei ist zu groß (höchstens 1 MB)" in response.text


def test_missing_file_and_kind_are_form_errors(client, make_user, auth):
    auth.login(make_user("advisor", "SW"))
    response = client.post("/import", data={"kind": "autos"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Bitte wählen Sie eine Datei aus." in response.text


def test_bad_numbers_in_rows_are_reported_per_row(client, clean_app, make_user, auth):
    auth.login(make_user("advisor", "SW"))
    content = _csv(
        [
            FIRM_HEADER,
            "A GmbH;Suhl;;;1.5;",  # 1.5 in German is fifteen hundred? no: "1.5" is not a group
            "B GmbH;Suhl;;;-3;",
            "C GmbH;Suhl;;;;12,345",
            "D GmbH;Suhl;;;;1e5",
            "E GmbH;Suhl;HRX 1;;;",
        ]
    )
    response = _upload(client, content)
    actions = __import__("re").findall(r'data-action="(\w+)"', response.text)
    assert actions == ["error"] * 5
    assert "darf nicht negativ sein" in response.text
    assert "ist keine Registernummer" in response.text


def test_confirm_needs_the_importers_own_file(client, clean_app, make_user, auth):
    auth.login(make_user("advisor", "SW"))
    response = _upload(client, _csv([FIRM_HEADER, "Eigene GmbH;Suhl;;;;"]))
    token = _token(response.text)
    auth.logout()
    auth.login(make_user("advisor", "SW"))
    other = client.post("/import/bestaetigen", data={"token": token}, follow_redirects=True)
    assert "schon importiert oder abgelaufen" in other.text
    for bad in ("../secret_key", "1-firms-../../x.csv", ""):
        assert client.post("/import/bestaetigen", data={"token": bad}).status_code == 302
    assert _firm_count(clean_app) == 0 or "Eigene GmbH" not in _names(clean_app)


def _names(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(Firm.name)))


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_only_regional_editors_import(client, make_user, auth, role):
    auth.login(make_user(role))
    assert client.get("/import").status_code == 403


def test_unconfirmed_uploads_are_removed_by_the_worker_after_a_day(
    client, clean_app, make_user, auth, import_dir
):
    import os
    import time

    from wbagentur.jobs import services as jobs

    auth.login(make_user("advisor", "SW"))
    _upload(client, _csv([FIRM_HEADER, "Alt GmbH;Suhl;;;;"]))
    _upload(client, _csv([FIRM_HEADER, "Neu GmbH;Suhl;;;;"]))
    old, new = sorted(import_dir.iterdir(), key=lambda p: p.stat().st_mtime)
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    with clean_app.app_context():
        job = next(j for j in jobs.registered_jobs() if j.name == "imports.cleanup")
        assert jobs.run_job(job, "test-worker") == "1 Dateien"
    assert not old.exists()
    assert new.exists()
