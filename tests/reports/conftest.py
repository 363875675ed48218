"""A known data set for the report tests: two regions, several advisors, cases of
different ages, statuses, outcomes and channels, follow-ups, referrals with outcomes and
amounts, a transfer, funding checks, and persons with genders, ages, ISCED and consents.

``SPEC`` is plain data; the tests compute every expected number from it in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.personas import create_persona
from wbagentur.core.timezone import BERLIN

HYPERLINK = '=HYPERLINK("http://x","y")'

# Cases: key, region, advisor key (None = unassigned), age (days since opening), status,
# channel, closed (days ago) + outcome, last contact (days ago), firm key or person key,
# participants.
CASES: list[dict[str, Any]] = [
    dict(
        key="c1",
        region="SW",
        adv="a1",
        age=10,
        status="in_advice",
        channel="phone",
        contact=None,
        firm="f_small",
        participants=["p1", "p2", "p3", "p6"],
    ),
    dict(
        key="c2",
        region="SW",
        adv="a1",
        age=45,
        status="in_advice",
        channel="email",
        contact=5,
        firm="f_micro",
        participants=["p4", "p6"],
    ),
    dict(
        key="c3",
        region="SW",
        adv="a2",
        age=100,
        status="waiting",
        channel="visit",
        contact=40,
        firm="f_large",
        participants=[],
    ),
    dict(
        key="c4",
        region="SW",
        adv="a2",
        age=200,
        status="in_advice",
        channel="phone",
        contact=None,
        firm="f_micro",
        participants=["p8"],
    ),
    dict(
        key="c5",
        region="SW",
        adv=None,
        age=20,
        status="new",
        channel="public_form",
        contact=None,
        person="p7",
    ),
    dict(
        key="c6",
        region="SW",
        adv="a1",
        age=60,
        status="closed",
        channel="phone",
        closed=5,
        outcome="advice_completed",
        contact=6,
        firm="f_small",
        participants=["p5"],
    ),
    dict(
        key="c7",
        region="SW",
        adv="a2",
        age=30,
        status="closed",
        channel="email",
        closed=3,
        outcome="no_need",
        contact=4,
        firm="f_medium",
        participants=[],
    ),
    dict(
        key="c8",
        region="SW",
        adv="a1",
        age=300,
        status="closed",
        channel="visit",
        closed=200,
        outcome="other",
        contact=None,
        firm="f_micro",
        participants=["p6"],
    ),
    dict(
        key="t1",
        region="SW",
        adv="a1",
        age=70,
        status="in_advice",
        channel="partner",
        contact=None,
        firm="f_ot",
        participants=[],
    ),
    dict(
        key="o1",
        region="OT",
        adv="ot",
        age=15,
        status="in_advice",
        channel="phone",
        contact=None,
        firm="f_ot",
        participants=["p9"],
    ),
    dict(
        key="o2",
        region="OT",
        adv="ot",
        age=40,
        status="closed",
        channel="event",
        closed=2,
        outcome="advice_completed",
        contact=3,
        firm="f_ot",
        participants=[],
    ),
]
FIRMS = {
    "f_small": dict(district="16054", staff_over_30h=12),
    "f_micro": dict(district="16066", staff_over_30h=5),
    "f_medium": dict(district="16063", staff_over_30h=80),
    "f_large": dict(district="16069", staff_over_30h=300),
    "f_ot": dict(district="16052", staff_over_30h=20),
}
# Persons: gender, birth date, employment, ISCED, disability, consents (esf, special, withdrawn
# special)
PERSONS = {
    "p1": dict(
        first="Frieda",
        last="Fixturia",
        gender="weiblich",
        birth=date(1990, 5, 1),
        employment="employed",
        isced="isced_3_4",
    ),
    "p2": dict(
        first="Max",
        last="Mustermannski",
        gender="maennlich",
        birth=date(1960, 2, 2),
        employment="unemployed",
        isced="isced_0_2",
        disabled=True,
        consents=("esf_reporting", "special_categories"),
    ),
    "p3": dict(
        first="Kim",
        last="Azubinski",
        gender="divers",
        birth=None,
        employment="apprentice",
        isced=None,
        minor=True,
    ),
    "p4": dict(
        first="Alex",
        last="Unbekanntova",
        gender="keine_angabe",
        birth=None,
        employment="not_employed",
        isced="isced_5_8",
        disabled=True,
        consents=("esf_reporting",),
    ),
    "p5": dict(
        first="Greta",
        last="Widerrufer",
        gender="weiblich",
        birth=date(1995, 7, 7),
        employment="self_employed",
        isced="isced_5_8",
        disabled=True,
        consents=("esf_reporting", "special_categories"),
        withdrawn=("special_categories",),
    ),
    "p6": dict(
        first="Hanna",
        last="Doppelteil",
        gender="weiblich",
        birth=date(1980, 3, 3),
        employment="employed",
        isced="isced_3_4",
    ),
    "p7": dict(
        first="Ines",
        last="Einzelfall",
        gender="weiblich",
        birth=date(1970, 1, 1),
        employment="threatened",
        isced="isced_3_4",
    ),
    "p8": dict(
        first="Otto",
        last="Altfall",
        gender="maennlich",
        birth=date(1950, 1, 1),
        employment="employed",
        isced=None,
    ),
    "p9": dict(
        first="Olga",
        last="Ostregion",
        gender="weiblich",
        birth=date(1985, 1, 1),
        employment="employed",
        isced="isced_3_4",
    ),
}
# Follow-ups: case, assignee, due (days from today), done
FOLLOW_UPS = [
    dict(case="c1", assignee="a1", due=-3, done=False),
    dict(case="c2", assignee="a1", due=3, done=False),
    dict(case="c3", assignee="a2", due=-1, done=True),
    dict(case="c3", assignee="a1", due=-10, done=False),
    dict(case="c4", assignee="a2", due=-5, done=False),
    dict(case="o1", assignee="ot", due=-2, done=False),
]
# Referrals: case, partner code, programme, state, sent (days ago), answered (days ago),
# due (days from today), outcome, amount (cents), accepted event
REFERRALS = [
    dict(
        case="c1",
        partner="aa_suedwest",
        programme="sgb3_82",
        state="accepted",
        sent=20,
        answered=18,
        due=-2,
        accepted=True,
    ),
    dict(
        case="c2",
        partner="aa_suedwest",
        programme="sgb3_82",
        state="completed",
        sent=30,
        answered=26,
        due=-10,
        outcome="approved",
        amount=150_000,
        accepted=True,
    ),
    dict(
        case="c3",
        partner="tlvwa_esf",
        programme="esf_weiterbildungsscheck",
        state="sent",
        sent=10,
        due=5,
    ),
    dict(
        case="c6",
        partner="tlvwa_esf",
        programme="esf_weiterbildungsscheck",
        state="completed",
        sent=50,
        answered=40,
        due=-45,
        outcome="approved",
        amount=50_000,
        accepted=True,
    ),
    dict(
        case="c7",
        partner="tlvwa_esf",
        programme="esf_weiterbildungsscheck",
        state="declined",
        sent=12,
        answered=11,
        due=-1,
    ),
    dict(
        case="c4",
        partner="aa_suedwest",
        programme="sgb3_82",
        state="completed",
        sent=150,
        answered=140,
        due=-140,
        outcome="approved",
        amount=99_999,
        accepted=True,
    ),
    dict(case="c2", partner="wba_ot", programme=None, state="sent", sent=8, due=2),
    dict(case="c1", partner="tlvwa_esf", programme="sgb3_82", state="draft", sent=None, due=None),
    dict(case="o1", partner="aa_ost", programme="sgb3_82", state="sent", sent=5, due=-1),
]
# Funding checks: case, eligible codes, created (days ago)
CHECKS = [
    dict(case="c1", codes=["sgb3_82", "esf_weiterbildungsscheck"], created=5),
    dict(case="c2", codes=["sgb3_82"], created=40),
    dict(case="c4", codes=["sgb3_82"], created=150),
    dict(case="o1", codes=["esf_weiterbildungsscheck"], created=3),
]
# Accepted transfer of t1 from OT to SW, 7 days ago
TRANSFERS = [dict(case="t1", source="OT", target="SW", decided=7)]
# Recorded ESF+ participations (esf_participations): case, person, entry / exit (days ago),
# answers at entry, results observed `results` days after the exit, survey state. Persons of a
# case without a participation (p3 and p6 in case c1) are *not* ESF+ participants. Around the
# four-week boundary: e3 observed on day 28 (counts), e4 on day 29 (does not). e6 entered
# before the default period (365 days) and left in it; e8 is in region OT.
ESF: list[dict[str, Any]] = [
    dict(
        key="e1",
        case="c1",
        person="p1",
        entry=10,
        gender="weiblich",
        status="employed",
        age=36,
        isced="isced_3_4",
        rural=True,
        third_country=False,
    ),
    dict(
        key="e2",
        case="c1",
        person="p2",
        entry=10,
        gender="maennlich",
        status="long_term_unemployed",
        age=66,
        isced="isced_0_2",
        disability=True,
        exit=5,
        situation="unemployed",
        results=3,
        employment=True,
    ),
    dict(
        key="e3",
        case="c2",
        person="p4",
        entry=45,
        gender="divers",
        status="inactive",
        age=17,
        isced="isced_5_8",
        exit=40,
        situation="inactive",
        results=28,
        job_searching=True,
        qualification=True,
    ),
    dict(
        key="e4",
        case="c2",
        person="p6",
        entry=45,
        gender="weiblich",
        status="unemployed",
        age=46,
        isced="isced_3_4",
        foreign=True,
        exit=40,
        situation="unemployed",
        results=29,
        employment=True,
    ),
    dict(
        key="e5",
        case="c6",
        person="p5",
        entry=300,
        gender=None,
        status="employed",
        age=29,
        isced="isced_5_8",
        exit=250,
        situation="employed",
        results=0,
        education=True,
        survey="answered",
        longterm_employment=True,
        longterm_improved=True,
    ),
    dict(
        key="e6",
        case="c4",
        person="p8",
        entry=380,
        gender="maennlich",
        status="unemployed",
        age=75,
        isced=None,
        exit=190,
        situation="inactive",
        survey="no_response",
    ),
    dict(
        key="e7",
        case="c5",
        person="p7",
        entry=20,
        gender="weiblich",
        status="employed",
        age=55,
        isced=None,
        minority=True,
        homeless=True,
        foreign=True,
    ),
    dict(
        key="e9",
        case="c8",
        person="p6",
        entry=290,
        gender="weiblich",
        status="inactive",
        age=45,
        isced="isced_3_4",
        exit=220,
        situation="inactive",
        results=10,
        job_searching=True,
        survey="no_consent",
    ),
    dict(
        key="e8",
        case="o1",
        person="p9",
        entry=15,
        gender="weiblich",
        status="unemployed",
        age=41,
        isced="isced_5_8",
    ),
]


@dataclass
class Data:
    now: Any
    today: date
    users: dict[str, Any] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)
    regions: dict[str, int] = field(default_factory=dict)
    partners: dict[str, int] = field(default_factory=dict)
    persons: dict[str, int] = field(default_factory=dict)


def _add_esf(data: Data) -> None:
    from tests.factories import EsfParticipationFactory, TimelineEntryFactory

    # Each case with a participation was counselled on two days (2 × 2 h): more than short
    # counselling, so its persons count (ESF_SHORT_COUNSELLING_*).
    for key in sorted({spec["case"] for spec in ESF}):
        for day in (10, 9):
            TimelineEntryFactory(
                case_id=data.cases[key],
                kind="contact",
                at=datetime.combine(data.today - timedelta(days=day), time(10), BERLIN),
                contact_channel="visit",
                duration_minutes=120,
                body="Beratung",
            )
    for spec in ESF:
        exit_day = data.today - timedelta(days=spec["exit"]) if "exit" in spec else None
        EsfParticipationFactory(
            case_id=data.cases[spec["case"]],
            person_id=data.persons[spec["person"]],
            entry_date=data.today - timedelta(days=spec["entry"]),
            employment_status=spec["status"],
            age_at_entry=spec["age"],
            isced_level=spec["isced"],
            gender=spec["gender"],
            third_country_national=spec.get("third_country"),
            foreign_background=spec.get("foreign"),
            homeless=spec.get("homeless"),
            rural_area=spec.get("rural"),
            disability=spec.get("disability"),
            minority=spec.get("minority"),
            exit_date=exit_day,
            exit_situation=spec.get("situation"),
            results_on=exit_day + timedelta(days=spec["results"])
            if exit_day and "results" in spec
            else None,
            result_job_searching=spec.get("job_searching", False),
            result_education=spec.get("education", False),
            result_qualification=spec.get("qualification", False),
            result_employment=spec.get("employment", False),
            survey_state=spec.get("survey", "not_due"),
            longterm_employment=spec.get("longterm_employment"),
            longterm_improved=spec.get("longterm_improved"),
        )


def build(app: Any) -> Data:
    from tests import factories as f
    from wbagentur.cases.models import Case
    from wbagentur.core.models import utcnow
    from wbagentur.core.timezone import local_today
    from wbagentur.extensions import db
    from wbagentur.partners.models import Partner
    from wbagentur.persons.models import Person
    from wbagentur.regions.models import Region

    with app.app_context():
        now = utcnow()
        data = Data(now=now, today=local_today())
        data.regions = {r.code: r.id for r in db.session.scalars(sa.select(Region))}
        data.users = {
            "sup": create_persona("supervisor", "SW", display_name="Sonja Leitung"),
            "a1": create_persona("advisor", "SW", display_name="Anna Beraterin"),
            "a2": create_persona("advisor", "SW", display_name=HYPERLINK),
            "ot": create_persona("advisor", "OT", display_name="Otto Ostberater"),
            "sup_ot": create_persona("supervisor", "OT", display_name="Olaf Leitung"),
            "coord": create_persona("coordinator", None, display_name="Carla Land"),
        }
        data.partners = {p.code: p.id for p in db.session.scalars(sa.select(Partner))}
        firms = {
            key: f.FirmFactory(
                name=f"Firma {key}",
                district_key=spec["district"],
                staff_over_30h=spec["staff_over_30h"],
            )
            for key, spec in FIRMS.items()
        }
        for key, spec in PERSONS.items():
            birth = spec["birth"]
            if spec.get("minor"):
                birth = data.today.replace(year=data.today.year - 16)
            person = f.PersonFactory(
                first_name=spec["first"],
                last_name=spec["last"],
                district_key=None,
                gender=spec["gender"],
                birth_date=birth,
                employment_status=spec["employment"],
                isced_level=spec["isced"],
                severely_disabled=spec.get("disabled"),
            )
            data.persons[key] = person.id
            for purpose in spec.get("consents", ()):
                f.ConsentFactory(
                    person_id=person.id,
                    purpose=purpose,
                    text_version="t",
                    withdrawn_at=now if purpose in spec.get("withdrawn", ()) else None,
                )
        for n, spec in enumerate(CASES):
            case = f.CaseFactory(
                reference=f"T-{n:04d}",
                region_id=data.regions[spec["region"]],
                kind="individual" if spec.get("person") else "firm",
                title=f"Fall {spec['key']}",
                channel=spec["channel"],
                status=spec["status"],
                assigned_to_id=data.users[spec["adv"]].id if spec["adv"] else None,
                opened_at=now - timedelta(days=spec["age"], hours=1),
                closed_at=now - timedelta(days=spec["closed"]) if spec.get("closed") else None,
                outcome=spec.get("outcome"),
                last_contact_at=now - timedelta(days=spec["contact"])
                if spec["contact"] is not None
                else None,
                firm=firms.get(spec.get("firm")),
                person=db.session.get(Person, data.persons[spec["person"]])
                if spec.get("person")
                else None,
                participants=[data.persons[p] for p in spec.get("participants", [])],
            )
            data.cases[spec["key"]] = case.id
        for spec in FOLLOW_UPS:
            f.FollowUpFactory(
                case=db.session.get(Case, data.cases[spec["case"]]),
                title="Nachfassen",
                due_date=data.today + timedelta(days=spec["due"]),
                assignee_id=data.users[spec["assignee"]].id,
                done_at=now if spec["done"] else None,
            )
        for spec in REFERRALS:
            sent = now - timedelta(days=spec["sent"]) if spec["sent"] is not None else None
            referral = f.ReferralFactory(
                case=db.session.get(Case, data.cases[spec["case"]]),
                partner=db.session.get(Partner, data.partners[spec["partner"]]),
                programme=spec["programme"],
                purpose="Prüfung",
                data_categories="contact",
                legal_basis="Art. 6",
                state=spec["state"],
                sent_at=sent,
                answered_at=now - timedelta(days=spec["answered"])
                if spec.get("answered")
                else None,
                due_date=data.today + timedelta(days=spec["due"])
                if spec["due"] is not None
                else None,
                outcome=spec.get("outcome"),
                amount_cents=spec.get("amount"),
            )
            if spec.get("accepted"):
                f.ReferralEventFactory(
                    referral=referral,
                    from_state="sent",
                    to_state="accepted",
                    via="staff",
                    at=now - timedelta(days=spec["answered"]),
                )
        for spec in CHECKS:
            f.FundingCheckFactory(
                case_id=data.cases[spec["case"]],
                input_json="{}",
                result_json="{}",
                parameter_versions="{}",
                eligible_codes="," + ",".join(spec["codes"]) + ",",
                created_at=now - timedelta(days=spec["created"]),
            )
        _add_esf(data)
        for spec in TRANSFERS:
            f.TransferFactory(
                case=db.session.get(Case, data.cases[spec["case"]]),
                from_region_id=data.regions[spec["source"]],
                to_region_id=data.regions[spec["target"]],
                state="accepted",
                reason="Umzug",
                requested_at=now - timedelta(days=spec["decided"] + 1),
                decided_at=now - timedelta(days=spec["decided"]),
            )
        db.session.commit()
        return data


def expected_overdue(region: str, adv: str) -> tuple[set[str], set[str]]:
    """The fixture's cases of ``region`` with overdue open follow-ups of ``adv``, and with
    overdue referrals (sent, accepted, returned) while assigned to ``adv``."""
    cases = {c["key"]: c for c in CASES if c["region"] == region}
    follow = {
        f["case"]
        for f in FOLLOW_UPS
        if f["case"] in cases and f["assignee"] == adv and not f["done"] and f["due"] < 0
    }
    referred = {
        r["case"]
        for r in REFERRALS
        if r["case"] in cases
        and cases[r["case"]]["adv"] == adv
        and r["state"] in ("sent", "accepted", "returned")
        and r["due"] is not None
        and r["due"] < 0
    }
    return follow, referred


def refresh_aggregates(app: Any) -> None:
    """The dashboards read their period figures from the maintained aggregates, as the
    worker leaves them (issue #22); the expected numbers stay the same."""
    from wbagentur.extensions import db
    from wbagentur.reports.aggregates import refresh

    with app.app_context():
        refresh()
        db.session.commit()


@pytest.fixture
def dataset(clean_app):
    data = build(clean_app)
    refresh_aggregates(clean_app)
    return data
