"""The figures report lists the load-test results (security.md § 5 items 31-32) with
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
    }.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "load-postgresql.json").write_text(json.dumps(result))
    (tmp_path / "load-broken.json").write_text("{")
    lines = load_lines(tmp_path)
    assert len(lines) == 3
    soak, spike, sustained = lines
    assert sustained.startswith("31  Last 50 Nutzer, 90s")
    assert sustained.endswith("ok")
    assert "p95 180.0 ms" in sustained
    assert soak.startswith("31  Dauerlast 50 Nutzer, 5m")
    assert soak.endswith("VERFEHLT")
    assert spike.startswith("32  Lastspitze 200 Nutzer ohne Denkzeit")
    assert "Ziel 0 × 5xx, p95 ≤ 2 s" in spike
    assert spike.endswith("ok")


def test_no_results_no_lines(tmp_path):
    assert load_lines(tmp_path) == []
