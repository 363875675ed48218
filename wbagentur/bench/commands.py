"""CLI: ``flask bench generate`` fills a benchmark database, ``flask bench run`` measures it.

Both work on a database of their own, never on the application's configured one:
SQLite ``instance/bench.sqlite`` (``--path``) or the PostgreSQL database named by
``WBAGENTUR_BENCH_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/wbagentur_bench``).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app

from wbagentur.bench import bp
from wbagentur.core.config import REPO_ROOT

bp.cli.short_help = "Lastdaten erzeugen und Antwortzeiten messen."

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/wbagentur_bench"
DEFAULT_SQLITE_PATH = REPO_ROOT / "instance" / "bench.sqlite"


def bench_url(kind: str, path: str | None = None) -> str:
    """The URL of the benchmark database of ``kind`` ("sqlite" or "postgresql")."""
    if kind == "sqlite":
        return f"sqlite:///{Path(path or DEFAULT_SQLITE_PATH).resolve()}"
    return os.environ.get("WBAGENTUR_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (the SQLite file, or the PostgreSQL database)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        file = Path(parsed.database or "")
        file.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{file}{suffix}").unlink(missing_ok=True)
        return
    name = parsed.database
    if not name or not name.replace("_", "").isalnum():
        raise click.ClickException(
            "Der Name der Benchmark-Datenbank darf nur Buchstaben, Ziffern und _ enthalten."
        )
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def bench_app(url: str, **overrides: Any) -> Flask:
    """An application on the benchmark database: no CSRF (the test client posts forms
    directly) and no rate limits (one client sends every request)."""
    from wbagentur import create_app

    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # The benchmark measures pages, not the second-factor step (own tests cover it).
        "TOTP_REQUIRED_ROLES": (),
        "SERVER_NAME": None,
        # Reads spooled for the audit trail (issue #22) belong to the benchmark database;
        # in instance/audit-spool the development worker would chain them into its own.
        "AUDIT_SPOOL_DIR": tempfile.mkdtemp(prefix="wba-bench-audit-spool-"),
    }
    config.update(overrides)
    # The secret key of the running app, so the bench app never writes a new one.
    config.setdefault(
        "SECRET_KEY", current_app.config.get("SECRET_KEY") or "bench-secret-key-0123456789abcdef"
    )
    return create_app(config)


def analyse(app: Flask) -> None:
    """Refresh the planner statistics after the bulk load."""
    from wbagentur.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")


def build(url: str, cases: int, scale: float, seed: int, echo: Any = click.echo) -> dict[str, int]:
    """Recreate the database at ``url``, migrate it and fill it; return the row counts."""
    from flask_migrate import upgrade

    from wbagentur.bench.generator import Volume, generate
    from wbagentur.core.timezone import local_today
    from wbagentur.esf import aggregates as esf_aggregates
    from wbagentur.extensions import db
    from wbagentur.reports import aggregates
    from wbagentur.reports.services import prewarm_after_refresh, prewarm_esf

    recreate_database(url)
    app = bench_app(url)
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        echo(f"Schema aus den Migrationen: {time.perf_counter() - started:.1f} s")
        counts = generate(Volume.for_cases(cases, scale), seed=seed, echo=echo)
        db.session.commit()
        # The dashboards' aggregates, as the worker would have left them (issue #22).
        started = time.perf_counter()
        rows = aggregates.refresh()
        db.session.commit()
        prewarm_after_refresh(local_today(), app.config)
        db.session.commit()
        echo(f"Berichtszahlen ({rows:,} Zeilen): {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        rows = esf_aggregates.refresh()
        db.session.commit()
        prewarm_esf(local_today())
        db.session.commit()
        echo(f"ESF+-Indikatoren ({rows:,} Zeilen): {time.perf_counter() - started:.1f} s")
        db.engine.dispose()
    started = time.perf_counter()
    analyse(app)
    echo(f"Statistiken (ANALYZE): {time.perf_counter() - started:.1f} s")
    with app.app_context():
        db.engine.dispose()
    return counts


@bp.cli.command("generate")
@click.option(
    "--db", "kind", type=click.Choice(["sqlite", "postgresql"]), default="sqlite", show_default=True
)
@click.option("--path", default=None, help="SQLite-Datei (Standard: instance/bench.sqlite).")
@click.option(
    "--cases",
    default=100_000,
    show_default=True,
    help="Zahl der Fälle; die übrigen Mengen wachsen mit.",
)
@click.option("--scale", default=1.0, show_default=True, help="Faktor auf alle Mengen.")
@click.option(
    "--seed", default=42, show_default=True, help="Zufallssaat (gleiche Saat, gleiche Daten)."
)
def generate_command(kind: str, path: str | None, cases: int, scale: float, seed: int) -> None:
    """Recreate the benchmark database and fill it with a large, realistic data set."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Lastdaten werden in der Produktion nicht angelegt.")
    url = bench_url(kind, path)
    click.echo(f"Benchmark-Datenbank: {sa.make_url(url).render_as_string(hide_password=True)}")
    counts = build(url, cases, scale, seed)
    click.echo(json.dumps(counts, sort_keys=True))


@bp.cli.command("run")
@click.option(
    "--db", "kind", type=click.Choice(["sqlite", "postgresql"]), default="sqlite", show_default=True
)
@click.option("--path", default=None, help="SQLite-Datei (Standard: instance/bench.sqlite).")
@click.option("--iterations", "-n", default=30, show_default=True, help="Messungen je Seite.")
@click.option(
    "--warmup", default=3, show_default=True, help="Aufwärmrunden je Seite (nicht gemessen)."
)
@click.option(
    "--json",
    "json_path",
    default=None,
    help="Ergebnis als JSON schreiben (z. B. bench-results/sqlite.json).",
)
@click.option(
    "--engine-cases",
    default=2000,
    show_default=True,
    help="Eingaben für die Messung der Förder-Engine.",
)
@click.option(
    "--only",
    multiple=True,
    help="Nur Seiten, deren Schlüssel dieses Wort enthält (mehrfach möglich, z. B. --only export).",
)
def run_command(
    kind: str,
    path: str | None,
    iterations: int,
    warmup: int,
    json_path: str | None,
    engine_cases: int,
    only: tuple[str, ...],
) -> None:
    """Measure p50/p95 and SQL statements per page on the benchmark database."""
    from wbagentur.bench.benchmark import format_table, machine_info, run_benchmark

    url = bench_url(kind, path)
    app = bench_app(url)
    result = run_benchmark(
        app,
        iterations=iterations,
        warmup=warmup,
        engine_cases=engine_cases,
        only=only,
        echo=click.echo,
    )
    result["machine"] = machine_info(app)
    click.echo(format_table(result))
    if json_path:
        target = Path(json_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
        click.echo(f"JSON: {target}")


@bp.cli.command("explain")
@click.option(
    "--db", "kind", type=click.Choice(["sqlite", "postgresql"]), default="sqlite", show_default=True
)
@click.option("--path", default=None, help="SQLite-Datei (Standard: instance/bench.sqlite).")
def explain_command(kind: str, path: str | None) -> None:
    """Print the query plans of the case and referral lists (first page, keyset page,
    bounded count) for the busiest advisor of the benchmark data."""
    from wbagentur.bench.benchmark import bench_context
    from wbagentur.bench.explain import explain_lists

    app = bench_app(bench_url(kind, path))
    explain_lists(app, bench_context(app, sample=1), echo=click.echo)
