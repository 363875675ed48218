"""A real OpenID Connect provider process on loopback for the single sign-on tests.

``provider.mjs`` runs panva's oidc-provider (a certified OpenID provider) under Node.js;
its accounts live in a JSON file that the tests rewrite (e.g. to deactivate an account).
``start_provider`` installs the locked npm packages (``npm ci``) into a cache folder once,
starts the process and stops it when the test is done. Without Node.js or npm the tests
skip with the reason; ``WBAGENTUR_REQUIRE_BROWSER=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
CLIENT_ID = "wbagentur"
CLIENT_SECRET = "test-client-secret-0123456789abcdef"  # noqa: S105 (the test provider's)
PASSWORD = "Idp-Passwort-2026"  # noqa: S105 (test accounts at the test provider)


def _require_or_skip(message: str) -> None:
    if os.environ.get("WBAGENTUR_REQUIRE_BROWSER") == "1":
        pytest.fail(message + "; WBAGENTUR_REQUIRE_BROWSER=1 forbids skipping")
    pytest.skip(message)


def _cache_dir() -> Path:
    lock = (HERE / "package-lock.json").read_bytes()
    digest = hashlib.sha256(lock).hexdigest()[:12]
    base = os.environ.get("WBAGENTUR_OIDC_PROVIDER_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "wbagentur"
    )
    return Path(base) / f"oidc-provider-{digest}"


def provider_dir() -> Path:
    """A folder with the provider script and its locked node_modules (``npm ci`` once)."""
    node = shutil.which("node")
    npm = shutil.which("npm")
    if not node or not npm:
        _require_or_skip(
            "Node.js and npm are needed for the OpenID provider (apt-get install nodejs npm)"
        )
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return HERE
    target = _cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)  # xdist workers install once, one at a time
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(HERE / name, target / name)
        if not (target / "node_modules" / "oidc-provider").is_dir():
            done = subprocess.run(  # noqa: S603
                [npm or "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=target,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if done.returncode != 0:
                _require_or_skip(f"npm ci for the OpenID provider failed: {done.stderr[-500:]}")
        shutil.copyfile(HERE / "provider.mjs", target / "provider.mjs")
    return target


class Provider:
    """A running test provider: its issuer URL and its accounts file."""

    def __init__(self, issuer: str, accounts_file: Path, process: subprocess.Popen[str]) -> None:
        self.issuer = issuer
        self.accounts_file = accounts_file
        self.process = process
        self.log: list[str] = []

    def accounts(self) -> dict[str, Any]:
        return dict(json.loads(self.accounts_file.read_text())["accounts"])

    def _write(self, accounts: dict[str, Any]) -> None:
        tmp = self.accounts_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"accounts": accounts}, ensure_ascii=False))
        tmp.replace(self.accounts_file)  # atomic: the provider never reads half a file

    def add_account(
        self, username: str, *, groups: list[str], name: str, email: str | None = None
    ) -> str:
        """Create (or replace) an account; returns its subject."""
        accounts = self.accounts()
        sub = f"sub-{username}"
        accounts[sub] = {
            "username": username,
            "password": PASSWORD,
            "active": True,
            "claims": {
                "email": email or f"{username}@idp.example",
                "email_verified": True,
                "name": name,
                "preferred_username": username,
                "groups": groups,
            },
        }
        self._write(accounts)
        return sub

    def set_groups(self, username: str, groups: list[str]) -> None:
        accounts = self.accounts()
        accounts[f"sub-{username}"]["claims"]["groups"] = groups
        self._write(accounts)

    def set_active(self, username: str, active: bool) -> None:
        accounts = self.accounts()
        accounts[f"sub-{username}"]["active"] = active
        self._write(accounts)

    def config(self) -> dict[str, Any]:
        """The application settings for this provider."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_SCOPES": "openid email profile groups",
            "OIDC_ROLE_CLAIM": "groups",
            "OIDC_REGION_CLAIM": "groups",
            "OIDC_ROLE_MAP": {
                "wba-beratung": "advisor",
                "wba-leitung": "supervisor",
                "wba-koordination": "coordinator",
                "wba-admin": "admin",
            },
            "OIDC_REGION_MAP": {
                "wba-region-nord": "NT",
                "wba-region-mitte": "MT",
                "wba-region-ost": "OT",
                "wba-region-suedwest": "SW",
            },
            "OIDC_REVALIDATE_SECONDS": 0,
        }


@contextlib.contextmanager
def start_provider(tmp_dir: Path, redirect_uris: list[str]) -> Iterator[Provider]:
    """Start the provider on a free loopback port; stop it afterwards."""
    folder = provider_dir()
    accounts_file = tmp_dir / "idp-accounts.json"
    accounts_file.write_text(json.dumps({"accounts": {}}))
    clients = [
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}
    ]
    # The provider keeps the test process's clock (make test-future moves both two years
    # ahead), so the ID tokens' times agree with the application's.
    env = dict(os.environ, OIDC_ACCOUNTS_FILE=str(accounts_file), OIDC_CLIENTS=json.dumps(clients))
    process = subprocess.Popen(  # noqa: S603
        [shutil.which("node") or "node", str(folder / "provider.mjs")],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        issuer = _read_issuer(process)
        provider = Provider(issuer, accounts_file, process)
        drain = threading.Thread(target=_drain, args=(process, provider.log), daemon=True)
        drain.start()
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _read_issuer(process: subprocess.Popen[str]) -> str:
    result: dict[str, str] = {}

    def read() -> None:
        assert process.stdout is not None
        line = process.stdout.readline()
        with contextlib.suppress(ValueError):
            result["issuer"] = json.loads(line)["issuer"]

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=30)
    if "issuer" not in result:
        process.kill()
        _, err = process.communicate(timeout=5)
        raise RuntimeError(f"the OpenID provider did not start: {err[-2000:]}")
    return result["issuer"]


def _drain(process: subprocess.Popen[str], log: list[str]) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        log.append(line)
