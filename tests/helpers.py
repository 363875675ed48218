"""Page checks shared by view tests (in the spirit of notify-admin's client_request)."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import html5lib

NS = "{http://www.w3.org/1999/xhtml}"


def html_page(response: Any, lang: str = "de", check_csrf: bool = False) -> Any:
    """Parse a response as HTML and assert the basics every page must have.

    ``check_csrf``: only meaningful in apps with CSRF enabled (tests/test_csrf.py).
    """
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    parser = html5lib.HTMLParser(strict=False)
    doc = parser.parse(text)
    assert not [e for e in parser.errors if e[1] != "unexpected-end-tag"], parser.errors[:3]
    root = doc
    assert root.get("lang") == lang
    titles = root.findall(f".//{NS}title")
    assert len(titles) == 1
    assert titles[0].text
    assert titles[0].text.strip()
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    for form in root.iter(f"{NS}form"):
        assert form.get("action"), "every form has an action"
        if check_csrf and (form.get("method") or "get").lower() == "post":
            names = [i.get("name") for i in form.iter(f"{NS}input")]
            assert "csrf_token" in names, "POST forms carry a CSRF token"
    assert root.find(f".//{NS}main") is not None
    return root


def text_of(root: Any) -> str:
    return " ".join(t.strip() for t in root.itertext() if t.strip())


def next_link(response: Any) -> str | None:
    """The target of a list page's "Weiter" link (a keyset cursor), or None on the last."""
    for link in html_page(response).iter(f"{NS}a"):
        if link.get("rel") == "next":
            return str(link.get("href"))
    return None


# `make test-future` preloads libfaketime into the test processes (docs/testing.md).
CLOCK_VARIABLES = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC")


def real_clock_env() -> dict[str, str]:
    """The environment for a helper process that is not under test (Chromium, Redis): it
    keeps the real clock. Those programs do not run under libfaketime, and they measure only
    relative times (a page's timers, a key's time to live)."""
    return {k: v for k, v in os.environ.items() if k not in CLOCK_VARIABLES}


def check_search_indexes() -> None:
    """SQLite: FTS5 compares each trigram search index (core.fulltext) with its table and
    raises "database disk image is malformed" if they differ; nothing elsewhere."""
    import sqlalchemy as sa

    from wbagentur.core import fulltext
    from wbagentur.extensions import db

    for name in sorted(fulltext.present_indexes(db.session)):
        db.session.execute(
            sa.text(f"INSERT INTO {name}({name}, rank) VALUES ('integrity-check', 1)")
        )
