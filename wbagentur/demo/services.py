"""Fill a realistic German demo data set, deterministic by seed (Faker ``de_DE``)."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from faker import Faker

from wbagentur.accounts import services as accounts
from wbagentur.accounts.models import User
from wbagentur.core.text import normalise_search
from wbagentur.extensions import db
from wbagentur.firms.models import Firm
from wbagentur.regions.models import ContactPoint, District, Region

logger = logging.getLogger(__name__)

DEMO_DOMAIN = "wbagentur.example"

# (e-mail local part, display name, role, region code)
DEMO_USERS = [
    ("beratung.sw", "Sabine Wolf", "advisor", "SW"),
    ("beratung2.sw", "Jens Köhler", "advisor", "SW"),
    ("beratung.nt", "Katrin Vogel", "advisor", "NT"),
    ("beratung.mt", "Thomas Schäfer", "advisor", "MT"),
    ("beratung.ot", "Anja Günther", "advisor", "OT"),
    ("leitung.sw", "Dr. Uwe Hartmann", "supervisor", "SW"),
    ("koordination", "Claudia Neumann", "coordinator", None),
    ("admin", "Systemadministration", "admin", None),
]

LEGAL_FORMS = ["GmbH", "GmbH & Co. KG", "e. K.", "UG (haftungsbeschränkt)", "AG", "KG", "OHG"]
TRADES = [
    "Metallbau",
    "Elektrotechnik",
    "Logistik",
    "Holzbau",
    "Pflegedienst",
    "Software",
    "Kunststofftechnik",
    "Präzisionsteile",
]
WZ_DIVISIONS = [
    "10",
    "16",
    "22",
    "25",
    "28",
    "29",
    "33",
    "41",
    "43",
    "45",
    "46",
    "49",
    "56",
    "62",
    "71",
    "86",
    "88",
]


@dataclass
class DemoLogin:
    email: str
    password: str
    role_label: str
    region: str


def seed_demo(seed: int = 42, firms_per_district: int = 3) -> list[DemoLogin]:
    """Create the demo users (new random passwords on every run) and, once, the firms.

    Idempotent: users are created when missing, firms only when there are none.
    Returns the logins to print.
    """
    points = {cp.region.code: cp for cp in db.session.scalars(sa.select(ContactPoint).join(Region))}
    logins: list[DemoLogin] = []
    for local, name, role, region_code in DEMO_USERS:
        email = f"{local}@{DEMO_DOMAIN}"
        password = accounts.generate_password()
        user = accounts.user_by_email(email)
        contact_point = points[region_code] if region_code else None
        if user is None:
            user = accounts.create_user(
                None,
                email=email,
                display_name=name,
                role=role,
                password=password,
                contact_point_id=contact_point.id if contact_point else None,
            )
        else:
            accounts.set_password(None, user, password)
            if not user.is_active:
                accounts.set_active(None, user, True)
        logins.append(
            DemoLogin(
                email,
                password,
                user.role_label,
                contact_point.region.name if contact_point else "alle Regionen",
            )
        )
    if db.session.scalar(sa.select(sa.func.count(Firm.id))) == 0:
        _seed_firms(seed, firms_per_district)
        db.session.flush()
        _seed_persons_and_cases(seed)
    db.session.flush()
    seed_year_of_work(seed)
    db.session.flush()
    return logins


def _seed_firms(seed: int, per_district: int) -> None:
    fake = Faker("de_DE")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    districts = db.session.scalars(sa.select(District).order_by(District.key)).all()
    for district in districts:
        for _ in range(per_district):
            full = rnd.choice([2, 4, 8, 15, 30, 60, 120, 280])
            legal_form = rnd.choice(LEGAL_FORMS)
            firm = Firm(
                name=f"{fake.last_name()} {rnd.choice(TRADES)} {legal_form}",
                legal_form=legal_form,
                wz_code=rnd.choice(WZ_DIVISIONS),
                street=fake.street_address(),
                postcode=fake.postcode(),
                city=district.name,
                district_id=district.id,
                email=f"info@{fake.domain_word()}.example",
                phone=fake.phone_number(),
                staff_over_30h=full,
                staff_up_to_30h=rnd.randint(0, max(1, full // 4)),
                staff_up_to_20h=rnd.randint(0, max(1, full // 6)),
                staff_up_to_10h=rnd.randint(0, max(1, full // 8)),
                has_collective_agreement_training=rnd.random() < 0.2,
                has_works_agreement_training=rnd.random() < 0.15,
                has_works_council=full >= 30 and rnd.random() < 0.6,
            )
            firm.name_search = normalise_search(firm.name)
            firm.email_domain = firm.email.rsplit("@", 1)[1] if firm.email else None
            db.session.add(firm)


def demo_users() -> list[User]:
    """The demo accounts that exist."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.email.like(f"%@{DEMO_DOMAIN}")).order_by(User.id)
        )
    )


def _seed_persons_and_cases(seed: int) -> None:
    """Employees for some firms, and cases in every region: new requests in the inbox,
    cases in advice with notes, contacts and follow-ups, and closed ones."""
    from datetime import timedelta

    from wbagentur.cases import services as cases
    from wbagentur.cases.models import TOPICS
    from wbagentur.core.models import utcnow
    from wbagentur.core.timezone import local_today
    from wbagentur.persons.models import Person

    fake = Faker("de_DE")
    fake.seed_instance(seed + 1)
    rnd = random.Random(seed + 1)
    advisors: dict[int, list[User]] = {}
    for user in db.session.scalars(sa.select(User).where(User.role == "advisor").order_by(User.id)):
        advisors.setdefault(user.region_id or 0, []).append(user)
    firms = db.session.scalars(sa.select(Firm).order_by(Firm.id)).all()
    topics = list(TOPICS)
    for index, firm in enumerate(firms):
        region_id = firm.district.region_id
        employees = []
        for _ in range(rnd.randint(1, 3)):
            first, last = fake.first_name(), fake.last_name()
            person = Person(
                first_name=first,
                last_name=last,
                name_search=normalise_search(f"{first} {last}"),
                email=f"{first}.{last}@example.org".lower().replace(" ", ""),
                birth_date=fake.date_of_birth(minimum_age=20, maximum_age=62),
                gender=rnd.choice(["weiblich", "maennlich", "divers", "keine_angabe"]),
                employment_status="employed",
                employer_id=firm.id,
                weekly_hours=rnd.choice([20.0, 30.0, 38.5, 40.0]),
                working_days_per_week=5,
                employed_since=fake.date_between(start_date="-15y", end_date="-1y"),
                qualification=rnd.choice(["none", "vocational", "vocational", "upgrade"]),
                qualification_year=rnd.randint(1990, 2022),
                isced_level=rnd.choice(["isced_0_2", "isced_3_4", "isced_3_4", "isced_5_8"]),
                residence_district_id=firm.district_id,
            )
            db.session.add(person)
            employees.append(person)
        db.session.flush()
        if index % 2:
            continue
        case = cases.open_case(
            None,
            region_id=region_id,
            kind="firm",
            title=rnd.choice(DEMO_TITLES),
            firm_id=firm.id,
            channel=rnd.choice(["phone", "email", "visit", "event"]),
            topics=rnd.sample(topics, 2),
        )
        staff = advisors.get(region_id) or []
        stage = (index // 2) % 6
        if stage == 0 or not staff:
            continue  # stays new and unassigned: the region's inbox
        advisor = staff[index % len(staff)]
        cases.assign_case(advisor, case, advisor.id, case.version)
        cases.add_participant(advisor, case, employees[0].id)
        cases.record_contact(
            advisor,
            case,
            channel="phone",
            at=utcnow() - timedelta(days=rnd.randint(1, 40)),
            duration_minutes=rnd.choice([15, 30, 45]),
            summary="Erstgespräch zum Qualifizierungsbedarf.",
        )
        cases.add_note(
            advisor, case, "Bedarf und Fördermöglichkeiten besprochen; Unterlagen folgen."
        )
        if stage in (2, 3):
            cases.add_follow_up(
                advisor,
                case,
                title="Angebot des Bildungsträgers nachfassen",
                due_date=local_today() + timedelta(days=rnd.randint(-3, 10)),
                assignee_id=advisor.id,
            )
        if stage == 4:
            cases.change_status(advisor, case, "waiting", case.version)
        if stage == 5:
            cases.change_status(advisor, case, "closed", case.version, outcome="training_started")


DEMO_TITLES = [
    "Qualifizierung von Beschäftigten in der CNC-Fertigung",
    "Weiterbildung zur Fachkraft für E-Mobilität",
    "Führungskräfteentwicklung für Teamleitungen",
    "Digitalisierung der Auftragsabwicklung – Schulungsbedarf",
    "Meisterfortbildung eines Gesellen",
    "Anpassungsqualifizierung nach neuer Maschine",
]


# ---------------------------------------------------------------- a year of work (issue #14)

# The referral fates the year shows, in turn: every state, with partner answers and outcomes.
REFERRAL_FATES = (
    "approved",
    "sent",
    "accepted",
    "declined",
    "returned",
    "approved",
    "rejected",
    "withdrawn",
    "expired",
    "draft",
    "overdue",
    "withdrawn_by_client",
)
CLOSING_OUTCOMES = ("funding_referred", "training_started", "advice_completed", "no_need", "other")
YEAR_CASES_PER_REGION = 24


def seed_year_of_work(seed: int = 42) -> int:
    """Cases opened over the past twelve months in every region, worked through the
    services: referrals in every state with partner answers and outcomes, closed cases
    with outcomes, saved funding checks (each with its Förderempfehlung), so that the
    dashboard, the referral funnel and the letters show something to a newcomer.

    Built "now" and then moved back in time (all timestamps of the case together).
    Idempotent: does nothing once any referral exists. Returns the number of cases.
    """
    from wbagentur.referrals.models import Referral

    if db.session.scalar(sa.select(sa.func.count(Referral.id))):
        return 0
    rnd = random.Random(seed + 2)
    advisors: dict[int, list[User]] = {}
    for user in db.session.scalars(
        sa.select(User).where(User.role == "advisor", User.is_active.is_(True)).order_by(User.id)
    ):
        advisors.setdefault(user.region_id or 0, []).append(user)
    count = 0
    for region in db.session.scalars(sa.select(Region).order_by(Region.id)):
        staff = advisors.get(region.id) or []
        firms = db.session.scalars(
            sa.select(Firm).join(District).where(District.region_id == region.id).order_by(Firm.id)
        ).all()
        if not staff or not firms:
            continue
        for n in range(YEAR_CASES_PER_REGION):
            firm = firms[n % len(firms)]
            advisor = staff[n % len(staff)]
            days_ago = 365 - n * (350 // YEAR_CASES_PER_REGION) - rnd.randint(0, 6)
            _worked_case(rnd, advisor, firm, n, max(days_ago, 3))
            count += 1
    return count


def _worked_case(rnd: random.Random, advisor: User, firm: Firm, n: int, days_ago: int) -> None:
    from datetime import timedelta

    from wbagentur.cases import services as cases
    from wbagentur.cases.models import TOPICS
    from wbagentur.core.models import utcnow
    from wbagentur.core.timezone import local_today
    from wbagentur.persons.models import Person

    employees = db.session.scalars(
        sa.select(Person).where(Person.employer_id == firm.id).order_by(Person.id).limit(3)
    ).all()
    case = cases.open_case(
        advisor,
        region_id=advisor.region_id or firm.district.region_id,
        kind="firm",
        title=DEMO_TITLES[n % len(DEMO_TITLES)],
        firm_id=firm.id,
        channel=rnd.choice(["phone", "email", "visit", "event", "public_form"]),
        topics=rnd.sample(list(TOPICS), 2),
        assigned_to_id=advisor.id,
    )
    cases.change_status(advisor, case, "in_advice", None)
    if employees:
        cases.add_participants(advisor, case, [p.id for p in employees])
    cases.record_contact(
        advisor,
        case,
        channel=rnd.choice(["phone", "visit", "video"]),
        at=utcnow() - timedelta(minutes=30),
        duration_minutes=rnd.choice([20, 30, 45, 60]),
        summary="Erstgespräch: Qualifizierungsbedarf und Fördermöglichkeiten besprochen.",
    )
    check = _saved_check(advisor, case, firm, employees[0] if employees else None)
    fate = REFERRAL_FATES[n % len(REFERRAL_FATES)]
    referral_due = _demo_referral(advisor, case, employees, fate, check is not None)
    recent = days_ago <= 30
    if recent and fate in ("sent", "accepted", "draft"):
        cases.add_follow_up(
            advisor,
            case,
            title="Rückmeldung der Partnerstelle nachfassen",
            due_date=local_today() + timedelta(days=rnd.randint(-2, 10)),
            assignee_id=advisor.id,
        )
    elif days_ago > 45 and fate not in ("sent", "accepted", "draft", "overdue", "returned"):
        outcome = {
            "approved": "funding_referred",
            "withdrawn_by_client": "withdrawn",
        }.get(fate, CLOSING_OUTCOMES[n % len(CLOSING_OUTCOMES)])
        cases.change_status(advisor, case, "closed", None, outcome=outcome)
    db.session.flush()
    _move_back(case.id, timedelta(days=days_ago), keep_due=referral_due)
    _spread_answers(case.id, rnd, days_ago)


def _spread_answers(case_id: int, rnd: random.Random, days_ago: int) -> None:
    """Partners answer some working days after sending, and finish weeks later (the
    dashboard's answer times), never later than today."""
    from datetime import timedelta

    from wbagentur.core.models import utcnow
    from wbagentur.referrals.models import Referral, ReferralEvent

    now = utcnow()
    for referral in db.session.scalars(sa.select(Referral).where(Referral.case_id == case_id)):
        if referral.sent_at is None:
            continue
        answer = min(referral.sent_at + timedelta(days=rnd.randint(2, 12)), now)
        done = min(answer + timedelta(days=rnd.randint(10, 40)), now)
        if referral.answered_at is not None:
            referral.answered_at = answer
        if referral.closed_at is not None and referral.state != "withdrawn":
            referral.closed_at = done if referral.state == "completed" else answer
        for event in db.session.scalars(
            sa.select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
        ):
            if event.to_state in ("accepted", "declined", "returned"):
                event.at = answer
            elif event.to_state in ("completed", "expired"):
                event.at = done
        if referral.state == "completed":
            referral.decision_date = done.date()
    db.session.flush()


def _saved_check(advisor: User, case: Any, firm: Firm, person: Any) -> Any:
    """A saved funding check for the first employee (its Förderempfehlung is the letter)."""
    from datetime import timedelta

    from wbagentur.core.timezone import local_today
    from wbagentur.funding import services as funding

    if person is None:
        return None
    today = local_today()
    doc = {
        "reference_date": today.isoformat(),
        "firm": {
            "name": firm.name,
            "district_key": firm.district.key,
            "staff": [
                {"weekly_hours": 40, "count": firm.staff_over_30h or 1},
                {"weekly_hours": 25, "count": firm.staff_up_to_30h or 0},
            ],
        },
        "person": {
            "birth_date": (person.birth_date or today.replace(year=today.year - 40)).isoformat(),
            "employment_status": "employed",
            "has_usable_vocational_qualification": person.qualification != "none",
            "vocational_qualification_year": person.qualification_year or 2010,
        },
        "course": {
            "title": case.title[:80],
            "hours": 480,
            "hours_unit": "clock_hours",
            "course_fees_eur": 6000,
            "eligible_wage_eur": 10000,
            "azav_measure_approved": True,
            "azav_provider_approved": True,
            "goal": "other",
            "start_date": (today + timedelta(days=60)).isoformat(),
            "end_date": (today + timedelta(days=230)).isoformat(),
        },
    }
    try:
        with db.session.begin_nested():
            return funding.save_check(advisor, case, doc, person_id=person.id, today=today)
    except Exception:  # a demo check the engine refuses is simply left out
        logger.warning("demo: funding check for case %s refused", case.id)
        return None


def _demo_referral(advisor: User, case: Any, employees: Any, fate: str, with_check: bool) -> bool:
    """One referral of ``fate``; the consent is recorded for the partner it goes to.
    Returns True when its due date must stay as it is (open referrals near today)."""
    from wbagentur.partners.models import Partner, partner_districts
    from wbagentur.persons import services as persons
    from wbagentur.referrals import services as referrals

    district_id = case.firm.district_id if case.firm else None
    partner = db.session.scalar(
        sa.select(Partner)
        .join(partner_districts, partner_districts.c.partner_id == Partner.id)
        .where(
            Partner.kind == "agentur_fuer_arbeit",
            Partner.is_active.is_(True),
            partner_districts.c.district_id == district_id,
        )
        .order_by(Partner.id)
    ) or db.session.scalar(
        sa.select(Partner)
        .where(Partner.kind == "agentur_fuer_arbeit", Partner.is_active.is_(True))
        .order_by(Partner.id)
    )
    if partner is None or not employees:
        return False
    consent = persons.give_consent(
        advisor, employees[0], "share_partner", recipient_partner_id=partner.id
    )
    categories = ["firm", "employment", "planned_course"] + (
        ["funding_check"] if with_check else []
    )
    referral = referrals.create_referral(
        advisor,
        case,
        partner_id=partner.id,
        programme="sgb3_82",
        purpose="Beschäftigtenqualifizierung nach § 82 SGB III prüfen und beantragen.",
        data_categories=categories,
        consent_id=consent.id,
        legal_basis=None,
        due_days=None,
        message=None,
        send=fate != "draft",
    )
    if fate in ("accepted", "approved", "rejected", "withdrawn_by_client"):
        referrals.accept_referral(None, referral, via="partner_link", note="Wir melden uns.")
    if fate in ("approved", "rejected", "withdrawn_by_client"):
        referrals.complete_referral(
            None,
            referral,
            via="partner_link",
            outcome=fate,
            amount_cents=1464000 if fate == "approved" else None,
            decision_date=None,
            course_start=None,
            voucher_issued=None,
            note="Bescheid erteilt." if fate == "approved" else None,
        )
    elif fate == "declined":
        referrals.decline_referral(
            None, referral, via="partner_link", reason="not_eligible", note="Nicht förderfähig."
        )
    elif fate == "returned":
        referrals.return_referral(
            None, referral, via="partner_link", note="Bitte Kostenvoranschlag nachreichen."
        )
    elif fate == "withdrawn":
        referrals.withdraw_referral(advisor, referral, note="Kunde hat anders entschieden.")
    elif fate in ("sent", "accepted"):
        return True  # still waiting: the due date stays ahead
    elif fate == "expired":
        referrals._transition(
            None,
            referral,
            "expired",
            via="system",
            audit_action="referral.expire",
            closed_at=referral.sent_at,
            token_hash=None,
        )
    return False


def _move_back(case_id: int, delta: Any, keep_due: bool = False) -> None:
    """Shift every timestamp of a case (and what hangs on it) ``delta`` into the past."""
    from wbagentur.cases.models import Case, FollowUp, TimelineEntry
    from wbagentur.funding.models import FundingCheck
    from wbagentur.persons.models import Consent
    from wbagentur.referrals.models import Referral, ReferralEvent

    def shift(model: Any, where: Any, *columns: str) -> None:
        # In Python: SQLite has no interval arithmetic (a few hundred rows per demo run).
        for row in db.session.scalars(sa.select(model).where(where)):
            for column in columns:
                value = getattr(row, column)
                if value is not None:
                    setattr(row, column, value - delta)

    shift(
        Case,
        Case.id == case_id,
        "opened_at",
        "created_at",
        "updated_at",
        "closed_at",
        "last_contact_at",
    )
    shift(TimelineEntry, TimelineEntry.case_id == case_id, "at", "created_at")
    shift(FundingCheck, FundingCheck.case_id == case_id, "created_at")
    shift(
        Referral,
        Referral.case_id == case_id,
        "created_at",
        "updated_at",
        "sent_at",
        "answered_at",
        "closed_at",
        "token_expires_at",
    )
    if not keep_due:
        shift(Referral, Referral.case_id == case_id, "due_date")
    referral_ids = sa.select(Referral.id).where(Referral.case_id == case_id)
    shift(ReferralEvent, ReferralEvent.referral_id.in_(referral_ids), "at")
    shift(FollowUp, FollowUp.case_id == case_id, "created_at")
    consent_ids = sa.select(Referral.consent_id).where(Referral.case_id == case_id)
    shift(Consent, Consent.id.in_(consent_ids), "given_at")
    db.session.flush()
    db.session.expire_all()
