"""Fixtures of the start page tests: cases as in the case tests, referrals sent with a
legal basis."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.cases.conftest import make_case  # noqa: F401
from tests.referrals.conftest import referral_to_agency
from wbagentur.extensions import db


def send_referral(actor: Any, case: Any, due: date) -> Any:
    """A referral to the Agentur für Arbeit Südwest, sent, answer due on ``due``."""
    referral = referral_to_agency(
        actor, case, legal_basis="Art. 6 Abs. 1 lit. b DSGVO – Anbahnung der Förderung"
    )
    referral.due_date = due
    db.session.flush()
    return referral
