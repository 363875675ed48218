"""Issue #22: the firm and person lists test the caller's scope per row while they walk
their display order (no set of every firm or person linked to the region's cases). They
must show exactly what the access rules allow, page after page, and nothing of another
region."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import CaseFactory, FirmFactory, PersonFactory
from tests.helpers import NS, html_page, next_link, text_of
from tests.personas import create_persona
from wbagentur.accounts.models import User
from wbagentur.api import tokens
from wbagentur.cases.models import Case, case_participants
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.firms.models import Firm
from wbagentur.persons.models import Person

pytestmark = pytest.mark.usefixtures("fixed_clock")

SW, NT = "16054", "16062"  # Suhl (region SW), Nordhausen (region NT)


@pytest.fixture
def world(clean_app):
    """Firms and persons of SW, and of NT with and without a link to a case of SW."""
    with clean_app.app_context():
        secrets, personas = {}, {}
        for code in ("SW", "NT"):
            persona = personas[code] = create_persona("advisor", code)
            user = db.session.get(User, persona.id)
            _, secrets[code] = tokens.create_token(
                None, user, "Test", ["firms:read", "persons:read"], 30
            )
        sw_firms = [FirmFactory(name=f"Suhl {n}", district_key=SW) for n in range(3)]
        nt_via_case = FirmFactory(name="Nord über Fall", district_key=NT)
        CaseFactory(firm=nt_via_case, region_code="SW")
        nt_own_case = FirmFactory(name="Nord eigener Fall", district_key=NT)
        CaseFactory(firm=nt_own_case)  # a case of NT: no ground for SW
        nt_plain = FirmFactory(name="Nord ohne Fall", district_key=NT)

        def person(last, district, **fields):
            return PersonFactory(first_name="P", last_name=last, district_key=district, **fields)

        resident = person("Anwohner", SW)
        person("Gesperrt", SW, restricted_at=utcnow())
        employee = person("Beschäftigt", NT, employer=sw_firms[0])
        employee_via_case = person("Beschäftigt Fall", NT, employer=nt_via_case)
        client = person("Klient", NT)
        CaseFactory(individual=True, person=client, region_code="SW")
        participant = person("Teilnehmer", NT)
        CaseFactory(firm=sw_firms[1], participants=[participant])
        person("Nord", NT)
        person("Nord Beschäftigt", NT, employer=nt_plain)
        nt_client = person("Nord Klient", NT)
        CaseFactory(individual=True, person=nt_client, region_code="NT")
        nt_participant = person("Nord Teilnehmer", NT)
        CaseFactory(firm=nt_own_case, participants=[nt_participant])
        db.session.commit()
        return {
            "secrets": secrets,
            "personas": personas,
            "sw_firms": sorted(
                [f.name for f in sw_firms] + [nt_via_case.name],
            ),
            "sw_persons": sorted(
                p.last_name for p in (resident, employee, employee_via_case, client, participant)
            ),
        }


def _walk(client, path, secret):
    """Every item of a list, one page of two after the other through next_cursor."""
    headers = {"Authorization": f"Bearer {secret}"}
    path += "&" if "?" in path else "?"
    answer = client.get(f"/api/v1{path}per_page=2", headers=headers).get_json()
    items, pages = list(answer["items"]), 1
    while answer["next_cursor"]:
        cursor = answer["next_cursor"]
        answer = client.get(f"/api/v1{path}per_page=2&cursor={cursor}", headers=headers)
        answer = answer.get_json()
        assert answer["page"] == pages + 1
        items += answer["items"]
        pages += 1
    return items, pages


def _expected_by_rule(region_code):
    """The access rules of security.md AC-02 evaluated in Python over every row."""
    cases = db.session.scalars(sa.select(Case)).all()
    own = [c for c in cases if c.region.code == region_code]
    firm_ids = {c.firm_id for c in own if c.firm_id}
    person_ids = {c.person_id for c in own if c.person_id}
    own_ids = {c.id for c in own}
    person_ids |= {
        person_id
        for case_id, person_id in db.session.execute(sa.select(case_participants)).tuples()
        if case_id in own_ids
    }
    firms = [
        f
        for f in db.session.scalars(sa.select(Firm))
        if f.district.region.code == region_code or f.id in firm_ids
    ]
    visible_firm_ids = {f.id for f in firms}
    persons = [
        p
        for p in db.session.scalars(sa.select(Person))
        if p.restricted_at is None
        and p.erased_at is None
        and (
            (p.residence_district is not None and p.residence_district.region.code == region_code)
            or p.employer_id in visible_firm_ids
            or p.id in person_ids
        )
    ]
    return (
        [f.id for f in sorted(firms, key=lambda f: (f.name, f.id))],
        [p.id for p in sorted(persons, key=lambda p: (p.last_name, p.first_name, p.id))],
    )


def test_firm_list_pages_through_exactly_the_scope(client, world):
    items, pages = _walk(client, "/firms", world["secrets"]["SW"])
    assert [f["name"] for f in items] == world["sw_firms"]
    assert pages == 2


def test_person_list_pages_through_exactly_the_scope(client, world):
    items, pages = _walk(client, "/persons", world["secrets"]["SW"])
    assert [p["last_name"] for p in items] == world["sw_persons"]
    assert pages == 3


@pytest.mark.parametrize("region_code", ["SW", "NT"])
def test_lists_match_the_rules_for_either_region(client, clean_app, world, region_code):
    """The other region's rows stay hidden: each advisor sees what the rules give them."""
    with clean_app.app_context():
        firm_ids, person_ids = _expected_by_rule(region_code)
    secret = world["secrets"][region_code]
    firms, _ = _walk(client, "/firms", secret)
    persons, _ = _walk(client, "/persons", secret)
    assert [f["id"] for f in firms] == firm_ids
    assert [p["id"] for p in persons] == person_ids
    assert firm_ids
    assert person_ids


def test_filters_keep_the_scope(client, clean_app, world):
    """An employer or district filter narrows the scope, never widens it."""
    with clean_app.app_context():
        nt_plain = db.session.scalar(sa.select(Firm.id).where(Firm.name == "Nord ohne Fall"))
    sw = world["secrets"]["SW"]
    hidden, _ = _walk(client, f"/persons?employer_id={nt_plain}", sw)
    assert hidden == []
    in_nordhausen, _ = _walk(client, f"/firms?district={NT}", sw)
    assert [f["name"] for f in in_nordhausen] == ["Nord über Fall"]


def _walk_html(client, path):
    """Every row name of a UI list, page after page through the "Weiter" links."""
    names, target = [], path
    while target:
        response = client.get(target)
        root = html_page(response)
        names += [
            text_of(row.find(f"{NS}td"))
            for row in root.iter(f"{NS}tr")
            if row.find(f"{NS}td") is not None
        ]
        target = next_link(response)
    return names


@pytest.mark.parametrize("region_code", ["SW", "NT"])
def test_ui_lists_show_the_same_scope_across_pages(
    client, clean_app, world, auth, region_code, monkeypatch
):
    """The UI's lists (keyset pages now) show what the API shows, in their own order."""
    monkeypatch.setattr("wbagentur.firms.views.PER_PAGE", 2)
    monkeypatch.setattr("wbagentur.persons.views.PER_PAGE", 2)
    with clean_app.app_context():
        firm_ids, person_ids = _expected_by_rule(region_code)
        firms = [db.session.get(Firm, i) for i in firm_ids]
        persons = [db.session.get(Person, i) for i in person_ids]
        expected_firms = [f.name for f in sorted(firms, key=lambda f: (f.name_search, f.id))]
        # The UI lists restricted persons too (marked on the detail page); the API does not.
        restricted = db.session.scalars(
            sa.select(Person).where(Person.restricted_at.is_not(None))
        ).all()
        in_scope = [p for p in restricted if p.residence_district.region.code == region_code]
        persons += in_scope
        expected_persons = [
            f"{p.last_name}, {p.first_name}"
            for p in sorted(persons, key=lambda p: (p.last_name, p.first_name, p.id))
        ]
    auth.login(world["personas"][region_code])
    assert _walk_html(client, "/unternehmen") == expected_firms
    assert _walk_html(client, "/personen") == expected_persons


@pytest.mark.parametrize("cap", [2, 3, 4, 5])
def test_total_is_the_same_whether_the_region_part_or_the_whole_scope_is_counted(
    client, world, monkeypatch, cap
):
    """The region's own firms / residents are counted first; when they exceed the cap that
    is the answer, otherwise the whole scope is counted (issue #22). Either way the answer
    is the bounded count of the scope: SW sees 4 firms (3 in Suhl) and 5 persons (1 lives
    there)."""
    monkeypatch.setattr("wbagentur.core.pagination.COUNT_CAP", cap)
    headers = {"Authorization": f"Bearer {world['secrets']['SW']}"}
    for path, visible in (("/firms", 4), ("/persons", 5)):
        answer = client.get(f"/api/v1{path}", headers=headers).get_json()
        assert (answer["total"], answer["total_is_lower_bound"]) == (
            min(visible, cap),
            visible > cap,
        )
