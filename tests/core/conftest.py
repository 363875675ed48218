"""A PostgreSQL database of a test's own, outside the rolled-back test transaction: for
tests where other connections must see committed data or where the database is cut off."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_URL, _postgres_database


@pytest.fixture
def own_postgres(request):
    """``(name, url, admin_engine)`` of a fresh database, dropped afterwards."""
    if request.config.getoption("--db") == "sqlite":
        pytest.skip("needs PostgreSQL")
    name = f"wbagentur_own_{uuid.uuid4().hex[:10]}"
    url = _postgres_database(name)
    admin = sa.create_engine(
        sa.make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    yield name, url, admin
    with admin.connect() as conn:
        conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
