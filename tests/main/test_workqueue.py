"""The start page's work queue and the navigation counts as plain functions (no HTTP):
which rows each section holds, in which order, with which totals, and that nothing
outside the user's scope appears (issue 14)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from tests.factories import CaseFactory, FollowUpFactory, ReferralFactory
from tests.main.conftest import send_referral
from tests.personas import create_persona
from wbagentur.accounts.models import User
from wbagentur.cases import queries as case_queries
from wbagentur.cases import services as case_services
from wbagentur.cases.models import Case, FollowUp
from wbagentur.core import audit
from wbagentur.core.models import utcnow
from wbagentur.core.timezone import local_today
from wbagentur.extensions import db
from wbagentur.main import workqueue
from wbagentur.referrals import services as referral_services
from wbagentur.referrals.models import Referral

pytestmark = pytest.mark.usefixtures("fixed_clock")

SUHL, ERFURT = "16054", "16051"  # Südwestthüringen, Mittelthüringen


def _user(role: str, region: str | None = None) -> User:
    return db.session.get(User, create_persona(role, region).id)


def _case(firm_name: str, district: str = SUHL, assignee: User | None = None, **fields):
    case = create_case(firm=create_firm(firm_name, district), **fields)
    if assignee is not None:
        case.assigned_to_id = assignee.id
        case.status = "in_advice"
        db.session.flush()
    return case


def _sections(user: User, limit: int = workqueue.ROWS) -> dict[str, workqueue.Section]:
    return {s.key: s for s in workqueue.work_queue(user, local_today(), limit=limit)}


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args, **kwargs) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        sa.event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc) -> None:
        sa.event.remove(db.engine, "before_cursor_execute", self)


def test_my_open_cases_ordered_by_the_next_due_action(clean_app):
    with clean_app.test_request_context():
        advisor = _user("advisor", "SW")
        colleague = _user("advisor", "SW")
        today = local_today()
        quiet = _case("Ruhig GmbH", assignee=advisor)
        later = _case("Später GmbH", assignee=advisor)
        case_services.add_follow_up(
            advisor,
            later,
            title="Angebot",
            due_date=today + timedelta(days=9),
            assignee_id=advisor.id,
        )
        waiting = _case("Wartet GmbH", assignee=advisor)
        send_referral(advisor, waiting, today + timedelta(days=4))
        both = _case("Beides GmbH", assignee=advisor)
        case_services.add_follow_up(
            advisor,
            both,
            title="Rückruf",
            due_date=today + timedelta(days=20),
            assignee_id=advisor.id,
        )
        send_referral(advisor, both, today - timedelta(days=2))  # overdue: comes first
        done = case_services.add_follow_up(
            advisor,
            quiet,
            title="Erledigt",
            due_date=today - timedelta(days=30),
            assignee_id=advisor.id,
        )
        case_services.complete_follow_up(advisor, done)  # a done follow-up is no next action
        _case("Fremd GmbH", assignee=colleague)
        closed = _case("Zu GmbH", assignee=advisor)
        closed.status, closed.closed_at, closed.outcome = "closed", utcnow(), "no_need"
        db.session.flush()

        mine = _sections(advisor)["mine"]
        assert [row[0].id for row in mine.rows] == [both.id, waiting.id, later.id, quiet.id]
        assert mine.rows[0][1:] == (today + timedelta(days=20), today - timedelta(days=2))
        assert mine.rows[3][1:] == (None, None)
        assert mine.count == 4
        assert (mine.endpoint, mine.args) == ("cases.mine", {})
        short = _sections(advisor, limit=2)["mine"]
        assert [row[0].id for row in short.rows] == [both.id, waiting.id]
        assert short.count == 4  # the total, not the rows shown


def test_follow_ups_due_today_or_overdue_only_the_users_own(clean_app):
    with clean_app.test_request_context():
        advisor = _user("advisor", "SW")
        colleague = _user("advisor", "SW")
        today = local_today()
        case = _case("Fällig GmbH", assignee=advisor)

        def add(title, days, who=advisor):
            return case_services.add_follow_up(
                advisor,
                case,
                title=title,
                due_date=today + timedelta(days=days),
                assignee_id=who.id,
            )

        overdue, due_today = add("Überfällig", -3), add("Heute", 0)
        add("Morgen", 1)
        add("Kollegin", -1, colleague)
        finished = add("Erledigt", -5)
        case_services.complete_follow_up(advisor, finished)

        due = _sections(advisor)["due"]
        assert [f.id for f in due.rows] == [overdue.id, due_today.id]
        assert due.count == 2
        assert workqueue.nav_counts(advisor, today)["cases.due"] == 2


def test_referrals_overdue_or_answered_and_not_yet_seen(clean_app):
    with clean_app.test_request_context():
        advisor = _user("advisor", "SW")
        colleague = _user("advisor", "SW")
        today = local_today()
        case = _case("Weiter GmbH", assignee=advisor)
        overdue = send_referral(advisor, case, today - timedelta(days=1))
        waiting = send_referral(advisor, case, today + timedelta(days=5))
        by_partner = send_referral(advisor, case, today + timedelta(days=5))
        referral_services.accept_referral(None, by_partner, via="partner_link")
        by_myself = send_referral(advisor, case, today + timedelta(days=5))
        referral_services.accept_referral(advisor, by_myself, via="staff", note="telefonisch")
        by_colleague = send_referral(advisor, case, today + timedelta(days=5))
        referral_services.return_referral(
            colleague, by_colleague, via="staff", note="Bescheid fehlt"
        )
        db.session.flush()

        def listed():
            section = _sections(advisor)["referrals"]
            assert section.count == len(section.rows)
            return {r.id for r in section.rows}

        assert listed() == {overdue.id, by_partner.id, by_colleague.id}
        assert waiting.id not in listed()
        assert workqueue.nav_counts(advisor, today)["referrals.mine"] == 3
        # Opening the referral, or its case, counts as having seen the answer.
        audit.record(advisor, "referral.view", "referral", by_partner.id)
        assert listed() == {overdue.id, by_colleague.id}
        audit.record(advisor, "case.view", "case", case.id)
        assert listed() == {overdue.id}  # overdue stays until answered
        # The navigation's statement is built once per user and day; its count is not kept.
        assert workqueue.nav_counts(advisor, today)["referrals.mine"] == 1
        # A later answer is new again.
        referral_services.complete_referral(
            None,
            by_partner,
            via="partner_link",
            outcome="approved",
            amount_cents=1_464_000,
            decision_date=today,
            course_start=None,
            voucher_issued=None,
        )
        db.session.flush()
        assert listed() == {overdue.id, by_partner.id}
        # Another advisor's start page does not show referrals they did not send.
        assert _sections(colleague)["referrals"].rows == []


def test_inbox_of_the_own_region_only(clean_app):
    with clean_app.test_request_context():
        advisor = _user("advisor", "SW")
        first = _case("Neu Eins GmbH")
        second = _case("Neu Zwei GmbH")
        _case("Zugewiesen GmbH", assignee=advisor)
        _case("Erfurter GmbH", ERFURT)  # another region's inbox

        inbox = _sections(advisor)["inbox"]
        assert [c.id for c in inbox.rows] == [first.id, second.id]  # oldest first
        assert inbox.count == 2
        assert workqueue.nav_counts(advisor, local_today())["cases.inbox"] == 2
        # The navigation counts stop at the cap.
        assert workqueue.nav_counts(advisor, local_today(), cap=1)["cases.inbox"] == 1


def test_inbox_shows_the_oldest_requests_first_when_there_are_more(clean_app):
    """With more new requests than the section shows, the supervisor's and the
    coordinator's start pages list the oldest ones, oldest first, whatever order they
    were entered in (the page first picks the cases, then loads them; issue #22)."""
    with clean_app.test_request_context():
        supervisor = _user("supervisor", "SW")
        coordinator = _user("coordinator")
        cases = {}
        for days in (3, 7, 1, 5, 9):
            case = _case(f"Anfrage {days} GmbH")
            case.opened_at = utcnow() - timedelta(days=days)
            cases[days] = case.id
        db.session.flush()
        oldest = [cases[9], cases[7], cases[5]]
        inbox = _sections(supervisor, limit=3)["inbox"]
        assert [c.id for c in inbox.rows] == oldest
        assert (inbox.count, inbox.count_capped) == (5, False)
        unassigned = _sections(coordinator, limit=3)["unassigned"]
        assert [c.id for c in unassigned.rows] == oldest


def test_supervisor_sees_the_regions_overdue_work(clean_app):
    with clean_app.test_request_context():
        supervisor = _user("supervisor", "SW")
        advisor = _user("advisor", "SW")
        erfurt_advisor = _user("advisor", "MT")
        today = local_today()
        late = _case("Spät GmbH", assignee=advisor)
        case_services.add_follow_up(
            advisor,
            late,
            title="Nachfassen",
            due_date=today - timedelta(days=4),
            assignee_id=advisor.id,
        )
        on_time = _case("Pünktlich GmbH", assignee=advisor)
        case_services.add_follow_up(
            advisor,
            on_time,
            title="Später",
            due_date=today + timedelta(days=4),
            assignee_id=advisor.id,
        )
        elsewhere = _case("Erfurt GmbH", ERFURT, assignee=erfurt_advisor)
        case_services.add_follow_up(
            erfurt_advisor,
            elsewhere,
            title="Erfurt",
            due_date=today - timedelta(days=4),
            assignee_id=erfurt_advisor.id,
        )
        waiting = _case("Wartet GmbH", assignee=advisor)
        send_referral(advisor, waiting, today - timedelta(days=1))

        sections = _sections(supervisor)
        assert list(sections) == [
            "inbox",
            "overdue_follow_ups",
            "overdue_referrals",
            "due",
            "mine",
        ]
        follow_ups = sections["overdue_follow_ups"]
        assert follow_ups.rows == [(late, today - timedelta(days=4))]
        assert (follow_ups.endpoint, follow_ups.args) == (
            "cases.index",
            {"overdue": "follow_ups"},
        )
        assert [c.id for c, _ in sections["overdue_referrals"].rows] == [waiting.id]

        coordinator = _user("coordinator")
        sections = _sections(coordinator)
        assert list(sections) == ["overdue_follow_ups", "overdue_referrals", "unassigned"]
        assert {c.id for c, _ in sections["overdue_follow_ups"].rows} == {late.id, elsewhere.id}
        assert sections["overdue_follow_ups"].count == 2
        assert workqueue.nav_counts(coordinator, today) == {}

        admin = _user("admin")
        assert workqueue.work_queue(admin, today) == []


def test_coordinator_sees_new_unassigned_requests_of_all_regions(clean_app):
    with clean_app.test_request_context():
        coordinator = _user("coordinator")
        advisor = _user("advisor", "SW")
        suhl = _case("Suhl Neu GmbH")
        erfurt = _case("Erfurt Neu GmbH", ERFURT)
        _case("Schon zugewiesen GmbH", assignee=advisor)
        unassigned = _sections(coordinator)["unassigned"]
        assert [c.id for c in unassigned.rows] == [suhl.id, erfurt.id]
        assert unassigned.args == {"status": "new", "assigned": "none", "sort": "aelteste"}


def test_query_counts_stay_the_same_with_more_data(clean_app):
    """Bounded: one statement for the navigation, a fixed number for the start page,
    however many cases, follow-ups and referrals there are."""
    with clean_app.test_request_context():
        advisor = _user("advisor", "SW")
        today = local_today()

        def measure():
            db.session.expire_all()
            workqueue.nav_counts(advisor, today)  # loads the user's region once
            with StatementCounter() as nav:
                workqueue.nav_counts(advisor, today)
            with StatementCounter() as page:
                sections = workqueue.work_queue(advisor, today)
            return nav.count, page.count, sections

        _case("Erster Fall GmbH", assignee=advisor)
        small = measure()
        for n in range(12):
            case = _case(f"Fall {n} GmbH", assignee=advisor if n % 2 else None)
            case_services.add_follow_up(
                advisor,
                case,
                title=f"WV {n}",
                due_date=today - timedelta(days=n),
                assignee_id=advisor.id,
            )
        large = measure()
        assert small[0] == large[0] == 1
        assert small[1] == large[1] <= 8
        assert all(len(s.rows) <= workqueue.ROWS for s in large[2])
        counts = {s.key: s.count for s in large[2]}
        assert counts == {"mine": 7, "due": 12, "referrals": 0, "inbox": 6}


@pytest.mark.parametrize("kind", ["follow_ups", "referrals"])
def test_overdue_sections_hold_exactly_the_drill_down_lists_cases(clean_app, kind):
    """The section's semi-join and the list behind "alle anzeigen" (the case list's
    drill-down ?overdue=…) select the same cases, for each role's scope."""
    with clean_app.test_request_context():
        today = local_today()
        people = {code: _user("advisor", code) for code in ("SW", "MT")}
        for code, district in (("SW", SUHL), ("MT", ERFURT)):
            advisor = people[code]
            for n, days in enumerate((-3, 0, 4)):
                case = _case(f"{code} {kind} {n} GmbH", district, assignee=advisor)
                if kind == "follow_ups":
                    case_services.add_follow_up(
                        advisor,
                        case,
                        title="WV",
                        due_date=today + timedelta(days=days),
                        assignee_id=advisor.id,
                    )
                else:
                    send_referral(advisor, case, today + timedelta(days=days))
            done = _case(f"{code} erledigt GmbH", district, assignee=advisor)
            if kind == "follow_ups":
                old = case_services.add_follow_up(
                    advisor,
                    done,
                    title="Alt",
                    due_date=today - timedelta(days=9),
                    assignee_id=advisor.id,
                )
                case_services.complete_follow_up(advisor, old)
            else:
                late = send_referral(advisor, done, today - timedelta(days=9))
                referral_services.decline_referral(
                    None, late, via="partner_link", reason="no_capacity"
                )
        db.session.flush()
        for user in (
            people["SW"],
            _user("supervisor", "SW"),
            _user("supervisor", "MT"),
            _user("coordinator"),
        ):
            ours = sorted(
                c.id for c in db.session.scalars(workqueue.overdue_cases(user, kind, today))
            )
            listed = sorted(
                c.id
                for c in db.session.scalars(
                    case_queries.case_list(user, drill={"overdue": kind}, now=utcnow())
                )
            )
            assert ours == listed
            assert len(ours) == (2 if user.role == "coordinator" else 1)


def test_advisor_start_page_counts_serve_the_navigation(clean_app):
    with clean_app.test_request_context():
        advisor = _user("advisor", "SW")
        supervisor = _user("supervisor", "SW")
        for n in range(3):
            _case(f"Neu {n} GmbH")
        sections = workqueue.work_queue(advisor, local_today())
        assert workqueue.nav_counts_from(sections) == workqueue.nav_counts(advisor, local_today())
        assert workqueue.nav_counts_from(sections, cap=2)["cases.inbox"] == 2
        # A supervisor's start page has no referral section: the navigation counts itself.
        assert workqueue.nav_counts_from(workqueue.work_queue(supervisor, local_today())) is None


def _overdue_reference(user: User, kind: str, today) -> list[tuple[int, object]]:
    """The overdue section by its definition: the cases of ``overdue_cases`` with their
    earliest overdue due date, longest overdue first, then by case id."""
    ids = set(
        db.session.scalars(workqueue.overdue_cases(user, kind, today).with_only_columns(Case.id))
    )
    if kind == "follow_ups":
        items = db.session.execute(
            sa.select(FollowUp.case_id, FollowUp.due_date).where(
                FollowUp.done_at.is_(None), FollowUp.due_date < today
            )
        )
    else:
        items = db.session.execute(
            sa.select(Referral.case_id, Referral.due_date).where(
                Referral.state.in_(case_queries.OVERDUE_REFERRAL_STATES),
                Referral.due_date < today,
            )
        )
    since: dict[int, object] = {}
    for case_id, due in items:
        if case_id in ids:
            since[case_id] = min(due, since.get(case_id, due))
    return sorted(since.items(), key=lambda item: (item[1], item[0]))


@pytest.mark.parametrize("kind", ["follow_ups", "referrals"])
def test_overdue_sections_first_rows_and_capped_count_match_the_definition(
    clean_app, kind, monkeypatch
):
    """Generated data (several overdue items per case, due dates shared between cases,
    done follow-ups and answered referrals, four regions): the index walk
    (``overdue_walk``) shows the same first rows in the same order as the definition
    (``overdue_cases`` + earliest due date), and its count stops at the cap."""
    rng = random.Random(22)
    with clean_app.test_request_context():
        today = local_today()
        regions = ("SW", "MT", "NT", "OT")
        for n in range(40):
            case = CaseFactory(region_code=regions[n % 4], title=f"Fall {n}")
            for _ in range(rng.randint(0, 3)):
                due = today + timedelta(days=rng.randint(-6, 2))
                if kind == "follow_ups":
                    done = utcnow() if rng.random() < 0.3 else None
                    FollowUpFactory(case=case, due_date=due, done_at=done)
                else:
                    state = rng.choice(("sent", "accepted", "returned", "declined", "draft"))
                    ReferralFactory(case=case, state=state, due_date=due)
        users = [_user("supervisor", code) for code in regions] + [_user("coordinator")]
        for user in users:
            expected = _overdue_reference(user, kind, today)
            assert expected  # the data is not trivial for any scope
            for limit in (1, 3, workqueue.ROWS, 50):
                section = _sections(user, limit=limit)[f"overdue_{kind}"]
                assert [(c.id, since) for c, since in section.rows] == expected[:limit]
                assert (section.count, section.count_capped) == (len(expected), False)
            cap = max(1, len(expected) - 2)
            monkeypatch.setattr(workqueue, "COUNT_CAP", cap)
            section = _sections(user)[f"overdue_{kind}"]
            assert (section.count, section.count_capped) == (cap, True)
            assert [(c.id, since) for c, since in section.rows] == expected[: workqueue.ROWS]
            monkeypatch.undo()


def test_start_page_says_more_than_the_cap(clean_app, monkeypatch):
    """A section whose count reached the cap says "mehr als …", as the lists do."""
    with clean_app.test_request_context():
        advisor = _user("advisor", "SW")
        for n in range(4):
            _case(f"Neu {n} GmbH")
        monkeypatch.setattr(workqueue, "COUNT_CAP", 2)
        inbox = _sections(advisor)["inbox"]
        assert (inbox.count, inbox.count_capped) == (2, True)
        assert len(inbox.rows) == 4
        # The navigation count is still bounded by its own, smaller cap.
        assert (
            workqueue.nav_counts_from(workqueue.work_queue(advisor, local_today()), cap=1)[
                "cases.inbox"
            ]
            == 1
        )
