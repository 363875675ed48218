"""Issue #14 defects 5, 6 and 7 on the case page:

- several employees join a case in one step; "Neue beschäftigte Person anlegen" from a
  case adds the new person to that case;
- every timeline entry says what happened (no empty "Notiz", "Anfrage" or "Dokument");
  follow-up dates are German;
- the saved check leads back to the case and names the person it was for.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from tests.factories import DocumentFactory, make_person
from tests.helpers import NS, html_page, text_of
from tests.personas import create_persona
from wbagentur.cases import services
from wbagentur.cases.models import Case, TimelineEntry, case_participants
from wbagentur.extensions import db
from wbagentur.persons.models import Person

pytestmark = pytest.mark.usefixtures("fixed_clock")


@pytest.fixture
def pform(clean_app):
    from tests.factories import district
    from tests.persons.helpers import person_form

    with clean_app.app_context():
        suhl = district("16054").id
    return lambda **changes: person_form(suhl, **{"email": None, **changes})


@pytest.fixture
def world(clean_app):
    """A Südwest advisor, a firm case with three employees (none taking part yet)."""
    with clean_app.app_context():
        advisor = create_persona("advisor", "SW")
        firm = create_firm("Kühn Präzision GmbH", "16054")
        case = create_case(None, firm=firm)
        people = [
            make_person(first, last, employer_id=firm.id)
            for first, last in (("Jana", "Kühn"), ("Thomas", "Reinhardt"), ("Ole", "Berg"))
        ]
        db.session.commit()
        return {
            "advisor": advisor,
            "case": case.id,
            "firm": firm.id,
            "people": [p.id for p in people],
        }


def _participants(app, case_id):
    with app.app_context():
        return sorted(
            db.session.scalars(
                sa.select(case_participants.c.person_id).where(
                    case_participants.c.case_id == case_id
                )
            )
        )


def _entries(page):
    return [e for e in page.iter(f"{NS}li") if e.get("data-kind")]


def test_three_employees_join_in_one_step_with_one_timeline_entry(client, auth, world, clean_app):
    auth.login(world["advisor"])
    page = client.get(f"/faelle/{world['case']}").get_data(as_text=True)
    for pid in world["people"]:
        assert f'type="checkbox" value="{pid}"' in page or f'value="{pid}"' in page
    response = client.post(
        f"/faelle/{world['case']}/teilnehmende", data={"person_ids": world["people"]}
    )
    assert response.status_code == 302
    assert _participants(clean_app, world["case"]) == sorted(world["people"])
    page = html_page(client.get(f"/faelle/{world['case']}"))
    [entry] = [e for e in _entries(page) if e.get("data-kind") == "participant"]
    text = text_of(entry)
    assert "Jana Kühn" in text
    assert "Thomas Reinhardt" in text
    assert "Ole Berg" in text
    assert not [e for e in _entries(page) if e.get("data-kind") == "note"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Bitte wählen Sie mindestens eine Person aus."),
        ({"person_ids": ["999999"]}, "Bitte wählen Sie nur Beschäftigte aus der Liste."),
        ({"person_ids": ["x"]}, "Bitte wählen Sie nur Beschäftigte aus der Liste."),
    ],
)
def test_adding_participants_bad_input_adds_nobody(client, auth, world, clean_app, data, message):
    auth.login(world["advisor"])
    response = client.post(f"/faelle/{world['case']}/teilnehmende", data=data)
    assert response.status_code == 200
    assert message in text_of(html_page(response))
    assert _participants(clean_app, world["case"]) == []


def test_participant_of_another_firm_cannot_be_added(client, auth, world, clean_app):
    with clean_app.app_context():
        stranger = make_person("Fremd", "Person").id
        db.session.commit()
    auth.login(world["advisor"])
    response = client.post(
        f"/faelle/{world['case']}/teilnehmende",
        data={"person_ids": [world["people"][0], stranger]},
    )
    assert response.status_code == 200
    assert "Bitte wählen Sie nur Beschäftigte aus der Liste." in text_of(html_page(response))
    assert _participants(clean_app, world["case"]) == []


def test_new_employee_created_from_case_joins_it(client, auth, world, clean_app, pform):
    auth.login(world["advisor"])
    form = client.get(f"/personen/neu?arbeitgeber={world['firm']}&fall={world['case']}")
    body = form.get_data(as_text=True)
    assert f'name="case_id" type="hidden" value="{world["case"]}"' in body or (
        f'value="{world["case"]}"' in body
    )
    response = client.post(
        "/personen/neu",
        data=pform(
            first_name="Mia",
            last_name="Neu",
            employer_id=world["firm"],
            case_id=str(world["case"]),
            next=f"/faelle/{world['case']}#teilnehmende",
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/faelle/{world['case']}#teilnehmende")
    with clean_app.app_context():
        mia = db.session.scalar(sa.select(Person.id).where(Person.last_name == "Neu"))
    assert _participants(clean_app, world["case"]) == [mia]
    page = text_of(html_page(client.get(f"/faelle/{world['case']}")))
    assert "nimmt jetzt am Fall" in page
    assert "Am Fall beteiligt: Mia Neu" in page


def test_case_id_of_a_foreign_case_is_ignored(client, auth, world, clean_app, pform):
    with clean_app.app_context():
        foreign = create_case(None, firm=create_firm("Erfurter AG", "16051")).id
        db.session.commit()
    auth.login(world["advisor"])
    response = client.post(
        "/personen/neu",
        data=pform(first_name="Max", last_name="Fremdfall", case_id=str(foreign)),
    )
    assert response.status_code == 302
    assert _participants(clean_app, foreign) == []
    for bad in ("abc", "-1", "9" * 12):
        client.post(
            "/personen/neu",
            data=pform(first_name="Max", last_name=f"Kaputt{len(bad)}", case_id=bad),
        )
    assert _participants(clean_app, world["case"]) == []


def test_every_timeline_entry_has_content_and_german_follow_up_date(client, auth, world, clean_app):
    from datetime import date

    with clean_app.app_context():
        case = db.session.get(Case, world["case"])
        services.add_participants(None, case, world["people"])
        services.add_entry(case, None, "request", body=None, advice_request_id=4711)
        services.add_entry(case, None, "request", body=None, firm_id=world["firm"])
        document = DocumentFactory(case=case, original_name="Angebot.pdf", source="requester")
        services.add_entry(
            case, None, "document", body=None, document_id=document.id, source="requester"
        )
        services.add_entry(case, None, "document", body=None, document_id=999999)
        advisor_id = world["advisor"].id
        services.add_follow_up(
            None, case, title="Nachfassen", due_date=date(2027, 1, 5), assignee_id=advisor_id
        )
        db.session.commit()
    auth.login(world["advisor"])
    page = html_page(client.get(f"/faelle/{world['case']}"))
    entries = _entries(page)
    assert entries
    for entry in entries:
        lines = [text_of(p) for p in entry.iter(f"{NS}p")]
        assert len(lines) >= 2, f"entry without content: {lines}"
        assert all(lines[1:])
    text = text_of(page)
    assert "fällig am 05.01.2027" in text
    assert "2027-01-05" not in text
    assert "Online-Anfrage eingegangen" in text
    assert "Unternehmen aus der Anfrage übernommen: Kühn Präzision GmbH" in text
    assert "Unterlage der anfragenden Person: Angebot.pdf" in text
    assert "nicht mehr vorhanden" in text
    with clean_app.app_context():
        empty = db.session.scalar(
            sa.select(sa.func.count(TimelineEntry.id)).where(
                TimelineEntry.kind == "note", TimelineEntry.body.is_(None)
            )
        )
    assert empty == 0


def test_follow_up_typed_the_german_way(client, auth, world, clean_app):
    from datetime import date

    from wbagentur.cases.models import FollowUp

    auth.login(world["advisor"])
    response = client.post(
        f"/faelle/{world['case']}/wiedervorlagen",
        data={"title": "Nachfassen", "due_date": "05.01.2027", "for_user_id": world["advisor"].id},
    )
    assert response.status_code == 302
    with clean_app.app_context():
        assert db.session.scalar(sa.select(FollowUp.due_date)) == date(2027, 1, 5)
    page = client.get(f"/faelle/{world['case']}").get_data(as_text=True)
    assert 'placeholder="TT.MM.JJJJ"' in page
    assert "05.01.2027 – Nachfassen" in page


def test_saved_check_leads_back_and_names_the_person(client, auth, world, clean_app):
    from tests.funding.test_case_check import _save

    with clean_app.app_context():
        case = db.session.get(Case, world["case"])
        services.add_participants(None, case, world["people"][:1])
        db.session.commit()
    auth.login(world["advisor"])
    location = _save(client, world["case"]).headers["Location"]
    page = html_page(client.get(location))
    links = [a.get("href") for a in page.iter(f"{NS}a")]
    assert f"/faelle/{world['case']}" in links
    assert "Geprüft für: Jana Kühn" in text_of(page)
