"""Factories for referral tests: cases with firm, consent, referrals through the services."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from tests.factories import ConsentFactory, FirmContactFactory
from wbagentur.accounts.models import User
from wbagentur.extensions import db
from wbagentur.partners.models import Partner
from wbagentur.persons.models import Consent


def partner(code: str) -> Partner:
    return db.session.scalar(sa.select(Partner).where(Partner.code == code))


def user(persona: Any) -> User:
    return db.session.get(User, persona.id)


def referral_to_agency(
    actor: Any,
    case: Any,
    *,
    consent_id: int | None = None,
    legal_basis: str | None = None,
    send: bool = True,
) -> Any:
    """A § 82 referral of ``case`` to the Agentur für Arbeit Südwest through the services,
    on a consent or a legal basis, sent unless ``send=False``."""
    from wbagentur.referrals import services

    return services.create_referral(
        actor,
        case,
        partner_id=partner("aa_suedwest").id,
        programme="sgb3_82",
        purpose="§ 82 prüfen",
        data_categories=["firm"],
        consent_id=consent_id,
        legal_basis=legal_basis,
        due_days=None,
        message=None,
        send=send,
    )


def case_with_consent(
    actor: Any = None,
    district_key: str = "16054",
    recipient: str | None = "agentur_fuer_arbeit",
    status: str = "in_advice",
) -> tuple[Any, Consent]:
    from wbagentur.cases import services as case_services

    firm = create_firm("Suhler Werkzeugbau GmbH", district_key)
    contact = FirmContactFactory(
        firm=firm, name="Petra Personal", function=None, email="pp@firma.example"
    )
    case = create_case(actor, firm=firm)
    if status != "new":
        case_services.change_status(actor, case, status, None)
    consent = ConsentFactory(
        firm_contact_id=contact.id,
        purpose="share_partner",
        recipient_kind=recipient,
        text_version="2026-01",
    )
    return case, consent


@pytest.fixture
def sw_advisor(make_user):
    return make_user("advisor", "SW")
