"""Issue 8: the load-test harness judges locust's figures against security.md § 5 item 31
(reads p95 <= 300 ms, saves and search <= 800 ms, no errors in the whole run)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from loadtest import pages
from loadtest.run import summarise

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n"
)


def _row(method: str, name: str, count: int, p50: int, p95: int) -> str:
    return (
        f"{method},{name},{count},0,{p50},{p50}.0,1,{p95},1000,1.0,0.0,"
        f"{p50},{p50},{p50},{p50},{p95},{p95},{p95},{p95},{p95},{p95},{p95}\n"
    )


def _write(tmp_path: Path, rows: list[str], errors: dict[str, int]) -> dict:
    prefix = tmp_path / "load-sqlite"
    Path(f"{prefix}_stats.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    errors_file = tmp_path / "load-sqlite_errors.json"
    errors_file.write_text(
        json.dumps({"errors": errors, "signed_in": 50, "measured_s": 55.0}), encoding="utf-8"
    )
    return summarise(prefix, "sqlite", errors_file)


def test_loadtest_summary_targets_per_kind(tmp_path: Path) -> None:
    result = _write(
        tmp_path,
        [
            _row("GET", pages.CASE_DETAIL, 100, 40, 290),
            _row("GET", pages.INBOX, 100, 40, 320),
            _row("GET", pages.SEARCH, 50, 200, 780),
            _row("POST", pages.ADD_NOTE, 50, 90, 900),
            _row("POST", pages.LOGIN, 20, 900, 2500),
            _row("", "Aggregated", 300, 50, 400),
        ],
        {},
    )
    verdict = {p["page"]: p["ok"] for p in result["pages"]}
    assert verdict == {
        pages.CASE_DETAIL: True,
        pages.INBOX: False,
        pages.SEARCH: True,
        pages.ADD_NOTE: False,
        pages.LOGIN: True,
    }
    assert result["total"]["requests"] == 300
    assert result["ok"] is False


def test_loadtest_summary_error_during_sign_in_fails_run(tmp_path: Path) -> None:
    result = _write(
        tmp_path,
        [_row("GET", pages.CASE_DETAIL, 100, 40, 100), _row("POST", pages.LOGIN, 0, 0, 0)],
        {f"{pages.LOGIN}: CatchResponseError('Anmeldung: HTTP 503')": 3},
    )
    login = next(p for p in result["pages"] if p["page"] == pages.LOGIN)
    assert login["errors_whole_run"] == 3
    assert login["ok"] is False
    assert result["errors"] == 3
    assert result["ok"] is False
    assert result["measured_seconds"] == 55.0


def test_loadtest_every_request_name_is_judged() -> None:
    source = (Path(pages.__file__).parent / "locustfile.py").read_text(encoding="utf-8")
    used = {getattr(pages, n) for n in re.findall(r"pages\.([A-Z_]+)", source)}
    assert used == set(pages.PAGE_KINDS)
