"""Behaviour that must hold across several worker processes (real gunicorn)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.figures import record_figure
from tests.personas import TEST_PASSWORD, create_persona

ROOT = Path(__file__).resolve().parents[1]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url, data):
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def gunicorn_server(backend, tmp_path):
    from tests.conftest import database_url, make_app
    from wbagentur.extensions import db

    url = database_url(
        backend, tmp_path, f"gunicorn_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    )
    app = make_app(url)
    with app.app_context():
        persona = create_persona("advisor", "SW", email="mehrere.worker@test.example")
        db.engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "WBAGENTUR_SQLALCHEMY_DATABASE_URI": url,
        "WBAGENTUR_SECRET_KEY": "gunicorn-test-secret-" + "x" * 30,
        "WBAGENTUR_WTF_CSRF_ENABLED": "false",
        "WBAGENTUR_RATELIMIT_ENABLED": "false",
    }
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
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("gunicorn did not start")
    try:
        yield base, persona
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_login_throttle_holds_across_two_worker_processes(gunicorn_server):
    base, persona = gunicorn_server
    statuses = []
    for _ in range(6):
        statuses.append(
            _post(base + "/anmelden", {"email": persona.email, "password": "falsch-falsch-1"})[0]
        )
    # 5 failures, then the sixth attempt is throttled, whichever worker answers.
    allowed = len(statuses) if 429 not in statuses else statuses.index(429)
    record_figure("throttle.login", allowed, target="≤ 5", ok=allowed <= 5, db="gunicorn 2 Worker")
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    status, body = _post(base + "/anmelden", {"email": persona.email, "password": TEST_PASSWORD})
    assert status == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in body
