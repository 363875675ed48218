"""VAL-04 across processes: the per-IP limit of the public form holds in gunicorn with two
workers sharing a Redis limiter store (as in production), not only in the test client."""

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

ROOT = Path(__file__).resolve().parents[2]
REDIS = shutil.which("redis-server")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


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
    )
    env = {
        **os.environ,
        "WBAGENTUR_SQLALCHEMY_DATABASE_URI": url,
        "WBAGENTUR_SECRET_KEY": "gunicorn-intake-secret-" + "x" * 30,
        "WBAGENTUR_WTF_CSRF_ENABLED": "false",
        "WBAGENTUR_RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
        "WBAGENTUR_INTAKE_MIN_SECONDS": "0",
        "WBAGENTUR_UPLOAD_DIR": str(tmp_path / "uploads"),
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
