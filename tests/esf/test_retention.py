"""ESF+ records follow the programme's audit retention period (rule esf_participant), and a
case with an ESF+ participation is not anonymised after three years like other advice."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from tests.esf.conftest import ENTRY, give_consent, new_case, user


def test_esf_rule_seeded_and_anonymises_after_five_years_from_end_of_closing_year(clean_app, world):
    from wbagentur.esf import services
    from wbagentur.extensions import db
    from wbagentur.retention import services as retention
    from wbagentur.retention.models import RetentionRule

    with clean_app.app_context():
        rule = db.session.scalar(
            sa.select(RetentionRule).where(RetentionRule.code == "esf_participant")
        )
        assert (rule.start_event, rule.period_days, rule.action) == (
            "end_of_closing_year",
            1826,
            "anonymise",
        )
        case, person = new_case(world)
        give_consent(person.id, "esf_reporting", "special_categories")
        p = services.save_entry(
            user(world.advisor),
            case,
            person,
            dict(ENTRY, postcode="98527", disability=True),
            survey_consent=True,
        )
        case.status = "closed"
        case.outcome = "other"
        case.closed_at = datetime(2026, 3, 10, 12, tzinfo=UTC)
        # a later, still open case keeps the person (so only the ESF+ rule acts on the record)
        from wbagentur.cases import services as cases

        cases.open_case(
            user(world.advisor),
            region_id=world.sw_id,
            kind="individual",
            title="Neu",
            channel="phone",
            person_id=person.id,
        )
        db.session.flush()
        # 31 Dec 2026 + 1826 days = 1 Jan 2032: three years later the case is still whole
        retention.run_retention(now=datetime(2029, 6, 1, tzinfo=UTC))
        assert case.anonymised_at is None
        assert p.postcode == "98527"
        retention.run_retention(now=datetime(2031, 12, 31, tzinfo=UTC))
        assert p.anonymised_at is None
        report = retention.run_retention(now=datetime(2032, 1, 2, tzinfo=UTC))
        assert report.counts["esf_participant"] == 1
        db.session.refresh(p)
        assert p.postcode is None
        assert p.disability is None
        assert p.employment_status == ENTRY["employment_status"]  # statistics stay
        assert p.entry_date == date(2026, 6, 1)


def test_closing_through_the_page_names_the_missing_data(client, auth, clean_app, world):
    from wbagentur.cases import services as cases
    from wbagentur.cases.models import Case
    from wbagentur.extensions import db

    with clean_app.app_context():
        case, _person = new_case(world)
        cases.change_status(user(world.advisor), case, "in_advice", None)
        for day in (1, 2):
            cases.record_contact(
                user(world.advisor),
                case,
                channel="visit",
                at=datetime(2026, 11, 20 + day, 10, tzinfo=UTC),
                duration_minutes=90,
                summary="Beratung",
            )
        db.session.commit()
        case_id, version = case.id, case.version
    auth.login(world.advisor)
    page = client.post(
        f"/faelle/{case_id}/abschliessen",
        data={"outcome": "other", "version": str(version), "confirm_open": "y"},
    )
    text = page.get_data(as_text=True)
    assert "ESF+-Pflichtangaben fehlen" in text
    assert "Erwerbsstatus bei Eintritt" in text
    with clean_app.app_context():
        assert db.session.get(Case, case_id).status == "in_advice"


def test_access_report_holds_esf_record_and_erasure_clears_special_data(clean_app, world):
    from wbagentur.esf import services
    from wbagentur.extensions import db
    from wbagentur.privacy.services import access_export
    from wbagentur.retention.services import erase_person

    with clean_app.app_context():
        case, person = new_case(world)
        give_consent(person.id, "esf_reporting", "special_categories")
        p = services.save_entry(
            user(world.advisor),
            case,
            person,
            dict(ENTRY, postcode="98527", minority=True),
            survey_consent=True,
        )
        export = access_export(user(world.advisor), person)
        (record,) = export["esf_participations"]
        assert record["case"] == case.reference
        assert record["postcode"] == "98527"
        assert record["minority"] is True
        assert "survey_token_hash" not in record
        erase_person(person)
        db.session.flush()
        db.session.refresh(p)
        assert (p.postcode, p.minority) == (None, None)
        assert p.anonymised_at is not None
        assert p.employment_status == ENTRY["employment_status"]
