"""Issue #22: the building blocks of loadtest/compare.py without timing – the Flask-Admin
list shows the newest cases of the same table with their firm, the trivial page answers,
wrk's figures are read and judged against the targets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from loadtest import compare
from tests.conftest import database_url, make_app

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def bench_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from wbagentur.bench.generator import Volume, generate
    from wbagentur.extensions import db

    url = database_url(backend, tmp_path_factory.mktemp(f"compare-{backend}"), "compare")
    app = make_app(url)
    with app.app_context():
        generate(Volume.for_cases(80), seed=7, now=NOW, password_hash="x", echo=lambda _l: None)
        db.session.commit()
        db.engine.dispose()
    return url


def test_admin_list_shows_the_newest_page_of_the_same_cases_table(bench_url: str) -> None:
    admin = compare.admin_app(bench_url)
    response = admin.test_client().get(compare.ADMIN_LIST)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    engine = sa.create_engine(bench_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT c.reference, c.opened_at, f.name FROM cases c "
                    "LEFT JOIN firms f ON f.id = c.firm_id ORDER BY c.opened_at DESC, c.id"
                )
            ).all()
    finally:
        engine.dispose()
    assert len(rows) > compare.PAGE_SIZE
    shown = [row for row in rows if row.reference in html]
    assert len(shown) == compare.PAGE_SIZE
    # The newest page (ties at its edge may go either way).
    assert min(r.opened_at for r in shown) >= max(r.opened_at for r in rows if r not in shown)
    firms = [r.name for r in shown if r.name]
    assert firms
    assert all(name.replace("&", "&amp;") in html for name in firms)
    # Read-only: no create, edit or delete.
    assert "/admin/cases/new/" not in html
    assert "/admin/cases/delete/" not in html


def test_trivial_page_answers() -> None:
    client = compare.hello_app().test_client()
    assert client.get("/").get_data(as_text=True) == "hello"
    assert client.get("/healthz").status_code == 200


def test_wrk_figures_are_read_from_the_script_line() -> None:
    output = (
        "Running 20s test @ http://127.0.0.1:8775/\n  2 threads and 20 connections\n"
        'WRKJSON {"requests": 4000, "duration_us": 20000000, "not_200": 3, '
        '"socket_errors": 0, "p50_us": 9500, "p90_us": 12000, "p99_us": 31250, '
        '"mean_us": 9876.5}\n'
    )
    figures = compare.parse_wrk(output)
    assert figures["requests_per_s"] == 200.0
    assert (figures["p50_ms"], figures["p99_ms"]) == (9.5, 31.2)
    assert figures["not_200"] == 3
    with pytest.raises(ValueError, match="WRKJSON"):
        compare.parse_wrk("Running 20s test\n")


def test_ratios_judged_against_both_targets() -> None:
    assert compare.judge(150, 100, 1500) == {
        "case_list_vs_admin": 1.5,
        "case_list_vs_trivial": 0.1,
        "target_vs_admin": 1.5,
        "target_vs_trivial": 0.1,
        "ok_vs_admin": True,
        "ok_vs_trivial": True,
    }
    missed = compare.judge(60, 180, 4000)
    assert not missed["ok_vs_admin"]
    assert not missed["ok_vs_trivial"]
