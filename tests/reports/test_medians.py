"""Answer-time medians come from SQL (issue #22) and equal an independent computation."""

from __future__ import annotations

import random
import statistics
from datetime import timedelta

import sqlalchemy as sa

from tests.factories import ReferralFactory
from tests.reports.conftest import build
from wbagentur.cases.models import Case
from wbagentur.extensions import db
from wbagentur.partners.models import Partner
from wbagentur.referrals.models import Referral
from wbagentur.reports import queries, services
from wbagentur.reports.queries import ReportScope


def _scope(data) -> ReportScope:
    return ReportScope(
        region_ids=tuple(sorted(data.regions.values())),
        date_from=data.today - timedelta(days=400),
        date_to=data.today,
        now=data.now,
    )


def _python_medians(scope: ReportScope) -> dict[int, float]:
    """The old way: every answered referral into Python, statistics.median per partner."""
    times: dict[int, list[float]] = {}
    for partner_id, sent, answered in db.session.execute(queries.answer_times(scope)):
        if sent is not None and answered is not None and answered >= sent:
            times.setdefault(partner_id, []).append((answered - sent).total_seconds() / 86400)
    return {p: round(statistics.median(v), 1) for p, v in times.items()}


def test_sql_median_equals_python_median_for_odd_and_even_counts(clean_app) -> None:
    data = build(clean_app)
    rng = random.Random(22)
    with clean_app.app_context():
        template = db.session.scalars(
            sa.select(Referral).where(Referral.sent_at.is_not(None)).order_by(Referral.id)
        ).first()
        # Partner A: 7 answers (odd), partner B: 8 (even), hours and minutes included.
        for partner, count in (("aa_suedwest", 7), ("tlvwa_esf", 8)):
            for _ in range(count):
                sent = data.now - timedelta(days=rng.randint(20, 200), minutes=rng.randint(0, 1439))
                ReferralFactory(
                    case=template.case,
                    partner=db.session.get(Partner, data.partners[partner]),
                    purpose="Prüfung",
                    data_categories="contact",
                    legal_basis="Art. 6",
                    state="accepted",
                    sent_at=sent,
                    answered_at=sent + timedelta(hours=rng.randint(1, 400)),
                )
        db.session.flush()
        scope = _scope(data)
        expected = _python_medians(scope)
        assert len(expected) >= 2
        assert services.answer_time_medians(scope) == expected


def test_sql_median_of_known_values(clean_app) -> None:
    data = build(clean_app)
    with clean_app.app_context():
        case = db.session.get(Case, data.cases[next(iter(data.cases))])
        partner = data.partners["wba_ot"]
        db.session.execute(sa.delete(Referral).where(Referral.partner_id == partner))
        for days in (1, 2, 10):  # median 2
            ReferralFactory(
                case=case,
                partner=db.session.get(Partner, partner),
                purpose="Prüfung",
                data_categories="contact",
                legal_basis="Art. 6",
                state="accepted",
                sent_at=data.now - timedelta(days=30),
                answered_at=data.now - timedelta(days=30 - days),
            )
        db.session.flush()
        medians = services.answer_time_medians(_scope(data))
        assert medians[partner] == 2.0
