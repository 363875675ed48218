"""PostgreSQL outage under load against real gunicorn workers (issue #19, figure 26).

    .venv/bin/python loadtest/outage.py [--clients 10] [--outage 8] [--workers 3]

Creates its own database next to ``WBAGENTUR_TEST_POSTGRES_URL`` (superuser needed), signs
in ``--clients`` advisors, starts gunicorn on 127.0.0.1 and lets as many signed-in and as
many anonymous clients send requests for a bounded time. After 5 s the database is cut off
(``ALLOW_CONNECTIONS false`` and ``pg_terminate_backend``) for ``--outage`` seconds, then
allowed again. Prints, per kind of client, the share of outage requests answered 503 with
Retry-After and the security headers, the 5xx other than 503 over the whole run, and the
seconds until a signed-in page answers 200 again. Everything is stopped and dropped at the
end. ``tests/core/test_db_outage.py`` checks the same in-process on every test run.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tests.conftest import POSTGRES_URL, _postgres_database, make_app  # noqa: E402
from tests.personas import create_persona  # noqa: E402


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _client() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)


def _call(base: str, client: Any, path: str, data: dict[str, str] | None = None) -> tuple:
    body = urllib.parse.urlencode(data).encode() if data else None
    try:
        request = urllib.request.Request(base + path, data=body)  # noqa: S310 - 127.0.0.1
        response = client.open(request, timeout=30)
        return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def _cut(admin: sa.Engine, name: str, allow: bool) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}'))
        if not allow:
            conn.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=:n"),
                {"n": name},
            )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--outage", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    name = f"wbagentur_outage_{uuid.uuid4().hex[:8]}"
    url = _postgres_database(name)
    app = make_app(url, RATELIMIT_ENABLED=False)
    with app.app_context():
        from wbagentur.extensions import db

        personas = [create_persona("advisor", "SW") for _ in range(args.clients)]
        db.engine.dispose()
    admin = sa.create_engine(sa.make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    env = dict(
        os.environ,
        WBAGENTUR_SQLALCHEMY_DATABASE_URI=url,
        WBAGENTUR_SECRET_KEY="outage-test-" + uuid.uuid4().hex * 2,
        WBAGENTUR_RATELIMIT_ENABLED="false",
        WBAGENTUR_WTF_CSRF_ENABLED="false",
    )
    gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "-w", str(args.workers)]
    gunicorn += ["-b", f"127.0.0.1:{args.port}", "--timeout", "60", "wbagentur:create_app()"]
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn on 127.0.0.1
        gunicorn, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        result = _measure(base, admin, name, personas, args.outage)
    finally:
        server.terminate()
        server.wait(20)
        _cut(admin, name, allow=True)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(json.dumps(result, indent=1, ensure_ascii=False))  # noqa: T201 - a command
    shares = [result[kind]["share"] for kind in ("signed-in", "anonymous")]
    ok = shares == [1.0, 1.0] and result["recovery_s"] is not None
    return 0 if ok and result["recovery_s"] <= 10 and not result["5xx_not_503"] else 1


def _measure(base: str, admin: sa.Engine, name: str, personas: list, outage: float) -> dict:
    for _ in range(120):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - 127.0.0.1
            break
        except OSError:
            time.sleep(0.5)
    signed = []
    for persona in personas:
        client = _client()
        status, _ = _call(
            base, client, "/anmelden", {"email": persona.email, "password": persona.password}
        )
        if status != 302:
            raise SystemExit(f"Anmeldung fehlgeschlagen: {status}")
        signed.append(client)
    phase = {"now": "before"}
    results: list[tuple] = []
    lock = threading.Lock()
    stop = time.monotonic() + 5 + outage + 9

    def user(kind: str, client: Any, paths: list) -> None:
        i = 0
        while time.monotonic() < stop:
            path, data = paths[i % len(paths)]
            i += 1
            status, headers = _call(base, client, path, data)
            full = "Content-Security-Policy" in headers and "X-Content-Type-Options" in headers
            with lock:
                results.append((phase["now"], kind, path, status, "Retry-After" in headers, full))
            time.sleep(0.05)

    signed_paths = [("/faelle", None), ("/", None), ("/healthz", None), ("/personen", None)]
    anonymous_paths = [
        ("/healthz", None),
        ("/anmelden", {"email": "x@test.example", "password": "x"}),
    ]
    threads = [threading.Thread(target=user, args=("signed-in", c, signed_paths)) for c in signed]
    threads += [
        threading.Thread(target=user, args=("anonymous", _client(), anonymous_paths))
        for _ in signed
    ]
    for thread in threads:
        thread.start()
    time.sleep(5)
    _cut(admin, name, allow=False)
    time.sleep(0.5)  # requests already past their database access may still finish
    phase["now"] = "outage"
    time.sleep(outage)
    phase["now"] = "recovery"
    _cut(admin, name, allow=True)
    back = time.monotonic()
    recovered = None
    while time.monotonic() < stop:
        if _call(base, signed[0], "/faelle")[0] == 200:
            recovered = round(time.monotonic() - back, 2)
            break
        time.sleep(0.1)
    for thread in threads:
        thread.join(60)
    summary: dict[str, Any] = {}
    for kind in ("signed-in", "anonymous"):
        during = [r for r in results if r[0] == "outage" and r[1] == kind]
        good = [r for r in during if r[3] == 503 and r[4] and r[5]]
        summary[kind] = {
            "requests": len(during),
            "503_with_retry_after_and_headers": len(good),
            "share": round(len(good) / len(during), 4) if during else None,
            "other": sorted({(r[2], r[3]) for r in during if r not in good}),
        }
    summary["5xx_not_503"] = sum(1 for r in results if r[3] >= 500 and r[3] != 503)
    summary["recovery_s"] = recovered
    return summary


if __name__ == "__main__":
    raise SystemExit(main())
