"""Mailed links follow configuration, else the host the app was reached under (issue #14
defect 13: every link pointed to http://localhost:5000, whatever served the app)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.helpers import html_page, text_of
from wbagentur.core.config import ConfigError, default_trusted_hosts, validate
from wbagentur.extensions import db
from wbagentur.mail import links
from wbagentur.mail.models import OutboxMessage


def _status_links(app):
    with app.app_context():
        body = db.session.scalar(sa.select(OutboxMessage.body).order_by(OutboxMessage.id.desc()))
    return re.findall(r"(https?://[^\s/]+)(/anfrage/[A-Za-z0-9_\-]+)", body)


def test_without_configuration_the_link_uses_the_requests_host_and_port(
    client, clean_app, form_data, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "PUBLIC_BASE_URL", None)
    response = client.post(
        "/beratung-anfragen", data=form_data(), headers={"Host": "127.0.0.1:8123"}
    )
    assert response.status_code == 303
    [(base, path)] = _status_links(clean_app)
    assert base == "http://127.0.0.1:8123"
    status = client.get(path, headers={"Host": "127.0.0.1:8123"})
    assert status.status_code == 200
    assert "eingegangen" in text_of(html_page(status))


def test_https_behind_the_proxy_gives_https_links(client, clean_app, form_data, monkeypatch):
    monkeypatch.setitem(clean_app.config, "PUBLIC_BASE_URL", None)
    client.post(
        "/beratung-anfragen",
        data=form_data(),
        headers={"Host": "localhost"},
        base_url="https://localhost",
    )
    [(base, _path)] = _status_links(clean_app)
    assert base == "https://localhost"


def test_configured_address_wins_over_the_request(client, clean_app, form_data, monkeypatch):
    monkeypatch.setitem(clean_app.config, "PUBLIC_BASE_URL", "https://wba.example.de/")
    client.post("/beratung-anfragen", data=form_data(), headers={"Host": "127.0.0.1:8123"})
    [(base, _path)] = _status_links(clean_app)
    assert base == "https://wba.example.de"


def test_outside_a_request_server_name_and_scheme_build_the_link(clean_app, monkeypatch):
    monkeypatch.setitem(clean_app.config, "PUBLIC_BASE_URL", None)
    monkeypatch.setitem(clean_app.config, "SERVER_NAME", "wba.example.de:8443")
    monkeypatch.setitem(clean_app.config, "PREFERRED_URL_SCHEME", "https")
    monkeypatch.setitem(clean_app.config, "APPLICATION_ROOT", "/wba")
    with clean_app.app_context():
        link = links.external_url("intake.status", token="abc")
    assert link == "https://wba.example.de:8443/wba/anfrage/abc"


def test_outside_a_request_without_any_setting_falls_back_to_localhost(
    clean_app, monkeypatch, caplog
):
    monkeypatch.setitem(clean_app.config, "PUBLIC_BASE_URL", None)
    monkeypatch.setitem(clean_app.config, "SERVER_NAME", None)
    with clean_app.app_context():
        link = links.external_url("referrals.transfers")
    assert link == "http://localhost:5000/uebergaben"
    assert "PUBLIC_BASE_URL and SERVER_NAME are not set" in caplog.text


def test_server_name_is_a_trusted_host_and_production_needs_an_address():
    assert default_trusted_hosts(
        {"ENV_NAME": "production", "SERVER_NAME": "wba.example.de:443"}
    ) == ["wba.example.de"]
    production = {
        "ENV_NAME": "production",
        "BABEL_DEFAULT_LOCALE": "de",
        "LANGUAGES": ["de", "en"],
        "MAIL_SENDER": "wba@example.de",
        "SECRET_KEY": "s" * 48,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://x@db/wba",
        "SESSION_COOKIE_SECURE": True,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "TOTP_ENCRYPTION_KEY": "t" * 48,
    }
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        validate(production)
    validate({**production, "PUBLIC_BASE_URL": "https://wba.example.de"})
    validate({**production, "SERVER_NAME": "wba.example.de"})
