"""Search finds names word by word in any order and with or without umlauts
(issue #14 defect 10: "kuhn" did not find Kühn, "Reinhardt Thomas" found nothing).

Driven through the four staff searches like a browser: POST the term, follow the 303."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.conftest import create_case, create_firm
from tests.factories import make_person
from tests.helpers import html_page, text_of
from wbagentur.core.text import search_tokens, token_spellings
from wbagentur.extensions import db


def test_token_spellings_add_the_spelled_out_umlaut():
    assert token_spellings("kuhn") == ["kuhn", "kuehn"]
    assert token_spellings("kuehn") == ["kuehn"]
    assert set(token_spellings("muller")) == {"muller", "mueller"}
    assert set(token_spellings("kohler")) == {"kohler", "koehler"}
    assert len(token_spellings("aaaaaaaaaa")) == 16  # bounded
    assert search_tokens("Reinhardt  THOMAS reinhardt") == ["reinhardt", "thomas"]
    assert search_tokens("   ") == []


@pytest.fixture
def people(clean_app: Any, auth: Any, make_user: Any) -> Any:
    auth.login(make_user("advisor", "SW"))
    with clean_app.app_context():
        make_person("Thomas", "Reinhardt")
        make_person("Anna", "Kühn")
        make_person("Jörg", "Müller")
        make_person("Bernd", "Schmidt")
        create_case(firm=create_firm("Kühn & Söhne Metallbau GmbH"))
        create_firm("Reinhardt Holzbau KG")
        create_case(firm=create_firm("Schmidt Glas GmbH"))
        db.session.commit()


def _found(client: Any, url: str, term: str) -> str:
    response = client.post(url, data={"q": term})
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return text_of(html_page(page).find(".//{http://www.w3.org/1999/xhtml}main"))


@pytest.mark.parametrize(
    ("term", "shown", "not_shown"),
    [
        ("kuhn", "Kühn, Anna", "Schmidt"),
        ("Kuehn", "Kühn, Anna", "Schmidt"),
        ("KÜHN", "Kühn, Anna", "Schmidt"),
        ("Reinhardt Thomas", "Reinhardt, Thomas", "Kühn"),
        ("thomas reinhardt", "Reinhardt, Thomas", "Kühn"),
        ("muller jorg", "Müller, Jörg", "Reinhardt"),
    ],
)
def test_person_list_finds_any_order_and_spelling(client, people, term, shown, not_shown):
    text = _found(client, "/personen", term)
    assert shown in text
    assert not_shown not in text


def test_person_search_needs_every_word(client, people):
    text = _found(client, "/personen", "Reinhardt Anna")
    assert "Reinhardt, Thomas" not in text
    assert "Kühn, Anna" not in text


@pytest.mark.parametrize(
    ("url", "term", "shown", "not_shown"),
    [
        ("/unternehmen", "kuhn sohne", "Kühn & Söhne Metallbau GmbH", "Schmidt Glas"),
        ("/unternehmen", "Holzbau Reinhardt", "Reinhardt Holzbau KG", "Kühn"),
        ("/faelle", "kuhn metallbau", "Kühn & Söhne Metallbau GmbH", "Schmidt Glas"),
        ("/faelle/neu", "sohne kuhn", "Kühn & Söhne Metallbau GmbH", "Schmidt Glas"),
    ],
)
def test_firm_case_and_picker_search_any_order_and_spelling(
    client, people, url, term, shown, not_shown
):
    text = _found(client, url, term)
    assert shown in text
    assert not_shown not in text


def test_search_wildcards_are_literal(client, people):
    text = _found(client, "/personen", "%")
    assert "Reinhardt, Thomas" not in text
