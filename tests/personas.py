"""Users in every role and region, and a login helper that posts the real form."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import count
from typing import Any

import pytest

TEST_PASSWORD = "Kartoffel-Salat-mit-Gurke-42"
_serial = count(1)


@lru_cache(maxsize=1)
def test_password_hash() -> str:
    """Hash once per process: argon2id with production parameters costs ~100 ms."""
    from wbagentur.accounts.passwords import hash_password

    return hash_password(TEST_PASSWORD)


@dataclass(frozen=True)
class Persona:
    id: int
    email: str
    role: str
    region_code: str | None
    password: str = TEST_PASSWORD


def create_persona(role: str, region_code: str | None = None, **fields: Any) -> Persona:
    """Create a user inside an active app context and commit."""
    from tests.factories import UserFactory
    from wbagentur.extensions import db

    n = next(_serial)
    user = UserFactory(
        email=fields.pop("email", f"{role}{n}.{(region_code or 'th').lower()}@test.example"),
        display_name=fields.pop("display_name", f"{role.title()} {n}"),
        role=role,
        region_code=region_code,
        **fields,
    )
    db.session.commit()
    return Persona(user.id, user.email, role, region_code)


@pytest.fixture
def make_user(clean_app: Any) -> Any:
    """Factory fixture: ``make_user("advisor", "SW")`` → Persona."""

    def _make(role: str, region_code: str | None = None, **fields: Any) -> Persona:
        with clean_app.app_context():
            return create_persona(role, region_code, **fields)

    return _make


class Auth:
    """Log in and out through the real forms (flaskr's AuthActions)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def login(self, persona: Persona | str, password: str = TEST_PASSWORD, **kw: Any) -> Any:
        email = persona.email if isinstance(persona, Persona) else persona
        return self.client.post("/anmelden", data={"email": email, "password": password}, **kw)

    def logout(self) -> Any:
        return self.client.post("/abmelden")


@pytest.fixture
def auth(client: Any) -> Auth:
    return Auth(client)
