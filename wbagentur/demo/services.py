"""Fill a realistic German demo data set, deterministic by seed (Faker ``de_DE``)."""

from __future__ import annotations

import random
from dataclasses import dataclass

import sqlalchemy as sa
from faker import Faker

from wbagentur.accounts import services as accounts
from wbagentur.accounts.models import User
from wbagentur.core.text import normalise_search
from wbagentur.extensions import db
from wbagentur.firms.models import Firm
from wbagentur.regions.models import ContactPoint, District, Region

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
