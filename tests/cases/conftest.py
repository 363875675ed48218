"""Fixtures for case tests: firms and cases created through the services."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import FirmFactory
from wbagentur.extensions import db
from wbagentur.firms.models import Firm


def create_firm(
    name: str = "Metallbau Schmidt GmbH", district_key: str = "16054", **fields: Any
) -> Firm:
    """A firm with 12 full-time staff (tests/factories.py's FirmFactory)."""
    return FirmFactory(name=name, district_key=district_key, **fields)


def create_case(actor: Any = None, firm: Firm | None = None, **fields: Any) -> Any:
    from wbagentur.cases import services

    firm = firm or create_firm()
    case = services.open_case(
        actor,
        region_id=fields.pop("region_id", firm.district.region_id),
        kind=fields.pop("kind", "firm"),
        title=fields.pop("title", "Qualifizierung CNC"),
        channel=fields.pop("channel", "phone"),
        firm_id=firm.id,
        topics=fields.pop("topics", ["digital"]),
        **fields,
    )
    return case


@pytest.fixture
def make_case(clean_app):
    """``make_case(district_key="16054", **fields)`` → case id (committed)."""

    def _make(
        district_key: str = "16054", firm_name: str = "Metallbau Schmidt GmbH", **fields: Any
    ) -> int:
        with clean_app.app_context():
            firm = create_firm(firm_name, district_key)
            case = create_case(firm=firm, **fields)
            db.session.commit()
            return case.id

    return _make
