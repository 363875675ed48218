"""Short counselling is no ESF+ participation: a participation recorded on a case with at most
one day and eight hours of counselling counts neither in the indicators nor in the monitoring
export, unless the exemption (ESF_SHORT_COUNSELLING_EXEMPT, UNVERIFIED) is switched off."""

from __future__ import annotations

from datetime import date

import pytest

from tests.esf.conftest import ENTRY, new_case, user

PERIOD = (date(2026, 1, 1), date(2026, 11, 30))


@pytest.fixture
def three_cases(clean_app, world):
    """Counselled on two days; one contact of one hour; no contact recorded."""
    from wbagentur.cases import services as cases
    from wbagentur.esf import services
    from wbagentur.extensions import db

    with clean_app.app_context():
        actor = user(world.advisor)
        long_case, long_person = new_case(world, counselled=True, first="Lang")
        short_case, short_person = new_case(world, first="Kurz")
        cases.record_contact(
            actor,
            short_case,
            channel="phone",
            at=short_case.opened_at,
            duration_minutes=60,
            summary="Erstberatung",
        )
        none_case, none_person = new_case(world, first="Ohne")
        for case, person in (
            (long_case, long_person),
            (short_case, short_person),
            (none_case, none_person),
        ):
            services.save_entry(actor, case, person, dict(ENTRY), survey_consent=False)
        db.session.commit()


def _counted(world):
    from wbagentur.esf import services

    counts = services.indicator_counts(world.sw_id, *PERIOD)
    rows = services.export_rows(world.sw_id, *PERIOD)
    return counts["participants"]["total"], len(rows)


def test_short_counselling_counts_in_neither_indicators_nor_export(clean_app, world, three_cases):
    with clean_app.app_context():
        assert _counted(world) == (1, 1)


def test_without_the_exemption_every_recorded_participation_counts(
    clean_app, world, three_cases, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "ESF_SHORT_COUNSELLING_EXEMPT", False)
    with clean_app.app_context():
        assert _counted(world) == (3, 3)
