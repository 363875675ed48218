"""The case page as a cockpit (issue #14): the rules of what it shows (no database), the
page itself, new employees in one step, and SQL statements that do not grow with the
number of participants, checks, referrals, follow-ups and timeline entries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from tests.factories import FundingCheckFactory, make_person
from tests.helpers import html_page, text_of
from tests.personas import create_persona
from wbagentur.cases import cockpit
from wbagentur.cases.models import Case, case_participants
from wbagentur.extensions import db
from wbagentur.persons.models import Person

pytestmark = pytest.mark.usefixtures("fixed_clock")


# ---------------------------------------------------------------- rules


def _check(cid, person_id, created):
    return SimpleNamespace(id=cid, person_id=person_id, created_at=created)


def test_latest_check_per_person_newest_wins_ties_by_id_firm_checks_left_out():
    t0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
    checks = [
        _check(1, 7, t0),
        _check(2, 7, t0 + timedelta(days=1)),
        _check(3, 8, t0),
        _check(4, 8, t0),  # same time: the later id
        _check(5, None, t0 + timedelta(days=9)),
    ]
    latest = cockpit.latest_checks(checks)
    assert {pid: c.id for pid, c in latest.items()} == {7: 2, 8: 4}


def test_result_summary_names_eligible_programmes_by_short_title_and_counts_open_ones():
    result = {
        "programmes": [
            {"programme": "sgb3_82", "title": "Beschäftigtenqualifizierung", "status": "eligible"},
            {"programme": "esf_x", "title": "ESF-Scheck", "status": "eligible"},
            {"programme": "bafoeg", "title": "Aufstiegs-BAföG", "status": "needs_information"},
            {"programme": "thuerbfg", "title": "Bildungsfreistellung", "status": "not_eligible"},
        ]
    }
    summary = cockpit.summarise_result(result, {"sgb3_82": "§ 82 SGB III"})
    assert summary.eligible == ("§ 82 SGB III", "ESF-Scheck")
    assert summary.open_count == 1
    assert summary.any_eligible
    nothing = cockpit.summarise_result({"programmes": []}, {})
    assert (nothing.eligible, nothing.open_count, nothing.any_eligible) == ((), 0, False)


def _fu(fid, due, done=False):
    return SimpleNamespace(id=fid, due_date=due, done_at=datetime(2026, 1, 1) if done else None)


def test_next_follow_up_is_the_open_one_due_first():
    d = date(2026, 12, 10)
    follow_ups = [_fu(1, d, done=True), _fu(3, d + timedelta(days=1)), _fu(2, d + timedelta(1))]
    assert cockpit.next_follow_up(follow_ups).id == 2
    assert cockpit.next_follow_up([_fu(1, d, done=True)]) is None
    assert cockpit.next_follow_up([]) is None
    assert cockpit.follow_up_state(_fu(1, d), d) == "today"
    assert cockpit.follow_up_state(_fu(1, d), d + timedelta(days=1)) == "overdue"
    assert cockpit.follow_up_state(_fu(1, d), d - timedelta(days=1)) == "later"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"editable": True, "status": "in_advice", "kind": "firm", "has_firm": True},
            ("note", "follow_up", "participants", "funding_check", "referral", "close"),
        ),
        (
            {
                "editable": True,
                "status": "in_advice",
                "kind": "firm",
                "has_firm": True,
                "has_people": True,
            },
            cockpit.ACTIONS,
        ),
        (
            {"editable": True, "status": "new", "kind": "firm", "has_firm": False},
            ("note", "follow_up", "referral", "close"),
        ),
        (
            {
                "editable": True,
                "status": "new",
                "kind": "person",
                "has_firm": False,
                "has_people": True,
            },
            ("note", "follow_up", "funding_check", "consent", "referral", "close"),
        ),
        ({"editable": True, "status": "closed", "kind": "firm", "has_firm": True}, ("note",)),
        ({"editable": False, "status": "in_advice", "kind": "firm", "has_firm": True}, ()),
    ],
)
def test_offered_actions_follow_rights_state_and_what_the_case_has(kwargs, expected):
    kwargs.setdefault("has_people", False)
    assert cockpit.offered_actions(**kwargs) == expected


# ---------------------------------------------------------------- the page


@pytest.fixture
def world(clean_app):
    with clean_app.app_context():
        advisor = create_persona("advisor", "SW", display_name="Sabine Wolf")
        firm = create_firm("Kühn Präzision GmbH", "16054")
        case = create_case(None, firm=firm)
        db.session.commit()
        return SimpleNamespace(advisor=advisor, case=case.id, firm=firm.id)


def _save_check(case_id, person_id, status="eligible", at=None):
    return FundingCheckFactory(
        case_id=case_id,
        person_id=person_id,
        programmes=[{"programme": "sgb3_82", "title": "§ 82", "status": status}],
        **({"created_at": at} if at else {}),
    )


def test_cockpit_shows_participants_latest_check_next_follow_up_and_actions(
    client, auth, world, clean_app
):
    from wbagentur.cases import services

    with clean_app.app_context():
        case = db.session.get(Case, world.case)
        jana = make_person("Jana", "Kühn", employer_id=world.firm)
        ole = make_person("Ole", "Berg", employer_id=world.firm)
        services.add_participants(None, case, [jana.id, ole.id])
        early = datetime(2026, 11, 20, 9, tzinfo=UTC)
        _save_check(world.case, jana.id, "not_eligible", at=early)
        newest = _save_check(world.case, jana.id, "eligible", at=early + timedelta(days=2))
        for title, due in (("Angebote vergleichen", 10), ("Später nachfassen", 20)):
            services.add_follow_up(
                None, case, title=title, due_date=date(2026, 12, due), assignee_id=world.advisor.id
            )
        db.session.commit()
        newest_id = newest.id
    auth.login(world.advisor)
    page = html_page(client.get(f"/faelle/{world.case}"))
    rows = {
        r.get("data-participant"): text_of(r)
        for r in page.iter("{http://www.w3.org/1999/xhtml}tr")
        if r.get("data-participant")
    }
    assert len(rows) == 2
    jana_row = next(t for t in rows.values() if "Jana Kühn" in t)
    assert "förderfähig: § 82 SGB III" in jana_row
    assert "Prüfung vom 22.11.26" in jana_row
    ole_row = next(t for t in rows.values() if "Ole Berg" in t)
    assert "noch keine" in ole_row
    assert "Jetzt prüfen" in ole_row
    body = client.get(f"/faelle/{world.case}").get_data(as_text=True)
    assert f"/foerdercheck/{newest_id}" in body
    actions = [
        a.get("data-action")
        for a in page.iter("{http://www.w3.org/1999/xhtml}a")
        if a.get("data-action")
    ]
    assert actions == list(cockpit.ACTIONS)
    upcoming = next(e for e in page.iter() if e.get("data-next-follow-up") is not None)
    assert "10.12.2026 – Angebote vergleichen" in text_of(upcoming)


def test_request_panel_shows_the_requesters_data_and_takes_the_firm_back_to_the_case(
    client, auth, clean_app
):
    from wbagentur.intake import services as intake_services
    from wbagentur.regions.models import District

    with clean_app.test_request_context():
        advisor = create_persona("advisor", "SW")
        suhl = db.session.scalar(sa.select(District.id).where(District.key == "16054"))
        submission = intake_services.submit_request(
            None,
            {
                "firm_name": "Suhler Werkzeugbau GmbH",
                "contact_name": "Petra Personal",
                "email": "petra@suhler-werkzeugbau.example",
                "phone": "03681 1234",
                "district_id": suhl,
                "headcount_band": "10_49",
                "topics": ["funding"],
                "message": "Drei Beschäftigte sollen CNC lernen.",
                "preferred_channel": "phone",
                "status_mails": False,
            },
        )
        db.session.commit()
        case_id = submission.case.id
    auth.login(advisor)
    page = html_page(client.get(f"/faelle/{case_id}"))
    panel = next(e for e in page.iter() if e.get("id") == "anfrage")
    text = text_of(panel)
    for expected in (
        "Suhler Werkzeugbau GmbH",
        "Petra Personal",
        "petra@suhler-werkzeugbau.example",
        "03681 1234",
        "Suhl",
        "10 bis 49 Beschäftigte",
        "Drei Beschäftigte sollen CNC lernen.",
        "Unternehmen aus der Anfrage anlegen",
    ):
        assert expected in text, expected
    with clean_app.app_context():
        version = db.session.get(Case, case_id).version
    # A firm that cannot be linked: the message comes where the choice was made.
    wrong = {"firm_id": "999999", "version": version}
    response = client.post(f"/faelle/{case_id}/anfrage/unternehmen-verknuepfen", data=wrong)
    assert response.headers["Location"].endswith(f"/faelle/{case_id}/anfrage")
    response = client.post(
        f"/faelle/{case_id}/anfrage/unternehmen-verknuepfen", data={**wrong, "zurueck": "fall"}
    )
    assert response.headers["Location"].endswith(f"/faelle/{case_id}#anfrage")
    response = client.post(
        f"/faelle/{case_id}/anfrage/unternehmen-anlegen",
        data={"version": version, "zurueck": "fall"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/faelle/{case_id}#anfrage")
    page = html_page(client.get(f"/faelle/{case_id}"))
    assert "Unternehmen aus der Anfrage anlegen" not in text_of(page)
    with clean_app.app_context():
        assert db.session.get(Case, case_id).firm_id is not None


def _participants(app, case_id):
    with app.app_context():
        return db.session.scalars(
            sa.select(Person.first_name + " " + Person.last_name)
            .join(case_participants, case_participants.c.person_id == Person.id)
            .where(case_participants.c.case_id == case_id)
            .order_by(Person.last_name)
        ).all()


def test_three_new_employees_are_created_and_join_the_case_in_one_step(
    client, auth, world, clean_app
):
    auth.login(world.advisor)
    page = client.get(f"/faelle/{world.case}").get_data(as_text=True)
    token = page.split('name="submission_token" value="')[1].split('"')[0]
    data = {
        "first_name_1": "Jana",
        "last_name_1": "Kühn",
        "first_name_2": "Thomas",
        "last_name_2": "Reinhardt",
        "first_name_3": "Ole",
        "last_name_3": "Berg",
        "submission_token": token,
    }
    response = client.post(f"/faelle/{world.case}/beschaeftigte", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#teilnehmende")
    assert _participants(clean_app, world.case) == ["Ole Berg", "Jana Kühn", "Thomas Reinhardt"]
    # Sent twice (double click): nobody is created again.
    client.post(f"/faelle/{world.case}/beschaeftigte", data=data)
    assert len(_participants(clean_app, world.case)) == 3
    with clean_app.app_context():
        people = db.session.scalars(sa.select(Person).where(Person.employer_id == world.firm))
        assert {p.employment_status for p in people} == {"employed"}
    followed = html_page(client.get(f"/faelle/{world.case}"))
    participant_entries = [
        text_of(e) for e in followed.iter() if e.get("data-kind") == "participant"
    ]
    assert len(participant_entries) == 1
    assert "Jana Kühn" in participant_entries[0]
    assert "Ole Berg" in participant_entries[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "mindestens eine Person mit Vor- und Nachnamen"),
        ({"first_name_1": "Jana"}, "Bitte geben Sie auch den Nachnamen ein."),
        ({"last_name_2": "Berg"}, "Bitte geben Sie auch den Vornamen ein."),
        ({"first_name_1": "J" * 81, "last_name_1": "Kühn"}, "höchstens 80 Zeichen"),
        ({"first_name_1": "Ja\x07na", "last_name_1": "Kühn"}, "keine Steuerzeichen"),
    ],
)
def test_new_employees_bad_input_creates_nobody(client, auth, world, clean_app, data, message):
    auth.login(world.advisor)
    response = client.post(f"/faelle/{world.case}/beschaeftigte", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0


def test_new_employee_like_a_known_person_asks_first(client, auth, world, clean_app):
    with clean_app.app_context():
        make_person("Jana", "Kühn", employer_id=world.firm)
        db.session.commit()
    auth.login(world.advisor)
    data = {"first_name_1": "Jana", "last_name_1": "Kühn"}
    response = client.post(f"/faelle/{world.case}/beschaeftigte", data=data)
    assert response.status_code == 200
    assert "Diese Personen sind schon erfasst" in response.get_data(as_text=True)
    assert _participants(clean_app, world.case) == []
    response = client.post(f"/faelle/{world.case}/beschaeftigte", data={**data, "confirm_new": "y"})
    assert response.status_code == 302
    assert _participants(clean_app, world.case) == ["Jana Kühn"]


def test_reader_without_edit_right_gets_no_actions_and_cannot_add_employees(
    client, auth, world, clean_app
):
    with clean_app.app_context():
        coordinator = create_persona("coordinator")
    auth.login(coordinator)
    page = client.get(f"/faelle/{world.case}").get_data(as_text=True)
    assert "data-case-actions" not in page
    response = client.post(
        f"/faelle/{world.case}/beschaeftigte", data={"first_name_1": "A", "last_name_1": "B"}
    )
    assert response.status_code == 403


def test_same_name_ignores_case_and_umlaut_spelling():
    from wbagentur.core.text import normalise_search

    known = [SimpleNamespace(name_search=normalise_search(n)) for n in ("Jana Kühn", "Ole Berg")]
    assert cockpit.same_name([("JANA", "Kuehn")], known) == [known[0]]
    assert cockpit.same_name([("Jana", "Berg")], known) == []


# ---------------------------------------------------------------- bounded statements


def _grow(app, world, start, count):
    """``count`` more of everything the page lists: employees taking part (each with a
    saved check), referrals, follow-ups, notes and contacts."""
    from wbagentur.accounts.models import User
    from wbagentur.cases import services
    from wbagentur.partners.models import Partner
    from wbagentur.referrals import services as referral_services

    with app.app_context():
        advisor = db.session.get(User, world.advisor.id)
        case = db.session.get(Case, world.case)
        partners = db.session.scalars(
            sa.select(Partner.id).where(Partner.is_active.is_(True)).order_by(Partner.id)
        ).all()
        people = [
            make_person("Person", f"Nummer{start + n}", employer_id=world.firm)
            for n in range(count)
        ]
        services.add_participants(advisor, case, [p.id for p in people])
        for n, person in enumerate(people):
            _save_check(world.case, person.id)
            services.add_note(advisor, case, f"Notiz {start + n}")
            services.add_follow_up(
                advisor,
                case,
                title=f"Nachfassen {start + n}",
                due_date=date(2026, 12, 10) + timedelta(days=start + n),
                assignee_id=advisor.id,
            )
            referral_services.create_referral(
                advisor,
                case,
                partner_id=partners[start + n],
                programme=None,
                purpose="Förderung prüfen",
                data_categories=["firm"],
                consent_id=None,
                legal_basis="Art. 6 Abs. 1 lit. e DSGVO",
                due_days=None,
                message=None,
                send=True,
            )
        db.session.commit()


def _statements(app, client, path):
    counted: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        counted.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return counted


def test_case_page_statements_do_not_grow_with_participants_referrals_and_timeline(
    client, auth, world, clean_app
):
    auth.login(world.advisor)
    path = f"/faelle/{world.case}"
    client.get(path)  # warm-up: the first request of a session loads more
    none = _statements(clean_app, client, path)
    _grow(clean_app, world, 0, 1)
    few = _statements(clean_app, client, path)
    _grow(clean_app, world, 1, 5)
    many = _statements(clean_app, client, path)
    assert len(few) == len(none), "\n".join(few)
    page = client.get(path).get_data(as_text=True)
    assert page.count("data-participant=") == 6
    assert page.count("data-referral=") == 6
    assert len(many) == len(few), "\n".join(many)


def test_cockpit_speaks_english_when_chosen(client, auth, world):
    auth.login(world.advisor)
    assert client.post("/sprache", data={"lang": "en", "next": "/"}).status_code == 302
    root = html_page(client.get(f"/faelle/{world.case}"), lang="en")
    page = text_of(root)
    for english in ("Add employees", "Funding check", "Refer", "Next follow-up:", "Create and add"):
        assert english in page, english
    actions = next(e for e in root.iter() if e.get("data-case-actions") is not None)
    assert actions.get("aria-label") == "Frequent actions"
