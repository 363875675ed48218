"""Issue 8: SQL statements per page do not grow with the data, and the generator's data
is consistent. Each backend gets two fresh databases filled by the benchmark generator,
a small one (200 cases) and a ten times larger one (2,000 cases)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import database_url, make_app

SMALL, LARGE = 200, 2000


def _filled_app(backend: str, tmp_path_factory: pytest.TempPathFactory, cases: int) -> Any:
    from wbagentur.bench.generator import Volume, generate
    from wbagentur.extensions import db

    url = database_url(
        backend, tmp_path_factory.mktemp(f"bench-{backend}-{cases}"), f"bench{cases}"
    )
    app = make_app(url, RATELIMIT_ENABLED=False)
    with app.app_context():
        generate(Volume.for_cases(cases), seed=7, echo=lambda _line: None)
        db.session.commit()
    return app


def _counts(app: Any) -> dict[str, Any]:
    from wbagentur.bench.benchmark import bench_context, measure_pages

    ctx = bench_context(app, region_code="MT", sample=3)
    pages = measure_pages(app, ctx, iterations=3, warmup=1, echo=lambda _line: None)
    return {"ctx": ctx, "pages": {m.key: m for m in pages}}


@pytest.fixture(scope="module")
def measured(backend: str, tmp_path_factory: pytest.TempPathFactory) -> dict[int, Any]:
    from wbagentur.extensions import db

    out = {}
    for cases in (SMALL, LARGE):
        app = _filled_app(backend, tmp_path_factory, cases)
        out[cases] = {"app": app, **_counts(app)}
        with app.app_context():
            db.engine.dispose()
    return out


# Pages with a known N+1 (none at the moment; see docs/performance.md).
KNOWN_GROWING: set[str] = set()


def test_bench_pages_small_and_large_data_same_statement_count(measured: dict[int, Any]) -> None:
    small, large = measured[SMALL]["pages"], measured[LARGE]["pages"]
    compared = [
        key for key, m in small.items() if m.statements is not None and key not in KNOWN_GROWING
    ]
    assert {"inbox", "case_list_filter", "case_list_search", "case_detail", "referral_list"} <= set(
        compared
    )
    # Issue #22: the dashboards, reports, plan and API lists are measured as well.
    assert {
        "coordinator_dashboard",
        "esf_report",
        "monthly_pdf",
        "qualification_plan",
        "api_cases",
        "api_firms",
        "api_persons",
        "firm_list",
        "person_list",
    } <= set(compared)
    differing = {
        key: (small[key].statements, large[key].statements)
        for key in compared
        if small[key].statements != large[key].statements
    }
    assert differing == {}, (
        f"SQL statements per page grow with the data (small, large): {differing}"
    )


def test_bench_due_page_small_and_large_data_same_statement_count(measured: dict[int, Any]) -> None:
    assert measured[SMALL]["pages"]["due"].statements == measured[LARGE]["pages"]["due"].statements


def test_bench_pages_benchmark_data_answer_without_errors(measured: dict[int, Any]) -> None:
    for size in (SMALL, LARGE):
        errors = {k: m.errors for k, m in measured[size]["pages"].items() if m.errors}
        assert errors == {}, f"{size} cases: {errors}"


def test_bench_context_rich_cases_found(measured: dict[int, Any]) -> None:
    for size in (SMALL, LARGE):
        ctx = measured[size]["ctx"]
        assert ctx["case_ids"], f"no case with firm, participants and referrals at {size} cases"
        assert all(ctx["users"].values())


def test_generator_references_continue_case_counters(measured: dict[int, Any]) -> None:
    from wbagentur.cases.models import Case, CaseCounter
    from wbagentur.extensions import db
    from wbagentur.regions.models import Region

    app = measured[LARGE]["app"]
    with app.app_context():
        counters = {
            (c.region_id, c.year): c.last_seq for c in db.session.scalars(sa.select(CaseCounter))
        }
        codes = dict(db.session.execute(sa.select(Region.id, Region.code)).tuples().all())
        refs = db.session.execute(sa.select(Case.region_id, Case.reference)).all()
        db.session.remove()
    assert len(refs) == LARGE
    highest: dict[tuple[int, int], int] = {}
    for region_id, reference in refs:
        _wba, code, year, seq = reference.split("-")
        assert code == codes[region_id]
        key = (region_id, int(year))
        highest[key] = max(highest.get(key, 0), int(seq))
    assert highest == counters
    assert len(codes) == 4
    assert {r for r, _y in counters} == set(codes)


def test_generator_volumes_and_search_columns_match(measured: dict[int, Any]) -> None:
    from wbagentur.core.text import normalise_search
    from wbagentur.extensions import db
    from wbagentur.firms.models import Firm
    from wbagentur.persons.models import Person

    app = measured[SMALL]["app"]
    with app.app_context():
        counts = {
            t: db.session.scalar(sa.text(f"SELECT COUNT(*) FROM {t}"))
            for t in ("firms", "persons", "cases", "timeline_entries", "referrals")
        }
        firm = db.session.scalars(sa.select(Firm).order_by(Firm.id.desc()).limit(1)).one()
        person = db.session.scalars(sa.select(Person).order_by(Person.id.desc()).limit(1)).one()
        closed_ok = db.session.scalar(
            sa.text(
                "SELECT COUNT(*) FROM cases WHERE (status = 'closed') <> (closed_at IS NOT NULL "
                "AND outcome IS NOT NULL)"
            )
        )
        firm_ok = firm.name_search == normalise_search(firm.name)
        person_ok = person.name_search == normalise_search(
            f"{person.first_name} {person.last_name}"
        )
        db.session.remove()
    assert counts == {
        "firms": 40,
        "persons": 120,
        "cases": 200,
        "timeline_entries": 600,
        "referrals": 300,
    }
    assert firm_ok
    assert person_ok
    assert closed_ok == 0


def test_bench_explain_prints_a_plan_for_every_list_page_and_count(
    measured: dict[int, Any],
) -> None:
    """``flask bench explain`` (issue #22): first page, keyset page and bounded count."""
    from wbagentur.bench.explain import explain_lists

    lines: list[str] = []
    explain_lists(measured[LARGE]["app"], measured[LARGE]["ctx"], echo=lines.append)
    headings = [line for line in lines if line.startswith("### ")]
    lists = (
        "inbox",
        "my_cases",
        "case_list_filter",
        "case_list_search",
        "case_list_last_contact",
        "referral_list",
    )
    for name in (*lists, "api_firms", "api_persons", "firm_list", "person_list"):
        assert f"### {name}: erste Seite" in headings
        assert f"### {name}: Anzahl (höchstens 1.001)" in headings
    assert len(lines) > len(headings)
