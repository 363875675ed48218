"""Factories shared by the firm and person tests (plain functions used inside an app
context, and fixtures returning committed ids)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from wbagentur.core.text import normalise_search
from wbagentur.extensions import db
from wbagentur.firms.models import Firm
from wbagentur.persons.models import Person
from wbagentur.regions.models import District


def district(key: str) -> District:
    return db.session.scalar(sa.select(District).where(District.key == key))


def make_firm(
    name: str = "Müller Metallbau GmbH", district_key: str = "16054", **fields: Any
) -> Firm:
    """Flush a firm with its search columns filled (needs an app context)."""
    email = fields.pop("email", None)
    firm = Firm(
        name=name,
        name_search=normalise_search(name),
        district_id=district(district_key).id,
        email=email,
        email_domain=email.rsplit("@", 1)[1].lower() if email else None,
        **fields,
    )
    db.session.add(firm)
    db.session.flush()
    return firm


def make_person(
    first: str = "Anna", last: str = "Müller", district_key: str | None = "16054", **fields: Any
) -> Person:
    person = Person(
        first_name=first,
        last_name=last,
        name_search=normalise_search(f"{first} {last}"),
        residence_district_id=district(district_key).id if district_key else None,
        **fields,
    )
    db.session.add(person)
    db.session.flush()
    return person


@pytest.fixture
def firm_factory(clean_app: Any) -> Any:
    """``firm_factory(name=..., district_key=...)`` → firm id (committed)."""

    def _make(**kw: Any) -> int:
        with clean_app.app_context():
            firm = make_firm(**kw)
            db.session.commit()
            return firm.id

    return _make


@pytest.fixture
def person_factory(clean_app: Any) -> Any:
    def _make(**kw: Any) -> int:
        with clean_app.app_context():
            person = make_person(**kw)
            db.session.commit()
            return person.id

    return _make
