"""Searches with personal data use POST; names never appear in URLs (security.md WEB-05).

The four staff searches (case list, firm list, person list, client picker) are driven like
a browser: POST the term, follow the 303, look at every URL the response chain shows.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote_plus, urlsplit

import pytest

from tests.cases.conftest import create_case, create_firm
from tests.factories import make_person
from tests.helpers import NS, html_page, text_of
from wbagentur.extensions import db

CANARY = "Quendolinski"
OTHER = "Schmidt"
EXPIRED = "Die Suche ist abgelaufen – bitte erneut suchen."


def _seed_cases(n: int) -> None:
    for i in range(n):
        create_case(firm=create_firm(f"{CANARY} Metall {i:02d} GmbH"))
    create_case(firm=create_firm(f"{OTHER} Holzbau KG"))


def _seed_firms(n: int) -> None:
    for i in range(n):
        create_firm(f"{CANARY} Werk {i:02d} GmbH")
    create_firm(f"{OTHER} Holzbau KG")


def _seed_persons(n: int) -> None:
    for i in range(n):
        make_person(f"P{i:02d}", CANARY)
    make_person("Bernd", OTHER)


@dataclass(frozen=True)
class Search:
    key: str
    url: str
    seed: Any
    shown: str  # how the first matching record appears on the page
    pages: bool = True

    def __str__(self) -> str:
        return self.key


CASES = Search("cases", "/faelle", _seed_cases, f"{CANARY} Metall 00 GmbH")
FIRMS = Search("firms", "/unternehmen", _seed_firms, f"{CANARY} Werk 00 GmbH")
PERSONS = Search("persons", "/personen", _seed_persons, f"{CANARY}, P00")
PICKER = Search("pick_client", "/faelle/neu", _seed_firms, f"{CANARY} Werk 00 GmbH", pages=False)
SEARCHES = [CASES, FIRMS, PERSONS, PICKER]


@pytest.fixture
def seeded(clean_app: Any, auth: Any, make_user: Any) -> Any:
    auth.login(make_user("advisor", "SW"))

    def _seed(search: Search, n: int = 1) -> None:
        with clean_app.app_context():
            search.seed(n)
            db.session.commit()

    return _seed


def _urls(root: Any) -> list[str]:
    """Every link and form action of a page."""
    found = [a.get("href") for a in root.iter(f"{NS}a") if a.get("href")]
    found += [f.get("action") for f in root.iter(f"{NS}form") if f.get("action")]
    return found


def _has_canary(url: str) -> bool:
    decoded = unquote_plus(url).casefold()
    return any(
        form in url or form.casefold() in decoded
        for form in (CANARY, quote(CANARY), quote_plus(CANARY), CANARY.upper())
    )


def _search(client: Any, search: Search, term: str = CANARY, **fields: str) -> Any:
    response = client.post(search.url, data={"q": term, **fields})
    assert response.status_code == 303
    return response


def _search_value(root: Any) -> str | None:
    field = root.find(f".//{NS}input[@id='q']")
    return field.get("value") if field is not None else None


@pytest.mark.parametrize("search", SEARCHES, ids=str)
def test_search_finds_the_record_and_no_url_names_it(
    client: Any, seeded: Any, search: Search
) -> None:
    seeded(search)
    response = _search(client, search)
    location = response.headers["Location"]
    assert not _has_canary(location)
    assert urlsplit(location).path == search.url
    assert re.fullmatch(r"[A-Za-z0-9_-]{16}", dict(parse_qsl(urlsplit(location).query))["suche"])
    page = client.get(location)
    assert page.status_code == 200
    root = html_page(page)
    body = text_of(root)
    assert search.shown in body
    assert OTHER not in body
    assert _search_value(root) == CANARY
    assert [u for u in _urls(root) if _has_canary(u)] == []
    form = root.find(f".//{NS}form[@role='search']")
    assert form.get("method") == "post"
    assert "csrf_token" in [i.get("name") for i in form.iter(f"{NS}input")]


@pytest.mark.parametrize("search", [s for s in SEARCHES if s.pages], ids=str)
def test_pagination_keeps_the_search(client: Any, seeded: Any, search: Search) -> None:
    seeded(search, 27)
    location = _search(client, search).headers["Location"]
    key = dict(parse_qsl(urlsplit(location).query))["suche"]
    first = html_page(client.get(location))
    # Numbered pages (firms, persons) or keyset cursors (case lists, issue #22).
    next_links = [u for u in _urls(first) if "seite=2" in u or "nach=" in u]
    assert next_links
    assert all(f"suche={key}" in u for u in next_links)
    assert not any(_has_canary(u) for u in next_links)
    second = html_page(client.get(next_links[0]))
    body = text_of(second)
    assert CANARY in body
    assert OTHER not in body
    assert _search_value(second) == CANARY


@pytest.mark.parametrize("search", SEARCHES, ids=str)
def test_unknown_key_gives_the_hint_and_the_list_without_search(
    client: Any, seeded: Any, search: Search
) -> None:
    seeded(search)
    root = html_page(client.get(f"{search.url}?suche=AAAAAAAAAAAAAAAA"))
    body = text_of(root)
    assert EXPIRED in body
    assert _search_value(root) == ""
    if search is not PICKER:
        assert search.shown in body
        assert OTHER in body
    assert not any("suche=" in u for u in _urls(root))


@pytest.mark.parametrize("search", SEARCHES, ids=str)
def test_a_name_in_the_query_string_is_not_applied(
    client: Any, seeded: Any, search: Search
) -> None:
    seeded(search)
    response = client.get(search.url, query_string={"q": OTHER})
    assert response.status_code == 200
    root = html_page(response)
    assert _search_value(root) == ""
    if search is not PICKER:
        assert search.shown in text_of(root)  # the list is not filtered by the URL's q
    else:
        assert "Kein Unternehmen gefunden." not in text_of(root)  # no search ran
    assert not any(_has_canary(u) or "q=" in u for u in _urls(root))


def test_a_key_of_one_list_does_not_search_another(client: Any, seeded: Any) -> None:
    seeded(FIRMS)
    seeded(PERSONS)
    key = dict(parse_qsl(urlsplit(_search(client, FIRMS).headers["Location"]).query))["suche"]
    body = text_of(html_page(client.get(f"/personen?suche={key}")))
    assert EXPIRED in body
    assert OTHER in body


@pytest.mark.parametrize("search", SEARCHES, ids=str)
def test_too_long_term_is_refused_with_a_message(client: Any, seeded: Any, search: Search) -> None:
    seeded(search)
    location = _search(client, search, term=CANARY * 10).headers["Location"]
    assert "suche=" not in location
    assert not _has_canary(location)
    body = text_of(html_page(client.get(location)))
    assert "Der Suchbegriff darf höchstens 100 Zeichen lang sein." in body


@pytest.mark.parametrize("search", SEARCHES, ids=str)
def test_empty_term_shows_the_list_without_search(client: Any, seeded: Any, search: Search) -> None:
    seeded(search)
    location = _search(client, search, term="   ").headers["Location"]
    assert "suche=" not in location
    body = text_of(html_page(client.get(location)))
    if search is PICKER:
        assert "Bitte geben Sie einen Suchbegriff ein." in body
    else:
        assert search.shown in body
        assert OTHER in body


def test_case_search_keeps_the_non_personal_filters(client: Any, seeded: Any) -> None:
    seeded(CASES)
    location = _search(client, CASES, status="open", sort="aktenzeichen").headers["Location"]
    query = dict(parse_qsl(urlsplit(location).query))
    assert query["status"] == "open"
    assert query["sort"] == "aktenzeichen"
    assert "suche" in query
    root = html_page(client.get(location))
    assert CASES.shown in text_of(root)
    assert OTHER not in text_of(root)
    selected = root.find(f".//{NS}select[@id='sort']/{NS}option[@selected]")
    assert selected.get("value") == "aktenzeichen"


def test_firm_search_keeps_the_district(client: Any, seeded: Any) -> None:
    seeded(FIRMS)
    location = _search(client, FIRMS, kreis="16054", sortierung="neu").headers["Location"]
    query = dict(parse_qsl(urlsplit(location).query))
    assert query["kreis"] == "16054"
    assert query["sortierung"] == "neu"
    assert "suche" in query


def test_missing_csrf_token_is_refused(clean_app: Any, make_user: Any) -> None:
    from tests.personas import TEST_PASSWORD

    advisor = make_user("advisor", "SW")
    clean_app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = clean_app.test_client()
        token_of = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
        token = token_of.search(client.get("/anmelden").get_data(as_text=True)).group(1)
        login = {"email": advisor.email, "password": TEST_PASSWORD, "csrf_token": token}
        client.post("/anmelden", data=login)
        for search in SEARCHES:
            refused = client.post(search.url, data={"q": CANARY})
            assert refused.status_code == 400, search
            assert "Ungültige Anfrage" in refused.get_data(as_text=True)
            token = token_of.search(client.get(search.url).get_data(as_text=True)).group(1)
            accepted = client.post(search.url, data={"q": CANARY, "csrf_token": token})
            assert accepted.status_code == 303, search
    finally:
        clean_app.config["WTF_CSRF_ENABLED"] = False


def _lookup(app: Any, scope: str, key: str, stored: list[Any]) -> str:
    from flask import session

    from wbagentur.core import search

    with app.test_request_context(f"/?suche={key}"):
        session["searches"] = stored
        return search.recall(scope)[0]


def test_store_keeps_a_few_recent_terms_and_forgets_old_ones(
    clean_app: Any, monkeypatch: Any
) -> None:
    from flask import session

    from wbagentur.core import search

    with clean_app.test_request_context("/"):
        keys = [search.remember("firms", f"Name {i}") for i in range(search.MAX_TERMS + 1)]
        assert search.remember("firms", "Name 3") == keys[3]  # the same term keeps its key
        stored = list(session["searches"])
    found = [_lookup(clean_app, "firms", key, stored) for key in keys]
    assert found[0] == ""  # the oldest gave way
    assert found[1:] == [f"Name {i}" for i in range(1, search.MAX_TERMS + 1)]
    assert _lookup(clean_app, "persons", keys[1], stored) == ""  # keys belong to one list

    with clean_app.test_request_context("/"):
        for i in range(search.MAX_TERMS):
            search.remember("persons", "ß" * 100 + str(i))
        assert 1 <= len(session["searches"]) < search.MAX_TERMS  # the cookie stays small
        key = search.remember("persons", "Alt")
        stored = list(session["searches"])
    assert _lookup(clean_app, "persons", key, stored) == "Alt"
    later = time.time() + search.MAX_AGE_SECONDS + 1
    monkeypatch.setattr(search.time, "time", lambda: later)
    assert _lookup(clean_app, "persons", key, stored) == ""


# ---------------------------------------------------------------- WEB-05 crawl

START_PAGES = (
    "/",
    "/faelle",
    "/faelle/meine",
    "/faelle/posteingang",
    "/faelle/faellig",
    "/unternehmen",
    "/personen",
    "/faelle/neu",
    "/weiterleitungen",
)
MAX_PAGES = 150


def test_crawl_after_searches_finds_no_canary_in_any_query_value(client: Any, seeded: Any) -> None:
    """As an advisor, search every list for the canary, then walk all links and form
    actions reachable from the main list pages: no query value contains the canary."""
    for search in (CASES, PERSONS):
        seeded(search)
    with client.application.app_context():
        make_person("Anna", CANARY)  # a person, a firm and a case all carry the canary
        db.session.commit()
    queue: list[str] = []
    for search in SEARCHES:
        response = _search(client, search)
        queue.append(response.headers["Location"])
    queue += list(START_PAGES)
    seen: set[str] = set()
    offending: list[str] = []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if "Location" in response.headers:
            queue.append(response.headers["Location"])
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        root = html_page(response)
        for link in _urls(root):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # other sites, fragments, mailto:
            for _name, value in parse_qsl(parts.query, keep_blank_values=True):
                if CANARY.casefold() in value.casefold():
                    offending.append(link)
            if not parts.path.startswith("/static") and link not in seen:
                queue.append(link)
    assert len(seen) >= 40, f"the crawl reached only {len(seen)} pages"
    assert offending == []
