"""A real PostgreSQL outage (issue #19, security.md ROB-04, figure 26).

The test creates its own database, signs users in, then cuts the database off while the
app runs (``ALLOW_CONNECTIONS false`` and ``pg_terminate_backend`` for every open
connection, as a stopped server looks to the pool) and sends signed-in and anonymous
requests from several threads at once. Every request that needs the database must answer
503 with Retry-After, the full security header set and the German page, never
Werkzeug's bare 500. Then the database comes back and the same signed-in client must get
its page again without a restart within 10 s.
"""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from tests.conftest import make_app
from tests.figures import record_figure
from tests.personas import create_persona
from tests.test_security_headers import _assert_headers

GERMAN = "Vorübergehend nicht erreichbar"
SIGNED_IN_REQUESTS = [
    ("GET", "/"),
    ("GET", "/faelle"),
    ("GET", "/personen"),
    ("GET", "/healthz"),
    ("GET", "/barrierefreiheit"),
    ("POST", "/sprache"),
]
# Requests an anonymous visitor makes that need the database (pages without it answer).
ANONYMOUS_REQUESTS = [("GET", "/healthz"), ("POST", "/anmelden"), ("POST", "/passwort-vergessen")]


def _cut_off(admin, name: str, allow: bool) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}'))
        if not allow:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )


def _send(client, method: str, url: str):
    data = {"lang": "de", "next": "/"} if url == "/sprache" else None
    if url in ("/anmelden", "/passwort-vergessen"):
        data = {"email": "niemand@test.example", "password": "x"}
    return client.open(url, method=method, data=data)


def _sign_in(app, count: int) -> list:
    with app.app_context():
        personas = [create_persona("advisor", "SW") for _ in range(count)]
    clients = []
    for persona in personas:
        client = app.test_client()
        login = client.post(
            "/anmelden", data={"email": persona.email, "password": persona.password}
        )
        assert login.status_code == 302
        assert client.get("/").status_code == 200
        clients.append(client)
    return clients


def _run_users(users: list[tuple[str, object, list]]) -> list[tuple[str, str, object]]:
    """Every user sends its requests three times, all users at once (threads)."""
    results: list[tuple[str, str, object]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def user(kind: str, client, requests) -> None:
        try:
            for _round in range(3):
                for method, path in requests:
                    response = _send(client, method, path)
                    with lock:
                        results.append((kind, f"{method} {path}", response))
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=user, args=u) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    return results


def _answered_503(response) -> bool:
    return response.status_code == 503 and bool(response.headers.get("Retry-After"))


def _seconds_until_page(client, limit: float = 15) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if client.get("/").status_code == 200:
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def test_database_outage_answers_503_for_everybody_and_recovers(own_postgres):
    name, url, admin = own_postgres
    app = make_app(url, RATELIMIT_ENABLED=False)
    signed_in = _sign_in(app, 3)

    _cut_off(admin, name, allow=False)
    users = [("signed-in", client, SIGNED_IN_REQUESTS) for client in signed_in]
    users += [("anonymous", app.test_client(), ANONYMOUS_REQUESTS) for _ in range(3)]
    results = _run_users(users)
    share = {
        kind: sum(_answered_503(r) for k, _, r in results if k == kind)
        / sum(1 for k, *_ in results if k == kind)
        for kind in ("signed-in", "anonymous")
    }
    # Recovery without a restart: the signed-in client gets its page again.
    _cut_off(admin, name, allow=True)
    recovered = _seconds_until_page(signed_in[0])

    record_figure(
        "robust.db_outage",
        f"angemeldet {share['signed-in']:.0%}, anonym {share['anonymous']:.0%} "
        f"({len(results)} Anfragen); Erholung "
        + (f"{recovered:.1f} s" if recovered is not None else "> 15 s"),
        target="100 % / 100 %; Erholung ≤ 10 s",
        ok=share == {"signed-in": 1.0, "anonymous": 1.0}
        and recovered is not None
        and recovered <= 10,
        db="postgresql",
        detail="PostgreSQL im Betrieb abgeschnitten (ALLOW_CONNECTIONS false, "
        "pg_terminate_backend), 6 Clients in Threads",
    )
    wrong = sorted({(k, line, r.status_code) for k, line, r in results if not _answered_503(r)})
    assert not wrong
    for _kind, request_line, response in results:
        _assert_headers(response)
        assert response.headers.get("Cache-Control") == "no-store", request_line
        if request_line != "GET /healthz":
            assert GERMAN in response.get_data(as_text=True), request_line
    assert recovered is not None
    assert recovered <= 10
    with app.app_context():
        from wbagentur.extensions import db

        db.engine.dispose()


def test_header_hook_turns_a_database_error_into_the_503_page(tmp_path, monkeypatch):
    """Loading the user in the header hook fails (outage): the answer becomes the German
    503 page; a safe SQLite request that merely lost the write lock is run again instead."""
    from flask import Response
    from sqlalchemy.exc import OperationalError

    from tests.conftest import app_without_schema
    from wbagentur.core import security
    from wbagentur.core.database import BEGIN_KEY, RETRY_HEADER

    app = app_without_schema(f"sqlite:///{tmp_path}/h.sqlite")
    message = {"text": "connection refused"}

    class Fails:
        @property
        def is_authenticated(self) -> bool:
            raise OperationalError("SELECT", {}, Exception(message["text"]))

    monkeypatch.setattr(security, "current_user", Fails())
    with app.test_request_context("/"):
        answer = security.set_security_headers(Response("ok", 200))
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "30"
        assert GERMAN in answer.get_data(as_text=True)
    message["text"] = "database is locked"
    with app.test_request_context("/", environ_base={BEGIN_KEY: "DEFERRED"}):
        answer = security.set_security_headers(Response("ok", 200))
        assert RETRY_HEADER in answer.headers
