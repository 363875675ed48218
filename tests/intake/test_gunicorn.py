"""VAL-04 across processes: the per-IP limit of the public form holds in gunicorn with two
workers sharing a Redis limiter store (as in production), not only in the test client."""

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.figures import record_figure
from tests.helpers import real_clock_env

ROOT = Path(__file__).resolve().parents[2]
REDIS = shutil.which("redis-server")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request_from(source, url, data):
    """POST from another loopback address (127.0.0.x), as a second client would."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=10, source_address=(source, 0)
    )
    try:
        conn.request(
            "POST",
            parts.path,
            body=urllib.parse.urlencode(data, doseq=True),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def request(url, data=None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=body), timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def wait_for(check, what):
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} did not start")


@pytest.fixture
def gunicorn_intake(backend, tmp_path):
    yield from _gunicorn(backend, tmp_path, {})


@pytest.fixture
def gunicorn_flood(backend, tmp_path):
    yield from _gunicorn(backend, tmp_path, {"WBAGENTUR_INTAKE_GLOBAL_LIMIT": "30 per hour"})


def _gunicorn(backend, tmp_path, extra_env):
    if REDIS is None:
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    from tests.conftest import database_url, make_app
    from wbagentur.extensions import db

    url = database_url(backend, tmp_path, "gunicorn_intake")
    app = make_app(url)
    with app.app_context():
        db.engine.dispose()
    redis_port, port = free_port(), free_port()
    redis = subprocess.Popen(
        [
            REDIS,
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=real_clock_env(),
    )
    env = {
        **os.environ,
        "WBAGENTUR_SQLALCHEMY_DATABASE_URI": url,
        "WBAGENTUR_SECRET_KEY": "gunicorn-intake-secret-" + "x" * 30,
        "WBAGENTUR_WTF_CSRF_ENABLED": "false",
        "WBAGENTUR_RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
        "WBAGENTUR_INTAKE_MIN_SECONDS": "0",
        "WBAGENTUR_UPLOAD_DIR": str(tmp_path / "uploads"),
        **extra_env,
    }
    proc = None
    try:
        wait_for(
            lambda: socket.create_connection(("127.0.0.1", redis_port), 1).close() or True, "redis"
        )
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "wbagentur:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: request(base + "/healthz")[0] == 200, "gunicorn")
        yield base, app
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        redis.terminate()
        redis.wait(timeout=10)


@pytest.mark.slow
def test_public_form_sixth_submission_in_an_hour_is_429_across_workers(gunicorn_intake):
    from wbagentur.cases.models import Case
    from wbagentur.extensions import db

    base, app = gunicorn_intake
    status, _headers, page = request(base + "/beratung-anfragen")
    assert status == 200
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    district = re.search(r'<option value="(\d+)">Sömmerda</option>', page).group(1)
    statuses = []
    for _ in range(7):
        status, headers, body = request(
            base + "/beratung-anfragen",
            {
                "firm_name": "Gunicorn GmbH",
                "contact_name": "Erika Test",
                "email": "erika@gunicorn-test.example",
                "district_id": district,
                "headcount_band": "1_9",
                "topics": ["digital"],
                "preferred_channel": "email",
                "consent": "y",
                "started": started,
                "submission_token": secrets.token_urlsafe(16),
            },
        )
        statuses.append(status)
    accepted = statuses.count(303)
    record_figure(
        "throttle.public_form", accepted, target="≤ 5", ok=accepted <= 5, db="gunicorn 2 Worker"
    )
    assert statuses[:5] == [303] * 5
    assert statuses[5:] == [429, 429]
    assert headers.get("Retry-After")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 5
        db.engine.dispose()


def _form(page, firm="Flut GmbH"):
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    district = re.search(r'<option value="(\d+)">Sömmerda</option>', page).group(1)
    return {
        "firm_name": firm,
        "contact_name": "Erika Test",
        "email": "erika@flut-test.example",
        "district_id": district,
        "headcount_band": "10_49",
        "topics": ["funding"],
        "preferred_channel": "email",
        "consent": "y",
        "started": started,
        "submission_token": secrets.token_urlsafe(16),
    }


@pytest.mark.slow
def test_flood_from_one_address_leaves_the_form_open_for_others(gunicorn_flood):
    """Issue #15: 60 posts from 127.0.0.1 against a global cap of 30 per hour; requests the
    per-address limit refuses do not count, so 127.0.0.3 and 127.0.0.4 still get through."""
    from wbagentur.cases.models import Case
    from wbagentur.extensions import db

    base, app = gunicorn_flood
    _status, _headers, page = request(base + "/beratung-anfragen")
    started = time.perf_counter()
    flood = [request(base + "/beratung-anfragen", _form(page))[0] for _ in range(60)]
    flood_seconds = time.perf_counter() - started
    others = [
        request_from(source, base + "/beratung-anfragen", _form(page, f"Andere {source} GmbH"))
        for source in ("127.0.0.3", "127.0.0.4")
    ]
    record_figure(
        "throttle.public_form_flood_others",
        sum(1 for status, _body in others if status == 303),
        target="2 von 2",
        ok=all(status == 303 for status, _body in others),
        db="gunicorn 2 Worker, Redis",
    )
    assert flood.count(303) == 5
    assert flood.count(429) == 55
    assert [status for status, _body in others] == [303, 303]
    assert flood_seconds < 60
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 7
        db.engine.dispose()
