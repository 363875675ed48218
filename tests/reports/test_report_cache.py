"""Computed results kept by key (issue #22, ``reports.cache``): the ESF+ overview from the
maintained indicator counts and the worker's supported-SME counts shows the same tables as
the live count; a repeated monthly report PDF of unchanged figures is not rendered again,
changed figures are."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.reports.test_esf import csv_rows, page_tables

pytestmark = pytest.mark.usefixtures("fixed_clock")


@pytest.fixture
def sup(client, auth, dataset):
    auth.login(dataset.users["sup"])
    return dataset


def _refresh_esf(app):
    from wbagentur.core.timezone import local_today
    from wbagentur.esf import aggregates
    from wbagentur.extensions import db
    from wbagentur.reports.services import prewarm_esf

    with app.app_context():
        aggregates.refresh(now=datetime(2026, 12, 1, 7, 5, tzinfo=UTC))
        db.session.commit()
        assert prewarm_esf(local_today()) > 1
        db.session.commit()


def test_esf_overview_from_the_maintained_counts_equals_the_live_count(
    client, clean_app, sup, monkeypatch
):
    from wbagentur.reports import services

    monkeypatch.setitem(clean_app.config, "ESF_SUPPRESSION_THRESHOLD", 1)
    live, body = page_tables(client)
    live_csv = {key: csv_rows(client, key)[0] for key in ("esf-teilnehmende", "esf-kmu")}
    assert "Stand:" not in body
    _refresh_esf(clean_app)

    def no_live_count(*args, **kwargs):
        raise AssertionError("counted live")

    with monkeypatch.context() as patch:
        patch.setattr(services, "count_esf_smes", no_live_count)
        kept, body = page_tables(client)
        kept_csv = {key: csv_rows(client, key)[0] for key in ("esf-teilnehmende", "esf-kmu")}
    assert "Stand: 01.12.2026, 08:05 Uhr." in " ".join(body.split())
    assert kept == live
    assert kept_csv == live_csv
    assert live["esf-kmu"]["Unterstützte KMU insgesamt"] == ["4"]
    # another period: the SMEs are counted live (distinct firms are not a sum of days)
    calls = []
    original = services.count_esf_smes
    monkeypatch.setattr(services, "count_esf_smes", lambda *a: calls.append(a) or original(*a))
    other = client.get("/uebersicht/esf?von=2026-06-01&bis=2026-11-30").get_data(as_text=True)
    assert "01.06.2026" in other
    assert len(calls) == 1


def test_repeated_pdf_is_served_without_rendering_again(client, clean_app, sup, monkeypatch):
    import sqlalchemy as sa

    from wbagentur.core import tagged_pdf
    from wbagentur.core.audit import AuditEvent
    from wbagentur.extensions import db
    from wbagentur.reports.aggregates import refresh
    from wbagentur.reports.cache import ReportCache

    rendered = []
    original = tagged_pdf.html_to_pdf

    def counting(html, *sheets):
        rendered.append(html)
        return original(html, *sheets)

    monkeypatch.setattr(tagged_pdf, "html_to_pdf", counting)
    url = "/uebersicht/monatsbericht/pdf?monat=2026-11"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.data == first.data
    assert first.data.startswith(b"%PDF")
    assert len(rendered) == 1
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportCache)) == 1
        exports = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "report.export")
        )
        assert exports == 2  # every download is still audited
        # new figures (here: a new refresh, so a new "Stand") give a new PDF
        refresh(now=datetime(2026, 12, 1, 8, 30, tzinfo=UTC))
        db.session.commit()
    third = client.get(url)
    assert len(rendered) == 2
    assert third.data != first.data
    # another month is another PDF
    client.get("/uebersicht/monatsbericht/pdf?monat=2026-10")
    assert len(rendered) == 3


def test_cache_keeps_one_row_per_key_and_forgets_old_ones(clean_app):
    from datetime import timedelta

    import sqlalchemy as sa

    from wbagentur.extensions import db
    from wbagentur.reports import cache

    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    with clean_app.app_context():
        cache.put(cache.key_for("pdf", "a"), "pdf", b"1", now=now)
        cache.put(cache.key_for("pdf", "a"), "pdf", b"1", now=now)  # another server, same
        assert cache.get(cache.key_for("pdf", "a")) == b"1"
        assert cache.key_for("pdf", "ab", "c") != cache.key_for("pdf", "a", "bc")
        cache.put(cache.key_for("pdf", "b"), "pdf", b"2", now=now + cache.MAX_AGE + timedelta(1))
        keys = db.session.scalars(sa.select(cache.ReportCache.key)).all()
        assert keys == [cache.key_for("pdf", "b")]
        # the worker removes what is older than a day, whatever its kind
        assert cache.prune(now + 4 * cache.MAX_AGE) == 1
        assert cache.get(cache.key_for("pdf", "b")) is None
        db.session.rollback()


@pytest.mark.parametrize(("job_at", "counted_after_midnight"), [("23:45", 0), ("23:20", 1)])
def test_the_last_esf_job_before_midnight_counts_the_next_days_period_too(
    client, auth, clean_app, dataset, fixed_clock, monkeypatch, job_at, counted_after_midnight
):
    """The ESF+ overview's default period ends today; the job in the last half hour before
    local midnight counts the new day's period too, so the first views after midnight read
    it (issue #22). An earlier job does not: the view counts, with the same figures."""
    from wbagentur.core.timezone import local_today
    from wbagentur.esf import aggregates
    from wbagentur.extensions import db
    from wbagentur.reports import services

    monkeypatch.setitem(clean_app.config, "ESF_SUPPRESSION_THRESHOLD", 1)
    fixed_clock.move_to(f"2026-12-01 {job_at}:00+01:00")
    with clean_app.app_context():
        aggregates.refresh()
        db.session.commit()
        services.prewarm_esf(local_today())
        db.session.commit()
    fixed_clock.move_to("2026-12-02 00:05:00+01:00")  # no job since
    auth.login(dataset.users["sup"])
    calls = []
    original = services.count_esf_smes
    monkeypatch.setattr(services, "count_esf_smes", lambda *a: calls.append(a) or original(*a))
    tables, body = page_tables(client)
    assert 'value="2026-12-02"' in body
    assert len(calls) == counted_after_midnight
    assert tables["esf-kmu"]["Unterstützte KMU insgesamt"] == ["4"]
