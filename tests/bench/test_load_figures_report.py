"""The figures report lists the load-test results (security.md § 5 items 31-33) with
their targets, read from loadtest/run.py's JSON files."""

from __future__ import annotations

import json

from tests.figures import load_lines


def _result(users, think, duration, p95, errors, ok):
    return {
        "db": "postgresql",
        "started_at": "2026-12-06T20:00:00+00:00",
        "total": {"p95_ms": p95, "requests_per_s": 12.5},
        "errors": errors,
        "ok": ok,
        "settings": {"users": users, "think_time_s": think, "duration": duration},
        "machine": {"load_average_1min_max": 3.1},
    }


def test_load_lines_show_each_run_with_its_target(tmp_path):
    for name, result in {
        "sustained": _result(50, [1.0, 3.0], "90s", 180.0, 0, True),
        "soak": _result(50, [1.0, 3.0], "5m", 4500.0, 0, False),
        "spike": _result(200, [0.0, 0.0], "60s", 1500.0, 0, True),
        "throughput-10": _result(10, [0.0, 0.0], "50s", 450.0, 0, False),
        "throughput-20": _result(20, [0.0, 0.0], "50s", 1800.0, 0, False),
    }.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "load-postgresql.json").write_text(json.dumps(result))
    (tmp_path / "load-broken.json").write_text("{")
    lines = load_lines(tmp_path)
    assert len(lines) == 5
    soak, spike, sustained, held, missed = lines
    assert sustained.startswith("31  Last 50 Nutzer, 90s")
    assert sustained.endswith("ok")
    assert "p95 180.0 ms" in sustained
    assert soak.startswith("31  Dauerlast 50 Nutzer, 5m")
    assert soak.endswith("VERFEHLT")
    assert spike.startswith("32  Lastspitze 200 Nutzer ohne Denkzeit")
    assert "Ziel 0 × 5xx, p95 ≤ 2 s" in spike
    assert spike.endswith("ok")
    # 33: runs without think time below the spike; judged by p95 ≤ 500 ms, not by the
    # page targets of 31 that loadtest/run.py writes into "ok".
    assert held.startswith("33  Durchsatz 10 Nutzer ohne Denkzeit")
    assert "Ziel p95 ≤ 500 ms" in held
    assert held.endswith("ok")
    assert missed.startswith("33  Durchsatz 20 Nutzer ohne Denkzeit")
    assert missed.endswith("VERFEHLT")


def test_no_results_no_lines(tmp_path):
    assert load_lines(tmp_path) == []
