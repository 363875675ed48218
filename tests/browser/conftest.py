"""Browser tests: Playwright driving Debian's Chromium against a live server.

The live server runs in a thread on its own SQLite file database (one per module and
xdist worker); between tests every table except the reference tables is emptied.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.helpers import CLOCK_VARIABLES, real_clock_env

CHROMIUM = os.environ.get("WBAGENTUR_CHROMIUM", "/usr/bin/chromium")
# Seeded by migrations; kept between browser tests.
REFERENCE_TABLES = {
    "regions",
    "districts",
    "contact_points",
    "alembic_version",
    "funding_programmes",
    "funding_parameter_versions",
    "partners",
    "partner_districts",
    "partner_programmes",
    "retention_rules",
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _browser_unavailable() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright for Python is not installed"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _browser_unavailable()
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            # With WBAGENTUR_REQUIRE_BROWSER=1 (set by .ci/run) the tests run and the
            # browser fixture fails loudly instead of skipping.
            if reason and os.environ.get("WBAGENTUR_REQUIRE_BROWSER") != "1":
                item.add_marker(pytest.mark.skip(reason=reason))


class LiveServer:
    def __init__(self, app: Any) -> None:
        from werkzeug.serving import make_server

        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.conftest import make_app

    db_dir = tmp_path_factory.mktemp("browser-db")
    # No PUBLIC_BASE_URL: mailed links name the live server's own host and port, as on a
    # deployment that leaves it unset (issue #14 defect 13).
    app = make_app(
        f"sqlite:///{db_dir}/browser.sqlite", WTF_CSRF_ENABLED=True, PUBLIC_BASE_URL=None
    )
    return app


@pytest.fixture(scope="module")
def live_server(live_app: Any) -> Iterator[LiveServer]:
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture
def clean_db(live_app: Any) -> Iterator[Any]:
    from wbagentur.extensions import db, limiter

    yield live_app
    with live_app.app_context():
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
        for table in tables:
            db.session.execute(sa.delete(table))
        db.session.commit()
    limiter.reset()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _browser_unavailable()
    if reason:
        pytest.fail(reason + "; WBAGENTUR_REQUIRE_BROWSER=1 forbids skipping")
    from playwright.sync_api import sync_playwright

    # Playwright's driver and Chromium keep the real clock when the test process runs ahead
    # (make test-future preloads libfaketime): Chromium does not load pages under it, and the
    # pages' scripts count only relative times (the session warning's seconds).
    clock_env = {k: os.environ.pop(k) for k in CLOCK_VARIABLES if k in os.environ}
    try:
        pw = sync_playwright().start()
    finally:
        os.environ.update(clock_env)
    try:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            env=real_clock_env(),
        )
        yield browser
        browser.close()
    finally:
        pw.stop()


@pytest.fixture
def page(browser: Any, live_server: LiveServer, clean_db: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="de-DE", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: pytest.fail(f"unexpected dialog: {d.message}"))
    page.console_errors = console_errors  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def persona(live_app: Any, clean_db: Any) -> Any:
    from tests.personas import create_persona

    def _make(role: str, region_code: str | None = None, **fields: Any) -> Any:
        with live_app.app_context():
            return create_persona(role, region_code, **fields)

    return _make
