"""Configuration: load order and refusing unsafe production settings."""

import pytest

from wbagentur import create_app
from wbagentur.core.config import ConfigError

PG = "postgresql+psycopg://u@127.0.0.1:5432/x"


def test_production_without_secret_refuses_to_start():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": PG})


def test_production_with_short_secret_refuses_to_start():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "kurz", "SQLALCHEMY_DATABASE_URI": PG})


def test_production_without_postgresql_refuses_to_start():
    with pytest.raises(ConfigError, match="PostgreSQL"):
        create_app(
            {
                "ENV_NAME": "production",
                "SECRET_KEY": "s" * 48,
                "SQLALCHEMY_DATABASE_URI": "sqlite:////tmp/x.sqlite",
            }
        )


def test_production_needs_secure_cookie_and_shared_rate_limit_store():
    base = {"ENV_NAME": "production", "SECRET_KEY": "s" * 48, "SQLALCHEMY_DATABASE_URI": PG}
    with pytest.raises(ConfigError, match="SESSION_COOKIE_SECURE"):
        create_app(base)
    with pytest.raises(ConfigError, match="redis"):
        create_app({**base, "SESSION_COOKIE_SECURE": True})
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        create_app(
            {
                **base,
                "SESSION_COOKIE_SECURE": True,
                "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                "PUBLIC_BASE_URL": None,
            }
        )
    safe = {
        **base,
        "SESSION_COOKIE_SECURE": True,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "PUBLIC_BASE_URL": "https://wba.example.de",
    }
    with pytest.raises(ConfigError, match="TOTP_ENCRYPTION_KEY"):
        create_app(safe)
    with pytest.raises(ConfigError, match="TOTP_ENCRYPTION_KEY"):
        create_app({**safe, "TOTP_ENCRYPTION_KEY": safe["SECRET_KEY"]})
    app = create_app({**safe, "TOTP_ENCRYPTION_KEY": "t" * 48})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_unknown_default_locale_refused():
    with pytest.raises(ConfigError, match="LOCALE"):
        create_app({"BABEL_DEFAULT_LOCALE": "fr", "SECRET_KEY": "x" * 40})


def test_environment_variables_override_config(monkeypatch, tmp_path):
    config_file = tmp_path / "site.cfg"
    config_file.write_text('MAIL_SENDER = "datei@test.example"\nLOGIN_MAX_FAILURES = 7\n')
    monkeypatch.setenv("WBAGENTUR_CONFIG", str(config_file))
    monkeypatch.setenv("WBAGENTUR_LOGIN_MAX_FAILURES", "9")
    app = create_app({"SECRET_KEY": "x" * 40})
    assert app.config["MAIL_SENDER"] == "datei@test.example"
    assert app.config["LOGIN_MAX_FAILURES"] == 9


def test_development_generates_secret_into_instance_folder(tmp_path, monkeypatch):
    from flask import Flask

    from wbagentur.core import config

    app = Flask("probe", instance_path=str(tmp_path / "instance"))
    monkeypatch.delenv("WBAGENTUR_CONFIG", raising=False)
    config.load_config(app, None)
    key = (tmp_path / "instance" / "secret_key").read_text()
    assert len(key) >= 48
    assert app.config["SECRET_KEY"] == key
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/wbagentur.sqlite")


def test_production_refuses_the_cheap_test_password_hashes():
    base = {"ENV_NAME": "production", "SECRET_KEY": "s" * 48, "SQLALCHEMY_DATABASE_URI": PG}
    with pytest.raises(ConfigError, match="ARGON2_PROFILE"):
        create_app({**base, "ARGON2_PROFILE": "test"})
