"""Person services: audit, name_search, Art. 9 special category bound to consent."""

import pytest
import sqlalchemy as sa

from tests.persons.conftest import district, make_person
from wbagentur.accounts.models import User
from wbagentur.core.audit import AuditEvent
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.extensions import db
from wbagentur.persons import services
from wbagentur.persons.models import Consent, Person

BASE = {"first_name": "Jürgen", "last_name": "Schäfer", "gender": "maennlich"}


def _data():
    """BASE plus the Suhl district id (call inside the app context)."""
    return {**BASE, "residence_district_id": district("16054").id}


def _actions(person_id):
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.object_type == "person", AuditEvent.object_id == person_id)
            .order_by(AuditEvent.id)
        )
    )


def _user(persona):
    return db.session.get(User, persona.id)


def test_create_person_name_search_and_audit(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        person = services.create_person(_user(advisor), _data())
        assert person.name_search == "juergen schaefer"
        assert _actions(person.id) == ["person.create"]
        details = db.session.scalar(
            sa.select(AuditEvent.details).where(AuditEvent.object_id == person.id)
        )
        assert "Schäfer" not in details


def test_severely_disabled_without_consent_is_refused(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        with pytest.raises(DomainError, match="ausdrücklicher Einwilligung"):
            services.create_person(_user(advisor), _data(), severely_disabled=True)
        person = make_person()
        with pytest.raises(DomainError):
            services.update_person(
                _user(advisor), person, {}, person.version, severely_disabled=False
            )


def test_severely_disabled_with_consent_in_same_call_is_stored(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        person = services.create_person(
            _user(advisor), _data(), severely_disabled=True, special_consent=True
        )
        assert person.severely_disabled is True
        consent = db.session.scalar(sa.select(Consent).where(Consent.person_id == person.id))
        assert consent.purpose == "special_categories"
        assert consent.text_version == "2026-01"
        assert consent.recorded_by_id == advisor.id
        assert _actions(person.id) == ["person.create", "consent.give"]


def test_severely_disabled_with_existing_consent_needs_no_tick(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        user = _user(advisor)
        person = make_person()
        services.give_consent(user, person, "special_categories")
        services.update_person(user, person, {}, person.version, severely_disabled=False)
        assert person.severely_disabled is False


def test_withdrawing_special_consent_clears_value_and_audits(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        user = _user(advisor)
        person = services.create_person(user, _data(), severely_disabled=True, special_consent=True)
        consent = db.session.scalar(sa.select(Consent).where(Consent.person_id == person.id))
        services.withdraw_consent(user, person, consent)
        assert consent.withdrawn_at is not None
        assert person.severely_disabled is None
        assert _actions(person.id)[-1] == "consent.withdraw"
        with pytest.raises(DomainError, match="bereits widerrufen"):
            services.withdraw_consent(user, person, consent)


def test_withdrawing_other_consent_keeps_special_value(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        user = _user(advisor)
        person = services.create_person(user, _data(), severely_disabled=True, special_consent=True)
        advice = services.give_consent(user, person, "advice")
        services.withdraw_consent(user, person, advice)
        assert person.severely_disabled is True


def test_share_partner_needs_recipient(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        person = make_person()
        with pytest.raises(DomainError, match="Partnerstelle"):
            services.give_consent(_user(advisor), person, "share_partner")
        consent = services.give_consent(
            _user(advisor), person, "share_partner", recipient_kind="agentur_fuer_arbeit"
        )
        assert consent.recipient_kind == "agentur_fuer_arbeit"
        assert consent.recipient is None


def test_update_person_old_version_conflict(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        user = _user(advisor)
        person = make_person()
        services.update_person(user, person, {"phone": "1"}, 1)
        assert person.version == 2
        assert _actions(person.id) == ["person.update"]
        with pytest.raises(ConflictError):
            services.update_person(user, person, {"phone": "2"}, 1)


def test_find_duplicates_by_name_birth_or_email(clean_app):
    from datetime import date

    with clean_app.app_context():
        twin = make_person("Anna", "Mueller", birth_date=date(1985, 4, 12))
        mail = make_person("Bert", "Other", email="Anna@Example.org")
        make_person("Anna", "Müller", birth_date=date(1990, 1, 1))
        found = services.find_duplicates(
            {
                "first_name": "Anna",
                "last_name": "Müller",
                "birth_date": date(1985, 4, 12),
                "email": "anna@example.org",
            }
        )
        assert {p.id for p, _r in found} == {twin.id, mail.id}
        assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 3


def test_create_person_out_of_own_reach_refused(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        with pytest.raises(DomainError, match="nicht mehr auffindbar"):
            services.create_person(
                _user(advisor), {**BASE, "residence_district_id": district("16051").id}
            )
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0
