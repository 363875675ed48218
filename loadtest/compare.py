"""Case list against a Flask-Admin list of the same table and a trivial Flask page (issue #22).

    .venv/bin/python loadtest/compare.py --db sqlite --db postgresql
    make compare                     # the same (COMPARE_ARGS=... for more)

In one run, per database, three gunicorns with the settings of ``loadtest/run.py``
(``2 × cores + 1`` sync workers, ``--preload``, 127.0.0.1 only) serve

* the application's case list ``/faelle`` for an advisor of the benchmark data, signed in
  through the real login form (CSRF on; the session cookie is then sent by wrk),
* a minimal Flask app of its own (``admin_app`` below, no import of the application):
  a read-only Flask-Admin ``ModelView`` of the same ``cases`` table, the firm joined,
  newest ``opened_at`` first (indexed), 25 rows a page like the case list,
* a trivial Flask page (``hello_app``) that returns a constant string,

and wrk measures them one after the other with the same connections and duration, in
interleaved rounds (default 3 × 10 s each, after a 3 s warm-up; the medians count)
(``apt-get install wrk``). Prints requests/s, p50 and p99 and the two ratios of issue #22
(case list >= 1.5 × Flask-Admin, >= 1/10 of the trivial page), writes
``bench-results/compare-<db>.json``; exit status 1 when a target is missed or a response
was not 200. The machine's load average is recorded: on a shared machine the absolute
figures move, the ratios of one run much less.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from loadtest.run import database_parser, open_bench, wait_ready  # noqa: E402

PAGE_SIZE = 25  # wbagentur.cases.views.PER_PAGE
TARGET_VS_ADMIN = 1.5
TARGET_VS_TRIVIAL = 0.1
CASE_LIST = "/faelle"
ADMIN_LIST = "/admin/cases/"
TRIVIAL = "/"
URL_ENV = "COMPARE_DATABASE_URL"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# ---------------------------------------------------------------- the two reference apps


def hello_app() -> Any:
    """The trivial Flask page: the floor of what gunicorn and Flask cost per request."""
    from flask import Flask

    app = Flask("compare_hello")

    @app.get("/")
    def hello() -> str:
        return "hello"

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app


def admin_app(url: str | None = None) -> Any:
    """A Flask-Admin list of the cases table as a generic admin would build it: its own
    models over the same tables (only the columns it shows), Flask-SQLAlchemy, the default
    Bootstrap 4 theme, read-only, firm joined, sorted by the indexed ``opened_at``."""
    import sqlalchemy as sa
    from flask import Flask
    from flask_admin import Admin
    from flask_admin.contrib.sqla import ModelView
    from flask_babel import Babel
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy.orm import DeclarativeBase, mapped_column, relationship

    class Base(DeclarativeBase):
        pass

    db = SQLAlchemy(model_class=Base)

    # Plain mapped_column() without Mapped[] annotations: the classes live in a function.
    class Firm(db.Model):  # type: ignore[name-defined]
        __tablename__ = "firms"
        id = mapped_column(sa.Integer, primary_key=True)
        name = mapped_column(sa.String)

        def __str__(self) -> str:
            return str(self.name)

    class Case(db.Model):  # type: ignore[name-defined]
        __tablename__ = "cases"
        id = mapped_column(sa.Integer, primary_key=True)
        reference = mapped_column(sa.String)
        title = mapped_column(sa.String)
        status = mapped_column(sa.String)
        opened_at = mapped_column(sa.DateTime(timezone=True))
        firm_id = mapped_column(sa.ForeignKey("firms.id"))
        firm = relationship(Firm)

    class CaseView(ModelView):
        can_create = False
        can_edit = False
        can_delete = False
        can_set_page_size = False
        page_size = PAGE_SIZE
        column_list = ("reference", "title", "firm.name", "status", "opened_at")
        column_labels = {"firm.name": "Unternehmen"}
        column_default_sort = ("opened_at", True)

    app = Flask("compare_admin")
    app.config.update(
        SQLALCHEMY_DATABASE_URI=url or os.environ[URL_ENV],
        SECRET_KEY=os.environ.get("COMPARE_SECRET_KEY", "compare-" + "x" * 32),
    )
    db.init_app(app)
    # Flask-Admin translates through Flask-Babel when it is installed (it is, for wbagentur).
    Babel(app, default_locale="de")
    admin = Admin(app, name="Fälle")
    admin.add_view(CaseView(Case, db, name="Fälle", endpoint="cases"))

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app


# ---------------------------------------------------------------- servers and wrk


@contextmanager
def gunicorn(app: str, port: int, env: dict[str, str], workers: int) -> Iterator[str]:
    """gunicorn with loadtest/run.py's settings; yields the base URL once /healthz answers."""
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--preload",
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, server)
        yield base
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def sign_in(base: str, email: str, password: str, cookie_name: str) -> str:
    """Sign in through the login form (GET for the CSRF token, POST); the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    with opener.open(base + "/anmelden", timeout=30) as r:
        match = CSRF.search(r.read().decode())
    if not match:
        raise SystemExit("Anmeldeformular ohne CSRF-Token")
    data = urllib.parse.urlencode(
        {"email": email, "password": password, "csrf_token": match.group(1)}
    ).encode()
    try:
        opener.open(base + "/anmelden", data=data, timeout=30)
        raise SystemExit("Anmeldung ohne Weiterleitung (abgelehnt?)")
    except urllib.error.HTTPError as exc:
        if exc.code != 302 or "/anmelden" in (exc.headers.get("Location") or ""):
            raise SystemExit(f"Anmeldung abgelehnt: HTTP {exc.code}") from None
    cookie = next((c for c in jar if c.name == cookie_name), None)
    if cookie is None or not cookie.value:
        raise SystemExit(f"kein Sitzungscookie {cookie_name} nach der Anmeldung")
    return f"{cookie_name}={cookie.value}"


def fetch(url: str, cookie: str | None = None) -> tuple[int, str]:
    """One GET without following redirects: status and body."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with opener.open(request, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


# wrk counts only socket errors and status >= 400; a redirect to the login form would look
# like success, so the script counts every status but 200, and prints the figures as JSON.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local not200 = 0
  for _, t in ipairs(threads) do not200 = not200 + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "not_200": %d, "socket_errors": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f}\\n',
    summary.requests, summary.duration, not200,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean))
end
"""


def parse_wrk(output: str) -> dict[str, Any]:
    """The figures of the script's JSON line in wrk's output."""
    line = next((x for x in output.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise ValueError("wrk-Ausgabe ohne WRKJSON-Zeile")
    raw = json.loads(line.removeprefix("WRKJSON "))
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "requests_per_s": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p90_ms": round(raw["p90_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "mean_ms": round(raw["mean_us"] / 1000, 1),
        "not_200": raw["not_200"],
        "socket_errors": raw["socket_errors"],
    }


def run_wrk(
    url: str, script: Path, connections: int, threads: int, duration: str, cookie: str | None
) -> dict[str, Any]:
    command = [
        "wrk",
        "--threads",
        str(threads),
        "--connections",
        str(connections),
        "--duration",
        duration,
        "--timeout",
        "30s",
        "--script",
        str(script),
    ]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    out = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True, timeout=600
    )
    return parse_wrk(out.stdout)


# ---------------------------------------------------------------- one database


def judge(case: float, admin: float, trivial: float) -> dict[str, Any]:
    vs_admin = case / admin if admin else 0.0
    vs_trivial = case / trivial if trivial else 0.0
    return {
        "case_list_vs_admin": round(vs_admin, 3),
        "case_list_vs_trivial": round(vs_trivial, 4),
        "target_vs_admin": TARGET_VS_ADMIN,
        "target_vs_trivial": TARGET_VS_TRIVIAL,
        "ok_vs_admin": vs_admin >= TARGET_VS_ADMIN,
        "ok_vs_trivial": vs_trivial >= TARGET_VS_TRIVIAL,
    }


def run_one(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    from wbagentur.bench.generator import BENCH_PASSWORD

    url, shown, described, accounts, env = open_bench(kind, args)
    env[URL_ENV] = url
    apps = {
        "case_list": ("wbagentur:create_app()", args.port, CASE_LIST),
        "flask_admin": ("loadtest.compare:admin_app()", args.port + 1, ADMIN_LIST),
        "trivial": ("loadtest.compare:hello_app()", args.port + 2, TRIVIAL),
    }
    load_before = os.getloadavg()
    started = datetime.now(UTC)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in apps}
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "count.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        with (
            gunicorn(apps["case_list"][0], apps["case_list"][1], env, args.workers) as app_base,
            gunicorn(apps["flask_admin"][0], apps["flask_admin"][1], env, args.workers) as ad_base,
            gunicorn(apps["trivial"][0], apps["trivial"][1], env, args.workers) as hello_base,
        ):
            cookie = sign_in(app_base, accounts[0], BENCH_PASSWORD, _app_cookie_name())
            bases = {"case_list": app_base, "flask_admin": ad_base, "trivial": hello_base}
            cookies = {"case_list": cookie, "flask_admin": None, "trivial": None}
            for name, (_app, _port, path) in apps.items():
                status, body = fetch(bases[name] + path, cookies[name])
                if status != 200 or (name != "trivial" and "<table" not in body):
                    raise SystemExit(f"{name}: {path} antwortet {status} ohne Tabelle")
            names = list(apps)
            for round_no in range(args.rounds):
                # Interleaved rounds in a rotating order: a change in the machine's load
                # (shared) falls on all three pages, and the medians are compared.
                for name in names[round_no % 3 :] + names[: round_no % 3]:
                    path = apps[name][2]
                    target = bases[name] + path
                    # Warm-up: connections, caches and every worker's first request.
                    run_wrk(target, script, args.connections, args.threads, "3s", cookies[name])
                    figures = run_wrk(
                        target,
                        script,
                        args.connections,
                        args.threads,
                        args.duration,
                        cookies[name],
                    )
                    figures["load_1min_after"] = round(os.getloadavg()[0], 2)
                    runs[name].append(figures)
                    print(
                        f"  {name:<12} {figures['requests_per_s']:>8.1f} req/s  "
                        f"p50 {figures['p50_ms']:>6.1f} ms  p99 {figures['p99_ms']:>6.1f} ms"
                        + (f"  {figures['not_200']} nicht 200" if figures["not_200"] else ""),
                        flush=True,
                    )
            status, _body = fetch(app_base + CASE_LIST, cookie)
            if status != 200:
                problems.append(f"Sitzung nach der Messung ungültig (HTTP {status})")
    for name, figures_list in runs.items():
        bad = sum(f["not_200"] + f["socket_errors"] for f in figures_list)
        if bad:
            problems.append(f"{name}: {bad} Antworten nicht 200 oder Socket-Fehler")
    median = {
        name: statistics.median(f["requests_per_s"] for f in figures)
        for name, figures in runs.items()
    }
    ratios = judge(median["case_list"], median["flask_admin"], median["trivial"])
    load_after = os.getloadavg()
    result = {
        "db": kind,
        "database": shown,
        "data": described,
        "started_at": started.isoformat(timespec="seconds"),
        "pages": {
            name: {
                "path": apps[name][2],
                "requests_per_s_median": median[name],
                "p50_ms_median": statistics.median(f["p50_ms"] for f in runs[name]),
                "p99_ms_median": statistics.median(f["p99_ms"] for f in runs[name]),
                "runs": runs[name],
            }
            for name in apps
        },
        "ratios": ratios,
        "problems": problems,
        "ok": ratios["ok_vs_admin"] and ratios["ok_vs_trivial"] and not problems,
        "settings": {
            "gunicorn_workers": args.workers,
            "worker_class": "sync",
            "preload": True,
            "wrk_connections": args.connections,
            "wrk_threads": args.threads,
            "duration": args.duration,
            "rounds": args.rounds,
            "page_size": PAGE_SIZE,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        },
    }
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"compare-{kind}.json"
    target.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_result(result)
    print(f"JSON: {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return result


def _app_cookie_name() -> str:
    """The application's session cookie name from its default configuration."""
    from config import default

    return str(default.SESSION_COOKIE_NAME)


def print_result(result: dict[str, Any]) -> None:
    r = result["ratios"]
    pages = result["pages"]
    print(
        f"Fallliste / Flask-Admin: {r['case_list_vs_admin']:.2f} (Ziel >= {TARGET_VS_ADMIN}) "
        f"{'ok' if r['ok_vs_admin'] else 'VERFEHLT'}"
    )
    print(
        f"Fallliste / triviale Seite: 1/{1 / r['case_list_vs_trivial']:.1f} "
        f"(Ziel >= 1/{1 / TARGET_VS_TRIVIAL:.0f}) {'ok' if r['ok_vs_trivial'] else 'VERFEHLT'}"
        if r["case_list_vs_trivial"]
        else "Fallliste / triviale Seite: 0"
    )
    for n, p in pages.items():
        print(
            f"  Median {n:<12} {p['requests_per_s_median']:>8.1f} req/s  "
            f"p50 {p['p50_ms_median']:>6.1f} ms  p99 {p['p99_ms_median']:>6.1f} ms"
        )
    for problem in result["problems"]:
        print("Problem:", problem)
    m = result["machine"]
    print(
        f"Last (1/5/15 min) vorher {m['load_average_before']}, nachher {m['load_average_after']} "
        f"auf {m['cpus']} Kernen (geteilte Maschine: absolute Werte schwanken)"
    )
    print("Ergebnis:", "Ziele erreicht" if result["ok"] else "Ziel verfehlt")


def main() -> int:
    parser = database_parser(__doc__)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2, help="wrk-Threads")
    parser.add_argument("--duration", default="10s", help="je Seite und Runde, z. B. 20s")
    parser.add_argument("--rounds", type=int, default=3, help="Runden (Median der Runden)")
    parser.add_argument("--port", type=int, default=8775, help="erster von drei Ports")
    parser.add_argument("--out-dir", default=str(ROOT / "bench-results"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk fehlt: `apt-get install wrk`")
    results = [run_one(kind, args) for kind in (args.db or ["sqlite"])]
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
