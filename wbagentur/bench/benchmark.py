"""In-process benchmark of the main pages (issue 8): p50/p95 and SQL statements per request.

Each page is requested through the Flask test client after logging in through the real
login form once per role; a ``before_cursor_execute`` listener counts the statements a
request sends. Pages whose endpoint does not exist (yet) are reported as
"nicht vorhanden". The funding engine is timed directly on inputs built from the
generated persons and firms.
"""

from __future__ import annotations

import math
import os
import platform
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask

from wbagentur.bench.generator import BENCH_DOMAIN, BENCH_PASSWORD
from wbagentur.extensions import db

MISSING = "nicht vorhanden"
# Targets of issue 8 (ms, p95 in-process).
PAGE_TARGET_MS = 150.0
DASHBOARD_TARGET_MS = 300.0
ENGINE_TARGET_US = 1000.0


@dataclass
class Page:
    """One benchmarked page: who requests it and how its URL is found."""

    key: str
    label: str
    role: str | None
    # Returns (method, list of URLs to cycle through, JSON body) or None when the page is missing.
    resolve: Callable[[Flask, dict[str, Any]], tuple[str, list[str], Any] | None]
    target_ms: float = PAGE_TARGET_MS


@dataclass
class Measurement:
    key: str
    label: str
    status: str = "ok"
    p50_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None
    statements: int | None = None
    statements_max: int | None = None
    target_ms: float = PAGE_TARGET_MS
    url: str | None = None
    errors: list[str] = field(default_factory=list)


class StatementCounter:
    """Counts the SQL statements sent through the app's engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        self.engine = engine
        sa.event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, *_args: Any) -> None:
        self.count += 1

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._on_execute)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


# ---------------------------------------------------------------- page discovery


def _has(app: Flask, endpoint: str) -> bool:
    return endpoint in app.view_functions


def _url(app: Flask, endpoint: str, **values: Any) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def _simple(
    endpoint: str, **values: Any
) -> Callable[[Flask, dict[str, Any]], tuple[str, list[str], Any] | None]:
    def resolve(app: Flask, _ctx: dict[str, Any]) -> tuple[str, list[str], Any] | None:
        if not _has(app, endpoint):
            return None
        return "GET", [_url(app, endpoint, **values)], None

    return resolve


def _per_case(
    endpoint: str,
) -> Callable[[Flask, dict[str, Any]], tuple[str, list[str], Any] | None]:
    def resolve(app: Flask, ctx: dict[str, Any]) -> tuple[str, list[str], Any] | None:
        if not _has(app, endpoint) or not ctx["case_ids"]:
            return None
        return "GET", [_url(app, endpoint, case_id=cid) for cid in ctx["case_ids"]], None

    return resolve


def _search(app: Flask, ctx: dict[str, Any]) -> tuple[str, list[str], Any] | None:
    """The result page of a case search. The term goes by POST (security.md WEB-05); the
    page's own client submits it once here, and the measured request is the redirect
    target, which carries only the opaque key of the term kept in that client's session."""
    client = ctx.get("client")
    if not _has(app, "cases.index") or client is None:
        return None
    url = _url(app, "cases.index")
    data = {"q": ctx["search_term"]}
    form = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post(url, data=data)
    location = response.headers.get("Location", "")
    if response.status_code != 303 or "suche=" not in location:
        raise RuntimeError(f"Suche nicht möglich: HTTP {response.status_code}")
    return "GET", [location], None


def _engine_api(app: Flask, ctx: dict[str, Any]) -> tuple[str, list[str], Any] | None:
    if not _has(app, "funding.api_check") or not ctx["engine_docs"]:
        return None
    return "POST", [_url(app, "funding.api_check")], ctx["engine_docs"][0]


def _first_endpoint(
    app: Flask, names: tuple[str, ...], contains: tuple[str, ...] = ()
) -> str | None:
    for name in names:
        if _has(app, name):
            return name
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if (
            "GET" in (rule.methods or ())
            and not rule.arguments
            and all(c in rule.endpoint for c in contains)
        ):
            return rule.endpoint
    return None


DASHBOARD_ENDPOINTS = (
    "reports.dashboard",
    "reports.supervisor_dashboard",
    "reports.index",
    "dashboard.index",
)


def _dashboard(app: Flask, _ctx: dict[str, Any]) -> tuple[str, list[str], Any] | None:
    endpoint = _first_endpoint(app, DASHBOARD_ENDPOINTS, ("dashboard",))
    return ("GET", [_url(app, endpoint)], None) if endpoint else None


def _export(fmt: str) -> Callable[[Flask, dict[str, Any]], tuple[str, list[str], Any] | None]:
    def resolve(app: Flask, _ctx: dict[str, Any]) -> tuple[str, list[str], Any] | None:
        if _has(app, "reports.export"):
            # The dashboard's case-load table ("Fallbestand"), the export of every region.
            return "GET", [_url(app, "reports.export", filename=f"fallbestand.{fmt}")], None
        candidates = [
            rule
            for rule in app.url_map.iter_rules()
            if "export" in rule.endpoint and "GET" in (rule.methods or ()) and not rule.arguments
        ]
        for rule in sorted(candidates, key=lambda r: r.endpoint):
            if fmt in rule.endpoint or fmt in rule.rule:
                return "GET", [_url(app, rule.endpoint)], None
        for rule in sorted(candidates, key=lambda r: r.endpoint):
            if "csv" not in rule.rule + rule.endpoint and "xlsx" not in rule.rule + rule.endpoint:
                return "GET", [_url(app, rule.endpoint, format=fmt)], None
        return None

    return resolve


def _api_list(
    endpoint: str,
) -> Callable[[Flask, dict[str, Any]], tuple[str, list[str], Any] | None]:
    """A JSON list of the API, first page (the client carries the advisor's bearer token)."""

    def resolve(app: Flask, _ctx: dict[str, Any]) -> tuple[str, list[str], Any] | None:
        if not _has(app, endpoint):
            return None
        return "GET", [_url(app, endpoint, per_page=25)], None

    return resolve


def _monthly_pdf(app: Flask, _ctx: dict[str, Any]) -> tuple[str, list[str], Any] | None:
    """The monthly report PDF of the last complete month of the generated data."""
    if not _has(app, "reports.monthly_pdf"):
        return None
    return "GET", [_url(app, "reports.monthly_pdf")], None


PAGES: list[Page] = [
    Page("login", "Anmeldeseite", None, _simple("accounts.login")),
    Page(
        "start_advisor",
        "Startseite (Arbeitsvorrat Beratung)",
        "advisor",
        _simple("main.staff_start"),
    ),
    Page("start_supervisor", "Startseite (Leitung)", "supervisor", _simple("main.staff_start")),
    Page(
        "start_coordinator", "Startseite (Koordination)", "coordinator", _simple("main.staff_start")
    ),
    Page("inbox", "Posteingang der Region", "advisor", _simple("cases.inbox")),
    Page("my_cases", "Meine Fälle", "advisor", _simple("cases.mine")),
    Page("due", "Fällige Wiedervorlagen", "advisor", _simple("cases.due")),
    Page(
        "case_list_filter",
        "Fallliste mit Filter",
        "advisor",
        _simple("cases.index", status="open", topic="digital", sort="neueste"),
    ),
    Page("case_list_search", "Fallliste mit Suche", "advisor", _search),
    # Issue #22: sorted by last contact it sorted the whole region (444 ms at 1,000,000).
    Page(
        "case_list_last_contact",
        "Fallliste nach letztem Kontakt",
        "advisor",
        _simple("cases.index", sort="letzter_kontakt"),
    ),
    # Issue #22: one status read the region's cases of it and sorted them (1.6 s at 1M).
    Page(
        "case_list_closed",
        "Fallliste abgeschlossene Fälle",
        "advisor",
        _simple("cases.index", status="closed", sort="neueste"),
    ),
    Page(
        "case_list_all",
        "Fallliste Koordination (alle Regionen)",
        "coordinator",
        _simple("cases.index", status="open"),
    ),
    Page("case_detail", "Falldetail", "advisor", _per_case("cases.detail")),
    Page("eligibility_form", "Förderprüfung im Fall", "advisor", _per_case("funding.case_check")),
    Page("eligibility_api", "Förderprüfung (API, alle Programme)", None, _engine_api),
    Page("referral_list", "Weiterleitungen", "advisor", _simple("referrals.mine")),
    Page(
        "supervisor_dashboard",
        "Dashboard der Leitung",
        "supervisor",
        _dashboard,
        DASHBOARD_TARGET_MS,
    ),
    Page("export_csv", "Export CSV", "supervisor", _export("csv")),
    Page("export_xlsx", "Export XLSX", "supervisor", _export("xlsx")),
    # Issue #22: every page a user waits for.
    Page(
        "coordinator_dashboard",
        "Dashboard der Landeskoordination",
        "coordinator",
        _dashboard,
        DASHBOARD_TARGET_MS,
    ),
    Page(
        "esf_report", "ESF+-Indikatoren", "coordinator", _simple("reports.esf"), DASHBOARD_TARGET_MS
    ),
    Page("monthly_pdf", "Monatsbericht (PDF)", "supervisor", _monthly_pdf, DASHBOARD_TARGET_MS),
    Page("qualification_plan", "Qualifizierungsplan", "advisor", _per_case("plans.plan")),
    Page("api_cases", "API: Fallliste", "api", _api_list("api.cases")),
    Page("api_firms", "API: Unternehmensliste", "api", _api_list("api.firms")),
    Page("api_persons", "API: Personenliste", "api", _api_list("api.persons")),
    # Issue #22: the UI's firm and person lists (keyset pages, scope tested per row).
    Page("firm_list", "Unternehmensliste", "advisor", _simple("firms.index")),
    Page("person_list", "Personenliste", "advisor", _simple("persons.index")),
]


# ---------------------------------------------------------------- context from the data


def bench_context(app: Flask, region_code: str | None = None, sample: int = 30) -> dict[str, Any]:
    """Users, case ids and a search term taken from the generated data (deterministic)."""
    from wbagentur.accounts.models import User
    from wbagentur.cases.models import Case, case_participants
    from wbagentur.persons.models import Person
    from wbagentur.referrals.models import Referral
    from wbagentur.regions.models import ContactPoint, Region

    with app.app_context():
        if region_code is None:
            region_code = (
                db.session.scalar(
                    sa.select(Region.code)
                    .join(Case, Case.region_id == Region.id)
                    .group_by(Region.code)
                    .order_by(sa.func.count(Case.id).desc(), Region.code)
                    .limit(1)
                )
                or "MT"
            )
        region_id = db.session.scalar(sa.select(Region.id).where(Region.code == region_code))

        def user(role: str, regional: bool) -> str | None:
            stmt = sa.select(User.email).where(
                User.role == role, User.is_active.is_(True), User.email.like(f"%@{BENCH_DOMAIN}")
            )
            if regional:
                stmt = stmt.join(ContactPoint, ContactPoint.id == User.contact_point_id).where(
                    ContactPoint.region_id == region_id
                )
            return db.session.scalar(stmt.order_by(User.id).limit(1))

        users = {
            "advisor": busiest_advisor(region_id) or user("advisor", True),
            "supervisor": user("supervisor", True),
            "coordinator": user("coordinator", False),
        }
        # Rich cases (firm, participants, referrals) of the region, newest first: the
        # detail page then shows every section.
        has_participant = (
            sa.select(case_participants.c.case_id)
            .where(case_participants.c.case_id == Case.id)
            .exists()
        )
        has_referral = sa.select(Referral.id).where(Referral.case_id == Case.id).exists()
        case_ids = list(
            db.session.scalars(
                sa.select(Case.id)
                .where(
                    Case.region_id == region_id,
                    Case.kind == "firm",
                    Case.firm_id.is_not(None),
                    has_participant,
                    has_referral,
                )
                .order_by(Case.id.desc())
                .limit(sample)
            )
        )
        term = (
            db.session.scalar(
                sa.select(Person.last_name)
                .join(case_participants, case_participants.c.person_id == Person.id)
                .join(Case, Case.id == case_participants.c.case_id)
                .where(Case.region_id == region_id)
                .order_by(Case.id.desc())
                .limit(1)
            )
            or "Müller"
        )
        docs = engine_documents(60)
    return {
        "region": region_code,
        "users": users,
        "case_ids": case_ids,
        "search_term": term,
        "engine_docs": docs,
    }


def busiest_advisor(region_id: int | None) -> str | None:
    """The region's advisor with the most open follow-ups due, then the most open cases:
    the fullest lists, and never an empty page (an empty list costs one lazy load more,
    see docs/performance.md)."""
    from wbagentur.accounts.models import User
    from wbagentur.cases.models import Case, FollowUp
    from wbagentur.core.timezone import local_today
    from wbagentur.regions.models import ContactPoint

    due = (
        sa.select(sa.func.count(FollowUp.id))
        .where(
            FollowUp.assignee_id == User.id,
            FollowUp.done_at.is_(None),
            FollowUp.due_date <= local_today(),
        )
        .scalar_subquery()
    )
    open_cases = (
        sa.select(sa.func.count(Case.id))
        .where(Case.assigned_to_id == User.id, Case.status != "closed")
        .scalar_subquery()
    )
    return db.session.scalar(
        sa.select(User.email)
        .join(ContactPoint, ContactPoint.id == User.contact_point_id)
        .where(
            ContactPoint.region_id == region_id,
            User.role == "advisor",
            User.is_active.is_(True),
            User.email.like(f"%@{BENCH_DOMAIN}"),
        )
        .order_by(due.desc(), open_cases.desc(), User.id)
        .limit(1)
    )


def engine_documents(limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """Engine input documents built from generated persons and their employers."""
    from wbagentur.firms.models import Firm
    from wbagentur.persons.models import Person
    from wbagentur.regions.models import District

    employer = sa.orm.aliased(Firm)
    firm_district = sa.orm.aliased(District)
    residence = sa.orm.aliased(District)
    rows = db.session.execute(
        sa.select(Person, employer, firm_district.key, residence.key)
        .outerjoin(employer, employer.id == Person.employer_id)
        .outerjoin(firm_district, firm_district.id == employer.district_id)
        .outerjoin(residence, residence.id == Person.residence_district_id)
        .order_by(Person.id)
        .offset(offset)
        .limit(limit)
    ).all()
    status_map = {"threatened": "threatened_by_unemployment"}
    docs: list[dict[str, Any]] = []
    for n, (person, firm, firm_key, residence_key) in enumerate(rows):
        doc: dict[str, Any] = {
            "person": {
                "birth_date": person.birth_date.isoformat() if person.birth_date else None,
                "employment_status": status_map.get(
                    person.employment_status or "", person.employment_status
                ),
                "highest_qualification": person.qualification,
                "vocational_qualification_year": person.qualification_year,
                "residence_district_key": residence_key,
                "employed_since": person.employed_since.isoformat()
                if person.employed_since
                else None,
                "working_days_per_week": person.working_days_per_week,
                "has_usable_vocational_qualification": person.qualification not in (None, "none"),
            },
            "course": {
                "title": "Fachkraft für Automatisierungstechnik",
                "hours": [120, 240, 480, 900][n % 4],
                "course_fees_eur": [1800, 3500, 6200, 9800][n % 4],
                "azav_measure_approved": n % 3 != 0,
                "azav_provider_approved": True,
                "start_date": date(2026, 3, 1).isoformat(),
                "end_date": date(2026, 9, 30).isoformat(),
            },
        }
        if firm is not None:
            doc["firm"] = {
                "headcount": firm.headcount,
                "staff": [
                    {"weekly_hours": 40, "count": firm.staff_over_30h},
                    {"weekly_hours": 25, "count": firm.staff_up_to_30h},
                    {"weekly_hours": 15, "count": firm.staff_up_to_20h},
                    {"weekly_hours": 8, "count": firm.staff_up_to_10h},
                ],
                "district_key": firm_key,
                "seat_in_thuringia": firm.seat_in_thuringia,
                "has_works_agreement_training": firm.has_works_agreement_training,
                "has_collective_agreement_training": firm.has_collective_agreement_training,
            }
        docs.append(_drop_none(doc))
    return docs


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    return value


# ---------------------------------------------------------------- measuring


@contextmanager
def logged_in_clients(app: Flask, users: dict[str, str | None]) -> Iterator[dict[str | None, Any]]:
    """One test client per role, logged in through the real login form."""
    clients: dict[str | None, Any] = {None: app.test_client()}
    for role, email in users.items():
        if not email:
            continue
        client = app.test_client()
        response = client.post("/anmelden", data={"email": email, "password": BENCH_PASSWORD})
        if response.status_code != 302:
            raise RuntimeError(
                f"Anmeldung als {role} ({email}) fehlgeschlagen: HTTP {response.status_code}"
            )
        clients[role] = client
    advisor = users.get("advisor")
    if advisor:
        clients["api"] = _api_client(app, advisor)
    yield clients


def _api_client(app: Flask, email: str) -> Any:
    """A test client with a fresh bearer token of the advisor (all read scopes)."""
    from wbagentur.accounts.models import User
    from wbagentur.api import tokens

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        _token, secret = tokens.create_token(None, user, "Benchmark", list(tokens.SCOPES), 1)
        db.session.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def _request(client: Any, method: str, url: str, body: Any) -> Any:
    if method == "POST":
        return client.post(url, json=body)
    return client.get(url)


def measure_pages(
    app: Flask,
    ctx: dict[str, Any],
    *,
    iterations: int = 30,
    warmup: int = 3,
    pages: list[Page] | None = None,
    echo: Callable[[str], None] = print,
) -> list[Measurement]:
    """Measure every page; return one Measurement each (missing pages marked as such)."""
    with app.app_context():
        engine = db.engine
    counter = StatementCounter(engine)
    results: list[Measurement] = []
    try:
        with logged_in_clients(app, ctx["users"]) as clients:
            for page in pages or PAGES:
                m = Measurement(page.key, page.label, target_ms=page.target_ms)
                results.append(m)
                client = clients.get(page.role)
                resolved = page.resolve(app, {**ctx, "client": client})
                if resolved is None or client is None:
                    m.status = MISSING
                    echo(f"  {page.label:<40} {MISSING}")
                    continue
                method, urls, body = resolved
                m.url = urls[0]
                for n in range(warmup):
                    _request(client, method, urls[n % len(urls)], body)
                times: list[float] = []
                counts: list[int] = []
                for n in range(iterations):
                    url = urls[n % len(urls)]
                    before = counter.count
                    started = time.perf_counter()
                    response = _request(client, method, url, body)
                    data = response.get_data()
                    elapsed = (time.perf_counter() - started) * 1000
                    counts.append(counter.count - before)
                    times.append(elapsed)
                    if response.status_code != 200 or not data:
                        m.errors.append(f"{url}: HTTP {response.status_code}")
                m.p50_ms = round(percentile(times, 50), 1)
                m.p95_ms = round(percentile(times, 95), 1)
                m.max_ms = round(max(times), 1)
                # The session refresh (once a minute) adds a statement now and then; the
                # minimum is the page's own figure.
                m.statements = min(counts)
                m.statements_max = max(counts)
                if m.errors:
                    m.status = "Fehler"
                echo(
                    f"  {page.label:<40} p50 {m.p50_ms:7.1f} ms  p95 {m.p95_ms:7.1f} ms  SQL "
                    f"{m.statements}"
                )
    finally:
        counter.close()
    return results


def measure_engine(app: Flask, cases: int = 2000) -> dict[str, Any]:
    """Time ``funding.engine.evaluate`` (all programmes) per case on generated inputs."""
    from wbagentur.funding.engine import CaseInput, evaluate

    with app.app_context():
        docs = engine_documents(cases)
    inputs = [CaseInput.from_dict(doc) for doc in docs]
    if not inputs:
        return {"status": MISSING}
    ref = date(2026, 2, 1)
    for case_input in inputs[:50]:
        evaluate(case_input, ref)
    timings: list[float] = []
    started_all = time.perf_counter()
    for case_input in inputs:
        started = time.perf_counter()
        evaluate(case_input, ref)
        timings.append((time.perf_counter() - started) * 1_000_000)
    total = time.perf_counter() - started_all
    return {
        "status": "ok",
        "cases": len(inputs),
        "mean_us": round(total * 1_000_000 / len(inputs), 1),
        "p50_us": round(percentile(timings, 50), 1),
        "p95_us": round(percentile(timings, 95), 1),
        "target_us": ENGINE_TARGET_US,
    }


def data_counts(app: Flask) -> dict[str, int]:
    """Row counts of the main tables."""
    tables = (
        "cases",
        "firms",
        "persons",
        "timeline_entries",
        "referrals",
        "referral_events",
        "follow_ups",
    )
    with app.app_context():
        return {
            t: int(db.session.scalar(sa.text(f"SELECT COUNT(*) FROM {t}")) or 0)  # noqa: S608 (constant table names)
            for t in tables
        }


def run_benchmark(
    app: Flask,
    *,
    iterations: int = 30,
    warmup: int = 3,
    engine_cases: int = 2000,
    only: tuple[str, ...] = (),
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """The whole benchmark: data size, pages, engine; a JSON-ready dict.

    ``only`` limits the run to the pages whose key contains one of its words."""
    with app.app_context():
        dialect = db.engine.dialect.name
    counts = data_counts(app)
    echo(f"Datenbank {dialect}: {counts['cases']:,} Fälle; {iterations} Messungen je Seite")
    ctx = bench_context(app)
    load_before = _loadavg()
    selected = [p for p in PAGES if not only or any(word in p.key for word in only)]
    pages = measure_pages(app, ctx, iterations=iterations, warmup=warmup, pages=selected, echo=echo)
    engine = measure_engine(app, engine_cases)
    return {
        "database": dialect,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "iterations": iterations,
        "data": counts,
        "region": ctx["region"],
        "load_average": {"before": load_before, "after": _loadavg()},
        "pages": [vars(m) for m in pages],
        "engine": engine,
    }


def _loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine_info(app: Flask) -> dict[str, Any]:
    """CPU count, memory, Python/SQLite/PostgreSQL versions."""
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            info["memory_kb"] = int(f.readline().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            info["postgresql"] = db.session.scalar(sa.text("SHOW server_version"))
    return info


def format_table(result: dict[str, Any]) -> str:
    """The result as a Markdown table (also readable in a terminal)."""
    lines = [
        f"Datenbank: {result['database']}, Fälle: {result['data']['cases']:,}, "
        f"Messungen je Seite: {result['iterations']}, Last: {result['load_average']}",
        "",
        "| Seite | p50 ms | p95 ms | Ziel p95 | SQL/Anfrage | Ergebnis |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for m in result["pages"]:
        if m["status"] == MISSING:
            lines.append(f"| {m['label']} | – | – | {m['target_ms']:.0f} | – | {MISSING} |")
            continue
        verdict = "ok" if m["p95_ms"] <= m["target_ms"] else "zu langsam"
        if m["status"] != "ok":
            verdict = f"Fehler: {m['errors'][0]}"
        sql = f"{m['statements']}" + (
            f"–{m['statements_max']}" if m["statements_max"] != m["statements"] else ""
        )
        lines.append(
            f"| {m['label']} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} | {m['target_ms']:.0f} | "
            f"{sql} | {verdict} |"
        )
    engine = result["engine"]
    if engine.get("status") == "ok":
        verdict = "ok" if engine["p95_us"] <= engine["target_us"] else "zu langsam"
        lines.append(
            f"| Förder-Engine, alle Programme ({engine['cases']} Fälle) | "
            f"{engine['p50_us'] / 1000:.3f} | "
            f"{engine['p95_us'] / 1000:.3f} | 1 | 0 | {verdict} (Mittel {engine['mean_us']:.0f} "
            "µs/Fall) |"
        )
    return "\n".join(lines)
