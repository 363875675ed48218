"""Maintained ESF+ indicator counts (issue #22): on generated participations (random
answers, two regions, short-counselling cases that do not count, dates across month and
year boundaries) every period and region read from ``esf_indicator_counts`` equals the live
count of ``services.indicator_counts``, also after participations changed or went and the
refresh wrote only the difference; the overview shows when they were computed."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.esf.conftest import new_case
from tests.factories import EsfParticipationFactory

pytestmark = pytest.mark.usefixtures("fixed_clock")

STATUSES = ["unemployed", "long_term_unemployed", "inactive", "employed", None]
GENDERS = ["weiblich", "maennlich", "divers", None]
ISCED = ["isced_0_2", "isced_3_4", "isced_5_8", None]
SURVEYS = ["not_due", "no_consent", "sent", "answered", "no_response"]
FLAGS = [True, False, None]
PERIODS = [
    (date(2026, 1, 1), date(2026, 11, 30)),  # whole months only
    (date(2025, 12, 2), date(2026, 12, 1)),  # the page's default: the last 365 days
    (date(2026, 3, 15), date(2026, 3, 20)),  # inside one month
    (date(2026, 2, 28), date(2026, 4, 1)),  # one whole month with a day on each side
    (date(2025, 11, 30), date(2026, 1, 31)),  # across the turn of the year
    (date(2024, 1, 1), date(2027, 12, 31)),  # everything
    (date(2026, 6, 1), date(2026, 6, 1)),  # one day
]


@pytest.fixture
def participations(clean_app, world):
    """60 participations with random answers (seeded), a third on short-counselling cases."""
    from wbagentur.extensions import db

    rng = random.Random(22)
    with clean_app.app_context():
        for i in range(60):
            region = world.sw_id if i % 3 else world.no_id
            case, person = new_case(world, region_id=region, counselled=i % 3 != 2, first=f"T{i}")
            entry = date(2025, 11, 1) + timedelta(days=rng.randrange(420))
            exit_ = entry + timedelta(days=rng.randrange(200)) if rng.random() < 0.6 else None
            status = rng.choice(STATUSES)
            state = rng.choice(SURVEYS) if exit_ else "not_due"
            EsfParticipationFactory(
                case_id=case.id,
                person_id=person.id,
                entry_date=entry,
                employment_status=status,
                age_at_entry=rng.choice([15, 18, 29, 30, 54, 55, 70, None]),
                isced_level=rng.choice(ISCED),
                gender=rng.choice(GENDERS),
                third_country_national=rng.choice(FLAGS),
                foreign_background=rng.choice(FLAGS),
                homeless=rng.choice(FLAGS),
                rural_area=rng.choice(FLAGS),
                disability=rng.choice(FLAGS),
                minority=rng.choice(FLAGS),
                exit_date=exit_,
                exit_situation="employed" if exit_ else None,
                results_on=exit_ + timedelta(days=rng.choice([0, 10, 28, 29, 40]))
                if exit_
                else None,
                result_job_searching=bool(exit_) and status == "inactive" and rng.random() < 0.5,
                result_education=bool(exit_) and rng.random() < 0.3,
                result_qualification=bool(exit_) and rng.random() < 0.3,
                result_employment=False,
                survey_state=state,
                longterm_employment=rng.choice([True, False]) if state == "answered" else None,
                longterm_improved=rng.choice([True, False]) if state == "answered" else None,
            )
        db.session.commit()


def _compare(world):
    from wbagentur.esf import aggregates, services

    checked = 0
    for start, end in PERIODS:
        for region in (None, world.sw_id, world.no_id):
            live = services.indicator_counts(region, start, end)
            kept = aggregates.indicator_counts(region, start, end)
            assert kept == live, (start, end, region)
            checked += sum(c["total"] for c in live.values())
    assert checked > 500  # the data set is not empty in these periods


def test_maintained_counts_equal_the_live_count(clean_app, participations, world):
    from wbagentur.esf import aggregates
    from wbagentur.extensions import db

    with clean_app.app_context():
        assert aggregates.refreshed_at() is None
        rows = aggregates.refresh()
        db.session.commit()
        assert rows > 0
        assert aggregates.refreshed_at() is not None
        _compare(world)


def test_refresh_after_changes_writes_the_difference(clean_app, participations, world):
    import sqlalchemy as sa

    from wbagentur.esf import aggregates
    from wbagentur.esf.models import EsfIndicatorCount, EsfParticipation
    from wbagentur.extensions import db

    with clean_app.app_context():
        aggregates.refresh()
        db.session.commit()
        before = {row.id: row.n for row in db.session.scalars(sa.select(EsfIndicatorCount))}
        first = db.session.scalars(sa.select(EsfParticipation).order_by(EsfParticipation.id))
        changed, gone, *_ = first.all()
        changed.gender = "divers"
        changed.exit_date = changed.exit_date or changed.entry_date + timedelta(days=3)
        changed.exit_situation = "employed"
        db.session.delete(gone)
        # a short-counselling case's participation starts counting once counselled longer
        short = db.session.scalars(
            sa.select(EsfParticipation).order_by(EsfParticipation.id).offset(2).limit(1)
        ).one()
        from tests.esf.conftest import counsel_over_two_days
        from wbagentur.cases.models import Case

        counsel_over_two_days(db.session.get(Case, short.case_id))
        db.session.commit()
        aggregates.refresh()
        db.session.commit()
        after = {row.id: row.n for row in db.session.scalars(sa.select(EsfIndicatorCount))}
        assert after != before
        # rows that did not change kept their id: only the difference was written
        assert len(set(after) & set(before)) > len(before) // 2
        _compare(world)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), [("month", date(2026, 1, 1), date(2026, 12, 1))]),
        (date(2026, 3, 15), date(2026, 3, 20), [("day", date(2026, 3, 15), date(2026, 3, 20))]),
        (date(2026, 3, 1), date(2026, 3, 30), [("day", date(2026, 3, 1), date(2026, 3, 30))]),
        (
            date(2025, 12, 2),
            date(2026, 12, 1),
            [
                ("month", date(2026, 1, 1), date(2026, 11, 1)),
                ("day", date(2025, 12, 2), date(2025, 12, 31)),
                ("day", date(2026, 12, 1), date(2026, 12, 1)),
            ],
        ),
        (date(2026, 2, 1), date(2026, 2, 28), [("month", date(2026, 2, 1), date(2026, 2, 1))]),
        (date(2026, 5, 2), date(2026, 4, 30), []),
    ],
)
def test_a_period_is_whole_months_and_edge_days(start, end, expected):
    from wbagentur.esf.aggregates import ranges

    got = ranges(start, end)
    # month rows are keyed by the month's first day: compare the first days they cover
    assert [(g, a, b.replace(day=1) if g == "month" else b) for g, a, b in got] == expected


def _table(body):
    row = re.sub(r">\s+<", "><", body).split("Teilnehmende insgesamt")[1].split("</tr>")[0]
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


def test_overview_shows_the_stand_and_the_same_figures(
    client, auth, clean_app, participations, world, monkeypatch
):
    from wbagentur.esf import aggregates
    from wbagentur.extensions import db

    monkeypatch.setitem(clean_app.config, "ESF_SUPPRESSION_THRESHOLD", 1)
    auth.login(world.coordinator)
    url = "/uebersicht/esf?von=01.01.2026&bis=30.11.2026"
    live = client.get(url).get_data(as_text=True)
    assert "Stand:" not in live
    with clean_app.app_context():
        aggregates.refresh(now=datetime(2026, 12, 1, 7, 5, tzinfo=UTC))
        db.session.commit()
    kept = client.get(url).get_data(as_text=True)
    assert "Stand: 01.12.2026, 08:05 Uhr." in " ".join(kept.split())
    assert _table(kept) == _table(live)
    assert _table(kept)[-1] != "0"
    # a participation recorded after the refresh counts at the next one
    with clean_app.app_context():
        case, person = new_case(world, counselled=True, first="Neu")
        EsfParticipationFactory(case_id=case.id, person_id=person.id, entry_date=date(2026, 6, 3))
        db.session.commit()
    assert _table(client.get(url).get_data(as_text=True)) == _table(live)
    with clean_app.app_context():
        aggregates.refresh()
        db.session.commit()
    total = int(_table(client.get(url).get_data(as_text=True))[-1])
    assert total == int(_table(live)[-1]) + 1


def test_cli_and_worker_job_compute_the_counts(clean_app, runner, participations):
    from wbagentur.esf import aggregates
    from wbagentur.jobs import services as jobs

    result = runner.invoke(args=["esf", "indicators"])
    assert result.exit_code == 0, result.output
    assert "Zeilen berechnet" in result.output
    with clean_app.app_context():
        assert aggregates.refreshed_at() is not None
        job = next(j for j in jobs.registered_jobs() if j.name == "esf.indicators")
        assert job.run().endswith("Zeilen")


@pytest.fixture(scope="module")
def generated(backend, tmp_path_factory):
    """2,000 generated cases (the benchmark's generator, with its ESF+ participations and
    contacts, so some cases are short counselling) in a database of their own."""
    from tests.conftest import database_url, make_app
    from wbagentur.bench.generator import Volume, generate
    from wbagentur.extensions import db

    url = database_url(backend, tmp_path_factory.mktemp(f"esfagg-{backend}"), "esfagg2000")
    app = make_app(url, RATELIMIT_ENABLED=False)
    with app.app_context():
        # the data's "now" is the fixed clock's, under which the test runs
        generate(
            Volume.for_cases(2000),
            seed=7,
            echo=lambda _line: None,
            now=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
        )
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_maintained_counts_equal_the_live_count_on_generated_data(generated):
    import sqlalchemy as sa

    from wbagentur.core.timezone import local_today
    from wbagentur.esf import aggregates, services
    from wbagentur.extensions import db
    from wbagentur.regions.models import Region

    today = local_today()
    periods = [
        (today - timedelta(days=365), today),
        (today - timedelta(days=90), today),
        (date(today.year, 1, 1), today),
        (today - timedelta(days=400), today - timedelta(days=37)),
        (today - timedelta(days=4 * 366), today),
    ]
    with generated.app_context():
        aggregates.refresh()
        db.session.commit()
        regions = [None, *db.session.scalars(sa.select(Region.id).order_by(Region.id))]
        counted = 0
        for start, end in periods:
            for region in regions:
                live = services.indicator_counts(region, start, end)
                assert aggregates.indicator_counts(region, start, end) == live, (start, region)
                counted += live.get("participants", {}).get("total", 0)
        assert counted > 100


def test_sums_of_a_period_are_read_from_an_index_alone_on_sqlite(clean_app, backend):
    """The ESF+ overview's sums read ``esf_indicator_counts`` from the index
    ix_esf_indicator_counts_sums alone on SQLite, not row by row from the table (issue
    #22: 6.6 -> 3.2 ms for a year at 1,000,000 cases); PostgreSQL has no such index."""
    import sqlalchemy as sa

    from wbagentur.esf import aggregates
    from wbagentur.extensions import db

    with clean_app.app_context():
        indexes = {ix["name"] for ix in sa.inspect(db.engine).get_indexes("esf_indicator_counts")}
        assert ("ix_esf_indicator_counts_sums" in indexes) == (backend == "sqlite")
        if backend != "sqlite":
            return
        sent: list[tuple[str, object]] = []
        listener = lambda _c, _cur, sql, params, *_: sent.append((sql, params))  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            # A year from a day within a month: day rows at both ends, months between.
            aggregates.indicator_counts(1, date(2025, 12, 8), date(2026, 12, 7))
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        sql, params = next((q, p) for q, p in sent if "esf_indicator_counts" in q)
        plan = " ".join(
            row[3]
            for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
        )
        assert "COVERING INDEX ix_esf_indicator_counts_sums" in plan, plan
