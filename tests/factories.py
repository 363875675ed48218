"""The one way tests build rows: factory_boy factories on the test session (issue #18).

Every factory flushes (never commits) inside the active app context, like a service:
``CaseFactory(firm=FirmFactory(name="Kühn GmbH"), assigned_to_id=advisor.id)``. Tests that
need what a service does besides the row (timeline, audit, mail) call the service instead;
journeys in tests/browser go through the forms. ``make_firm``/``make_person`` and the
``*_factory`` fixtures are the older spelling and stay for their callers.
tests/test_test_data.py keeps new hand-built rows (``db.session.add(Model(...))``) out of
the directories that use the factories.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
import pytest
import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory

from wbagentur.accounts.models import LoginAttempt, User
from wbagentur.cases.models import (
    Case,
    Document,
    FollowUp,
    TimelineEntry,
    case_participants,
    case_topics,
)
from wbagentur.core.idempotency import SubmissionToken
from wbagentur.core.models import utcnow
from wbagentur.core.text import normalise_search
from wbagentur.core.timezone import local_today
from wbagentur.esf.models import EsfParticipation
from wbagentur.extensions import db
from wbagentur.firms.models import Firm, FirmContact
from wbagentur.funding.models import FundingCheck, FundingProgramme, ParameterVersion
from wbagentur.mail.models import OutboxMessage
from wbagentur.partners.models import Partner
from wbagentur.persons.models import Consent, Person
from wbagentur.plans.models import PlanCourse, PlanParticipant
from wbagentur.referrals.models import Referral, ReferralEvent, Transfer
from wbagentur.regions.models import ContactPoint, District, Region


def district(key: str) -> District:
    return db.session.scalar(sa.select(District).where(District.key == key))


def region(code: str) -> Region:
    return db.session.scalar(sa.select(Region).where(Region.code == code))


class Factory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


# ------------------------------------------------------------------ people and firms


class FirmFactory(Factory):
    """A firm in Suhl (Südwestthüringen, district 16054) with 12 full-time staff."""

    class Meta:
        model = Firm

    class Params:
        district_key = "16054"

    name = factory.Sequence(lambda n: f"Metallbau Nr. {n} GmbH")
    name_search = factory.LazyAttribute(lambda o: normalise_search(o.name))
    district_id = factory.LazyAttribute(lambda o: district(o.district_key).id)
    email = None
    email_domain = factory.LazyAttribute(
        lambda o: o.email.rsplit("@", 1)[1].lower() if o.email else None
    )
    staff_over_30h = 12


class FirmContactFactory(Factory):
    class Meta:
        model = FirmContact

    firm = factory.SubFactory(FirmFactory)
    name = "Petra Personal"
    name_search = factory.LazyAttribute(lambda o: normalise_search(o.name))
    function = "Personalleitung"


class PersonFactory(Factory):
    """A person living in Suhl; ``district_key=None`` for no residence."""

    class Meta:
        model = Person

    class Params:
        district_key: str | None = "16054"

    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Müller{n}")
    name_search = factory.LazyAttribute(lambda o: normalise_search(f"{o.first_name} {o.last_name}"))
    residence_district_id = factory.LazyAttribute(
        lambda o: district(o.district_key).id if o.district_key else None
    )


class ConsentFactory(Factory):
    """A consent of ``person=`` (or ``person_id=``; a new person if neither is given) or of
    a firm contact (``firm_contact_id=``)."""

    class Meta:
        model = Consent

    class Params:
        person = None

    person_id = factory.LazyAttribute(
        lambda o: None if o.firm_contact_id and not o.person else (o.person or PersonFactory()).id
    )
    firm_contact_id = None
    purpose = "advice"
    text_version = "2026-01"


def _contact_point_id(region_code: str | None) -> int | None:
    if not region_code:
        return None
    return db.session.scalar(
        sa.select(ContactPoint.id).join(Region).where(Region.code == region_code)
    )


class UserFactory(Factory):
    """A staff account with the test password (tests/personas.py logs it in);
    ``region_code`` places advisors and supervisors at that region's contact point."""

    class Meta:
        model = User

    class Params:
        region_code = "SW"

    role = "advisor"
    email = factory.Sequence(lambda n: f"user{n}@test.example")
    display_name = factory.Sequence(lambda n: f"Beraterin {n}")
    contact_point_id = factory.LazyAttribute(lambda o: _contact_point_id(o.region_code))
    password_hash = factory.LazyFunction(lambda: _password_hash())


def _password_hash() -> str:
    from tests.personas import test_password_hash

    return test_password_hash()


class LoginAttemptFactory(Factory):
    class Meta:
        model = LoginAttempt

    account_key = factory.Sequence(lambda n: f"k{n}")
    at = factory.LazyFunction(utcnow)
    succeeded = False


# ------------------------------------------------------------------ cases


def _case_region_id(o: Any) -> int:
    if o.region_code:
        return int(region(o.region_code).id)
    if o.firm is not None:
        return int(o.firm.district.region_id)
    if o.person is not None and o.person.residence_district is not None:
        return int(o.person.residence_district.region_id)
    return int(region("SW").id)


def _reference(o: Any) -> str:
    from wbagentur.cases.services import next_reference

    return next_reference(db.session.get(Region, o.region_id), local_today().year)


class CaseFactory(Factory):
    """A firm case in the region of its firm (a new firm in Suhl unless ``firm=``).

    ``region_code="NT"`` puts it elsewhere, ``assigned_to_id=`` assigns it,
    ``individual=True`` makes it a person's case, ``closed=True`` closes it;
    ``topics=[...]`` and ``participants=[person, ...]`` fill the link tables.
    The row only: no timeline entry, no audit event (``services.open_case`` writes those).
    """

    class Meta:
        model = Case

    class Params:
        region_code: str | None = None
        individual = factory.Trait(
            kind="individual", firm=None, person=factory.SubFactory(PersonFactory)
        )
        closed = factory.Trait(
            status="closed", closed_at=factory.LazyFunction(utcnow), outcome="advice_completed"
        )

    firm = factory.SubFactory(FirmFactory)
    person = None
    region_id = factory.LazyAttribute(_case_region_id)
    reference = factory.LazyAttribute(_reference)
    kind = "firm"
    title = "Qualifizierung CNC"
    channel = "phone"
    status = "new"

    @factory.post_generation
    def topics(obj: Case, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            db.session.execute(
                sa.insert(case_topics), [{"case_id": obj.id, "topic": t} for t in extracted]
            )

    @factory.post_generation
    def participants(obj: Case, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            db.session.execute(
                sa.insert(case_participants),
                [{"case_id": obj.id, "person_id": getattr(p, "id", p)} for p in extracted],
            )


def _assignee_id(o: Any) -> int:
    if o.case.assigned_to_id:
        return int(o.case.assigned_to_id)
    return int(UserFactory(region_code=o.case.region.code).id)


class FollowUpFactory(Factory):
    """A follow-up due in a week, for the case's advisor (a new one if it has none)."""

    class Meta:
        model = FollowUp

    case = factory.SubFactory(CaseFactory)
    title = "Nachfassen"
    due_date = factory.LazyFunction(lambda: local_today() + timedelta(days=7))
    assignee_id = factory.LazyAttribute(_assignee_id)


def _case_id(o: Any) -> int:
    """For models with only their case's id: ``case=`` or ``case_id=``, else a new case."""
    return int((o.case or CaseFactory()).id)


class TimelineEntryFactory(Factory):
    """A note on the timeline of ``case=`` (or ``case_id=``); ``kind="contact"`` with
    ``contact_channel=`` and ``duration_minutes=`` for a counselling contact."""

    class Meta:
        model = TimelineEntry

    class Params:
        case = None

    case_id = factory.LazyAttribute(_case_id)
    kind = "note"
    body = "Notiz"


class DocumentFactory(Factory):
    class Meta:
        model = Document

    class Params:
        case = None

    case_id = factory.LazyAttribute(_case_id)
    original_name = "Angebot.pdf"
    stored_name = factory.Sequence(lambda n: f"{n:064d}")
    content_type = "application/pdf"
    size_bytes = 3
    sha256 = "0" * 64
    source = "staff"


class TransferFactory(Factory):
    """A pending transfer of a case from its region to ``to_region_code``."""

    class Meta:
        model = Transfer

    class Params:
        to_region_code = "NT"

    case = factory.SubFactory(CaseFactory)
    from_region_id = factory.LazyAttribute(lambda o: o.case.region_id)
    to_region_id = factory.LazyAttribute(lambda o: region(o.to_region_code).id)
    state = "pending"
    reason = "Umzug"


def _first_programme_id(o: Any) -> int:
    if o.programme is not None:
        return int(o.programme.id)
    return int(
        db.session.scalar(
            sa.select(FundingProgramme.id).order_by(FundingProgramme.sort_order).limit(1)
        )
    )


class ParameterVersionFactory(Factory):
    """A proposed parameter version of ``programme=`` (or ``programme_id=``; else the
    catalogue's first programme), as a script or an old row would leave it."""

    class Meta:
        model = ParameterVersion

    class Params:
        programme = None

    programme_id = factory.LazyAttribute(_first_programme_id)
    version_key = factory.Sequence(lambda n: f"test@{n}")
    valid_from = factory.LazyFunction(local_today)
    parameters = "{}"
    source = "Test"
    state = "proposed"


class FundingCheckFactory(Factory):
    """A saved funding check of ``case=`` (or ``case_id=``) whose result lists
    ``programmes`` (default: § 82 eligible)."""

    class Meta:
        model = FundingCheck

    class Params:
        case = None
        programmes = factory.LazyFunction(
            lambda: [{"programme": "sgb3_82", "title": "§ 82", "status": "eligible"}]
        )

    case_id = factory.LazyAttribute(_case_id)
    person_id = None
    input_json = "{}"
    result_json = factory.LazyAttribute(lambda o: json.dumps({"programmes": o.programmes}))
    parameter_versions = "{}"


# ------------------------------------------------------------------ partners and referrals


class PartnerFactory(Factory):
    """A partner of the directory (an employment agency unless ``kind=``)."""

    class Meta:
        model = Partner

    code = factory.Sequence(lambda n: f"partner_{n}")
    name = factory.Sequence(lambda n: f"Partnerstelle {n}")
    kind = "agentur_fuer_arbeit"
    email = factory.Sequence(lambda n: f"partner{n}@test.example")


class ReferralFactory(Factory):
    """A draft referral of a case to a new partner, on a legal basis (no consent)."""

    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory)
    partner = factory.SubFactory(PartnerFactory)
    purpose = "Förderberatung"
    data_categories = "contact"
    legal_basis = "Test"
    state = "draft"


def _referral_id(o: Any) -> int:
    return int((o.referral or ReferralFactory()).id)


class ReferralEventFactory(Factory):
    """A state change of ``referral=`` (or ``referral_id=``; else a new referral),
    from draft to sent by staff unless given."""

    class Meta:
        model = ReferralEvent

    class Params:
        referral = None

    referral_id = factory.LazyAttribute(_referral_id)
    from_state = "draft"
    to_state = "sent"
    via = "staff"


# ------------------------------------------------------------------ ESF+


def _person_id(o: Any) -> int:
    return int((o.person or PersonFactory()).id)


class EsfParticipationFactory(Factory):
    """The ESF+ entry of ``person=`` (or ``person_id=``; else a new person) in ``case=``
    (or ``case_id=``; else a new case): entered today, unemployed, 40, ISCED 3–4, female."""

    class Meta:
        model = EsfParticipation

    class Params:
        case = None
        person = None

    case_id = factory.LazyAttribute(_case_id)
    person_id = factory.LazyAttribute(_person_id)
    entry_date = factory.LazyFunction(local_today)
    employment_status = "unemployed"
    age_at_entry = 40
    isced_level = "isced_3_4"
    gender = "weiblich"


# ------------------------------------------------------------------ plans


class PlanCourseFactory(Factory):
    """A course of the plan of ``case=`` (or ``case_id=``) starting in two months;
    ``participants=[person, ...]``."""

    class Meta:
        model = PlanCourse

    class Params:
        case = None

    case_id = factory.LazyAttribute(_case_id)
    title = "CNC-Fachkraft"
    provider = "Bildungswerk Suhl"
    hours = Decimal(80)
    hours_unit = "teaching_units_45"
    fees_cents = 240_000
    start_date = factory.LazyFunction(lambda: local_today() + timedelta(days=60))
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=25))
    azav_approved = True

    @factory.post_generation
    def participants(obj: PlanCourse, create: bool, extracted: Any, **kwargs: Any) -> None:
        if extracted:
            obj.participants = [PlanParticipant(person_id=getattr(p, "id", p)) for p in extracted]
            if create:
                db.session.flush()


# ------------------------------------------------------------------ mail


class OutboxMessageFactory(Factory):
    class Meta:
        model = OutboxMessage

    recipient = factory.Sequence(lambda n: f"empfaenger{n}@test.example")
    subject = "Betreff"
    body = "Text"
    kind = "test"


class SubmissionTokenFactory(Factory):
    """A processed form submission (its unique token)."""

    class Meta:
        model = SubmissionToken

    token = factory.Sequence(lambda n: f"{n:032d}")


# ------------------------------------------------------------------ older spelling


def make_firm(
    name: str = "Müller Metallbau GmbH", district_key: str = "16054", **fields: Any
) -> Firm:
    """Flush a firm with its search columns filled (needs an app context)."""
    fields.setdefault("staff_over_30h", 0)
    return FirmFactory(name=name, district_key=district_key, **fields)


def make_person(
    first: str = "Anna", last: str = "Müller", district_key: str | None = "16054", **fields: Any
) -> Person:
    return PersonFactory(first_name=first, last_name=last, district_key=district_key, **fields)


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
