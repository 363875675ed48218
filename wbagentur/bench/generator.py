"""A large, realistic, deterministic data set for benchmarks (issue 8).

Everything is written in bulk with ids computed here (SQLite: the driver's
``executemany`` in chunks of 5,000; PostgreSQL: ``COPY``), so 100,000 cases take
seconds, not the minutes the ORM and the services would need. Names and addresses come
from small Faker ``de_DE`` pools drawn once (same seed, same data); distributions follow
shared/domain/brief.md: four regions and all 22 districts, four years of cases, most old
cases closed, recent ones new or in advice, referrals with states, outcomes, amounts and
their events.

The schema must exist (migrations); the data set is meant for an otherwise empty
database (``flask bench generate`` recreates it), but ids continue after existing rows.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from faker import Faker

from wbagentur.accounts.models import User
from wbagentur.cases.models import (
    Case,
    CaseCounter,
    FollowUp,
    TimelineEntry,
    case_participants,
    case_topics,
)
from wbagentur.core.models import UTCDateTime
from wbagentur.core.text import normalise_search
from wbagentur.esf.models import ENTRY_STATUSES as ESF_STATUSES
from wbagentur.esf.models import EXIT_SITUATIONS as ESF_EXITS
from wbagentur.esf.models import EsfParticipation
from wbagentur.extensions import db
from wbagentur.firms.models import Firm, FirmContact
from wbagentur.intake.models import AdviceRequest
from wbagentur.partners.models import Partner, partner_districts, partner_programmes
from wbagentur.persons.models import Consent, Person
from wbagentur.referrals.models import Referral, ReferralEvent, Transfer
from wbagentur.regions.models import ContactPoint, District, Region
from wbagentur.reports.marks import mark_everything

CHUNK = 5_000
BENCH_DOMAIN = "bench.example"
# One known password for every generated account (documented in docs/performance.md).
BENCH_PASSWORD = "Bench-Kennwort-Fallzahlen-2026"  # noqa: S105 (synthetic data only)
ADVISORS_PER_REGION = 8  # at least; more with more cases (advisors_per_region)
CASES_PER_ADVISOR = 1_000
BERLIN = ZoneInfo("Europe/Berlin")

# Every table the generator writes (PostgreSQL drops their foreign keys and plain
# indexes for the load, see _drop_load_constraints).
LOADED_TABLES: tuple[sa.Table, ...] = (
    User.__table__,
    Firm.__table__,
    FirmContact.__table__,
    Person.__table__,
    Case.__table__,
    case_topics,
    case_participants,
    CaseCounter.__table__,
    AdviceRequest.__table__,
    TimelineEntry.__table__,
    FollowUp.__table__,
    Consent.__table__,
    Referral.__table__,
    ReferralEvent.__table__,
    Transfer.__table__,
)


@dataclass(frozen=True)
class Volume:
    """How many rows of each kind to create."""

    firms: int
    persons: int
    cases: int
    timeline: int
    referrals: int

    @classmethod
    def for_cases(cls, cases: int, scale: float = 1.0) -> Volume:
        """The benchmark proportions (20k firms, 60k persons, 300k entries, 150k referrals
        per 100k cases), times ``scale``."""
        n = max(4, int(cases * scale))
        return cls(
            firms=max(4, n // 5),
            persons=max(4, n * 3 // 5),
            cases=n,
            timeline=n * 3,
            referrals=n * 3 // 2,
        )


DEFAULT_VOLUME = Volume.for_cases(100_000)


def advisors_per_region(cases: int) -> int:
    """Advisors grow with the cases (one per 1,000 cases, at least 8
    a region): 100,000 cases give 25 a region, so that a load test of 200 users shares each
    account at most twice (``SESSION_MAX_PER_USER``) and a million cases are not the
    workload of 32 people."""
    return max(ADVISORS_PER_REGION, cases // (CASES_PER_ADVISOR * 4))


# ---------------------------------------------------------------- vocabulary

LEGAL_FORMS = (
    ("GmbH", 45),
    ("GmbH & Co. KG", 10),
    ("e. K.", 12),
    ("UG (haftungsbeschränkt)", 8),
    ("AG", 2),
    ("KG", 5),
    ("OHG", 3),
    ("GbR", 8),
    ("eG", 2),
    ("e. V.", 5),
)
TRADES = (
    "Metallbau",
    "Elektrotechnik",
    "Logistik",
    "Holzbau",
    "Pflegedienst",
    "Software",
    "Kunststofftechnik",
    "Präzisionsteile",
    "Dachdeckerei",
    "Bäckerei",
    "Optik",
    "Sanitär",
    "Maschinenbau",
    "Glastechnik",
    "Landtechnik",
    "Gebäudereinigung",
    "Steuerberatung",
    "Autohaus",
    "Druckerei",
    "Tischlerei",
    "Hotel",
    "Catering",
    "Medizintechnik",
    "Solartechnik",
)
WZ_DIVISIONS = (
    "10",
    "16",
    "22",
    "25",
    "26",
    "27",
    "28",
    "29",
    "33",
    "41",
    "43",
    "45",
    "46",
    "47",
    "49",
    "55",
    "56",
    "62",
    "69",
    "71",
    "81",
    "86",
    "87",
    "88",
)
# District weights roughly follow population (the cities and large Landkreise get more).
DISTRICT_WEIGHTS = {
    "16051": 22,
    "16052": 9,
    "16053": 11,
    "16054": 3,
    "16055": 6,
    "16061": 10,
    "16062": 8,
    "16063": 16,
    "16064": 10,
    "16065": 7,
    "16066": 12,
    "16067": 13,
    "16068": 7,
    "16069": 6,
    "16070": 10,
    "16071": 8,
    "16072": 5,
    "16073": 10,
    "16074": 8,
    "16075": 8,
    "16076": 9,
    "16077": 9,
}
CHANNEL_WEIGHTS = {
    "public_form": 25,
    "phone": 30,
    "email": 20,
    "visit": 10,
    "event": 8,
    "partner": 7,
}
TOPIC_WEIGHTS = {
    "digital": 20,
    "emobility": 6,
    "leadership": 10,
    "upgrade": 14,
    "recognition": 5,
    "language": 6,
    "basic_skills": 5,
    "care": 8,
    "sustainability": 6,
    "funding": 18,
    "other": 2,
}
OUTCOME_WEIGHTS = {
    "advice_completed": 35,
    "funding_referred": 25,
    "training_started": 20,
    "no_need": 8,
    "no_contact": 7,
    "withdrawn": 3,
    "other": 2,
}
EMPLOYMENT_WEIGHTS = {
    "unemployed": 30,
    "threatened": 15,
    "self_employed": 10,
    "employed": 30,
    "apprentice": 5,
    "not_employed": 10,
}
TITLES = {
    "digital": "Digitale Kompetenzen für {who}",
    "emobility": "Umschulung auf Hochvolttechnik ({who})",
    "leadership": "Führungskräfteentwicklung – {who}",
    "upgrade": "Aufstiegsfortbildung zum Meister ({who})",
    "recognition": "Anerkennung eines ausländischen Abschlusses ({who})",
    "language": "Berufsbezogenes Deutsch für {who}",
    "basic_skills": "Grundkompetenzen am Arbeitsplatz ({who})",
    "care": "Weiterbildung in der Pflege ({who})",
    "sustainability": "Energiemanagement und Nachhaltigkeit ({who})",
    "funding": "Fördermöglichkeiten für {who}",
    "other": "Weiterbildungsberatung ({who})",
}
NOTES = (
    "Bedarf und Fördermöglichkeiten besprochen; Unterlagen folgen.",
    "Angebot des Bildungsträgers liegt vor, Rückmeldung des Unternehmens steht aus.",
    "Rückruf vereinbart, Teilnehmende klären den Termin mit der Schichtleitung.",
    "Förderprüfung vorbereitet, Gehaltsnachweise fehlen noch.",
    "Kursbeginn verschoben, neuer Termin im nächsten Quartal.",
    "Unternehmen prüft die Freistellung der Beschäftigten.",
    "Beratungsgespräch vor Ort; drei Beschäftigte interessiert.",
    "Teilnahmebescheinigung angefordert.",
)
FOLLOW_UP_TITLES = (
    "Angebot des Bildungsträgers nachfassen",
    "Unterlagen zur Förderprüfung anfordern",
    "Rückmeldung der Agentur für Arbeit prüfen",
    "Termin für Zweitgespräch vereinbaren",
    "Kursbeginn bestätigen lassen",
)
PURPOSES = (
    "Prüfung der Förderung der geplanten Weiterbildung",
    "Bitte um Beratung zur Finanzierung der Aufstiegsfortbildung",
    "Weiterleitung der Anfrage zur Zuständigkeitsprüfung",
    "Antrag auf Bildungsgutschein vorbereiten",
)
DECLINE_WEIGHTS = {
    "not_responsible": 35,
    "not_eligible": 35,
    "no_capacity": 10,
    "incomplete": 15,
    "other": 5,
}
REFERRAL_OUTCOME_WEIGHTS = {"approved": 70, "rejected": 20, "withdrawn_by_client": 10}
LEGAL_BASIS = "Art. 6 Abs. 1 lit. b DSGVO (Anfrage des Unternehmens)"


@lru_cache(maxsize=1)
def bench_password_hash() -> str:
    """The argon2 hash of BENCH_PASSWORD, computed once per process (~0.1 s each)."""
    from wbagentur.accounts.passwords import hash_password

    return hash_password(BENCH_PASSWORD)


def local_part(name: str) -> str:
    """A name as the local part of a generated e-mail address (folded, no spaces)."""
    return normalise_search(name).replace(" ", "")


def _weighted(rnd: random.Random, weights: dict[str, int]) -> Callable[[], str]:
    keys, values = list(weights), list(weights.values())
    cumulative = [sum(values[: i + 1]) for i in range(len(values))]
    total = cumulative[-1]

    def pick() -> str:
        return keys[_bisect(cumulative, rnd.random() * total)]

    return pick


def _bisect(cumulative: Sequence[float], x: float) -> int:
    lo, hi = 0, len(cumulative)
    while lo < hi:
        mid = (lo + hi) // 2
        if cumulative[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return min(lo, len(cumulative) - 1)


class _Writer:
    """Chunked bulk inserts with progress output.

    Both go to the driver on the session's own connection (same transaction), past
    SQLAlchemy's per-row statement handling: SQLite gets ``executemany`` in chunks of
    5,000, PostgreSQL ``COPY … FROM STDIN``. Core executemany on PostgreSQL sends batches
    of multi-row INSERTs that the server parses and plans one by one: the 100,000-case
    load took 91 s on a quiet machine. Both paths write the same rows, converted by the
    same function (tests/bench/test_generator_backends.py compares them).
    """

    def __init__(self, echo: Callable[[str], None]) -> None:
        self.echo = echo
        self.counts: dict[str, int] = {}

    def insert(
        self, table: sa.Table, rows: Iterable[dict[str, Any]], label: str | None = None
    ) -> int:
        started = time.perf_counter()
        convert = _row_converter(table)
        converted = (convert(row) for row in rows)
        if db.session.get_bind().dialect.name == "postgresql":
            total = _copy_rows(table, converted)
        else:
            total = _executemany_rows(table, converted)
        self.counts[table.name] = self.counts.get(table.name, 0) + total
        self.echo(
            f"  {label or table.name:<22} {total:>9,} Zeilen  {time.perf_counter() - started:6.1f} "
            "s"
        )
        return total


def _raw_connection() -> Any:
    """The DBAPI connection under the session (same transaction as the ORM work)."""
    dbapi = db.session.connection().connection.dbapi_connection
    assert dbapi is not None
    return dbapi


def _columns_of(
    table: sa.Table, rows: Iterator[dict[str, Any]]
) -> tuple[tuple[str, ...], Iterator[tuple[Any, ...]]] | None:
    """The column names (those of the first row; columns left out get their server
    defaults, as with INSERT) and the rows as tuples in that order. Like an
    executemany, every row must have the same keys."""
    first = next(rows, None)
    if first is None:
        return None
    columns = tuple(first)
    width = len(columns)

    def tuples() -> Iterator[tuple[Any, ...]]:
        for row in itertools.chain((first,), rows):
            if len(row) != width:
                raise ValueError(f"{table.name}: row keys {sorted(row)} differ from {columns}")
            yield tuple([row[name] for name in columns])

    return columns, tuples()


def _copy_rows(table: sa.Table, rows: Iterator[dict[str, Any]]) -> int:
    """PostgreSQL: stream ``rows`` into ``table`` with COPY; psycopg adapts the Python
    values (aware datetimes, dates, bools) the way it binds them in an INSERT."""
    found = _columns_of(table, rows)
    if found is None:
        return 0
    columns, tuples = found
    from psycopg import sql as pgsql

    statement = pgsql.SQL("COPY {} ({}) FROM STDIN").format(
        pgsql.Identifier(table.name), pgsql.SQL(", ").join(map(pgsql.Identifier, columns))
    )
    total = 0
    with _raw_connection().cursor() as cursor, cursor.copy(statement) as copy:
        for values in tuples:
            copy.write_row(values)
            total += 1
    return total


def _executemany_rows(table: sa.Table, rows: Iterator[dict[str, Any]]) -> int:
    """SQLite: the driver's ``executemany`` in chunks, with the values already converted
    to what the typed columns would store (see ``_row_converter``)."""
    found = _columns_of(table, rows)
    if found is None:
        return 0
    columns, tuples = found
    # "INSERT INTO t (a, b) VALUES (?, ?)" with the dialect's identifier quoting.
    statement = str(
        sa.insert(sa.table(table.name, *map(sa.column, columns))).compile(
            dialect=db.session.get_bind().dialect,
            column_keys=list(columns),
        )
    )
    cursor = _raw_connection().cursor()
    total = 0
    try:
        while chunk := list(itertools.islice(tuples, CHUNK)):
            cursor.executemany(statement, chunk)
            total += len(chunk)
    finally:
        cursor.close()
    return total


def _row_converter(table: sa.Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function that completes and converts a generated row of ``table`` for the driver.

    Two thirds of the time of a typed executemany went into SQLAlchemy's per-value bind
    processing (UTCDateTime, then SQLite's DATETIME formatting). The rows here are built
    by this module, so the values are converted once, in bulk, to exactly what the typed
    columns would send: on SQLite naive UTC text in SQLAlchemy's storage format
    (``YYYY-MM-DD HH:MM:SS.ffffff``) and ISO dates; on PostgreSQL aware datetimes as they are.
    """
    # Python-side column defaults (the raw insert does not know them), e.g. for columns
    # other modules add later; callables (utcnow) are evaluated once per insert.
    defaults: dict[str, Any] = {}
    for c in table.c:
        if c.default is not None and getattr(c.default, "is_scalar", False):
            defaults[c.name] = c.default.arg  # type: ignore[attr-defined]
        elif c.default is not None and getattr(c.default, "is_callable", False):
            defaults[c.name] = c.default.arg(None)  # type: ignore[attr-defined]
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    datetimes = (
        [c.name for c in table.c if isinstance(c.type, (sa.DateTime, UTCDateTime))]
        if sqlite
        else []
    )
    dates = (
        [
            c.name
            for c in table.c
            if isinstance(c.type, sa.Date) and not isinstance(c.type, sa.DateTime)
        ]
        if sqlite
        else []
    )

    def convert(row: dict[str, Any]) -> dict[str, Any]:
        for name, value in defaults.items():
            if name not in row:
                row[name] = value
        for name in datetimes:
            value = row.get(name)
            if value is not None and not isinstance(value, str):
                # All generated datetimes are UTC; cut "+00:00" off the ISO form.
                row[name] = value.isoformat(" ", "microseconds")[:26]
        for name in dates:
            value = row.get(name)
            if value is not None and not isinstance(value, str):
                row[name] = value.isoformat()
        return row

    return convert


def _next_id(table: sa.Table) -> int:
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))) or 0) + 1


def generate(  # noqa: C901 (one linear pass over the tables; see the ---- sections)
    volume: Volume = DEFAULT_VOLUME,
    *,
    seed: int = 42,
    now: datetime | None = None,
    password_hash: str | None = None,
    echo: Callable[[str], None] = print,
) -> dict[str, int]:
    """Fill the database of the current app context; return the row counts per table.

    Flushes through the session but does not commit (the caller commits once).
    """
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    rnd = random.Random(seed)
    fake = Faker("de_DE")
    fake.seed_instance(seed)
    writer = _Writer(echo)
    restore_schema = _drop_load_constraints(LOADED_TABLES)
    echo(
        f"Erzeuge {volume.cases:,} Fälle, {volume.firms:,} Unternehmen, {volume.persons:,} "
        "Personen "
        f"(Saat {seed}) …"
    )

    # ---- reference data (created by the migrations)
    regions = {r.id: r.code for r in db.session.scalars(sa.select(Region))}
    districts = list(
        db.session.execute(
            sa.select(District.id, District.key, District.name, District.region_id).order_by(
                District.key
            )
        )
    )
    district_region = {d.id: d.region_id for d in districts}
    district_name = {d.id: d.name for d in districts}
    district_cum: list[float] = []
    acc = 0.0
    for d in districts:
        acc += DISTRICT_WEIGHTS.get(d.key, 8)
        district_cum.append(acc)

    def pick_district() -> int:
        return int(districts[_bisect(district_cum, rnd.random() * acc)].id)

    contact_points = {
        cp.region_id: cp.id
        for cp in db.session.scalars(sa.select(ContactPoint).order_by(ContactPoint.id))
    }

    # ---- Faker pools, drawn once: fast and deterministic
    last_names = [fake.last_name() for _ in range(1500)]
    first_f = [fake.first_name_female() for _ in range(500)]
    first_m = [fake.first_name_male() for _ in range(500)]
    streets = [fake.street_name() for _ in range(800)]
    words = [normalise_search(fake.last_name()).replace(" ", "-") for _ in range(1500)]

    # ---- users
    pw_hash = password_hash or bench_password_hash()
    user_id = _next_id(User.__table__)
    users: list[dict[str, Any]] = []
    advisors: dict[int, list[int]] = {}
    created = now - timedelta(days=5 * 365)

    def add_user(email: str, name: str, role: str, region_id: int | None) -> int:
        nonlocal user_id
        uid = user_id
        user_id += 1
        users.append(
            {
                "id": uid,
                "email": email,
                "display_name": name,
                "role": role,
                "contact_point_id": contact_points[region_id] if region_id else None,
                "password_hash": pw_hash,
                "is_active": True,
                "password_changed_at": now,
                "last_login_at": None,
                "created_at": created,
                "updated_at": created,
            }
        )
        return uid

    for region_id, code in sorted(regions.items()):
        for n in range(1, advisors_per_region(volume.cases) + 1):
            first = rnd.choice(first_f if n % 2 else first_m)
            advisors.setdefault(region_id, []).append(
                add_user(
                    f"berater{n}.{code.lower()}@{BENCH_DOMAIN}",
                    f"{first} {rnd.choice(last_names)}",
                    "advisor",
                    region_id,
                )
            )
        add_user(
            f"leitung.{code.lower()}@{BENCH_DOMAIN}",
            f"Dr. {rnd.choice(first_m)} {rnd.choice(last_names)}",
            "supervisor",
            region_id,
        )
    add_user(f"koordination@{BENCH_DOMAIN}", "Landeskoordination", "coordinator", None)
    add_user(f"admin@{BENCH_DOMAIN}", "Systemadministration", "admin", None)
    writer.insert(User.__table__, users)

    span_start = now - timedelta(days=4 * 365)
    span_days = (now - span_start).days

    # ---- firms and firm contacts
    firm_id0 = _next_id(Firm.__table__)
    legal = _weighted(rnd, dict(LEGAL_FORMS))
    firm_district: list[int] = []
    firms: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    contact_id = _next_id(FirmContact.__table__)
    for i in range(volume.firms):
        did = pick_district()
        firm_district.append(did)
        form = legal()
        pattern = rnd.random()
        if pattern < 0.55:
            name = f"{rnd.choice(last_names)} {rnd.choice(TRADES)} {form}"
        elif pattern < 0.8:
            name = f"{rnd.choice(TRADES)} {district_name[did]} {form}"
        else:
            name = f"{rnd.choice(last_names)} & {rnd.choice(last_names)} {form}"
        full = min(1500, int(rnd.lognormvariate(1.8, 1.2)) + 1)
        domain = f"{words[i % len(words)]}-{i}.example"
        at = span_start - timedelta(days=rnd.randint(0, 365))
        firms.append(
            {
                "id": firm_id0 + i,
                "name": name[:160],
                "name_search": normalise_search(name)[:160],
                "legal_form": form,
                "register_number": f"HRB {100000 + i}" if "GmbH" in form or form == "AG" else None,
                "wz_code": rnd.choice(WZ_DIVISIONS),
                "street": f"{rnd.choice(streets)} {rnd.randint(1, 120)}",
                "postcode": f"{rnd.randint(4000, 99999):05d}",
                "city": district_name[did],
                "district_id": did,
                "email": f"info@{domain}",
                "email_domain": domain,
                "phone": f"0361 {rnd.randint(100000, 999999)}",
                "staff_over_30h": full,
                "staff_up_to_30h": rnd.randint(0, max(1, full // 4)),
                "staff_up_to_20h": rnd.randint(0, max(1, full // 6)),
                "staff_up_to_10h": rnd.randint(0, max(1, full // 8)),
                "group_headcount": None,
                "turnover_cents": full * rnd.randint(60_000, 180_000) * 100,
                "balance_sheet_cents": None,
                "has_collective_agreement_training": rnd.random() < 0.2,
                "has_works_agreement_training": rnd.random() < 0.15,
                "has_works_council": full >= 30 and rnd.random() < 0.6,
                "seat_in_thuringia": rnd.random() < 0.97,
                "version": 1,
                "created_at": at,
                "updated_at": at,
            }
        )
        contact_name = f"{rnd.choice(first_f + first_m)} {rnd.choice(last_names)}"
        contacts.append(
            {
                "id": contact_id + i,
                "firm_id": firm_id0 + i,
                "name": contact_name,
                "name_search": normalise_search(contact_name)[:100],
                "function": rnd.choice(
                    ("Geschäftsführung", "Personalleitung", "Ausbildungsleitung")
                ),
                "email": f"personal@{domain}",
                "phone": None,
                "created_at": at,
                "updated_at": at,
            }
        )
    writer.insert(Firm.__table__, firms, "firms")
    writer.insert(FirmContact.__table__, contacts, "firm_contacts")
    del firms, contacts

    # ---- persons (two thirds employed at a generated firm)
    person_id0 = _next_id(Person.__table__)
    employment = _weighted(rnd, EMPLOYMENT_WEIGHTS)
    person_district: list[int] = []
    employees: dict[int, list[int]] = {}
    individuals: list[int] = []
    persons: list[dict[str, Any]] = []
    for i in range(volume.persons):
        pid = person_id0 + i
        female = rnd.random() < 0.52
        first = rnd.choice(first_f if female else first_m)
        last = rnd.choice(last_names)
        employer = None
        if rnd.random() < 0.67:
            f_index = rnd.randrange(volume.firms)
            employer = firm_id0 + f_index
            employees.setdefault(f_index, []).append(pid)
            residence = firm_district[f_index] if rnd.random() < 0.8 else pick_district()
            status = "employed"
        else:
            residence = pick_district()
            status = employment()
            individuals.append(i)
        person_district.append(residence)
        at = span_start - timedelta(days=rnd.randint(0, 365))
        birth = date(1960, 1, 1) + timedelta(days=rnd.randint(0, 16000))
        persons.append(
            {
                "id": pid,
                "first_name": first,
                "last_name": last,
                "name_search": normalise_search(f"{first} {last}"),
                "email": f"{local_part(first)}.{local_part(last)}.{i}@example.org",
                "phone": None,
                "birth_date": birth,
                "gender": "weiblich"
                if female
                else ("maennlich" if rnd.random() < 0.97 else "divers"),
                "employment_status": status,
                "employer_id": employer,
                "weekly_hours": rnd.choice((20.0, 30.0, 38.5, 40.0)) if employer else None,
                "working_days_per_week": 5 if employer else None,
                "employed_since": (date(2005, 1, 1) + timedelta(days=rnd.randint(0, 6500)))
                if employer
                else None,
                "qualification": rnd.choice(
                    (
                        "none",
                        "vocational",
                        "vocational",
                        "vocational",
                        "upgrade",
                        "bachelor",
                        "master",
                    )
                ),
                # Qualified at 17 to 25, never before birth (the funding check refuses that).
                "qualification_year": min(2023, birth.year + rnd.randint(17, 25)),
                "isced_level": rnd.choice(("isced_0_2", "isced_3_4", "isced_3_4", "isced_5_8")),
                "residence_district_id": residence,
                "severely_disabled": None,
                "version": 1,
                "created_at": at,
                "updated_at": at,
            }
        )
    writer.insert(Person.__table__, persons, "persons")
    del persons
    if not individuals:
        individuals = [0]

    # ---- cases, sorted by opening time so ids and reference numbers grow with time
    channel = _weighted(rnd, CHANNEL_WEIGHTS)
    topic_pick = _weighted(rnd, TOPIC_WEIGHTS)
    outcome_pick = _weighted(rnd, OUTCOME_WEIGHTS)
    # A current week of intake on top of the four-year spread, so that even a small data
    # set has an inbox of new requests in every region.
    recent = min(volume.cases, max(40, volume.cases // 250))
    opened = sorted(
        [
            span_start + timedelta(seconds=int(span_days * 86400 * (rnd.random() ** 0.8)))
            for _ in range(volume.cases - recent)
        ]
        + [now - timedelta(seconds=rnd.randint(3600, 10 * 86400)) for _ in range(recent)]
    )
    case_id0 = _next_id(Case.__table__)
    counters: dict[tuple[int, int], int] = {
        (row.region_id, row.year): row.last_seq
        for row in db.session.scalars(sa.select(CaseCounter))
    }
    counters_existing = set(counters)
    cases: list[dict[str, Any]] = []
    topics_rows: list[dict[str, Any]] = []
    participant_rows: list[dict[str, Any]] = []
    meta: list[tuple[int, int, str, datetime, datetime | None, int | None, int, str, int]] = []
    # (case id, region id, status, opened_at, closed_at, advisor, district id, kind, firm/person
    # index)
    for i, opened_at in enumerate(opened):
        cid = case_id0 + i
        if rnd.random() < 0.65:
            kind = "firm"
            f_index = int(volume.firms * (rnd.random() ** 1.6))  # some firms come back often
            did = firm_district[f_index]
            ch = channel()
            subject_index = f_index
        else:
            kind = "individual"
            p_index = individuals[rnd.randrange(len(individuals))]
            did = person_district[p_index]
            ch = channel()
            if ch == "public_form":
                ch = "phone"
            subject_index = p_index
        region_id = district_region[did]
        age = (now - opened_at).days
        roll = rnd.random()
        if age < 14:
            status = "new" if roll < 0.4 else ("in_advice" if roll < 0.9 else "waiting")
        elif age < 90:
            status = ("in_advice", "referred", "waiting", "closed")[
                _bisect((0.4, 0.65, 0.8, 1.0), roll)
            ]
        elif age < 365:
            status = ("in_advice", "referred", "waiting", "closed")[
                _bisect((0.1, 0.2, 0.25, 1.0), roll)
            ]
        else:
            status = "closed" if roll < 0.97 else ("waiting" if roll < 0.985 else "in_advice")
        closed_at = None
        outcome = None
        if status == "closed":
            closed_at = min(
                now, opened_at + timedelta(days=rnd.randint(3, 180), seconds=rnd.randint(0, 30000))
            )
            outcome = outcome_pick()
        advisor = None if status == "new" else rnd.choice(advisors[region_id])
        last_contact = None
        if status != "new":
            end = closed_at or now
            last_contact = opened_at + (end - opened_at) * rnd.random()
        local_year = opened_at.astimezone(BERLIN).year
        seq = counters.get((region_id, local_year), 0) + 1
        counters[(region_id, local_year)] = seq
        case_topic_list = sorted({topic_pick() for _ in range(rnd.choice((1, 1, 2, 2, 3)))})
        if kind == "firm":
            who = rnd.choice(
                ("Beschäftigte", "die Fertigung", "das Team", "Auszubildende", "Schichtleitungen")
            )
        else:
            who = rnd.choice(
                ("eine Einzelperson", "einen Quereinsteiger", "eine Fachkraft", "einen Gesellen")
            )
        title = TITLES[case_topic_list[0]].format(who=who)
        firm_id = firm_id0 + subject_index if kind == "firm" else None
        if ch == "public_form" and status == "new" and rnd.random() < 0.5:
            firm_id = None  # the requester's firm is not confirmed yet
        cases.append(
            {
                "id": cid,
                "reference": f"WBA-{regions[region_id]}-{local_year}-{seq:05d}",
                "region_id": region_id,
                "kind": kind,
                "title": title,
                "firm_id": firm_id,
                "person_id": person_id0 + subject_index if kind == "individual" else None,
                "channel": ch,
                "priority": (
                    "normal",
                    "normal",
                    "normal",
                    "normal",
                    "normal",
                    "normal",
                    "normal",
                    "normal",
                    "high",
                    "low",
                )[rnd.randrange(10)],
                "status": status,
                "assigned_to_id": advisor,
                "created_by_id": None
                if ch == "public_form"
                else (advisor or rnd.choice(advisors[region_id])),
                "opened_at": opened_at,
                "closed_at": closed_at,
                "outcome": outcome,
                "outcome_note": None,
                "last_contact_at": last_contact,
                "version": 1,
                "created_at": opened_at,
                "updated_at": closed_at or last_contact or opened_at,
            }
        )
        for topic in case_topic_list:
            topics_rows.append({"case_id": cid, "topic": topic})
        if (
            kind == "firm"
            and employees.get(subject_index)
            and status != "new"
            and rnd.random() < 0.6
        ):
            staff = employees[subject_index]
            for pid in rnd.sample(staff, min(len(staff), rnd.randint(1, 3))):
                participant_rows.append({"case_id": cid, "person_id": pid})
        meta.append(
            (cid, region_id, status, opened_at, closed_at, advisor, did, kind, subject_index)
        )
    writer.insert(Case.__table__, cases, "cases")
    del cases
    writer.insert(case_topics, topics_rows, "case_topics")
    writer.insert(case_participants, participant_rows, "case_participants")
    del topics_rows, participant_rows
    counter_table = CaseCounter.__table__
    for (region_id, year), seq in counters.items():
        if (region_id, year) in counters_existing:
            db.session.execute(
                sa.update(counter_table)
                .where(counter_table.c.region_id == region_id, counter_table.c.year == year)
                .values(last_seq=seq)
            )
    writer.insert(
        counter_table,
        (
            {"region_id": r, "year": y, "last_seq": s}
            for (r, y), s in sorted(counters.items())
            if (r, y) not in counters_existing
        ),
        "case_counters",
    )

    # ---- advice requests for cases from the public form
    requests: list[dict[str, Any]] = []
    request_id = _next_id(AdviceRequest.__table__)
    case_rows = db.session.execute(
        sa.select(Case.id, Case.firm_id)
        .where(Case.id >= case_id0, Case.channel == "public_form")
        .order_by(Case.id)
    ).all()
    channel_of_case = {cid for cid, _ in case_rows}
    for n, (cid, firm_id) in enumerate(case_rows):
        m = meta[cid - case_id0]
        contact = f"{rnd.choice(first_f + first_m)} {rnd.choice(last_names)}"
        requests.append(
            {
                "id": request_id + n,
                "case_id": cid,
                "firm_name": f"{rnd.choice(last_names)} {rnd.choice(TRADES)} GmbH",
                "contact_name": contact,
                "email": f"anfrage{cid}@example.org",
                "phone": None,
                "district_id": m[6],
                "headcount_band": rnd.choice(("1_9", "10_49", "10_49", "50_249", "250_plus")),
                "message": rnd.choice(NOTES),
                "preferred_channel": rnd.choice(("phone", "email", "visit", "video")),
                "consent_text_version": "2026-01",
                "submitted_at": m[3],
                "status_token_hash": hashlib.sha256(f"bench-{seed}-{cid}".encode()).hexdigest(),
                "status_token_expires_at": m[3] + timedelta(days=180),
                "firm_confirmed_at": (m[3] + timedelta(days=1))
                if firm_id is not None and m[2] != "new"
                else None,
            }
        )
    writer.insert(AdviceRequest.__table__, requests, "advice_requests")
    del requests, case_rows

    # ---- timeline: one opening entry per case, the rest spread over worked cases
    worked = [i for i, m in enumerate(meta) if m[2] != "new"] or list(range(len(meta)))
    extra_counts = [0] * len(meta)
    for i in rnd.choices(worked, k=max(0, volume.timeline - len(meta))):
        extra_counts[i] += 1
    entry_id = _next_id(TimelineEntry.__table__)
    kind_pick = _weighted(
        rnd,
        {
            "contact": 40,
            "note": 30,
            "status": 10,
            "follow_up": 5,
            "assignment": 5,
            "funding_check": 5,
            "referral": 5,
        },
    )

    def timeline_rows() -> Iterable[dict[str, Any]]:
        nonlocal entry_id
        for i, (cid, _region, status, opened_at, closed_at, advisor, _did, _kind, _s) in enumerate(
            meta
        ):
            first_kind = "request" if cid in channel_of_case else "note"
            yield {
                "id": entry_id,
                "case_id": cid,
                "kind": first_kind,
                "at": opened_at,
                "created_at": opened_at,
                "author_id": None if first_kind == "request" else advisor,
                "body": None if first_kind == "request" else rnd.choice(NOTES),
                "contact_channel": None,
                "duration_minutes": None,
                "data": "{}",
            }
            entry_id += 1
            end = closed_at or now
            for _ in range(extra_counts[i]):
                at = opened_at + (end - opened_at) * rnd.random()
                k = kind_pick()
                row = {
                    "id": entry_id,
                    "case_id": cid,
                    "kind": k,
                    "at": at,
                    "created_at": at,
                    "author_id": advisor,
                    "body": None,
                    "contact_channel": None,
                    "duration_minutes": None,
                    "data": "{}",
                }
                if k == "contact":
                    row["contact_channel"] = rnd.choice(
                        ("phone", "phone", "email", "visit", "video")
                    )
                    row["duration_minutes"] = rnd.choice((10, 15, 30, 45, 60))
                    row["body"] = rnd.choice(NOTES)
                elif k == "note":
                    row["body"] = rnd.choice(NOTES)
                elif k == "status":
                    row["data"] = json.dumps(
                        {"from": "in_advice", "to": status if status != "in_advice" else "waiting"}
                    )
                elif k == "assignment":
                    row["data"] = json.dumps({"to": advisor})
                yield row
                entry_id += 1

    writer.insert(TimelineEntry.__table__, timeline_rows(), "timeline_entries")

    # ---- follow-ups: open ones on about 40 % of open cases, done ones on closed cases
    follow_id = _next_id(FollowUp.__table__)
    today = now.astimezone(BERLIN).date()

    def follow_up_rows() -> Iterable[dict[str, Any]]:
        nonlocal follow_id
        for cid, _region, status, opened_at, closed_at, advisor, *_ in meta:
            if advisor is None:
                continue
            if status != "closed" and rnd.random() < 0.4:
                due, done_at = today + timedelta(days=rnd.randint(-10, 30)), None
            elif status == "closed" and rnd.random() < 0.25:
                assert closed_at is not None
                due, done_at = closed_at.date() - timedelta(days=rnd.randint(0, 5)), closed_at
            else:
                continue
            yield {
                "id": follow_id,
                "case_id": cid,
                "title": rnd.choice(FOLLOW_UP_TITLES),
                "due_date": due,
                "assignee_id": advisor,
                "created_by_id": advisor,
                "created_at": opened_at,
                "done_at": done_at,
                "done_by_id": advisor if done_at else None,
            }
            follow_id += 1

    writer.insert(FollowUp.__table__, follow_up_rows(), "follow_ups")

    # ---- referrals with consents and events
    partners = list(
        db.session.execute(
            sa.select(Partner.id, Partner.kind, Partner.answer_days, Partner.region_id)
            .where(Partner.is_active.is_(True))
            .order_by(Partner.id)
        )
    )
    by_district: dict[int, list[Any]] = {}
    for partner_id, district_id in db.session.execute(
        sa.select(partner_districts.c.partner_id, partner_districts.c.district_id)
    ):
        by_district.setdefault(district_id, []).append(partner_id)
    programmes: dict[int, list[str | None]] = {}
    for partner_id, programme in db.session.execute(
        sa.select(partner_programmes.c.partner_id, partner_programmes.c.programme).order_by(
            partner_programmes.c.partner_id, partner_programmes.c.programme
        )
    ):
        programmes.setdefault(partner_id, []).append(programme)
    partner_info = {p.id: p for p in partners}
    contact_point_partners = {p.region_id: p.id for p in partners if p.kind == "wba_contact_point"}
    general = [p.id for p in partners if p.kind != "wba_contact_point"] or [p.id for p in partners]
    for key in by_district:
        by_district[key] = (
            sorted(
                pid
                for pid in by_district[key]
                if pid in partner_info and partner_info[pid].kind != "wba_contact_point"
            )
            or general
        )
    weights = [3 if m[2] == "referred" else 2 if m[2] == "closed" else 1 for m in meta]
    chosen = [i for i, m in enumerate(meta) if m[2] != "new"]
    referral_targets = (
        sorted(rnd.choices(chosen, weights=[weights[i] for i in chosen], k=volume.referrals))
        if chosen and partners
        else []
    )
    referral_id0 = _next_id(Referral.__table__)
    event_id = _next_id(ReferralEvent.__table__)
    consent_id = _next_id(Consent.__table__)
    decline_pick = _weighted(rnd, DECLINE_WEIGHTS)
    ref_outcome_pick = _weighted(rnd, REFERRAL_OUTCOME_WEIGHTS)
    referrals: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    consents: list[dict[str, Any]] = []
    for n, i in enumerate(referral_targets):
        cid, region_id, status, opened_at, closed_at, advisor, did, kind, subject = meta[i]
        rid = referral_id0 + n
        if rnd.random() < 0.03 and len(contact_point_partners) > 1:
            partner_id = rnd.choice(
                [p for r, p in sorted(contact_point_partners.items()) if r != region_id]
            )
        else:
            partner_id = rnd.choice(by_district.get(did, general))
        partner = partner_info[partner_id]
        end = closed_at or now
        created_at = (
            opened_at + min(end - opened_at, timedelta(days=rnd.randint(1, 60))) * rnd.random()
        )
        roll = rnd.random()
        if status == "closed":
            state = ("completed", "declined", "withdrawn", "expired")[
                _bisect((0.65, 0.8, 0.9, 1.0), roll)
            ]
        else:
            state = ("sent", "accepted", "returned", "draft", "completed", "declined")[
                _bisect((0.3, 0.6, 0.7, 0.8, 0.9, 1.0), roll)
            ]
        sent_at = None if state == "draft" else created_at + timedelta(hours=rnd.randint(1, 48))
        if sent_at is not None and sent_at > now:
            sent_at = now
        answered_at = closed = None
        outcome = decline = None
        amount = decision = course = voucher = None
        if sent_at is not None and state in ("accepted", "declined", "returned", "completed"):
            answered_at = min(now, sent_at + timedelta(days=rnd.randint(1, 20)))
        if state in ("completed", "declined", "withdrawn", "expired"):
            base = answered_at or sent_at or created_at
            closed = min(now, base + timedelta(days=rnd.randint(0, 60)))
        if state == "declined":
            decline = decline_pick()
        programme_list = programmes.get(partner_id) or [None]
        programme = rnd.choice(programme_list)
        if state == "completed":
            outcome = ref_outcome_pick()
            assert closed is not None
            decision = closed.date()
            if outcome == "approved":
                amount = rnd.randint(50, 1500) * 1000
                course = decision + timedelta(days=rnd.randint(7, 90))
                voucher = programme == "sgb3_81"
        consent = None
        if kind == "individual" and rnd.random() < 0.8:
            consent = consent_id
            consent_id += 1
            consents.append(
                {
                    "id": consent,
                    "person_id": person_id0 + subject,
                    "firm_contact_id": None,
                    "purpose": "share_partner",
                    "recipient_kind": partner.kind,
                    "text_version": "2026-01",
                    "given_at": created_at,
                    "withdrawn_at": None,
                    "recorded_by_id": advisor,
                }
            )
        due_date = (
            (sent_at.astimezone(BERLIN).date() + timedelta(days=partner.answer_days))
            if sent_at
            else None
        )
        referrals.append(
            {
                "id": rid,
                "case_id": cid,
                "partner_id": partner_id,
                "programme": programme,
                "purpose": rnd.choice(PURPOSES),
                "message": None,
                "data_categories": "contact,firm"
                if kind == "firm"
                else "contact,employment,qualification",
                "consent_id": consent,
                "legal_basis": None if consent else LEGAL_BASIS,
                "state": state,
                "due_days": partner.answer_days,
                "due_date": due_date,
                "sent_at": sent_at,
                "answered_at": answered_at,
                "closed_at": closed,
                "decline_reason": decline,
                "answer_note": None,
                "outcome": outcome,
                "amount_cents": amount,
                "decision_date": decision,
                "course_start": course,
                "voucher_issued": voucher,
                "token_hash": None,
                "token_expires_at": None,
                "reminder_sent_at": None,
                "escalated_at": None,
                "created_by_id": advisor,
                "created_at": created_at,
                "updated_at": closed or answered_at or sent_at or created_at,
                "version": 1,
            }
        )
        path: list[tuple[str | None, str, str, datetime]] = [(None, "draft", "staff", created_at)]
        if sent_at is not None:
            path.append(("draft", "sent", "staff", sent_at))
        if answered_at is not None:
            answered_state = "accepted" if state == "completed" else state
            path.append(
                (
                    "sent",
                    answered_state,
                    "partner_link" if rnd.random() < 0.6 else "staff",
                    answered_at,
                )
            )
        if state == "completed":
            assert closed is not None
            path.append(("accepted", "completed", "partner_link", closed))
        elif state in ("withdrawn", "expired"):
            assert closed is not None
            path.append(
                (
                    "sent" if sent_at else "draft",
                    state,
                    "system" if state == "expired" else "staff",
                    closed,
                )
            )
        for from_state, to_state, via, at in path:
            events.append(
                {
                    "id": event_id,
                    "referral_id": rid,
                    "from_state": from_state,
                    "to_state": to_state,
                    "via": via,
                    "actor_id": advisor if via == "staff" else None,
                    "note": None,
                    "at": at,
                }
            )
            event_id += 1
        if len(referrals) >= 50_000:
            writer.insert(Consent.__table__, consents, "consents")
            writer.insert(Referral.__table__, referrals, "referrals")
            writer.insert(ReferralEvent.__table__, events, "referral_events")
            referrals, events, consents = [], [], []
    writer.insert(Consent.__table__, consents, "consents")
    writer.insert(Referral.__table__, referrals, "referrals")
    writer.insert(ReferralEvent.__table__, events, "referral_events")
    del referrals, events, consents

    # ---- a few transfers between regions (about 0.5 % of cases)
    transfer_id = _next_id(Transfer.__table__)
    transfers: list[dict[str, Any]] = []
    region_ids = sorted(regions)
    for cid, region_id, status, opened_at, _closed_at, advisor, *_ in meta:
        if advisor is None or len(region_ids) < 2 or rnd.random() >= 0.005:
            continue
        other = rnd.choice([r for r in region_ids if r != region_id])
        at = opened_at + timedelta(days=rnd.randint(1, 10))
        pending = status != "closed" and rnd.random() < 0.3
        transfers.append(
            {
                "id": transfer_id,
                "case_id": cid,
                # An accepted transfer moved the case into its current region; a pending one leaves
                # it.
                "from_region_id": region_id if pending else other,
                "to_region_id": other if pending else region_id,
                "state": "pending" if pending else "accepted",
                "reason": "Firmensitz liegt in der anderen Region.",
                "decline_reason": None,
                "requested_by_id": advisor,
                "requested_at": min(at, now),
                "decided_by_id": None if pending else advisor,
                "decided_at": None if pending else min(at + timedelta(days=1), now),
                "version": 1,
            }
        )
        transfer_id += 1
    writer.insert(Transfer.__table__, transfers, "transfers")

    # ---- ESF+ participations (issue #22): the person of about a third of the individual
    # cases past "new", with answers, exits of closed cases and survey states; own random
    # stream, so the data above stays the same for the same seed
    esf_rnd = random.Random(seed + 20)
    participations: list[dict[str, Any]] = []
    esf_id = _next_id(EsfParticipation.__table__)
    for cid, _region, status, opened_at, closed_at, _advisor, _did, kind, subject in meta:
        if kind != "individual" or status == "new" or esf_rnd.random() >= 0.35:
            continue
        entry = min(
            opened_at.astimezone(BERLIN).date() + timedelta(days=esf_rnd.randint(0, 14)), today
        )
        exit_ = max(closed_at.astimezone(BERLIN).date(), entry) if closed_at else None
        employment_status = esf_rnd.choice(tuple(ESF_STATUSES))
        results_on = exit_ + timedelta(days=esf_rnd.randint(0, 35)) if exit_ else None
        employed = bool(exit_) and esf_rnd.random() < 0.35
        searching = (
            bool(exit_)
            and not employed
            and employment_status == "inactive"
            and esf_rnd.random() < 0.5
        )
        survey = "not_due"
        if exit_ and (today - exit_).days >= 183:
            survey = esf_rnd.choice(("answered", "answered", "no_response", "no_consent"))
        participations.append(
            {
                "id": esf_id,
                "case_id": cid,
                "person_id": person_id0 + subject,
                "entry_date": entry,
                "employment_status": employment_status,
                "age_at_entry": esf_rnd.randint(16, 66),
                "isced_level": esf_rnd.choice(("isced_0_2", "isced_3_4", "isced_3_4", "isced_5_8")),
                "gender": esf_rnd.choice(
                    ("weiblich", "maennlich", "weiblich", "maennlich", "divers", None)
                ),
                "third_country_national": esf_rnd.choice((True, False, False, None)),
                "foreign_background": esf_rnd.choice((True, False, False, None)),
                "homeless": esf_rnd.choice((False, False, False, True, None)),
                "rural_area": esf_rnd.choice((True, False, None)),
                "exit_date": exit_,
                "exit_situation": esf_rnd.choice(tuple(ESF_EXITS)) if exit_ else None,
                "results_on": results_on,
                "result_job_searching": searching,
                "result_education": bool(exit_) and not searching and esf_rnd.random() < 0.15,
                "result_qualification": bool(exit_) and esf_rnd.random() < 0.3,
                "result_employment": employed,
                "survey_state": survey,
                "longterm_employment": esf_rnd.random() < 0.6 if survey == "answered" else None,
                "longterm_improved": esf_rnd.random() < 0.5 if survey == "answered" else None,
                "created_at": opened_at,
                "updated_at": closed_at or opened_at,
            }
        )
        esf_id += 1
    writer.insert(EsfParticipation.__table__, participations, "esf_participations")
    del participations

    restored = time.perf_counter()
    restore_schema()
    echo(f"  Indizes und Fremdschlüssel wieder angelegt: {time.perf_counter() - restored:.1f} s")
    _fix_sequences()
    # The bulk load bypasses the session's change marks: the next report refresh is a full one.
    mark_everything()
    db.session.flush()
    writer.counts["seconds"] = int(time.perf_counter() - started)
    echo(f"Fertig in {time.perf_counter() - started:.1f} s.")
    return writer.counts


def _drop_load_constraints(tables: Sequence[sa.Table]) -> Callable[[], None]:
    """PostgreSQL: drop the foreign keys and the plain secondary indexes of ``tables`` for
    the bulk load; return the function that creates them again (same names, same
    definitions, read from the catalogue, so indexes added by later migrations are
    covered as well).

    Checking each row's foreign keys and updating each index row by row made up most of
    the server's time: COPY of the 530,000 referral events took 16 s with them and 5 s
    without them plus building the index and validating the keys afterwards. Primary
    keys and unique constraints stay (they guard the generated ids and references).
    Everything runs in the session's transaction: an error undoes the drops, too.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        restore_cache = _large_page_cache()
        restore_indexes = _drop_sqlite_indexes(tables)
        restore_triggers = _drop_search_triggers(tables)

        def restore_sqlite() -> None:
            restore_indexes()
            restore_triggers()
            restore_cache()

        return restore_sqlite
    if db.session.get_bind().dialect.name != "postgresql":
        return lambda: None
    names = [t.name for t in tables]
    foreign_keys = db.session.execute(
        sa.text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE c.contype = 'f' AND t.relname = ANY(:names) "
            "AND t.relnamespace = to_regnamespace(current_schema()) ORDER BY 1, 2"
        ),
        {"names": names},
    ).all()
    indexes = db.session.execute(
        sa.text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(:names) AND t.relnamespace = to_regnamespace(current_schema()) "
            "AND NOT i.indisprimary AND NOT i.indisunique "
            # Partial indexes stay during the load (they hold a fraction of the rows):
            # PostgreSQL would print their predicate back in another form than the
            # migration wrote it, so a rebuilt one would differ from the migrated schema.
            "AND i.indpred IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY 1"
        ),
        {"names": names},
    ).all()
    quote = db.session.get_bind().dialect.identifier_preparer.quote
    # Table and index names come from regclass::text, which quotes them where needed.
    for table, name, _definition in foreign_keys:
        db.session.execute(sa.text(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}"))
    for index, _definition in indexes:
        db.session.execute(sa.text(f"DROP INDEX {index}"))

    def restore() -> None:
        db.session.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
        for _index, definition in indexes:
            db.session.execute(sa.text(definition))
        for table, name, definition in foreign_keys:
            db.session.execute(
                sa.text(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
            )

    return restore


# SQLite's page cache during the load (KiB; SQLite's default is 2 MiB).
LOAD_CACHE_KIB = 1024 * 1024


def _large_page_cache() -> Callable[[], None]:
    """SQLite: a page cache of 1 GiB on the load's connection; return the function that puts
    the connection's own size back. With the default 2 MiB every row inserted into the
    tables' indexes read and wrote index pages through the operating system again."""
    previous = int(db.session.execute(sa.text("PRAGMA cache_size")).scalar_one())
    db.session.execute(sa.text(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}"))

    def restore() -> None:
        db.session.execute(sa.text(f"PRAGMA cache_size = {previous}"))

    return restore


def _drop_sqlite_indexes(tables: Sequence[sa.Table]) -> Callable[[], None]:
    """SQLite: drop the secondary indexes of ``tables`` for the load; return the function
    that creates them again from their stored definitions (the exact text the migrations
    wrote, partial indexes included). The indexes of primary keys and unique constraints
    have no stored definition and stay. Building an index once from the loaded table sorts
    it; kept during the load, every row was inserted into each index at a random place
    (1,000,000 cases: persons 48 s, cases 92 s)."""
    indexes = list(
        db.session.execute(
            sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN :tables ORDER BY name"
            ).bindparams(sa.bindparam("tables", expanding=True)),
            {"tables": [t.name for t in tables]},
        )
    )
    for name, _definition in indexes:
        # Names come from the schema, never from input.
        db.session.execute(sa.text(f'DROP INDEX "{name}"'))

    def restore() -> None:
        for _name, definition in indexes:
            db.session.execute(sa.text(definition))

    return restore


def _drop_search_triggers(tables: Sequence[sa.Table]) -> Callable[[], None]:
    """SQLite: drop the triggers that keep the trigram search indexes in step
    (core.fulltext) for the bulk load; return the function that creates them again (from
    their stored definitions) and rebuilds the indexes from the loaded tables. Row by row
    the triggers made the load of 100,000 case references about ten times slower than the
    rebuild at the end (docs/performance.md, issue #22)."""
    from wbagentur.core import fulltext

    ours = {name for index in fulltext.INDEXES for name in index.triggers}
    triggers = [
        (name, definition)
        for name, definition in db.session.execute(
            sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name IN :tables ORDER BY name"
            ).bindparams(sa.bindparam("tables", expanding=True)),
            {"tables": [t.name for t in tables]},
        )
        if name in ours
    ]
    for name, _definition in triggers:
        # Names come from the schema and fulltext.INDEXES, never from input.
        db.session.execute(sa.text(f'DROP TRIGGER "{name}"'))

    def restore() -> None:
        for _name, definition in triggers:
            db.session.execute(sa.text(definition))
        if triggers:
            fulltext.rebuild(db.session)

    return restore


def _fix_sequences() -> None:
    """PostgreSQL: move the id sequences past the ids inserted explicitly."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    # Tables with a serial id (the association tables and case_counters have none).
    for table in (t for t in LOADED_TABLES if "id" in t.c):
        db.session.execute(
            sa.text(
                # Table names come from the metadata, never from input.
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
            )
        )


def volume_dict(volume: Volume) -> dict[str, int]:
    """The volume as a plain dict (for the JSON result)."""
    return asdict(volume)
