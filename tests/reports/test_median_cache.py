"""Answer-time medians of the default periods come from the worker (issue #22): after the job
``reports.refresh`` the dashboard and the monthly report show the medians it computed, equal
to a computation now, without computing them per view; a filtered view computes them live,
and a new refresh computes them again."""

from __future__ import annotations

import pytest

from wbagentur.reports import services

pytestmark = pytest.mark.usefixtures("fixed_clock")


def _run_job(app) -> None:
    from wbagentur.jobs.services import _refresh_reports

    with app.app_context():
        _refresh_reports()


def _funnel_section(body: str) -> str:
    return body.split('data-table="weiterleitungen"', 1)[1].split("</table>", 1)[0]


@pytest.fixture
def live_calls(monkeypatch):
    """Every live median computation, recorded."""
    calls = []
    original = services._live_medians

    def recording(scope):
        calls.append(scope)
        return original(scope)

    monkeypatch.setattr(services, "_live_medians", recording)
    return calls


def test_prewarmed_medians_equal_the_live_ones_for_each_region_and_period(clean_app, dataset):
    import sqlalchemy as sa

    from wbagentur.core.timezone import local_today
    from wbagentur.extensions import db
    from wbagentur.regions.models import Region
    from wbagentur.reports import aggregates, cache
    from wbagentur.reports.queries import ReportScope

    _run_job(clean_app)
    with clean_app.app_context():
        as_of = aggregates.refreshed_at()
        assert as_of is not None
        ids = tuple(db.session.scalars(sa.select(Region.id).order_by(Region.id)))
        found = 0
        for start, end in services.default_periods(local_today(), 90):
            for region_ids in [(i,) for i in ids] + [ids]:
                stored = cache.medians_get(cache.median_key(region_ids, start, end, as_of))
                assert stored is not None, (region_ids, start, end)
                scope = ReportScope(region_ids=region_ids, date_from=start, date_to=end, now=as_of)
                assert stored == services._live_medians(scope)
                found += bool(stored)
        assert found >= 2  # the fixture's answered referrals give real medians


def test_dashboard_shows_the_worker_medians_without_computing_them(
    client, clean_app, auth, dataset, live_calls
):
    auth.login(dataset.users["sup"])
    before = client.get("/uebersicht")
    assert before.status_code == 200
    assert len(live_calls) == 1  # no job has run since the aggregates: computed now
    # aa_suedwest (2, 4) → 3,0; tlvwa_esf (10, 1) → 5,5 (tests/reports/test_dashboard.py)
    for median in (">3,0<", ">5,5<"):
        assert median in _funnel_section(before.get_data(as_text=True))
    _run_job(clean_app)
    live_calls.clear()
    after = client.get("/uebersicht")
    assert live_calls == []
    assert _funnel_section(after.get_data(as_text=True)) == _funnel_section(
        before.get_data(as_text=True)
    )
    # the monthly report's default month was computed by the job too
    assert client.get("/uebersicht/monatsbericht").status_code == 200
    assert live_calls == []


def test_filtered_views_and_a_new_refresh_compute_the_medians(
    client, clean_app, auth, dataset, live_calls
):
    from datetime import UTC, datetime

    from wbagentur.extensions import db
    from wbagentur.reports.aggregates import refresh

    auth.login(dataset.users["sup"])
    _run_job(clean_app)
    live_calls.clear()
    # a programme filter: the worker's medians are over all programmes
    assert client.get("/uebersicht?programm=sgb3_82").status_code == 200
    assert len(live_calls) == 1
    # another period than the default ones
    assert client.get("/uebersicht?von=2026-01-01&bis=2026-06-30").status_code == 200
    assert len(live_calls) == 2
    # a refresh without the job's medians (a newer "Stand"): computed now, not stale
    with clean_app.app_context():
        refresh(now=datetime(2026, 12, 1, 8, 55, tzinfo=UTC))
        db.session.commit()
    assert client.get("/uebersicht").status_code == 200
    assert len(live_calls) == 3


def test_checked_programmes_come_from_the_worker_and_equal_a_count_now(
    client, clean_app, auth, dataset, monkeypatch
):
    import sqlalchemy as sa

    from wbagentur.core.timezone import local_today
    from wbagentur.extensions import db
    from wbagentur.partners.data import PROGRAMMES
    from wbagentur.regions.models import Region
    from wbagentur.reports import aggregates
    from wbagentur.reports.queries import ReportScope

    auth.login(dataset.users["sup"])
    before = client.get("/uebersicht").get_data(as_text=True)
    _run_job(clean_app)
    with clean_app.app_context():
        as_of = aggregates.refreshed_at()
        ids = tuple(db.session.scalars(sa.select(Region.id).order_by(Region.id)))
        seen = 0
        for start, end in services.default_periods(local_today(), 90):
            for region_ids in [(i,) for i in ids] + [ids]:
                scope = ReportScope(region_ids=region_ids, date_from=start, date_to=end, now=as_of)
                stored = services.checked_programmes(scope, list(PROGRAMMES), as_of)
                assert stored == services._live_checked_programmes(scope, list(PROGRAMMES))
                seen += sum(stored.values())
        assert seen > 0  # the fixture's funding checks are counted

    calls = []
    original = services._live_checked_programmes
    monkeypatch.setattr(
        services,
        "_live_checked_programmes",
        lambda scope, codes: calls.append(scope) or original(scope, codes),
    )
    after = client.get("/uebersicht").get_data(as_text=True)
    assert calls == []

    def section(body: str) -> str:
        return body.split('data-table="programme"', 1)[1].split("</table>", 1)[0]

    assert section(after) == section(before)
    # A filter by programme counts now.
    client.get("/uebersicht?programm=sgb3_82")
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("job_at", "live_after_midnight"),
    [("2026-12-01 23:45:00+01:00", 0), ("2026-12-01 23:20:00+01:00", 1)],
)
def test_the_last_job_before_midnight_computes_the_next_days_medians_too(
    client, clean_app, auth, dataset, live_calls, fixed_clock, job_at, live_after_midnight
):
    """The dashboards' default period ends today, so after local midnight it is a new one.
    The job in the last half hour before midnight computes it too: the first views of the
    new day read it instead of computing it (issue #22: 486 ms for the coordinator's
    dashboard at 1,000,000 cases on SQLite until the next job). An earlier job does not."""
    fixed_clock.move_to(job_at)
    _run_job(clean_app)
    live_calls.clear()
    fixed_clock.move_to("2026-12-02 00:05:00+01:00")  # no job since
    auth.login(dataset.users["sup"])
    after = client.get("/uebersicht")
    assert after.status_code == 200
    assert len(live_calls) == live_after_midnight
    # the new day's period, with the medians of the fixture's answered referrals
    # (aa_suedwest 3,0 and tlvwa_esf 5,5, tests/reports/test_dashboard.py)
    assert 'value="2026-12-02"' in after.get_data(as_text=True)
    for median in (">3,0<", ">5,5<"):
        assert median in _funnel_section(after.get_data(as_text=True))
    # the monthly report's default month is still November: computed by either job
    assert client.get("/uebersicht/monatsbericht").status_code == 200
    assert len(live_calls) == live_after_midnight


@pytest.mark.parametrize(
    ("now", "days"),
    [
        ("2026-12-01 23:29:00+01:00", 1),  # winter time: 22:29 UTC
        ("2026-12-01 23:31:00+01:00", 2),
        ("2026-07-01 23:29:00+02:00", 1),  # summer time: 21:29 UTC
        ("2026-07-01 23:31:00+02:00", 2),
        ("2026-07-01 00:10:00+02:00", 1),
    ],
)
def test_prewarm_days_add_tomorrow_in_the_last_half_hour_of_the_local_day(now, days):
    from datetime import date, datetime, timedelta

    moment = datetime.fromisoformat(now)
    today = date.fromisoformat(now[:10])
    expected = [today, today + timedelta(days=1)][:days]
    assert services.prewarm_days(today, moment) == expected
