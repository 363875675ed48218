"""Loading and validating the configuration; refusing to start when it is unsafe."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

REPO_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Apply defaults, config file, ``WBAGENTUR_*`` environment variables, overrides."""
    app.config.from_object("config.default")
    config_file = os.environ.get("WBAGENTUR_CONFIG")
    if config_file:
        app.config.from_pyfile(os.path.abspath(config_file))
    else:
        app.config.from_pyfile("wbagentur.cfg", silent=True)
    app.config.from_prefixed_env("WBAGENTUR")
    if overrides:
        app.config.update(overrides)
    _fill_development_defaults(app)
    validate(app.config)


def _fill_development_defaults(app: Flask) -> None:
    is_production = app.config["ENV_NAME"] == "production"
    if app.config.get("SQLALCHEMY_DATABASE_URI") is None and not is_production:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        db_file = Path(app.instance_path) / "wbagentur.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_file}"
    if not app.config.get("SECRET_KEY") and not is_production:
        # Development only: a random key kept in the instance folder (never in code).
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    if not app.config.get("MAIL_BACKEND"):
        app.config["MAIL_BACKEND"] = "smtp" if is_production else "file"
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = default_trusted_hosts(app.config)
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or ""
    if uri.startswith("postgresql"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_pre_ping", True)
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", 3)
        options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


LOCAL_HOSTS = ("localhost", "127.0.0.1")


def default_trusted_hosts(config: Mapping[str, Any]) -> list[str]:
    """Hosts the app answers for when ``TRUSTED_HOSTS`` is not set: the host of
    ``PUBLIC_BASE_URL``, and outside production also localhost/127.0.0.1 (``make run``,
    tests, the load test). A request for any other Host header answers 400, so a forged
    Host never reaches a page or a link (issue #19 item 9)."""
    from urllib.parse import urlsplit

    hosts = []
    public_host = urlsplit(str(config.get("PUBLIC_BASE_URL") or "")).hostname
    if public_host:
        hosts.append(public_host)
    server_host = str(config.get("SERVER_NAME") or "").rsplit(":", 1)[0]
    if server_host and server_host not in hosts:
        hosts.append(server_host)
    if config.get("ENV_NAME") != "production":
        hosts += [h for h in LOCAL_HOSTS if h not in hosts]
    return hosts


def validate(config: Mapping[str, Any]) -> None:
    """Raise ConfigError for settings that must not go live."""
    env_name = config.get("ENV_NAME")
    if env_name not in ("development", "production"):
        raise ConfigError(f"ENV_NAME must be 'development' or 'production', not {env_name!r}")
    if config.get("BABEL_DEFAULT_LOCALE") not in config.get("LANGUAGES", ()):
        raise ConfigError("BABEL_DEFAULT_LOCALE must be one of LANGUAGES")
    if not config.get("MAIL_SENDER"):
        raise ConfigError("MAIL_SENDER is required")
    if env_name == "production":
        key = config.get("SECRET_KEY") or ""
        if len(key) < 32:
            raise ConfigError(
                "Production needs WBAGENTUR_SECRET_KEY with at least 32 characters of random data"
            )
        uri = config.get("SQLALCHEMY_DATABASE_URI") or ""
        if not uri.startswith("postgresql"):
            raise ConfigError("Production needs a PostgreSQL SQLALCHEMY_DATABASE_URI")
        if config.get("ARGON2_PROFILE", "rfc9106_low_memory") != "rfc9106_low_memory":
            raise ConfigError(
                "Production hashes passwords with ARGON2_PROFILE = 'rfc9106_low_memory'"
            )
        if not config.get("SESSION_COOKIE_SECURE"):
            raise ConfigError("Production needs SESSION_COOKIE_SECURE = True (HTTPS)")
        if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
            raise ConfigError(
                "Production runs several workers: set RATELIMIT_STORAGE_URI to a shared "
                "store such as redis://127.0.0.1:6379/0"
            )
        if not (config.get("PUBLIC_BASE_URL") or config.get("SERVER_NAME")):
            raise ConfigError(
                "Production needs PUBLIC_BASE_URL (e.g. https://wba.example.de): mailed links "
                "and the Host header check are built from it"
            )
        totp_key = config.get("TOTP_ENCRYPTION_KEY") or ""
        if len(totp_key) < 32 or totp_key == key:
            raise ConfigError(
                "Production needs WBAGENTUR_TOTP_ENCRYPTION_KEY with at least 32 characters of "
                "random data, different from SECRET_KEY (it encrypts the TOTP secrets in the "
                "database)"
            )
