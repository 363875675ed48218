"""The staff start page and the navigation counts through HTTP (issue 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import NS, html_page, text_of
from tests.main.conftest import send_referral
from wbagentur.cases import services as case_services
from wbagentur.cases.models import Case
from wbagentur.core.audit import ingest_reads
from wbagentur.core.timezone import local_today
from wbagentur.extensions import db

pytestmark = pytest.mark.usefixtures("fixed_clock")


def _section(page, key):
    found = [s for s in page.iter(f"{NS}section") if s.get("data-queue") == key]
    assert len(found) == 1, key
    return found[0]


def _count(section):
    return [e for e in section.iter() if e.get("data-count") is not None][0].text


def _link_text(a):
    """The link's text as a screen reader reads it: without what is aria-hidden."""
    pieces = []

    def walk(element):
        if element.get("aria-hidden") == "true":
            return
        pieces.append(element.text or "")
        for child in element:
            walk(child)
            pieces.append(child.tail or "")

    walk(a)
    return " ".join(" ".join(pieces).split())


def _nav_link(page, href):
    links = [
        a for a in page.iter(f"{NS}a") if a.get("href") == href and "nav-link" in a.get("class", "")
    ]
    assert len(links) == 1, href
    return links[0]


def _follow_up(clean_app, case_id, user_id, days, title):
    with clean_app.app_context():
        case = db.session.get(Case, case_id)
        case.assigned_to_id, case.status = user_id, "in_advice"
        case_services.add_follow_up(
            None,
            case,
            title=title,
            due_date=local_today() + timedelta(days=days),
            assignee_id=user_id,
        )
        db.session.commit()


def test_advisor_start_page_is_a_work_queue_with_counts_in_the_navigation(
    client, make_user, auth, make_case, clean_app
):
    advisor = make_user("advisor", "SW")
    mine = make_case("16054", "Suhler Werkzeugbau GmbH", title="CNC-Schulung")
    _follow_up(clean_app, mine, advisor.id, -1, "Angebot nachfassen")
    new = make_case("16054", "Zella-Mehliser Glas GmbH", title="Digitalisierung")
    make_case("16062", "Nordhäuser Logistik GmbH")  # another region's inbox
    auth.login(advisor)

    for path in ("/", "/start"):
        page = html_page(client.get(path))
        text = text_of(page)
        assert "Nordhäuser" not in text
        queue = _section(page, "mine")
        assert "Meine offenen Fälle" in text_of(queue)
        assert _count(queue) == "1"
        assert "CNC-Schulung" in text_of(queue)
        assert "nächste Wiedervorlage 30.11.2026" in text_of(queue)
        assert "überfällig" in text_of(queue)
        due = _section(page, "due")
        assert "Angebot nachfassen" in text_of(due)
        assert [a.get("href") for a in due.iter(f"{NS}a")] == [f"/faelle/{mine}", "/faelle/faellig"]
        inbox = _section(page, "inbox")
        assert _count(inbox) == "1"
        assert f"/faelle/{new}" in [a.get("href") for a in inbox.iter(f"{NS}a")]
        assert _link_text(list(inbox.iter(f"{NS}a"))[-1]) == (
            "alle anzeigen : Neue Anfragen im Posteingang meiner Region"
        )
        referrals = _section(page, "referrals")
        assert _count(referrals) == "0"
        assert "Keine Weiterleitung wartet auf Sie." in text_of(referrals)
        # The navigation: the count is part of each link's text, for screen readers too.
        assert _link_text(_nav_link(page, "/faelle/posteingang")) == "Posteingang (1 neue)"
        assert _link_text(_nav_link(page, "/faelle/faellig")) == "Fällig (1 fällig)"
        assert _link_text(_nav_link(page, "/weiterleitungen")) == "Weiterleitungen"
        assert page.find(f".//{NS}button[@aria-controls='hauptmenue']") is not None
        assert _nav_link(page, "/").get("aria-current") == "page"

    # The counts are in the navigation of every staff page, not only the start page.
    page = html_page(client.get("/faelle"))
    assert _nav_link(page, "/faelle/posteingang").get("data-nav-count") == "1"


def test_navigation_counts_in_english(client, make_user, auth, make_case):
    advisor = make_user("advisor", "SW")
    make_case("16054", "Suhler Werkzeugbau GmbH")
    auth.login(advisor)
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = html_page(client.get("/start"), lang="en")
    assert _link_text(_nav_link(page, "/faelle/posteingang")) == "Inbox (1 new)"
    assert "New requests in my region's inbox" in text_of(_section(page, "inbox"))
    assert "show all" in text_of(_section(page, "inbox"))


def test_supervisor_and_coordinator_variants(client, make_user, auth, make_case, clean_app):
    advisor = make_user("advisor", "SW")
    late = make_case("16054", "Suhler Werkzeugbau GmbH", title="Spät dran")
    _follow_up(clean_app, late, advisor.id, -3, "Rückruf")
    far = make_case("16062", "Nordhäuser Logistik GmbH", title="Im Norden")
    nt_advisor = make_user("advisor", "NT")
    _follow_up(clean_app, far, nt_advisor.id, -3, "Norden")

    auth.login(make_user("supervisor", "SW"))
    page = html_page(client.get("/start"))
    overdue = _section(page, "overdue_follow_ups")
    assert "Spät dran" in text_of(overdue)
    assert "Im Norden" not in text_of(page)
    links = [a.get("href") for a in overdue.iter(f"{NS}a")]
    assert links[-1] == "/faelle?overdue=follow_ups"
    # The link leads to exactly the cases the section counted.
    listed = text_of(html_page(client.get(links[-1])))
    assert "Spät dran" in listed
    assert "Im Norden" not in listed
    auth.logout()

    auth.login(make_user("coordinator"))
    page = html_page(client.get("/start"))
    overdue = text_of(_section(page, "overdue_follow_ups"))
    assert "Spät dran" in overdue
    assert "Im Norden" in overdue
    assert _count(_section(page, "overdue_follow_ups")) == "2"
    assert _section(page, "unassigned") is not None
    assert "data-nav-count" not in client.get("/start").get_data(as_text=True)


def test_admin_start_page_shows_no_cases(client, make_user, auth, make_case):
    make_case("16054", "Suhler Werkzeugbau GmbH")
    auth.login(make_user("admin"))
    page = html_page(client.get("/start"))
    assert "data-queue" not in client.get("/start").get_data(as_text=True)
    assert "Kontaktstellen pflegen" in text_of(page)
    assert "Suhler" not in text_of(page)


def test_error_pages_show_no_counts(client, make_user, auth, make_case):
    make_case("16054", "Suhler Werkzeugbau GmbH")
    auth.login(make_user("advisor", "SW"))
    response = client.get("/faelle/999999")
    assert response.status_code == 404
    assert "data-nav-count" not in response.get_data(as_text=True)


def test_anonymous_visitors_get_the_public_page_and_start_is_staff_only(client, make_case):
    make_case("16054", "Suhler Werkzeugbau GmbH")
    assert "data-queue" not in client.get("/").get_data(as_text=True)
    assert client.get("/start").status_code in (302, 401, 403)


def test_a_partners_answer_is_listed_until_the_advisor_opens_the_case(
    client, make_user, auth, make_case, clean_app
):
    from wbagentur.accounts.models import User
    from wbagentur.referrals import services as referral_services

    advisor = make_user("advisor", "SW")
    case_id = make_case("16054", "Suhler Werkzeugbau GmbH", title="CNC-Schulung")
    with clean_app.test_request_context():
        user = db.session.get(User, advisor.id)
        case = db.session.get(Case, case_id)
        case.assigned_to_id, case.status = user.id, "in_advice"
        referral = send_referral(user, case, local_today() + timedelta(days=5))
        referral_services.accept_referral(None, referral, via="partner_link")
        db.session.commit()
    auth.login(advisor)

    page = html_page(client.get("/start"))
    answers = _section(page, "referrals")
    assert _count(answers) == "1"
    assert "Agentur für Arbeit" in text_of(answers)
    assert "angenommen" in text_of(answers)
    assert "neue Antwort" in text_of(answers)
    assert [a.get("href") for a in answers.iter(f"{NS}a")][0] == f"/faelle/{case_id}"
    assert _link_text(_nav_link(page, "/weiterleitungen")) == "Weiterleitungen (1 zu prüfen)"

    assert client.get(f"/faelle/{case_id}").status_code == 200
    # The view is spooled on the request path; the worker chains it within seconds.
    with clean_app.app_context():
        ingest_reads()
    page = html_page(client.get("/start"))
    assert _count(_section(page, "referrals")) == "0"
    assert _nav_link(page, "/weiterleitungen").get("data-nav-count") is None


def test_start_page_section_count_says_more_than_the_cap(
    client, make_user, auth, make_case, monkeypatch
):
    from wbagentur.main import workqueue

    advisor = make_user("advisor", "SW")
    for n in range(3):
        make_case("16054", f"Neu {n} GmbH")
    monkeypatch.setattr(workqueue, "COUNT_CAP", 2)
    auth.login(advisor)
    page = html_page(client.get("/"))
    assert _count(_section(page, "inbox")) == "mehr als 2"
    assert _count(_section(page, "due")) == "0"
