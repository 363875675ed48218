"""The English UI shows no German label of any vocabulary (issue #18 item 4).

The demo year (every case status, topic, referral state and outcome) is crawled in English
as the pilot region's supervisor and as an advisor: from the start page along every link,
a few pages of each kind. What the database holds as data (names, titles, notes, stored
timeline text) is taken out of the page text first; what remains is the UI's own words.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa

from tests.helpers import NS, html_page
from tests.vocabularies import german_labels
from wbagentur.extensions import db
from wbagentur.funding.models import ParameterVersion

pytestmark = pytest.mark.usefixtures("fixed_clock")

# Pages the crawl must reach (dashboard, ESF+, monthly report, funding results, cases).
MUST_VISIT = (
    "/uebersicht",
    "/uebersicht/esf",
    "/uebersicht/monatsbericht",
    "/faelle",
    "/faelle/<n>",
    "/faelle/<n>/foerdercheck/<n>",
)
SKIP = re.compile(r"/(abmelden|sprache|export|pdf|dokumente|dev/)|\.(csv|xlsx|pdf)\b")
PER_KIND = 3
MAX_PAGES = 120


@pytest.fixture
def demo(runner, clean_app):
    """The demo year and its logins, and every text the database holds."""
    result = runner.invoke(args=["demo", "seed", "--firms-per-district", "1"])
    assert result.exit_code == 0, result.output
    logins = {}
    for line in result.output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and "@" in parts[-2]:
            logins[parts[-2].split("@")[0]] = (parts[-2], parts[-1])
    return logins, _data_strings(clean_app)


def _data_strings(app) -> list[str]:
    """Every text value stored in the database (data, not UI words), and the names of the
    official economic classification WZ 2008 (reference data shown by code)."""
    from wbagentur.firms.wz import DIVISIONS, SECTIONS

    values: set[str] = set(SECTIONS.values()) | {name for _, name in DIVISIONS.values()}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text)]
            if not columns:
                continue
            for row in db.session.execute(sa.select(*columns)):
                values.update(v for v in row if isinstance(v, str) and len(v) >= 3)
        # The funding catalogue's parameter notes and sources are data the coordination
        # maintains in German (inside each version's JSON document), not UI words.
        for doc in db.session.scalars(sa.select(ParameterVersion.parameters)):
            values.update(s for s in _strings_in(json.loads(doc)) if len(s) >= 3)
    return sorted(values, key=len, reverse=True)


def _strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings_in(v)]
    return []


def _kind(path: str) -> str:
    return re.sub(r"\d+", "<n>", urlsplit(path).path)


# Parts of a page that other work translates: the funding engine's result document (its
# reasons, steps and bodies are the funding module's texts, issue #18's funding part).
OTHER_WORK: tuple[str, ...] = ()


def _visible_text(root) -> str:
    for element in list(root.iter()):
        classes = (element.get("class") or "").split()
        if (
            element.tag in (f"{NS}script", f"{NS}style", f"{NS}template")
            # Text marked German on purpose: a file format's column names, a German letter.
            or (element.get("lang") or "").startswith("de")
            or any(c in OTHER_WORK for c in classes)
        ):
            element.clear()
    texts = [t.strip() for t in root.itertext() if t.strip()]
    attributes = ("title", "aria-label", "placeholder")
    texts += [e.get(a) for e in root.iter() for a in attributes if e.get(a)]
    return "\n".join(texts)


def crawl(client, start: str) -> dict[str, str]:
    """path → visible page text, breadth first, at most PER_KIND pages of a kind."""
    queue, seen, pages, kinds = [start], {start}, {}, Counter()
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        kind = _kind(path)
        if kinds[kind] >= PER_KIND:
            continue
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        kinds[kind] += 1
        root = html_page(response, lang="en")
        for link in root.iter(f"{NS}a"):
            href = urljoin(path, link.get("href") or "")
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or SKIP.search(href):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
        pages[path] = _visible_text(root)
    return pages


def german_on(pages: dict[str, str], data: list[str]) -> dict[str, list[str]]:
    labels = sorted(german_labels(), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, labels)) + r")(?![\w-])")
    found = {}
    for path, text in pages.items():
        for value in data:
            if value in text:
                text = text.replace(value, " ")
        hits = sorted(set(pattern.findall(text)))
        if hits:
            found[path] = hits
    return found


def _funding_result(app, advisor_email: str | None) -> str:
    """A saved funding check of the pilot region (of the advisor's own cases)."""
    from wbagentur.accounts.models import User
    from wbagentur.cases.models import Case
    from wbagentur.funding.models import FundingCheck

    query = (
        sa.select(FundingCheck.case_id, FundingCheck.id)
        .join(Case, Case.id == FundingCheck.case_id)
        .where(Case.reference.like("WBA-SW-%"))
        .order_by(FundingCheck.id)
    )
    if advisor_email:
        query = query.join(User, User.id == Case.assigned_to_id).where(User.email == advisor_email)
    with app.app_context():
        case_id, check_id = db.session.execute(query.limit(1)).one()
    return f"/faelle/{case_id}/foerdercheck/{check_id}"


def _english_client(app, login):
    client = app.test_client()
    email, password = login
    assert client.post("/anmelden", data={"email": email, "password": password}).status_code == 302
    assert client.post("/sprache", data={"lang": "en", "next": "/"}).status_code == 302
    return client


@pytest.mark.parametrize("account", ["leitung.sw", "beratung.sw"])
def test_the_english_ui_shows_no_german_label(demo, clean_app, account):
    logins, data = demo
    client = _english_client(clean_app, logins[account])
    supervisor = account.startswith("leitung")
    pages = crawl(client, "/")
    starts = [_funding_result(clean_app, None if supervisor else logins[account][0])]
    if supervisor:
        starts += ["/uebersicht?von=2025-12-01&bis=2026-11-30", "/uebersicht/esf"]
    for start in starts:
        pages.update(crawl(client, start))
    kinds = {_kind(p) for p in pages}
    expected = MUST_VISIT if supervisor else MUST_VISIT[3:]
    assert set(expected) <= kinds, sorted(kinds)
    found = german_on(pages, data)
    assert found == {}, "\n".join(f"{path}: {hits}" for path, hits in found.items())


def test_the_check_finds_a_german_label():
    data: list[str] = []
    pages = {"/x": "Status: in Beratung · Topics: Digitale Kompetenzen"}
    assert german_on(pages, data) == {"/x": ["Digitale Kompetenzen", "in Beratung"]}
    # A name in the data that contains a label is data, not a label.
    assert german_on({"/y": "Partner: Handwerkskammer Erfurt"}, ["Handwerkskammer Erfurt"]) == {}
