"""Case search (issue 8): what the case list finds for a search term, on both databases.

The search matches part of the reference, the firm's name, the person's name or a
participant's name, ignoring case and umlaut spelling, within the user's scope only.
"""

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from tests.factories import TransferFactory, make_person
from tests.personas import create_persona
from wbagentur.accounts.models import User
from wbagentur.cases import queries, services
from wbagentur.cases.access import cases_visible_to
from wbagentur.cases.models import Case
from wbagentur.core.text import normalise_search
from wbagentur.extensions import db


@pytest.fixture(params=["ids", "per_case"], autouse=True)
def search_path(request, monkeypatch):
    """Run every test through both ways the list applies the search: the ids of the
    matching cases, and (for broad terms, above SEARCH_ID_LIMIT) a test per case."""
    if request.param == "per_case":
        monkeypatch.setattr(queries, "SEARCH_ID_LIMIT", 0)
    return request.param


def _user(persona):
    return db.session.get(User, persona.id)


def _found(user, term, **filters):
    return sorted(c.id for c in db.session.scalars(queries.case_list(user, q=term, **filters)))


def _total(user, term):
    """The number the list page shows (db.paginate counts the same way)."""
    stmt = queries.case_list(user, q=term).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


@pytest.fixture
def world(clean_app):
    """South-west: a firm case with a participant, an individual case, an unrelated case.
    North: one case whose firm name also contains the search terms."""
    with clean_app.app_context():
        sw = _user(create_persona("advisor", "SW"))
        nt = _user(create_persona("advisor", "NT"))
        coordinator = _user(create_persona("coordinator"))
        firm_case = create_case(firm=create_firm("Bäckerei Größer GmbH", "16054"))
        services.add_participant(None, firm_case, make_person("Jürgen", "Weiß").id)
        person = make_person("Anna", "Müller-Lüdenscheidt")
        individual = services.open_case(
            None,
            region_id=firm_case.region_id,
            kind="individual",
            title="Meisterkurs",
            channel="phone",
            person_id=person.id,
        )
        other = create_case(firm=create_firm("Schulze Holzbau KG", "16054"))
        north = create_case(firm=create_firm("Größer & Weiß Nord GmbH", "16062"))
        db.session.commit()
        yield SimpleNamespace(
            app=clean_app,
            sw=sw,
            nt=nt,
            coordinator=coordinator,
            firm_case=firm_case.id,
            individual=individual.id,
            other=other.id,
            north=north.id,
            individual_ref=individual.reference,
        )


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("größer", ["firm_case"]),  # firm name
        ("GROESSER", ["firm_case"]),
        ("bäckerei grö", ["firm_case"]),  # across a space
        ("weiss", ["firm_case"]),  # participant, ß spelled out
        ("JÜRGEN WEIß", ["firm_case"]),
        ("mueller-lued", ["individual"]),  # the person of an individual case
        ("Müller-Lüdenscheidt", ["individual"]),
        ("holzbau", ["other"]),
        ("zimmerei", []),
    ],
)
def test_search_finds_firm_person_participant_ignoring_case_and_umlauts(world, term, expected):
    with world.app.app_context():
        assert _found(world.sw, term) == sorted(getattr(world, name) for name in expected)


def test_search_by_whole_or_part_of_the_reference(world):
    with world.app.app_context():
        reference = world.individual_ref  # e.g. WBA-SW-2026-00002
        assert _found(world.sw, reference.lower()) == [world.individual]
        assert _found(world.sw, reference[-5:]) == [world.individual]
        own_region = sorted([world.firm_case, world.individual, world.other])
        assert _found(world.sw, "wba-sw") == own_region


@pytest.mark.parametrize("term", ["%", "_", "\\", "a%b", "gr_sser"])
def test_search_wildcards_are_literal(world, term):
    with world.app.app_context():
        assert _found(world.sw, term) == []


def test_case_matching_through_several_sources_is_listed_and_counted_once(world):
    with world.app.app_context():
        case = db.session.get(Case, world.firm_case)
        services.add_participant(None, case, make_person("Erika", "Größer").id)
        db.session.commit()
        # firm name and two participants match
        assert _found(world.sw, "größer") == [world.firm_case]
        assert _total(world.sw, "größer") == 1


def test_search_stays_within_scope_and_follows_grants(world):
    with world.app.app_context():
        assert _found(world.nt, "größer") == [world.north]
        assert _found(world.nt, "mueller") == []
        assert _found(world.coordinator, "größer") == sorted([world.firm_case, world.north])
        # a pending transfer to the north lets its advisors read (and find) the case
        TransferFactory(case=db.session.get(Case, world.individual), to_region_code="NT")
        db.session.commit()
        assert _found(world.nt, "mueller") == [world.individual]
        assert _found(world.nt, "holzbau") == []


def test_search_combines_with_the_other_filters(world):
    with world.app.app_context():
        assert _found(world.sw, "wba-sw", kind="individual") == [world.individual]
        assert _found(world.sw, "größer", status="closed") == []
        assert _found(world.sw, "größer", status="open") == [world.firm_case]


@pytest.mark.parametrize("term", ["e", "er", "gmbh", "sw-20", "weiss", "nord", "ue"])
def test_search_agrees_with_the_matching_rule_applied_case_by_case(world, term):
    """The SQL search equals the rule applied in Python to every visible case."""
    with world.app.app_context():
        needle = normalise_search(term)

        def matches(case):
            people = [case.person, *case.participants] if case.person else case.participants
            names = [p.name_search for p in people]
            if case.firm:
                names.append(case.firm.name_search)
            return needle in case.reference.lower() or any(needle in n for n in names)

        for user in (world.sw, world.nt, world.coordinator):
            visible = db.session.scalars(cases_visible_to(user))
            expected = sorted(c.id for c in visible if matches(c))
            assert _found(user, term) == expected, user.role


@pytest.mark.postgresql_only
def test_postgresql_search_can_use_the_trigram_indexes(world, backend, search_path):
    """Guards the indexes of migration c5a1e0000001: the search's LIKEs must stay in a
    form the trigram indexes answer (with only bitmap index scans allowed, the plan uses
    them; a B-tree cannot answer LIKE '%…%')."""
    if backend != "postgresql" or search_path != "ids":
        pytest.skip("trigram indexes exist only on PostgreSQL")
    with world.app.app_context():
        # A term that may be part of a reference: names ("größer") skip the references
        # (queries.may_be_reference, issue #22).
        stmt = queries.matching_cases("sw-2026")
        sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
        for scan in ("seqscan", "indexscan", "indexonlyscan"):  # leaves bitmap index scans
            db.session.execute(sa.text(f"SET LOCAL enable_{scan} = off"))
        plan = "\n".join(db.session.execute(sa.text("EXPLAIN " + sql)).scalars())
        db.session.rollback()
    for table in ("firms_name_search", "persons_name_search", "cases_reference"):
        assert f"ix_{table}_trgm" in plan


def test_search_page_costs_the_same_statements_for_few_and_many_hits(world, monkeypatch, backend):
    """One statement for the matching ids, whichever way the list then applies them. On
    PostgreSQL it is planned without parallel workers, and the setting is put back after
    it (issue #22: at 1,000,000 cases starting two workers for a common name's 4,146
    matches made the page's p95 96-101 ms instead of 78-83)."""
    with world.app.app_context():
        user = db.session.get(User, world.sw.id)
        assert user.region_id  # loaded before counting
        with _statements() as counted:
            for limit in (queries.SEARCH_ID_LIMIT, 0):
                monkeypatch.setattr(queries, "SEARCH_ID_LIMIT", limit)
                counted.clear()
                before = _parallel_workers() if backend == "postgresql" else None
                counted.clear()
                stmt = queries.case_list(user, q="größer")
                searches = [s for s in counted if "set_config(" not in s]
                assert len(searches) == 1, counted
                if backend == "postgresql":
                    at = counted.index(searches[0])
                    assert "set_config" in counted[at - 1]
                    assert "set_config" in counted[at + 1]
                    assert _parallel_workers() == before
                assert db.session.scalars(stmt).all()


def test_search_reads_each_match_once(world, search_path):
    """Issue #22: the matches carry their region from the index they were found on, and
    the matching persons are looked up once for their own cases and for those they take
    part in. Before, the statement read the persons twice and every match again by its
    key (at 1,000,000 cases "Kühnert": 4,146 matches, 38,748 -> 22,114 buffers on
    PostgreSQL), and SQLite brought every match into Python (page p95 307 ms)."""
    if search_path != "ids":
        pytest.skip("one statement either way")
    with world.app.app_context():
        user = db.session.get(User, world.sw.id)
        assert user.region_id  # loaded before listening
        with _statements() as counted:
            assert _found(user, "weiss") == [world.firm_case]  # through a participant
    collecting = [" ".join(s.split()) for s in counted if "matching_persons" in s]
    assert len(collecting) == 1, counted
    assert "array_agg" in collecting[0] or "json_group_array" in collecting[0]
    assert collecting[0].count("FROM persons WHERE") == 1, collecting
    assert "JOIN cases" not in collecting[0], collecting


@contextmanager
def _statements():
    """The SQL the engine sends inside the block, in order."""
    sent: list[str] = []
    listener = lambda _c, _cur, statement, *_: sent.append(statement)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield sent
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)


def _parallel_workers() -> str:
    return db.session.scalar(sa.text("SHOW max_parallel_workers_per_gather"))


def test_broad_search_with_more_visible_matches_than_the_cap_is_not_counted(
    world, monkeypatch, search_path
):
    """Issue #22: when the collected matches already hold more cases the user may see than
    the count's cap, the list says "mehr als …" without counting (a walk to the 1,001st
    match read most of the table); the other region's match does not count, and a filter
    that may narrow the matches gets an honest count."""
    from wbagentur.core.pagination import keyset_page

    monkeypatch.setattr(queries, "COUNT_CAP", 1)
    if search_path == "per_case":
        # Three matching ids collected, one more than the limit: tested case by case.
        monkeypatch.setattr(queries, "SEARCH_ID_LIMIT", 2)
    with world.app.app_context():
        counted = []
        listener = lambda _c, _cur, statement, *_: counted.append(statement)  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            stmt = queries.case_list(world.sw, q="gmbh")  # firm_case (SW), north (NT)
            page = keyset_page(stmt, {}, per_page=5, cap=1)
            assert (page.count, page.count_capped) == (1, False)
            services.add_participant(
                None, db.session.get(Case, world.other), make_person("Gmbh", "Teilnehmer").id
            )
            db.session.flush()
            counted.clear()
            stmt = queries.case_list(world.sw, q="gmbh")
            page = keyset_page(stmt, {}, per_page=5, cap=1)
            assert (page.count, page.count_capped) == (1, True)
            assert sorted(c.id for c in page.items) == sorted([world.firm_case, world.other])
            assert not any(s.lower().startswith("select count(") for s in counted), counted
            open_only = queries.case_list(world.sw, q="gmbh", status="closed")
            page = keyset_page(open_only, {}, per_page=5, cap=1)
            assert (page.count, page.count_capped, page.items) == (0, False, [])
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)


@pytest.mark.parametrize("sort", ["neueste", "aktenzeichen", "letzter_kontakt"])
def test_search_pages_show_every_match_once_in_order_with_its_names(
    world, backend, search_path, sort
):
    """The list's rows of a search, page by page forwards and back: every visible match
    once, in the display order, with its firm. On SQLite the names are looked up for the
    page's rows only, after the matches are sorted; the collected ids, already within the
    user's scope, are not tested against the read grants again (issue #22)."""
    from wbagentur.cases.views import list_rows
    from wbagentur.core.pagination import keyset_page

    with world.app.app_context():
        for number in range(7):
            create_case(firm=create_firm(f"Größer Filiale {number} GmbH", "16054"))
        db.session.commit()
        stmt = queries.case_list(world.sw, q="grösser", sort=sort)
        expected = [(c.id, c.firm.name) for c in db.session.scalars(stmt)]
        assert len(expected) == 8  # the firm case and the seven branches, not the north's
        with _statements() as statements:
            pages = [keyset_page(list_rows(stmt), {}, per_page=3)]
        # The page's statement on SQLite: the ids of the page first, the names for them.
        page_sql = next(s for s in statements if "firm_name" in s)
        assert ("IN (SELECT anon_" in page_sql) == (backend == "sqlite"), page_sql
        assert ("transfers" in page_sql) == (search_path == "per_case"), page_sql
        while pages[-1].has_next:
            pages.append(keyset_page(list_rows(stmt), pages[-1].next_params, per_page=3))
        assert [(r.id, r.firm_name) for p in pages for r in p.items] == expected
        assert [len(p.items) for p in pages] == [3, 3, 2]
        back = keyset_page(list_rows(stmt), pages[-1].prev_params, per_page=3)
        assert [(r.id, r.firm_name) for r in back.items] == expected[3:6]
