"""Host header check (issue #19 item 9): ``Host: evil.example`` answered 200 before."""

from __future__ import annotations

import pytest

from wbagentur.core.config import default_trusted_hosts


@pytest.mark.parametrize(
    "host", ["evil.example", "localhost.evil.example", "evil.example:80", "127.0.0.2"]
)
def test_foreign_host_header_is_refused_with_the_german_400(client, host):
    for path in ("/anmelden", "/healthz", "/gibt-es-nicht"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 400, (path, host)
        assert "Ungültige Anfrage" in response.get_data(as_text=True)
        assert "nosniff" in response.headers["X-Content-Type-Options"]


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1:8000"])
def test_local_hosts_work_for_development_and_tests(client, host):
    assert client.get("/anmelden", headers={"Host": host}).status_code == 200


def test_defaults_follow_the_public_address():
    development = {"ENV_NAME": "development", "PUBLIC_BASE_URL": "http://localhost:5000"}
    assert default_trusted_hosts(development) == ["localhost", "127.0.0.1"]
    production = {"ENV_NAME": "production", "PUBLIC_BASE_URL": "https://wba.example.de/"}
    assert default_trusted_hosts(production) == ["wba.example.de"]


def test_configured_list_replaces_the_default(tmp_path):
    from tests.conftest import app_without_schema

    app = app_without_schema(f"sqlite:///{tmp_path}/h.sqlite", TRUSTED_HOSTS=["wba.example.de"])
    client = app.test_client()
    assert client.get("/anmelden", headers={"Host": "wba.example.de"}).status_code < 400
    assert client.get("/anmelden", headers={"Host": "localhost"}).status_code == 400
