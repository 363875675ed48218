"""Test setup: one run covers SQLite and PostgreSQL (``--db``), schema from migrations,
each test isolated in a rolled-back transaction (savepoints, see docs/testing.md)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine

from config import testing as testing_config

POSTGRES_URL = os.environ.get(
    "WBAGENTUR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

pytest_plugins = ["tests.personas"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        default="both",
        choices=("both", "sqlite", "postgresql"),
        help="database backends for tests that use the app (default: both)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        choice = metafunc.config.getoption("--db")
        params = ["sqlite", "postgresql"] if choice == "both" else [choice]
        metafunc.parametrize("backend", params, indirect=True, scope="session")


def worker_id(config: pytest.Config | None) -> str:
    """A name unique to this test process: xdist worker plus the run's process id, so that
    several test runs on one machine never share a PostgreSQL database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        return f"{worker}_{os.getppid()}"
    return f"main_{os.getpid()}"


_CREATED_DATABASES: list[str] = []


def _postgres_database(name: str) -> str:
    """Create a fresh database ``name`` next to the maintenance DB; return its URL."""
    url = sa.make_url(POSTGRES_URL)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        _CREATED_DATABASES.append(name)
    except sa.exc.OperationalError as exc:
        message = (
            f"PostgreSQL not reachable at {url.host}:{url.port} – set WBAGENTUR_TEST_POSTGRES_URL "
            f"({type(exc).__name__})"
        )
        if os.environ.get("WBAGENTUR_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + "; WBAGENTUR_REQUIRE_POSTGRES=1 forbids skipping")
        pytest.skip(message)
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def database_url(kind: str, tmp_dir: Any, suffix: str) -> str:
    """A fresh database for this process; ``suffix`` names its purpose."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_dir}/wbagentur-{suffix}.sqlite"
    unique = worker_id(None) if not suffix.startswith(("main_", "gw")) else ""
    return _postgres_database(f"wbagentur_test_{suffix}_{unique}".rstrip("_"))


def _drop_created_databases() -> None:
    """Drop the PostgreSQL databases this process created."""
    if not _CREATED_DATABASES:
        return
    admin = sa.create_engine(
        sa.make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with admin.connect() as conn:
            for name in _CREATED_DATABASES:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except sa.exc.SQLAlchemyError:
        pass  # best effort; the next run drops leftovers of the same name anyway
    finally:
        admin.dispose()


def app_without_schema(url: str, **extra: Any) -> Any:
    """An app with the test configuration on ``url``, schema not built (migration tests
    upgrade step by step)."""
    from wbagentur import create_app

    overrides = {k: v for k, v in vars(testing_config).items() if k.isupper()}
    # Spooled read audit entries (core/audit.py) of this app, never the instance folder.
    overrides["AUDIT_SPOOL_DIR"] = tempfile.mkdtemp(prefix="wba-audit-spool-")
    overrides.update(SQLALCHEMY_DATABASE_URI=url, **extra)
    return create_app(overrides)


def make_app(url: str, **extra: Any) -> Any:
    """Create an app on ``url`` and build its schema with the migrations."""
    from flask_migrate import upgrade

    app = app_without_schema(url, **extra)
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def app(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Any:
    wid = worker_id(request.config)
    url = database_url(backend, tmp_path_factory.mktemp(f"db-{backend}"), wid)
    app = make_app(url)
    yield app
    from wbagentur.extensions import db

    with app.app_context():
        db.engine.dispose()


@contextmanager
def isolated(app: Any) -> Iterator[None]:
    """Run a test inside one outer transaction per engine that is rolled back after.

    Application code may commit as in production; each commit releases a SAVEPOINT.
    (Port of flask-sqlalchemy-lite's ``test_isolation`` to Flask-SQLAlchemy 3.1.)
    """
    from wbagentur.extensions import db, limiter

    with app.app_context():
        engines = list(db.engines.values())
    restore: list[Any] = []
    for engine in engines:
        connection = engine.connect()
        transaction = connection.begin()
        original_connect = engine.connect
        original_close = connection.close
        engine.connect = lambda c=connection: c  # type: ignore[method-assign]
        connection.close = lambda: None  # type: ignore[method-assign]
        restore.append((engine, original_connect, connection, original_close, transaction))
    with app.app_context():
        kw = db.session.session_factory.kw
    old_mode = kw.get("join_transaction_mode")
    kw["join_transaction_mode"] = "create_savepoint"
    # Flask-Limiter keeps "enabled" on the one global object; the last app created in
    # this process (e.g. the benchmark's, with limits off) must not decide for this one.
    limiter.enabled = bool(app.config.get("RATELIMIT_ENABLED", True))
    limiter.reset()
    # Reads spooled by the previous test belong to its rolled-back data.
    spool = app.config.get("AUDIT_SPOOL_DIR")
    if spool and os.path.isdir(spool):
        for name in os.listdir(spool):
            os.unlink(os.path.join(spool, name))
    try:
        yield
    finally:
        if old_mode is None:
            kw.pop("join_transaction_mode", None)
        else:
            kw["join_transaction_mode"] = old_mode
        for engine, original_connect, connection, original_close, transaction in restore:
            if transaction.is_active:
                transaction.rollback()
            engine.connect = original_connect
            connection.close = original_close
            connection.close()
        limiter.reset()


@pytest.fixture
def clean_app(app: Any) -> Iterator[Any]:
    """The app, with every database change of the test rolled back afterwards."""
    with isolated(app):
        yield app


# A Tuesday and a working day in Thuringia, with 2027 dates a few weeks ahead.
FIXED_NOW = "2026-12-01 09:00:00+01:00"


@pytest.fixture
def fixed_clock() -> Iterator[Any]:
    """Set the clock for everything a test creates and checks.

    A test whose data or expectations name calendar dates (a course start, a due date in
    2027) depends on today's date unless it sets the clock itself; this fixture does, with
    the clock running (``tick=True``) so that timestamps still order. Use it through
    ``pytestmark = pytest.mark.usefixtures("fixed_clock")`` so that it starts before the
    other fixtures create data. CI runs the suite with the real clock years ahead to prove
    that no test depends on the calendar (docs/testing.md).
    """
    with time_machine.travel(FIXED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def client(clean_app: Any) -> Any:
    return clean_app.test_client()


@pytest.fixture
def runner(clean_app: Any) -> Any:
    return clean_app.test_cli_runner()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the translation catalogues (they are not committed as binaries)."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[1] / "wbagentur" / "translations"
    for po in root.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as f:
                catalog = read_po(f)
            with mo.open("wb") as f:
                write_mo(f, catalog)


def pytest_configure(config: pytest.Config) -> None:
    """Give all (xdist) processes one folder where browser tests note axe-checked pages and
    one where checks note the security figures (tests/figures.py); workers inherit both."""
    import tempfile

    from tests.figures import ENV as FIGURES_ENV

    if hasattr(config, "workerinput"):
        return
    if "WBAGENTUR_AXE_DIR" not in os.environ:
        os.environ["WBAGENTUR_AXE_DIR"] = tempfile.mkdtemp(prefix="wbagentur-axe-")
    if FIGURES_ENV not in os.environ:
        os.environ[FIGURES_ENV] = tempfile.mkdtemp(prefix="wbagentur-figures-")


def _whole_suite(config: pytest.Config) -> bool:
    """Whether this run is the whole suite, or the last of its two parts (``make test``:
    ``WBAGENTUR_SUITE_PART`` is ``first`` for PostgreSQL and the browser, ``last`` for
    SQLite with the clock ahead; both note their checks in the same folders)."""
    from pathlib import Path

    part = os.environ.get("WBAGENTUR_SUITE_PART")
    return (
        not config.getoption("keyword")
        and not config.getoption("markexpr")
        and (config.getoption("--db") == "both" if part is None else part == "last")
        and (
            config.args in ([], ["tests"]) or config.args == [str(Path(config.rootpath) / "tests")]
        )
    )


def _axe_summary(terminalreporter: Any) -> tuple[bool, dict[str, Any] | None]:
    """Report axe coverage; returns (every page template checked, figure entry)."""
    from pathlib import Path

    folder = os.environ.get("WBAGENTUR_AXE_DIR")
    if not folder or not Path(folder).is_dir():
        return True, None
    scanned: set[str] = set()
    checks = 0
    for file in Path(folder).glob("*.txt"):
        lines = [line for line in file.read_text(encoding="utf-8").splitlines() if line]
        checks += len(lines)
        scanned.update(lines)
    if not checks:
        return True, None
    from tests.browser.a11y import page_templates

    pages = page_templates()
    missing = sorted(pages - scanned)
    terminalreporter.write_line(
        f"axe (WCAG 2.1 A/AA): {checks} checks with 0 violations, {len(pages & scanned)} of "
        f"{len(pages)} page templates scanned"
    )
    if missing:
        terminalreporter.write_line("page templates without an axe check: " + ", ".join(missing))
    # A check with a violation fails its test, so a recorded check had 0 violations.
    figure = {
        "values": {
            "-": f"0 Verstöße in {checks} Prüfungen; {len(pages & scanned)}/{len(pages)} Vorlagen"
        },
        "target": "0; 100 %",
        "ok": not missing,
        "detail": None,
    }
    return not missing, figure


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Report axe coverage and the security figures (tests/figures.py). In CI
    (WBAGENTUR_REQUIRE_BROWSER=1, whole suite) a page template without an axe check, a
    figure that misses its target or an expected figure that no test recorded fails the run."""
    from pathlib import Path

    from tests import figures

    if hasattr(config, "workerinput") or os.environ.get("WBAGENTUR_SUITE_PART") == "first":
        return  # the last part reports for both
    failures = []
    axe_complete, axe_figure = _axe_summary(terminalreporter)
    if not axe_complete:
        failures.append("every page template needs an axe check (issue 9)")
    folder = os.environ.get(figures.ENV)
    merged = figures.collect(folder) if folder and Path(folder).is_dir() else {}
    if axe_figure is not None:
        merged["a11y.axe"] = axe_figure
    if merged:
        for line in figures.report_lines(merged):
            terminalreporter.write_line(line)
        figures.write_json(merged, Path(config.rootpath) / "test-results" / "figures.json")
        missed = [key for key, item in merged.items() if not item["ok"]]
        if missed:
            failures.append("figures missing their target: " + ", ".join(missed))
        not_run = [key for key in figures.FIGURES if key not in merged]
        if not_run:
            failures.append("figures no test recorded: " + ", ".join(not_run))
    if failures and os.environ.get("WBAGENTUR_REQUIRE_BROWSER") == "1" and _whole_suite(config):
        for failure in failures:
            terminalreporter.write_line(f"FAILED: {failure}")
        # Runs inside pytest_sessionfinish, before pytest returns the exit status.
        terminalreporter._session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:  # noqa: F811
    _drop_created_databases()
