"""Browser: a name searched with the keyboard never shows up in a URL (security.md WEB-05)."""

from urllib.parse import unquote_plus

import pytest

from tests.browser.a11y import path_is, tab_until
from tests.browser.test_cases import _login

NAME = "Quendolinski"


@pytest.fixture
def many_cases(live_app, persona):
    from tests.cases.conftest import create_case, create_firm
    from wbagentur.extensions import db

    advisor = persona("advisor", "SW")
    with live_app.app_context():
        for i in range(27):
            create_case(firm=create_firm(f"{NAME} Metall {i:02d} GmbH", "16054"))
        create_case(firm=create_firm("Schmidt Holzbau KG", "16054"))
        db.session.commit()
    return advisor


def test_case_search_by_keyboard_keeps_the_name_out_of_every_url(page, many_cases):
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    _login(page, many_cases)
    page.goto("/faelle")
    tab_until(page, "#q")
    page.keyboard.type(NAME)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "suche=" in page.url
    main = page.locator("main")
    assert f"{NAME} Metall 26 GmbH" in main.inner_text()  # newest first
    assert "Schmidt Holzbau" not in main.inner_text()
    assert page.locator("#q").input_value() == NAME

    tab_until(page, "main .pagination a:has-text('Weiter')", max_steps=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "nach=" in page.url  # keyset cursor (issue #22)
    assert "suche=" in page.url
    assert NAME in main.inner_text()
    assert "Schmidt Holzbau" not in main.inner_text()
    assert page.locator("#q").input_value() == NAME

    page.select_option("#sort", "aktenzeichen")
    tab_until(page, "main button[type=submit]:has-text('Anwenden')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(path_is("/faelle"))
    assert "sort=aktenzeichen" in page.url
    assert "suche=" in page.url
    assert f"{NAME} Metall 00 GmbH" in main.inner_text()  # lowest reference first
    assert "Schmidt Holzbau" not in main.inner_text()

    assert seen, "no request recorded"
    leaking = [u for u in seen if NAME.casefold() in unquote_plus(u).casefold()]
    assert leaking == []
    assert page.console_errors == []
