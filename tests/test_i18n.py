"""The English catalogue covers every German message in code and templates."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.cases.conftest import create_case, create_firm
from tests.helpers import NS, html_page, text_of
from wbagentur.extensions import db

ROOT = Path(__file__).resolve().parents[1]


def _extract(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "pgettext:1c,2",
            "-k",
            "lazy_pgettext:1c,2",
            "-o",
            str(pot),
            "--no-location",
            "--ignore-dirs=.* _* .venv instance node_modules",
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as f:
        return {(m.context, m.id) for m in read_po(f) if m.id}


def test_every_message_has_an_english_translation(tmp_path):
    extracted = _extract(tmp_path)
    with (ROOT / "wbagentur/translations/en/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f)
    translated = {(m.context, m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(f"{ctx}|{mid}" if ctx else str(mid) for ctx, mid in extracted - translated)
    assert missing == [], f"{len(missing)} untranslated, e.g. {missing[:5]} – make translations"
    assert len(extracted) > 50


def _labels(root, tag):
    return [" ".join(t.strip() for t in e.itertext() if t.strip()) for e in root.iter(f"{NS}{tag}")]


def _english(client):
    assert client.post("/sprache", data={"lang": "en", "next": "/"}).status_code == 302


def test_von_reads_by_for_a_person_and_from_for_a_date_range(client, auth, make_user):
    auth.login(make_user("admin"))
    german = html_page(client.get("/verwaltung/protokoll"))
    assert "von" in _labels(german, "label")
    _english(client)
    audit = html_page(client.get("/verwaltung/protokoll"), lang="en")
    assert "from" in _labels(audit, "label")
    assert "by" not in _labels(audit, "label")
    history = text_of(html_page(client.get("/verwaltung/foerderprogramme/3"), lang="en"))
    assert re.search(r"Proposed [^·]{1,30} by Initial data set", history), history[:500]
    assert " from Initial data set" not in history


def test_unternehmen_reads_company_for_one_firm_and_companies_for_the_list(
    client, auth, make_user, clean_app
):
    with clean_app.app_context():
        case_id = create_case(firm=create_firm("Metallbau Schmidt GmbH", "16054")).id
        db.session.commit()
    auth.login(make_user("advisor", "SW"))
    _english(client)
    detail = html_page(client.get(f"/faelle/{case_id}"), lang="en")
    assert "Company Metallbau Schmidt GmbH" in text_of(detail)
    assert "Companies" in _labels(detail, "a"), "the menu names the firm list in the plural"
    firms = html_page(client.get("/unternehmen"), lang="en")
    assert "Companies" in _labels(firms, "h1")


def test_frist_reads_deadline_for_a_programme_and_retention_period_for_a_rule(
    client, auth, make_user
):
    _english(client)
    programme = text_of(html_page(client.get("/foerderkompass/sgb3-82"), lang="en"))
    assert "Deadline" in programme
    assert "Retention period" not in programme
    auth.login(make_user("admin"))
    _english(client)
    rules = html_page(client.get("/verwaltung/loeschfristen"), lang="en")
    assert "Retention period" in _labels(rules, "th")
    assert "Deadline" not in _labels(rules, "th")


def test_the_catalogue_defines_each_message_once():
    """The catalogue merges with git's union driver (parallel branches append entries), which
    can keep two definitions of one message; the compiler then silently picks one of them."""
    text = (ROOT / "wbagentur/translations/en/LC_MESSAGES/messages.po").read_text("utf-8")
    keys = re.findall(r'^(?:msgctxt "((?:[^"\\]|\\.)*)"\n)?msgid "((?:[^"\\]|\\.)*)"$', text, re.M)
    seen: set[tuple[str, str]] = set()
    twice = sorted(
        {
            f"{ctx}|{mid}"
            for ctx, mid in keys
            if mid and ((ctx, mid) in seen or seen.add((ctx, mid)))
        }
    )
    assert twice == []
    glued = re.findall(r"^msgstr[^\n]*\nmsgid ", text, re.M)
    assert glued == [], "an entry starts without a blank line: a union merge glued two entries"
