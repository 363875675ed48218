"""Fixtures of the start page tests: cases as in the case tests, referrals sent with a
legal basis."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.cases.conftest import make_case  # noqa: F401
from tests.referrals.conftest import partner
from wbagentur.extensions import db
from wbagentur.referrals import services as referral_services


def send_referral(actor: Any, case: Any, due: date) -> Any:
    """A referral to the Agentur für Arbeit Südwest, sent, answer due on ``due``."""
    referral = referral_services.create_referral(
        actor,
        case,
        partner_id=partner("aa_suedwest").id,
        programme="sgb3_82",
        purpose="§ 82 prüfen",
        data_categories=["firm"],
        consent_id=None,
        legal_basis="Art. 6 Abs. 1 lit. b DSGVO – Anbahnung der Förderung",
        due_days=None,
        message=None,
        send=True,
    )
    referral.due_date = due
    db.session.flush()
    return referral
