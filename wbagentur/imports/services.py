"""Read an import file, plan each row (create, update, duplicate, error) and apply the plan.

The file is read twice: for the dry run, and again when the importer confirms (from the copy
kept in ``instance/imports``), so what is written is exactly what the dry run showed for the
data then in the database. Duplicates are found with the firms' and persons' own checks
(``firms.services.find_duplicates``, ``persons.services.find_duplicates``) and between the
rows of the file itself. Services flush and audit; the view commits.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from wbagentur.core import audit
from wbagentur.core.errors_domain import DomainError
from wbagentur.core.models import utcnow
from wbagentur.core.numbers import NumberInputError, parse_money_cents, parse_number
from wbagentur.core.text import normalise_search
from wbagentur.extensions import db
from wbagentur.firms import rules as firm_rules
from wbagentur.firms import services as firm_services
from wbagentur.firms.models import Firm
from wbagentur.persons import services as person_services
from wbagentur.regions.models import District

KINDS = ("firms", "persons")
ACTIONS = ("create", "update", "unchanged", "duplicate", "error")
MAX_ROWS = 5000

# German header → (field, type). Headers are matched without case and surrounding spaces.
FIRM_COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("name", "text"),
    "rechtsform": ("legal_form", "text"),
    "handelsregisternummer": ("register_number", "register"),
    "straße": ("street", "text"),
    "plz": ("postcode", "postcode"),
    "ort": ("city", "text"),
    "landkreis": ("district", "district"),
    "e-mail": ("email", "text"),
    "telefon": ("phone", "text"),
    "beschäftigte über 30 std.": ("staff_over_30h", "count"),
    "beschäftigte bis 30 std.": ("staff_up_to_30h", "count"),
    "beschäftigte bis 20 std.": ("staff_up_to_20h", "count"),
    "beschäftigte bis 10 std.": ("staff_up_to_10h", "count"),
    "umsatz (eur)": ("turnover_cents", "money"),
    "bilanzsumme (eur)": ("balance_sheet_cents", "money"),
}
FIRM_REQUIRED = ("name", "landkreis")
PERSON_COLUMNS: dict[str, tuple[str, str]] = {
    "vorname": ("first_name", "text"),
    "nachname": ("last_name", "text"),
    "geburtsdatum": ("birth_date", "date"),
    "e-mail": ("email", "text"),
    "telefon": ("phone", "text"),
    "landkreis": ("district", "district"),
    "arbeitgeber (handelsregisternummer)": ("employer", "register"),
    "wochenstunden": ("weekly_hours", "hours"),
    "beschäftigt seit": ("employed_since", "date"),
}
PERSON_REQUIRED = ("vorname", "nachname", "landkreis")
# Longest text per field (the columns' sizes); longer values are a row error.
MAX_LENGTHS = {
    "name": 160,
    "legal_form": 40,
    "street": 120,
    "city": 80,
    "email": 254,
    "phone": 40,
    "first_name": 80,
    "last_name": 80,
}


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (format, headers, size, empty)."""


@dataclass
class RowPlan:
    line: int  # the row's line in the file (header = 1)
    action: str  # "create", "update", "unchanged", "duplicate", "error"
    label: str  # what the importer recognises the row by (name)
    data: dict[str, Any] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    target_id: int | None = None


@dataclass
class ImportPlan:
    kind: str
    rows: list[RowPlan]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in ACTIONS}


# --- reading the file ---------------------------------------------------------------


def read_table(filename: str, content: bytes) -> list[list[Any]]:
    """The rows of a CSV (``;``, UTF-8 or Windows-1252) or XLSX file (first sheet)."""
    max_bytes = int(current_app.config.get("IMPORT_MAX_BYTES", 2 * 1024 * 1024))
    if len(content) > max_bytes:
        raise ImportFileError(
            f"Die Datei ist zu groß (höchstens {max_bytes // (1024 * 1024)} MB). "
            "Bitte teilen Sie sie auf."
        )
    if not content.strip():
        raise ImportFileError("Die Datei ist leer.")
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        rows = _read_xlsx(content)
    elif lower.endswith(".csv"):
        rows = _read_csv(content)
    else:
        raise ImportFileError(
            "Bitte laden Sie eine CSV-Datei (Trennzeichen ;) oder XLSX-Datei hoch."
        )
    rows = [r for r in rows if any(_is_filled(v) for v in r)]
    if not rows:
        raise ImportFileError("Die Datei ist leer.")
    return rows


def _is_filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _read_csv(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ImportFileError("Die Datei ist keine Textdatei (CSV).")
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=";")]


def _read_xlsx(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same user error
        raise ImportFileError("Die XLSX-Datei lässt sich nicht lesen.") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _header_map(header: list[Any], kind: str) -> dict[int, tuple[str, str]]:
    columns = FIRM_COLUMNS if kind == "firms" else PERSON_COLUMNS
    required = FIRM_REQUIRED if kind == "firms" else PERSON_REQUIRED
    mapping: dict[int, tuple[str, str]] = {}
    seen: set[str] = set()
    unknown = []
    for index, raw in enumerate(header):
        name = " ".join(str(raw or "").split()).lower()
        if not name:
            continue
        if name not in columns:
            unknown.append(str(raw).strip())
            continue
        if name in seen:
            raise ImportFileError(f"Die Spalte „{str(raw).strip()}“ kommt zweimal vor.")
        seen.add(name)
        mapping[index] = columns[name]
    if unknown:
        raise ImportFileError(
            "Unbekannte Spalte: "
            + ", ".join(f"„{u}“" for u in unknown)
            + ". Erlaubt sind: "
            + ", ".join(_title(c) for c in columns)
            + "."
        )
    missing = [c for c in required if c not in seen]
    if missing:
        raise ImportFileError("Es fehlt die Spalte " + ", ".join(_title(c) for c in missing) + ".")
    return mapping


def _title(header: str) -> str:
    titles = {
        "name": "Name",
        "rechtsform": "Rechtsform",
        "handelsregisternummer": "Handelsregisternummer",
        "straße": "Straße",
        "plz": "PLZ",
        "ort": "Ort",
        "landkreis": "Landkreis",
        "e-mail": "E-Mail",
        "telefon": "Telefon",
        "umsatz (eur)": "Umsatz (EUR)",
        "bilanzsumme (eur)": "Bilanzsumme (EUR)",
        "vorname": "Vorname",
        "nachname": "Nachname",
        "geburtsdatum": "Geburtsdatum",
        "arbeitgeber (handelsregisternummer)": "Arbeitgeber (Handelsregisternummer)",
        "wochenstunden": "Wochenstunden",
        "beschäftigt seit": "Beschäftigt seit",
    }
    return f"„{titles.get(header, header[:1].upper() + header[1:].replace('std.', 'Std.'))}“"


# --- converting cells ---------------------------------------------------------------


class CellError(ValueError):
    pass


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _convert(value: Any, kind: str, districts: dict[str, District]) -> Any:
    if not _is_filled(value):
        return None
    if kind == "text":
        return _text(value)
    if kind == "postcode":
        return _postcode(value)
    if kind == "register":
        try:
            return firm_rules.normalise_register_number(_text(value))
        except ValueError:
            raise CellError("ist keine Registernummer wie „HRB 12345“") from None
    if kind == "district":
        district = districts.get(normalise_search(_text(value)))
        if district is None:
            raise CellError("ist kein Thüringer Landkreis und keine kreisfreie Stadt")
        return district
    if kind == "date":
        return _date(value)
    return _bounded(_number(value, kind), kind)


def _postcode(value: Any) -> str:
    text = _text(value).zfill(5) if isinstance(value, int | float) else _text(value)
    if not (len(text) == 5 and text.isdigit()):
        raise CellError("ist keine Postleitzahl (5 Ziffern)")
    return text


def _date(value: Any) -> date:
    """A spreadsheet date, or text typed the German way (TT.MM.JJJJ)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(_text(value), "%d.%m.%Y").date()
    except ValueError:
        raise CellError("ist kein Datum wie 31.12.1980") from None


def _number(value: Any, kind: str) -> Decimal:
    """A spreadsheet number, or text written the German way (core.numbers)."""
    if isinstance(value, bool):
        raise CellError("ist keine Zahl")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        try:
            if kind == "money":
                number = Decimal(parse_money_cents(_text(value), "de") or 0) / 100
            else:
                number = parse_number(_text(value), "de") or Decimal(0)
        except NumberInputError:
            raise CellError("ist keine Zahl in deutscher Schreibweise (z. B. 14.640,00)") from None
    if number < 0:
        raise CellError("darf nicht negativ sein")
    return number


def _bounded(number: Decimal, kind: str) -> int | float:
    if kind == "money":
        if number >= Decimal(10) ** 12:
            raise CellError("ist zu groß")
        if number != number.quantize(Decimal("0.01")):
            raise CellError("hat mehr als zwei Nachkommastellen")
        return int(number * 100)
    if kind == "count":
        if number != number.to_integral_value() or number > 100_000:
            raise CellError("ist keine ganze Zahl bis 100.000")
        return int(number)
    if number > 80:  # hours
        raise CellError("ist mehr als 80 Wochenstunden")
    return float(number)


# --- planning -----------------------------------------------------------------------


def _region_districts(region_id: int) -> dict[str, District]:
    return {
        normalise_search(d.name): d
        for d in db.session.scalars(sa.select(District).where(District.region_id == region_id))
    }


def _all_districts() -> dict[str, District]:
    return {normalise_search(d.name): d for d in db.session.scalars(sa.select(District))}


def plan_import(actor: Any, kind: str, filename: str, content: bytes) -> ImportPlan:
    """What importing the file would do, row by row; writes nothing."""
    if kind not in KINDS:
        raise ImportFileError("Bitte wählen Sie, ob Unternehmen oder Personen importiert werden.")
    if actor.region_id is None:
        raise ImportFileError("Importieren kann nur, wer einer Planungsregion zugeordnet ist.")
    table = read_table(filename, content)
    mapping = _header_map(table[0], kind)
    body = table[1:]
    if not body:
        raise ImportFileError("Die Datei enthält nur die Kopfzeile, keine Datenzeilen.")
    if len(body) > MAX_ROWS:
        raise ImportFileError(f"Höchstens {MAX_ROWS:,} Zeilen je Datei.".replace(",", "."))
    districts = _all_districts()
    region_districts = {d.id for d in _region_districts(actor.region_id).values()}
    rows: list[RowPlan] = []
    for offset, raw in enumerate(body):
        row = RowPlan(line=offset + 2, action="create", label="")
        values: dict[str, Any] = {}
        for index, (name, cell_kind) in mapping.items():
            value = raw[index] if index < len(raw) else None
            try:
                values[name] = _convert(value, cell_kind, districts)
            except CellError as exc:
                row.messages.append(f"{_column_title(kind, name)} „{_text(value)}“ {exc}")
            else:
                limit = MAX_LENGTHS.get(name)
                if limit and isinstance(values[name], str) and len(values[name]) > limit:
                    row.messages.append(
                        f"{_column_title(kind, name)} ist länger als {limit} Zeichen"
                    )
        row.data = values
        _check_row(kind, row, region_districts)
        rows.append(row)
    plan = ImportPlan(kind, rows)
    if kind == "firms":
        _plan_firms(actor, plan)
    else:
        _plan_persons(actor, plan)
    return plan


def _column_title(kind: str, name: str) -> str:
    columns = FIRM_COLUMNS if kind == "firms" else PERSON_COLUMNS
    header = next(h for h, (f, _) in columns.items() if f == name)
    return f"Spalte {_title(header)}:"


def _check_row(kind: str, row: RowPlan, region_districts: set[int]) -> None:
    data = row.data
    if kind == "firms":
        row.label = data.get("name") or ""
        if not data.get("name") and "name" in data:
            row.messages.append("Der Name fehlt")
    else:
        row.label = f"{data.get('first_name') or ''} {data.get('last_name') or ''}".strip()
        for name, title in (("first_name", "Der Vorname"), ("last_name", "Der Nachname")):
            if not data.get(name) and name in data:
                row.messages.append(f"{title} fehlt")
        row.messages.extend(_person_date_problems(data))
    district = data.get("district")
    if district is None and "district" in data and not any("Landkreis" in m for m in row.messages):
        row.messages.append("Der Landkreis fehlt")
    elif district is not None and district.id not in region_districts:
        row.messages.append(
            f"Der Landkreis {district.name} liegt nicht in Ihrer Planungsregion; "
            "dort legt die zuständige Kontaktstelle an"
        )
    if row.messages:
        row.action = "error"


def _person_date_problems(data: dict[str, Any]) -> list[str]:
    """The person form's plausibility checks (no birth in the future or before 1920 …)."""
    from wbagentur.core.timezone import local_today
    from wbagentur.persons import rules as person_rules

    today = local_today()
    birth = data.get("birth_date")
    problems = [
        person_rules.birth_date_problem(birth, today),
        person_rules.employed_since_problem(data.get("employed_since"), birth, today),
    ]
    return [p.rstrip(".") for p in problems if p]


def _plan_firms(actor: Any, plan: ImportPlan) -> None:
    seen: list[tuple[RowPlan, firm_rules.FirmFacts]] = []
    for row in plan.rows:
        if row.action == "error":
            continue
        data = {k: v for k, v in row.data.items() if k != "district"}
        data["district_key"] = row.data["district"].key
        row.data = data
        existing = None
        if data.get("register_number"):
            existing = db.session.scalar(
                sa.select(Firm)
                .join(District, Firm.district_id == District.id)
                .where(
                    Firm.register_number == data["register_number"],
                    District.region_id == actor.region_id,
                )
            )
        if existing is not None:
            row.target_id = existing.id
            changed = _changed_columns(existing, data)
            row.action = "update" if changed else "unchanged"
            row.messages.append(
                f"gleiche Handelsregisternummer wie „{existing.name}“"
                + (f"; ändert: {', '.join(changed)}" if changed else "")
            )
            continue
        facts = firm_rules.FirmFacts(
            id=None,
            name_search=normalise_search(data.get("name")),
            district_key=data["district_key"],
            register_number=data.get("register_number"),
            email_domain=_business_domain(data.get("email")),
        )
        in_file = [
            (other, reasons)
            for other, other_facts in seen
            if (reasons := firm_rules.duplicate_reasons(facts, other_facts))
        ]
        if in_file:
            other, reasons = in_file[0]
            row.action = "duplicate"
            row.messages.append(f"wie Zeile {other.line}: " + ", ".join(reasons))
            continue
        matches = firm_services.find_duplicates(data)
        if matches:
            firm, reasons = matches[0]
            row.action = "duplicate"
            row.target_id = firm.id
            row.messages.append(f"wie „{firm.name}“: " + ", ".join(reasons))
            continue
        seen.append((row, facts))


def _changed_columns(firm: Firm, data: dict[str, Any]) -> list[str]:
    """The file's titles of the filled columns whose value differs from the firm's."""
    titles = {f: _title(h).strip("„“") for h, (f, _) in FIRM_COLUMNS.items()}
    changed = []
    for name, value in data.items():
        if value is None:
            continue
        if name == "district_key":
            if value != firm.district.key:
                changed.append(titles["district"])
        elif getattr(firm, name) != value:
            changed.append(titles[name])
    return changed


def _business_domain(email: str | None) -> str | None:
    return firm_rules.company_domain(email)


def _plan_persons(actor: Any, plan: ImportPlan) -> None:
    from wbagentur.persons import rules as person_rules

    seen: list[tuple[RowPlan, Any]] = []
    for row in plan.rows:
        if row.action == "error":
            continue
        data = {k: v for k, v in row.data.items() if k not in ("district", "employer")}
        data["residence_district_id"] = row.data["district"].id
        register = row.data.get("employer")
        if register:
            employer_id = db.session.scalar(
                sa.select(Firm.id)
                .join(District, Firm.district_id == District.id)
                .where(Firm.register_number == register, District.region_id == actor.region_id)
            )
            if employer_id is None:
                row.action = "error"
                row.messages.append(
                    f"Kein Unternehmen Ihrer Region mit der Handelsregisternummer {register}"
                )
                continue
            data["employer_id"] = employer_id
        row.data = data
        facts = person_rules.PersonFacts(
            None,
            normalise_search(f"{data.get('first_name') or ''} {data.get('last_name') or ''}"),
            data.get("birth_date"),
            data.get("email"),
        )
        in_file = [
            (other, reasons)
            for other, other_facts in seen
            if (reasons := person_rules.duplicate_reasons(facts, other_facts))
        ]
        if in_file:
            other, reasons = in_file[0]
            row.action = "duplicate"
            row.messages.append(f"wie Zeile {other.line}: " + ", ".join(reasons))
            continue
        matches = person_services.find_duplicates(data)
        if matches:
            person, reasons = matches[0]
            row.action = "duplicate"
            row.target_id = person.id
            row.messages.append("wie eine vorhandene Person: " + ", ".join(reasons))
            continue
        seen.append((row, facts))


# --- applying -----------------------------------------------------------------------


def apply_plan(actor: Any, plan: ImportPlan) -> dict[str, int]:
    """Create and update what the plan says; duplicates and errors are left out."""
    created = updated = 0
    for row in plan.rows:
        if row.action == "create":
            if plan.kind == "firms":
                firm_services.create_firm(actor, row.data)
            else:
                person_services.create_person(actor, row.data)
            created += 1
        elif row.action == "update" and plan.kind == "firms":
            firm = db.session.get(Firm, row.target_id)
            if firm is None:
                continue
            data = {k: v for k, v in row.data.items() if v is not None}
            data.setdefault("district_key", firm.district.key)
            firm_services.update_firm(actor, firm, data, expected_version=None)
            updated += 1
    counts = {**plan.counts, "created": created, "updated": updated}
    audit.record(
        actor,
        "import.confirm",
        None,
        None,
        kind=plan.kind,
        rows=len(plan.rows),
        created=created,
        updated=updated,
        duplicates=plan.count("duplicate"),
        errors=plan.count("error"),
    )
    return counts


# --- the uploaded file between dry run and confirmation -----------------------------


def _pending_dir() -> Path:
    configured = current_app.config.get("IMPORT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "imports"


def keep_upload(actor: Any, kind: str, filename: str, content: bytes) -> str:
    """Keep the file until it is confirmed; the token names it (and its owner)."""
    folder = _pending_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    token = f"{actor.id}-{kind}-{secrets.token_urlsafe(16)}{suffix}"
    path = folder / token
    path.write_bytes(content)
    path.chmod(0o600)
    return token


def load_upload(actor: Any, token: str) -> tuple[str, bytes] | None:
    """(kind, content) of the actor's kept file; None for anything else."""
    parts = token.split("-", 2)
    if (
        len(parts) != 3
        or parts[0] != str(actor.id)
        or parts[1] not in KINDS
        or "/" in token
        or "\\" in token
        or token.startswith(".")
    ):
        return None
    path = _pending_dir() / token
    if not path.is_file():
        return None
    return parts[1], path.read_bytes()


def discard_upload(token: str) -> None:
    (_pending_dir() / token).unlink(missing_ok=True)


def remove_stale_uploads(max_age: timedelta = timedelta(hours=24)) -> int:
    """Delete kept files that were never confirmed (they hold personal data); the worker
    runs this hourly (``imports.cleanup``). Returns how many were removed."""
    folder = _pending_dir()
    if not folder.is_dir():
        return 0
    limit = utcnow().timestamp() - max_age.total_seconds()
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
