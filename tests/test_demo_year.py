"""Demo data that looks like a year of work (issue #14, build): cases opened over twelve
months in every region, referrals in every state with answers and outcomes, closed cases
with outcomes, saved funding checks with their Förderempfehlung; the dashboard, the funnel
and the letter show it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import html_page, text_of
from wbagentur.cases.models import Case
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.funding.models import FundingCheck
from wbagentur.referrals.data import STATES
from wbagentur.referrals.models import Referral

pytestmark = pytest.mark.usefixtures("fixed_clock")


@pytest.fixture
def seeded(runner, clean_app):
    result = runner.invoke(args=["demo", "seed", "--firms-per-district", "2"])
    assert result.exit_code == 0, result.output
    return result.output


def test_year_of_work_covers_every_state_month_and_outcome(seeded, clean_app, runner):
    with clean_app.app_context():
        now = utcnow()
        states = set(db.session.scalars(sa.select(Referral.state)))
        opened = db.session.scalars(sa.select(Case.opened_at)).all()
        regions = set(db.session.scalars(sa.select(Case.region_id)))
        outcomes = set(db.session.scalars(sa.select(Case.outcome).where(Case.status == "closed")))
        approved = db.session.scalars(
            sa.select(Referral.amount_cents).where(Referral.outcome == "approved")
        ).all()
        checks = db.session.scalar(sa.select(sa.func.count(FundingCheck.id)))
        bad_order = db.session.scalar(
            sa.select(sa.func.count(Referral.id))
            .join(Case, Case.id == Referral.case_id)
            .where(Referral.sent_at < Case.opened_at)
        )
        referrals = db.session.scalar(sa.select(sa.func.count(Referral.id)))
    assert states == set(STATES)  # draft … expired, every one
    months = {(o.year, o.month) for o in opened}
    assert len(months) >= 12
    assert min(opened) < now - timedelta(days=330)
    assert len(regions) == 4
    assert len(outcomes) >= 4
    assert approved
    assert set(approved) == {1464000}
    assert checks >= 20
    assert bad_order == 0
    # Idempotent: a second run adds no second year.
    assert runner.invoke(args=["demo", "seed", "--firms-per-district", "2"]).exit_code == 0
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == referrals


def test_dashboard_funnel_and_letter_show_the_year(seeded, clean_app):
    lines = [line.split() for line in seeded.splitlines() if "leitung.sw@" in line]
    email, password = lines[0][-2], lines[0][-1]
    client = clean_app.test_client()
    assert client.post("/anmelden", data={"email": email, "password": password}).status_code == 302
    text = text_of(html_page(client.get("/uebersicht?von=2025-12-01&bis=2026-11-30")))
    funnel = text[text.index("Weiterleitungen je Partner") :]
    assert "Agentur für Arbeit Thüringen Südwest" in funnel
    assert "Ergebnisse abgeschlossener Fälle" in text
    with clean_app.app_context():
        region = db.session.scalar(
            sa.select(Case.region_id).where(Case.reference.like("WBA-SW-%")).limit(1)
        )
        check = db.session.scalars(
            sa.select(FundingCheck)
            .join(Case, Case.id == FundingCheck.case_id)
            .where(Case.region_id == region)
            .order_by(FundingCheck.id)
        ).first()
        reference = db.session.get(Case, check.case_id).reference
    letter = client.get(f"/faelle/{check.case_id}/foerdercheck/{check.id}/empfehlung")
    assert letter.status_code == 200
    assert reference in text_of(html_page(letter))
