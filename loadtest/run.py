"""Start gunicorn on the benchmark database and run the locust load test headless.

    .venv/bin/python loadtest/run.py --db sqlite --db postgresql --users 50 --duration 60s
    make loadtest                    # the same with the defaults (LOADTEST_ARGS=... for more)

For each database: gunicorn (``2 × cores + 1`` sync workers, 127.0.0.1 only) on the
benchmark database of ``flask bench generate``, locust headless for a bounded time with
``loadtest/locustfile.py``, then gunicorn is stopped. Prints p50/p95 per page, the errors
and the load average, judges them against security.md § 5 item 31 (reads p95 <= 300 ms,
saves and search <= 800 ms, 0 errors) and writes ``bench-results/load-<db>.json`` (plus
locust's CSV files ``load-<db>_*.csv``). Exit status 0 only if every target is met.

The app runs with rate limits off (``WBAGENTUR_RATELIMIT_ENABLED=false``): all simulated
users come from 127.0.0.1, so the per-IP login limit (20/min) would refuse most of the 50
logins; the limits are tested on their own (RL-01). Login throttling per account counts
only failed logins, and the users are spread round-robin over every generated advisor
account (the generator scales them with the cases: 100 at 100,000 cases), which the
locustfile reads from ``WBA_ACCOUNTS``. The saves add
notes to the benchmark database (``--no-writes`` leaves them out).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from loadtest.pages import PAGE_KINDS, TARGET_MS  # noqa: E402

TARGET_ERRORS = 0


def bench_url(kind: str, path: str | None) -> str:
    """The benchmark database of ``flask bench generate`` (same defaults and variable)."""
    if kind == "sqlite":
        return f"sqlite:///{Path(path or ROOT / 'instance' / 'bench.sqlite').resolve()}"
    return os.environ.get(
        "WBAGENTUR_BENCH_POSTGRES_URL",
        "postgresql+psycopg://postgres@127.0.0.1:5432/wbagentur_bench",
    )


def check_database(kind: str, url: str) -> tuple[str, list[str]]:
    """Refuse to start on a database without the generated accounts; return a description
    and the advisor accounts, round-robin over the regions."""
    import sqlalchemy as sa

    from wbagentur.bench.generator import BENCH_DOMAIN

    if kind == "sqlite":
        file = Path(sa.make_url(url).database or "")
        if not file.exists():  # connecting would create an empty file
            raise SystemExit(f"{file} fehlt: zuerst `flask bench generate --db sqlite` ausführen")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            advisors = conn.scalar(
                sa.text("SELECT COUNT(*) FROM users WHERE role = 'advisor' AND email LIKE :d"),
                {"d": f"%@{BENCH_DOMAIN}"},
            )
            cases = conn.scalar(sa.text("SELECT COUNT(*) FROM cases"))
            rows = conn.execute(
                sa.text(
                    "SELECT u.email, cp.region_id FROM users u "
                    "JOIN contact_points cp ON cp.id = u.contact_point_id "
                    "WHERE u.role = 'advisor' AND u.is_active AND u.email LIKE :d ORDER BY u.id"
                ),
                {"d": f"%@{BENCH_DOMAIN}"},
            ).all()
    except sa.exc.SQLAlchemyError as exc:
        raise SystemExit(f"Benchmark-Datenbank nicht lesbar ({type(exc).__name__}): {url}") from exc
    finally:
        engine.dispose()
    if not advisors:
        raise SystemExit(f"keine Bench-Konten in {url}: zuerst `flask bench generate` ausführen")
    by_region: dict[int, list[str]] = {}
    for email, region_id in rows:
        by_region.setdefault(region_id, []).append(email)
    # Round-robin over the regions first, so the users spread over every region.
    columns = [by_region[r] for r in sorted(by_region)]
    accounts = [
        column[i] for i in range(max(map(len, columns))) for column in columns if i < len(column)
    ]
    return f"{cases:,} Fälle, {advisors} Beratungskonten", accounts


def wait_ready(url: str, server: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn beendet mit Status {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn antwortet nicht")


class LoadSampler(threading.Thread):
    """Samples the 1-minute load average every few seconds while the test runs."""

    def __init__(self, every: float = 5) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self.stop.wait(self.every)


def seconds(duration: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    if duration[-1] in units:
        return int(float(duration[:-1]) * units[duration[-1]])
    return int(duration)


def server_env(kind: str, url: str) -> dict[str, str]:
    """The environment of the gunicorn under test: the benchmark database, one secret for
    all workers, no rate limits, its own audit spool (also loadtest/compare.py)."""
    env = {k: v for k, v in os.environ.items() if k != "GUNICORN_CMD_ARGS"}
    env.update(
        {
            "WBAGENTUR_SQLALCHEMY_DATABASE_URI": url,
            # One secret for all workers, so a session cookie is valid in every worker.
            "WBAGENTUR_SECRET_KEY": env.get(
                "WBAGENTUR_SECRET_KEY", "loadtest-secret-key-" + "x" * 32
            ),
            "WBAGENTUR_RATELIMIT_ENABLED": "false",
            # Reads spooled for the audit trail (issue #22) stay with the benchmark database,
            # never in instance/audit-spool, where the development worker would chain them.
            "WBAGENTUR_AUDIT_SPOOL_DIR": str(ROOT / "instance" / f"audit-spool-bench-{kind}"),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


class Bench(NamedTuple):
    url: str
    shown: str  # the URL without a password, for the report
    described: str
    accounts: list[str]
    env: dict[str, str]  # of the gunicorn under test (``server_env``)


def open_bench(kind: str, args: argparse.Namespace) -> Bench:
    """The benchmark database of ``kind``, checked and announced (also compare.py)."""
    import sqlalchemy as sa

    url = bench_url(kind, args.path if kind == "sqlite" else None)
    described, accounts = check_database(kind, url)
    shown = sa.make_url(url).render_as_string(hide_password=True)
    print(f"\n== {kind}: {shown} ({described})", flush=True)
    return Bench(url, shown, described, accounts, server_env(kind, url))


def run_one(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    _url, shown, described, accounts, env = open_bench(kind, args)
    env.update(
        {
            "WBA_ACCOUNTS": ",".join(accounts),
            "WBA_WAIT_MIN": str(args.wait_min),
            "WBA_WAIT_MAX": str(args.wait_max),
        }
    )
    if args.no_writes:
        env["WBA_NO_WRITES"] = "1"
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / f"load-{kind}"
    errors_file = out_dir / f"load-{kind}_errors.json"
    for old in [*out_dir.glob(f"load-{kind}_*.csv"), errors_file]:
        old.unlink(missing_ok=True)
    # Latencies from the moment all users are signed in (unless --include-ramp-up); the
    # errors of the whole run come from the locustfile's own count.
    env["WBA_ERRORS_FILE"] = str(errors_file)
    if args.include_ramp_up:
        env["WBA_MEASURE_RAMP_UP"] = "1"
    env["WBA_SETTLE_SECONDS"] = str(args.settle)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--timeout",
            "60",
            # The app is built once before the fork: every worker answers from the first
            # request instead of importing while locust already measures.
            "--preload",
            "--log-level",
            "warning",
            "wbagentur:create_app()",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    sampler = LoadSampler()
    load_before = os.getloadavg()
    started = datetime.now(UTC)
    try:
        wait_ready(base, server)
        sampler.start()
        locust = subprocess.run(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                args.duration,
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            timeout=seconds(args.duration) + 180,
            check=False,
        )
    finally:
        sampler.stop.set()
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    load_after = os.getloadavg()
    result = summarise(prefix, kind, errors_file)
    result.update(
        {
            "database": shown,
            "data": described,
            "started_at": started.isoformat(timespec="seconds"),
            "settings": {
                "users": args.users,
                "spawn_rate": args.spawn_rate,
                "duration": args.duration,
                "think_time_s": [args.wait_min, args.wait_max],
                "gunicorn_workers": args.workers,
                "worker_class": args.worker_class,
                "threads": args.threads,
                "writes": not args.no_writes,
                "latency_includes_ramp_up": args.include_ramp_up,
                "settle_seconds": 0 if args.include_ramp_up else args.settle,
            },
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in load_after],
                "load_average_1min_max": round(max(sampler.samples, default=load_after[0]), 2),
            },
            "locust_exit_code": locust.returncode,
        }
    )
    target = out_dir / f"load-{kind}.json"
    target.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_result(result)
    print(f"JSON: {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return result


def _number(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def summarise(prefix: Path, kind: str, errors_file: Path) -> dict[str, Any]:
    """Per-page figures from locust's CSV statistics, judged against the targets; errors
    over the whole run (ramp-up included) from the locustfile's count."""
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        return {"db": kind, "pages": [], "ok": False, "problem": "keine Locust-Statistik"}
    with stats.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    pages = []
    total: dict[str, Any] = {}
    for row in rows:
        figures = {
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "p50_ms": _number(row["50%"]),
            "p95_ms": _number(row["95%"]),
            "p99_ms": _number(row["99%"]),
            "max_ms": round(float(row["Max Response Time"] or 0), 1),
            "mean_ms": round(float(row["Average Response Time"]), 1),
            "requests_per_s": round(float(row["Requests/s"]), 2),
        }
        if row["Name"] == "Aggregated":
            total = figures
            continue
        page_kind = PAGE_KINDS.get(row["Name"], "read")
        target = TARGET_MS.get(page_kind)
        ok = figures["errors"] == 0 and (
            target is None or (figures["p95_ms"] is not None and figures["p95_ms"] <= target)
        )
        pages.append(
            {
                "page": row["Name"],
                "method": row["Type"],
                "kind": page_kind,
                "target_p95_ms": target,
                **figures,
                "ok": ok,
            }
        )
    run_errors: dict[str, int] = {}
    run_info: dict[str, Any] = {}
    if errors_file.exists():
        run_info = json.loads(errors_file.read_text(encoding="utf-8"))
        run_errors = run_info.get("errors", {})
    failures = [{"request": key, "count": count} for key, count in sorted(run_errors.items())]
    for page in pages:
        page["errors_whole_run"] = sum(
            count for key, count in run_errors.items() if key.startswith(f"{page['page']}: ")
        )
        page["ok"] = page["ok"] and page["errors_whole_run"] == 0
    errors = sum(run_errors.values()) if errors_file.exists() else sum(p["errors"] for p in pages)
    return {
        "db": kind,
        "pages": pages,
        "total": total,
        "errors": errors,
        "failures": failures,
        "signed_in_users": run_info.get("signed_in"),
        "measured_seconds": run_info.get("measured_s"),
        "targets": {"p95_ms": TARGET_MS, "errors": TARGET_ERRORS},
        "ok": bool(pages) and errors <= TARGET_ERRORS and all(p["ok"] for p in pages),
    }


def print_result(result: dict[str, Any]) -> None:
    print(f"{'Seite':<26} {'Art':<6} {'Anfr.':>6} {'Fehler':>6} {'p50':>6} {'p95':>6} {'Ziel':>5}")

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    for p in result["pages"]:
        target = p["target_p95_ms"] or "-"
        print(
            f"{p['page']:<26} {p['kind']:<6} {p['requests']:>6} {p['errors_whole_run']:>6} "
            f"{ms(p['p50_ms']):>6} {ms(p['p95_ms']):>6} {target:>5}  "
            f"{'ok' if p['ok'] else 'VERFEHLT'}"
        )
    total = result.get("total") or {}
    if total:
        print(
            f"{'gesamt':<26} {'':<6} {total['requests']:>6} {result['errors']:>6} "
            f"{ms(total['p50_ms']):>6} {ms(total['p95_ms']):>6}        "
            f"{total['requests_per_s']} Anfragen/s"
        )
    if result.get("measured_seconds") is None:
        print(
            f"Nur {result.get('signed_in_users')} Nutzer bis zum Ende angemeldet: die "
            "Antwortzeiten enthalten die Anmeldephase (längere --duration wählen)."
        )
    else:
        print(
            f"Antwortzeiten der letzten {result['measured_seconds']} s, ab "
            f"{result['settings'].get('settle_seconds', 0):g} s nachdem alle "
            f"{result.get('signed_in_users')} Nutzer angemeldet waren."
        )
    print(f"Fehler im ganzen Lauf (mit Anmeldephase): {result['errors']}")
    for failure in result.get("failures", []):
        print(f"  {failure['request']} ({failure['count']}×)")
    machine = result.get("machine", {})
    print(
        f"Last (1 min) vorher {machine.get('load_average_before', ['?'])[0]}, "
        f"höchstens {machine.get('load_average_1min_max', '?')}, "
        f"nachher {machine.get('load_average_after', ['?'])[0]} auf {machine.get('cpus')} Kernen"
    )
    print("Ergebnis:", "alle Ziele erreicht" if result["ok"] else "Ziel verfehlt oder Fehler")


def database_parser(doc: str | None) -> argparse.ArgumentParser:
    """The options every load script shares: which bench databases (``--db``, repeatable)
    and the SQLite file (``--path``)."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument(
        "--db",
        action="append",
        choices=("sqlite", "postgresql"),
        help="Datenbank (mehrfach möglich; Standard: sqlite)",
    )
    parser.add_argument(
        "--path", default=None, help="SQLite-Datei (Standard: instance/bench.sqlite)"
    )
    return parser


def main() -> int:
    parser = database_parser(__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", default="60s", help="z. B. 30s, 5m")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=1, help="Threads je Worker (gthread)")
    parser.add_argument("--wait-min", type=float, default=1.0, help="Denkzeit min. (s)")
    parser.add_argument("--wait-max", type=float, default=3.0, help="Denkzeit max. (s)")
    parser.add_argument("--no-writes", action="store_true", help="keine Notizen speichern")
    parser.add_argument(
        "--include-ramp-up",
        action="store_true",
        help="Antwortzeiten auch der Anmeldephase zählen (Standard: ab allen Anmeldungen)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=10.0,
        help="Sekunden nach der letzten Anmeldung, bevor gemessen wird (Standard: 10)",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out-dir", default=str(ROOT / "bench-results"))
    args = parser.parse_args()
    results = [run_one(kind, args) for kind in (args.db or ["sqlite"])]
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
