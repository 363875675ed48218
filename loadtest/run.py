"""Start gunicorn on the benchmark database and run the locust load test headless.

    .venv/bin/python loadtest/run.py --db sqlite --users 50 --duration 60s

gunicorn listens on 127.0.0.1 only; locust runs for a bounded time and stops by itself;
gunicorn is stopped afterwards. The locust CSV statistics land in ``--out`` (default
``bench-results/loadtest``); the p95 and error counts are printed.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def bench_url(kind: str, path: str | None) -> str:
    if kind == "sqlite":
        return f"sqlite:///{Path(path or ROOT / 'instance' / 'bench.sqlite').resolve()}"
    return os.environ.get(
        "WBAGENTUR_BENCH_POSTGRES_URL",
        "postgresql+psycopg://postgres@127.0.0.1:5432/wbagentur_bench",
    )


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn antwortet nicht")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--path", default=None)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", default="60s")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", default=str(ROOT / "bench-results" / "loadtest"))
    args = parser.parse_args()

    env = dict(os.environ)
    env.update(
        {
            "WBAGENTUR_SQLALCHEMY_DATABASE_URI": bench_url(args.db, args.path),
            # One shared secret for all workers; the login limit would otherwise stop 50 logins.
            "WBAGENTUR_SECRET_KEY": env.get(
                "WBAGENTUR_SECRET_KEY", "loadtest-secret-key-" + "x" * 32
            ),
            "WBAGENTUR_RATELIMIT_ENABLED": "false",
            "PYTHONPATH": str(ROOT),
        }
    )
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{args.port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "wbagentur:create_app()",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_ready(base)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                args.duration,
                "--host",
                base,
                "--csv",
                args.out,
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=ROOT,
            env=env,
            timeout=_seconds(args.duration) + 120,
            check=False,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return summarise(Path(args.out + "_stats.csv"), result.returncode)


def _seconds(duration: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return (
        int(float(duration[:-1]) * units[duration[-1]]) if duration[-1] in units else int(duration)
    )


def summarise(stats: Path, returncode: int) -> int:
    if not stats.exists():
        print("keine Locust-Statistik gefunden")
        return returncode or 1
    with stats.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    print(f"{'Seite':<28} {'Anfragen':>9} {'Fehler':>7} {'p50 ms':>7} {'p95 ms':>7}")
    for row in rows:
        print(
            f"{row['Name']:<28} {row['Request Count']:>9} {row['Failure Count']:>7} "
            f"{row['50%']:>7} {row['95%']:>7}"
        )
    return returncode


if __name__ == "__main__":
    raise SystemExit(main())
