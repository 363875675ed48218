"""Factories for the intake tests: valid form data and requests created through the service."""

from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine

from wbagentur.core.idempotency import new_token
from wbagentur.extensions import db
from wbagentur.regions.models import District

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def district_id(name: str) -> int:
    return db.session.scalar(sa.select(District.id).where(District.name == name))


@pytest.fixture
def form_data(clean_app: Any) -> Any:
    """``form_data(district="Sömmerda", **overrides)``: a valid form, opened a minute ago."""

    def _make(district: str = "Sömmerda", **overrides: Any) -> dict[str, Any]:
        from wbagentur.intake import services

        with clean_app.app_context():
            did = district_id(district)
            with time_machine.travel(time.time() - 60, tick=False):
                started = services.issue_form_timestamp()
        data: dict[str, Any] = {
            "firm_name": "Müller Präzisionsteile GmbH",
            "contact_name": "Erika Müller",
            "email": "erika.mueller@mueller-praezision.example",
            "phone": "+49 (3634) 123-45",
            "district_id": str(did),
            "headcount_band": "10_49",
            "topics": ["digital", "funding"],
            "message": "Wir möchten unsere Leute in CNC-Programmierung schulen.",
            "preferred_channel": "phone",
            "consent": "y",
            "website": "",
            "started": started,
            "submission_token": new_token(),
        }
        data.update(overrides)
        return data

    return _make


@pytest.fixture
def make_request(clean_app: Any) -> Any:
    """``make_request(district="Sömmerda", **fields)`` → (case_id, request_id, token),
    created through ``submit_request`` and committed."""

    def _make(district: str = "Sömmerda", **fields: Any) -> tuple[int, int, str]:
        from wbagentur.intake import services

        data = {
            "firm_name": "Müller Präzisionsteile GmbH",
            "contact_name": "Erika Müller",
            "email": "erika.mueller@mueller-praezision.example",
            "phone": "0361 12345",
            "headcount_band": "10_49",
            "topics": ["digital"],
            "message": None,
            "preferred_channel": "email",
        }
        data.update(fields)
        with clean_app.test_request_context():
            data["district_id"] = district_id(district)
            submission = services.submit_request(None, data)
            db.session.commit()
            return submission.case.id, submission.request.id, submission.token

    return _make
