"""Maintained aggregates of the dashboards (issue #22): the figures read from
``report_daily_counts`` equal the figures counted from the rows, the pages show when they
were computed, and the worker job and the CLI compute them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
import sqlalchemy as sa

from tests.conftest import database_url, make_app
from tests.factories import CaseFactory
from wbagentur.core.models import UTCDateTime
from wbagentur.core.timezone import BERLIN


def _build_tables(app: Any, role: str, region_ids: tuple[int, ...], **scope: Any) -> Any:
    from wbagentur.core.models import utcnow
    from wbagentur.extensions import db
    from wbagentur.regions.models import Region
    from wbagentur.reports import services
    from wbagentur.reports.queries import ReportScope

    regions = list(
        db.session.scalars(
            sa.select(Region).where(Region.id.in_(region_ids)).order_by(Region.name, Region.id)
        )
    )
    with app.test_request_context():
        board = services.build_dashboard(
            SimpleNamespace(role=role),
            ReportScope(region_ids=region_ids, now=utcnow(), **scope),
            regions,
            {},
        )
        tables = {
            key: (t.export_rows(), [c.href for r in t.rows for c in r])
            for key, t in board.tables.items()
        }
    return board.as_of, tables


# ---------------------------------------------------------------- the local day in SQL


@pytest.mark.parametrize(
    "utc",
    [
        # Around the switches to and from summer time, and local midnight on both sides.
        datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 28, 22, 59, 59, tzinfo=UTC),
        datetime(2026, 3, 28, 23, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 21, 59, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 22, 0, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 59, 59, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 10, 24, 21, 59, 59, tzinfo=UTC),
        datetime(2026, 10, 24, 22, 0, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 22, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 0, 0, tzinfo=UTC),
        datetime(2027, 3, 28, 0, 30, tzinfo=UTC),  # 2027: last Sunday of March is the 28th
        datetime(2027, 3, 28, 22, 30, tzinfo=UTC),
        datetime(2024, 10, 27, 0, 30, tzinfo=UTC),
        datetime(2024, 10, 27, 22, 30, tzinfo=UTC),
        datetime(2029, 6, 30, 22, 0, tzinfo=UTC),
    ],
)
def test_local_day_in_sql_is_the_thuringian_date(clean_app, utc):
    from wbagentur.extensions import db
    from wbagentur.reports.aggregates import local_day

    with clean_app.app_context():
        dialect = db.session.get_bind().dialect.name
        value = db.session.scalar(sa.select(local_day(sa.literal(utc, UTCDateTime()), dialect)))
    if isinstance(value, str):
        value = date.fromisoformat(value)
    assert value == utc.astimezone(BERLIN).date()


# ---------------------------------------------------------------- generated data


@pytest.fixture(scope="module")
def generated(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """2,000 generated cases (the benchmark's generator) in a database of their own."""
    from wbagentur.bench.generator import Volume, generate
    from wbagentur.extensions import db

    url = database_url(backend, tmp_path_factory.mktemp(f"aggr-{backend}"), "aggr2000")
    app = make_app(url, RATELIMIT_ENABLED=False)
    with app.app_context():
        generate(Volume.for_cases(2000), seed=11, echo=lambda _line: None)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_figures_from_the_aggregates_equal_the_figures_from_the_rows(generated):
    """Every dashboard table, for the coordinator (all regions, one region) and a
    supervisor, over periods of whole months, the default 90 days, odd boundaries and four
    years, with and without a programme filter: the aggregated figures and links are the
    ones counted from the cases and referrals."""
    from wbagentur.core.timezone import local_today
    from wbagentur.extensions import db
    from wbagentur.partners.data import PROGRAMMES
    from wbagentur.regions.models import Region
    from wbagentur.reports import aggregates
    from wbagentur.reports.models import ReportDailyCount, ReportRefresh

    today = local_today()
    periods = [
        (today - timedelta(days=90), today),
        (
            date(today.year, today.month, 1) - timedelta(days=31),
            today.replace(day=1) - timedelta(days=1),
        ),
        (today - timedelta(days=400), today - timedelta(days=37)),
        (today - timedelta(days=4 * 366), today),
        (today, today),
    ]
    with generated.app_context():
        all_ids = tuple(db.session.scalars(sa.select(Region.id).order_by(Region.id)))
        scopes = [
            ("coordinator", all_ids),
            ("coordinator", all_ids[:1]),
            ("supervisor", all_ids[1:2]),
        ]
        db.session.execute(sa.delete(ReportRefresh))
        db.session.execute(sa.delete(ReportDailyCount))
        db.session.commit()
        live = {
            (role, ids, start, end, programme): _build_tables(
                generated, role, ids, date_from=start, date_to=end, programme=programme
            )
            for role, ids in scopes
            for start, end in periods
            for programme in (None, next(iter(PROGRAMMES)))
        }
        assert all(as_of is None for as_of, _ in live.values())
        rows = aggregates.refresh()
        db.session.commit()
        # The distinct-case rule is exercised: some cases have several referrals.
        assert db.session.scalar(
            sa.select(sa.func.count()).where(ReportDailyCount.prev_day.is_not(None))
        )
        # Far fewer rows than the data they stand for (2,000 cases, ≈ 3,000 referrals).
        assert 0 < rows
        for (role, ids, start, end, programme), (_none, expected) in live.items():
            as_of, tables = _build_tables(
                generated, role, ids, date_from=start, date_to=end, programme=programme
            )
            assert as_of is not None
            assert tables == expected, (role, ids, start, end, programme)

        # The work goes on; the next refresh writes only what changed and agrees again.
        _change_some_cases(all_ids)
        aggregates.refresh()
        db.session.commit()
        for role, ids in scopes:
            for start, end in periods[:3]:
                _as_of, tables = _build_tables(generated, role, ids, date_from=start, date_to=end)
                with mock.patch.object(aggregates, "refreshed_at", return_value=None):
                    _none, expected = _build_tables(
                        generated, role, ids, date_from=start, date_to=end
                    )
                assert tables == expected, (role, ids, start, end)
        db.session.execute(sa.delete(ReportRefresh))
        db.session.execute(sa.delete(ReportDailyCount))
        db.session.commit()


def _change_some_cases(region_ids: tuple[int, ...]) -> None:
    """Close open cases today, change channels and move cases to another region."""
    from wbagentur.cases.models import OUTCOMES, Case
    from wbagentur.core.models import utcnow
    from wbagentur.extensions import db

    open_cases = db.session.scalars(
        sa.select(Case).where(Case.status != "closed").order_by(Case.id).limit(30)
    ).all()
    for case in open_cases[:15]:
        case.status, case.closed_at, case.outcome = "closed", utcnow(), next(iter(OUTCOMES))
    for case in open_cases[15:]:
        case.region_id = region_ids[(region_ids.index(case.region_id) + 1) % len(region_ids)]
    for case in db.session.scalars(sa.select(Case).order_by(Case.id.desc()).limit(20)):
        case.channel = "phone" if case.channel != "phone" else "email"
    db.session.commit()


def test_a_view_by_advisor_counts_live(generated):
    from wbagentur.accounts.models import User
    from wbagentur.core.timezone import local_today
    from wbagentur.extensions import db
    from wbagentur.reports import aggregates

    today = local_today()
    with generated.app_context():
        advisor = db.session.scalars(sa.select(User).where(User.role == "advisor")).first()
        aggregates.refresh()
        db.session.commit()
        as_of, _tables = _build_tables(
            generated,
            "supervisor",
            (advisor.region_id,),
            date_from=today - timedelta(days=90),
            date_to=today,
            advisor_id=advisor.id,
        )
        assert as_of is None


# ---------------------------------------------------------------- pages, job, CLI

STAND = "Stand: 07.12.2026, 02:15 Uhr."


@pytest.fixture
def sup(client, auth, dataset):
    auth.login(dataset.users["sup"])
    return dataset


def _refresh_at(app, when: datetime) -> None:
    from wbagentur.extensions import db
    from wbagentur.reports.aggregates import refresh

    with app.app_context():
        refresh(now=when)
        db.session.commit()


def test_pages_show_when_the_figures_were_computed(client, clean_app, sup):
    _refresh_at(clean_app, datetime(2026, 12, 7, 1, 15, tzinfo=UTC))
    for url in ("/uebersicht", "/uebersicht/monatsbericht"):
        assert STAND in client.get(url).get_data(as_text=True), url
    assert client.post("/sprache", data={"lang": "en", "next": "/"}).status_code == 302
    body = client.get("/uebersicht").get_data(as_text=True)
    assert "As of Dec 7, 2026, 02:15." in body
    assert "Stand:" not in body


def test_pdf_shows_when_the_figures_were_computed(client, clean_app, sup):
    import io

    from pypdf import PdfReader

    _refresh_at(clean_app, datetime(2026, 12, 7, 1, 15, tzinfo=UTC))
    response = client.get("/uebersicht/monatsbericht/pdf")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert STAND in " ".join(text.split())


def test_without_aggregates_the_page_counts_live_and_shows_no_stand(client, clean_app, auth):
    from tests.reports.conftest import build

    data = build(clean_app)
    auth.login(data.users["sup"])
    body = client.get("/uebersicht").get_data(as_text=True)
    assert "Stand:" not in body
    assert 'data-table="zugangswege"' in body


def test_new_case_counts_after_the_next_refresh(client, clean_app, sup):
    """The period figures are the aggregates' (until the worker's next run), the case load
    is live."""
    from tests.reports.test_dashboard import value
    from wbagentur.cases.models import Case
    from wbagentur.extensions import db

    before = client.get("/uebersicht").get_data(as_text=True)
    phone = value(before, "zugangswege", channel="phone")
    with clean_app.app_context():
        template = db.session.get(Case, sup.cases["c1"])
        CaseFactory(
            region_id=template.region_id,
            title="Neuer Fall nach der Berechnung",
            firm=template.firm,
            channel="phone",
        )
        db.session.commit()
    assert (
        value(client.get("/uebersicht").get_data(as_text=True), "zugangswege", channel="phone")
        == phone
    )
    _refresh_at(clean_app, datetime.now(UTC))
    after = client.get("/uebersicht").get_data(as_text=True)
    assert value(after, "zugangswege", channel="phone") == phone + 1


def test_worker_job_and_cli_compute_the_aggregates(clean_app, dataset, fixed_clock):
    from wbagentur.extensions import db
    from wbagentur.jobs import services
    from wbagentur.reports.models import ReportRefresh

    with clean_app.app_context():
        db.session.execute(sa.delete(ReportRefresh))
        db.session.commit()
        job = next(j for j in services.registered_jobs() if j.name == "reports.refresh")
        assert job.interval == timedelta(minutes=5)
        result = services.run_job(job, "worker-a")
        assert result is not None
        assert result.endswith("Zeilen")
        first = db.session.get(ReportRefresh, "report_daily_counts")
        assert first is not None
        assert first.rows > 0
        first_at = first.refreshed_at
    fixed_clock.shift(timedelta(minutes=1))
    result = clean_app.test_cli_runner().invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    assert "Zeilen berechnet" in result.output
    with clean_app.app_context():
        db.session.expire_all()
        assert db.session.get(ReportRefresh, "report_daily_counts").refreshed_at > first_at
