"""The dashboards' case load and overdue counts (issue #22): the worker counts them after each
refresh, the pages read those counts under the refresh's "Stand"; the tables per advisor show
the advisors with the most work first and "Alle zeigen" lists every one; the coordinator's
view of all regions has one row per region.
"""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from tests.reports.conftest import CASES, expected_overdue
from tests.reports.test_dashboard import links, list_count, value
from wbagentur.reports import workload

pytestmark = pytest.mark.usefixtures("fixed_clock")


def _run_job(app) -> None:
    from wbagentur.jobs.services import _refresh_reports

    with app.app_context():
        _refresh_reports()


@pytest.fixture
def counted_now(monkeypatch):
    """Every live count of the case load or the overdue items, recorded."""
    calls = []
    original = workload.count

    def recording(scope, parts=workload.PARTS):
        calls.append((scope, parts))
        return original(scope, parts)

    monkeypatch.setattr(workload, "count", recording)
    return calls


def _open_in(region: str, adv: str | None) -> int:
    return sum(
        1 for c in CASES if c["region"] == region and c["status"] != "closed" and c["adv"] == adv
    )


def test_snapshots_equal_a_count_now_for_each_region_and_all(clean_app, dataset):
    from wbagentur.extensions import db
    from wbagentur.regions.models import Region
    from wbagentur.reports import aggregates
    from wbagentur.reports.queries import ReportScope

    _run_job(clean_app)
    with clean_app.app_context():
        as_of = aggregates.refreshed_at()
        ids = tuple(db.session.scalars(sa.select(Region.id).order_by(Region.id)))
        for region_ids in [(i,) for i in ids] + [ids]:
            scope = ReportScope(
                region_ids=region_ids, date_from=as_of.date(), date_to=as_of.date(), now=as_of
            )
            stored = workload.for_scope(scope, as_of)
            assert stored.as_of == as_of
            live = workload.count(scope)
            key = lambda r: (r.region_id, r.assigned_to_id or 0)  # noqa: E731
            assert sorted(stored.load, key=key) == sorted(live.load, key=key)
            assert stored.follow_ups == live.follow_ups
            assert stored.follow_up_cases == live.follow_up_cases
            assert stored.referrals == live.referrals
        # The fixture has open cases and overdue items in more than one region.
        everything = workload.for_scope(
            ReportScope(region_ids=ids, date_from=as_of.date(), date_to=as_of.date(), now=as_of),
            as_of,
        )
        assert len({r.region_id for r in everything.load}) >= 2
        assert sum(everything.follow_up_cases.values()) > 0
        assert sum(everything.referrals.values()) > 0


def test_dashboard_reads_the_snapshot_until_the_next_refresh(
    client, auth, clean_app, dataset, counted_now
):
    from tests import factories as f
    from wbagentur.extensions import db

    _run_job(clean_app)
    counted_now.clear()  # the job's own count
    auth.login(dataset.users["sup"])
    a1 = dataset.users["a1"].id
    body = client.get("/uebersicht").get_data(as_text=True)
    assert counted_now == []
    assert "auch die offenen Fälle und das Überfällige" in body
    before = value(body, "fallbestand", status="open", advisor=a1)
    assert before == _open_in("SW", "a1")

    with clean_app.app_context():
        f.CaseFactory(region_code="SW", assigned_to_id=a1, status="in_advice")
        db.session.commit()
    body = client.get("/uebersicht").get_data(as_text=True)
    assert value(body, "fallbestand", status="open", advisor=a1) == before  # as of the Stand

    _run_job(clean_app)
    counted_now.clear()
    body = client.get("/uebersicht").get_data(as_text=True)
    assert value(body, "fallbestand", status="open", advisor=a1) == before + 1
    assert counted_now == []
    # The number leads to the list behind it, which counts now.
    href = next(
        h for p, v, h in links(body, "fallbestand") if p == {"status": "open", "advisor": str(a1)}
    )
    assert list_count(client, href) == before + 1


def test_view_by_advisor_and_missing_snapshot_count_now(
    client, auth, clean_app, dataset, counted_now
):
    auth.login(dataset.users["sup"])
    a1 = dataset.users["a1"].id
    # Aggregates refreshed (fixture) but no snapshot yet: counted now, the note says so.
    body = client.get("/uebersicht").get_data(as_text=True)
    assert len(counted_now) == 1
    assert "offene Fälle und Überfälliges zählen immer aktuell" in body
    _run_job(clean_app)
    counted_now.clear()
    body = client.get(f"/uebersicht?berater={a1}").get_data(as_text=True)
    assert len(counted_now) == 1
    assert value(body, "fallbestand", status="open", advisor=a1) == _open_in("SW", "a1")


def test_export_of_one_table_counts_only_its_part(client, auth, dataset, counted_now):
    auth.login(dataset.users["sup"])
    assert client.get("/uebersicht/export/fallbestand.csv").status_code == 200
    assert [parts for _scope, parts in counted_now] == [("load",)]


def test_tables_per_advisor_show_the_busiest_and_all_on_request(
    client, auth, clean_app, dataset, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "REPORT_ADVISOR_ROWS", 1)
    auth.login(dataset.users["sup"])
    users = dataset.users
    busiest, other = sorted(("a1", "a2"), key=lambda a: -_open_in("SW", a))
    assert _open_in("SW", busiest) > _open_in("SW", other)

    body = client.get("/uebersicht").get_data(as_text=True)
    shown = {p.get("advisor") or p.get("assigned") for p, _, _ in links(body, "fallbestand")}
    assert shown == {str(users[busiest].id), "none"}
    assert "Die 1 Beratenden mit den meisten offenen Fällen von 2." in body
    assert "Alle zeigen" in body

    everything = client.get("/uebersicht?alle=1").get_data(as_text=True)
    for adv in ("a1", "a2"):
        uid = users[adv].id
        assert value(everything, "fallbestand", status="open", advisor=uid) == _open_in("SW", adv)
    assert "Die 1 Beratenden" not in everything

    # The export lists every advisor whatever the page shows.
    rows = list(
        csv.reader(
            io.StringIO(client.get("/uebersicht/export/fallbestand.csv").text), delimiter=";"
        )
    )
    assert rows[0][0].lstrip("\ufeff") == "Beratende/r"
    assert len(rows) == 1 + 3  # a1, a2 and "nicht zugewiesen"
    assert "Anna Beraterin" in {row[0] for row in rows}


def test_overdue_table_ranks_by_overdue_cases(client, auth, clean_app, dataset, monkeypatch):
    monkeypatch.setitem(clean_app.config, "REPORT_ADVISOR_ROWS", 1)
    auth.login(dataset.users["sup"])

    def overdue(adv: str) -> int:
        follow, referred = expected_overdue("SW", adv)
        return len(follow) + len(referred)

    ranked = sorted(("a1", "a2"), key=lambda a: (-overdue(a), dataset.users[a].id))
    assert overdue(ranked[0]) > overdue(ranked[1])
    body = client.get("/uebersicht").get_data(as_text=True)
    shown = {p.get("advisor") for p, _, _ in links(body, "ueberfaellig") if "advisor" in p}
    assert shown == {str(dataset.users[ranked[0]].id)}
    assert "Die 1 Beratenden mit den meisten überfälligen Fällen von 2." in body


def test_coordinator_sees_one_row_per_region_and_advisors_of_a_chosen_region(
    client, auth, clean_app, dataset
):
    _run_job(clean_app)
    auth.login(dataset.users["coord"])
    body = client.get("/uebersicht").get_data(as_text=True)
    sw_id, ot = dataset.regions["SW"], dataset.regions["OT"]
    load = {
        p["region"]: v for p, v, _ in links(body, "fallbestand") if set(p) == {"status", "region"}
    }
    expected_sw = sum(1 for c in CASES if c["region"] == "SW" and c["status"] != "closed")
    assert load[str(sw_id)] == expected_sw
    assert load[str(ot)] == sum(1 for c in CASES if c["region"] == "OT" and c["status"] != "closed")
    section = body.split('data-table="fallbestand"')[1].split("</table>")[0]
    assert "Anna Beraterin" not in section
    assert "Je Beratende/r: eine Region im Filter wählen." in body
    for table in ("fallbestand", "ueberfaellig"):
        for _params, count, href in links(body, table):
            assert list_count(client, href) == count, (table, href)

    # One region chosen: its advisors, adding up to the region's row.
    body = client.get(f"/uebersicht?region={sw_id}").get_data(as_text=True)
    per_advisor = [
        v for p, v, _ in links(body, "fallbestand") if "age" not in p and "no_contact_days" not in p
    ]
    assert sum(per_advisor) == expected_sw
    assert "Anna Beraterin" in body.split('data-table="fallbestand"')[1].split("</table>")[0]
