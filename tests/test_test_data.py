"""One way to build test data (issue #18): the factories of tests/factories.py.

The factories build rows both databases accept; the directories that use them build no
rows by hand (``db.session.add(Model(...))``), and the files that still do may only lose
such rows, never gain them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sqlalchemy as sa

from tests import factories as f
from wbagentur.cases.models import Case
from wbagentur.extensions import db
from wbagentur.persons.models import Person

TESTS = Path(__file__).resolve().parent

# Directories whose tests build rows with the factories (or through the services).
CONVERTED = (
    "firms",
    "persons",
    "cases",
    "plans",
    "privacy",
    "retention",
    "mail",
    "jobs",
    "intake",
    "imports",
    "reports",
    "referrals",
    "esf",
    "funding",
    "core",
)

# Files there that still add rows by hand, with how many calls: numbers may only go down.
ALLOWED: dict[str, int] = {}


def _session_adds(path: Path) -> int:
    """Calls of ``<...>.session.add(...)`` or ``.add_all(...)`` in one file."""
    count = 0
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("add", "add_all")
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "session"
        ):
            count += 1
    return count


def hand_built_rows() -> dict[str, int]:
    found = {}
    for directory in CONVERTED:
        for path in sorted((TESTS / directory).rglob("*.py")):
            n = _session_adds(path)
            if n:
                found[path.relative_to(TESTS.parent).as_posix()] = n
    return found


def test_converted_directories_build_rows_with_the_factories_only():
    found = hand_built_rows()
    grown = {k: n for k, n in found.items() if n > ALLOWED.get(k, 0)}
    assert not grown, (
        f"rows built by hand with db.session.add: {grown}; use tests/factories.py "
        "(or the service the test is about)"
    )
    shrunk = {k: (ALLOWED[k], found.get(k, 0)) for k in ALLOWED if found.get(k, 0) < ALLOWED[k]}
    assert not shrunk, f"fewer hand-built rows than allowed, lower ALLOWED: {shrunk}"


def test_the_guard_counts_adds_of_model_rows(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "db.session.add(Firm(name='x'))\n"
        "db.session.add_all([a, b])\n"
        "other.add(1)\n"
        "session.add(x)\n",
        encoding="utf-8",
    )
    assert _session_adds(sample) == 2


def test_factories_build_rows_both_databases_accept(clean_app):
    with clean_app.app_context():
        advisor = f.UserFactory(role="advisor", region_code="NT")
        case = f.CaseFactory(
            assigned_to_id=advisor.id,
            region_code="NT",
            topics=["digital", "funding"],
            participants=[f.PersonFactory(), f.PersonFactory()],
        )
        closed = f.CaseFactory(closed=True)
        individual = f.CaseFactory(individual=True)
        follow_up = f.FollowUpFactory(case=case)
        consent = f.ConsentFactory(purpose="share_partner", recipient_kind="ihk")
        contact_consent = f.ConsentFactory(firm_contact_id=f.FirmContactFactory().id)
        referral = f.ReferralFactory(case=case)
        course = f.PlanCourseFactory(case=case, participants=case.participants)
        check = f.FundingCheckFactory(case=case, person_id=case.participants[0].id)
        transfer = f.TransferFactory(case=individual)
        f.DocumentFactory(case=case)
        f.OutboxMessageFactory()
        f.LoginAttemptFactory()
        entry = f.TimelineEntryFactory(case=case)
        event = f.ReferralEventFactory(referral=referral)
        participation = f.EsfParticipationFactory(case=individual, person=individual.person)
        version = f.ParameterVersionFactory()
        f.SubmissionTokenFactory()
        db.session.commit()

        assert case.reference.startswith("WBA-NT-")
        assert case.region.code == "NT"
        assert case.assigned_to.contact_point.region.code == "NT"
        assert case.topics == ["digital", "funding"]
        assert len(case.participants) == 2
        assert closed.status == "closed"
        assert closed.outcome
        assert individual.kind == "individual"
        assert individual.firm_id is None
        assert individual.person_id
        assert follow_up.assignee_id == advisor.id
        assert consent.person_id
        assert contact_consent.person_id is None
        assert referral.partner.code.startswith("partner_")
        assert [p.person_id for p in course.participants] == [p.id for p in case.participants]
        assert check.case_id == case.id
        assert check.result["programmes"][0]["status"] == "eligible"
        assert transfer.from_region_id == individual.region_id
        assert transfer.to_region_id != individual.region_id
        assert entry.case_id == case.id
        assert (event.referral_id, event.to_state) == (referral.id, "sent")
        assert (participation.case_id, participation.person_id) == (
            individual.id,
            individual.person_id,
        )
        assert version.programme.code

        def cases_and_persons():
            return [db.session.scalar(sa.select(sa.func.count(m.id))) for m in (Case, Person)]

        before = cases_and_persons()
        f.FundingCheckFactory(case_id=case.id)
        f.DocumentFactory(case_id=case.id)
        f.ConsentFactory(person_id=consent.person_id)
        f.EsfParticipationFactory(case_id=case.id, person_id=case.participants[1].id)
        assert cases_and_persons() == before  # ids given: no rows besides the one asked for


def test_old_helpers_and_personas_use_the_factories(clean_app, make_user):
    persona = make_user("supervisor", "SW")
    with clean_app.app_context():
        firm = f.make_firm("Kühn Präzision GmbH", "16051", email="Info@Kuehn.Example")
        person = f.make_person("Jürgen", "Weiß", None, employer_id=firm.id)
        assert (firm.name_search, firm.email_domain, firm.staff_over_30h) == (
            "kuehn praezision gmbh",
            "kuehn.example",
            0,
        )
        assert (person.name_search, person.residence_district_id) == ("juergen weiss", None)
        from wbagentur.accounts.models import User

        user = db.session.scalar(sa.select(User).where(User.id == persona.id))
        assert user.contact_point.region.code == "SW"
