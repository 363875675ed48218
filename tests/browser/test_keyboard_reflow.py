"""Keyboard-only case work and referral, and 320 px reflow of the main pages (issue 9)."""

import re

import pytest

from tests.browser.a11y import assert_no_axe_violations, tab_until
from tests.figures import record_figure
from tests.personas import TEST_PASSWORD


@pytest.fixture
def advisor_case(live_app, persona):
    from tests.cases.conftest import create_case, create_firm
    from wbagentur.extensions import db

    advisor = persona("advisor", "SW", display_name="Karla Tastatur")
    with live_app.app_context():
        firm = create_firm("Tastaturwerk GmbH", "16054")
        case = create_case(firm=firm, title="Schulung an der neuen Anlage")
        db.session.commit()
        return advisor, case.id, firm.id


def _keyboard_login(page, who):
    page.goto("/anmelden")
    tab_until(page, "#email")
    page.keyboard.type(who.email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _activate(page, selector):
    tab_until(page, selector, max_steps=120)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_case_work_with_the_keyboard_only(page, advisor_case):
    advisor, case_id, _ = advisor_case
    _keyboard_login(page, advisor)
    _activate(page, "nav a:has-text('Posteingang')")
    _activate(page, "main table a")
    assert page.url.endswith(f"/faelle/{case_id}")
    _activate(page, "button:has-text('Mir zuweisen')")
    assert "Karla Tastatur" in page.locator("[data-assignee]").inner_text()
    # Open the note disclosure with Enter, type, submit with the keyboard.
    tab_until(page, "summary:has-text('Notiz schreiben')", max_steps=120)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "body"
    page.keyboard.type("Mit der Tastatur erfasst")
    _activate(page, "button:has-text('Notiz speichern')")
    assert "Mit der Tastatur erfasst" in page.locator("#verlauf").inner_text()
    tab_until(page, "summary:has-text('Fall abschließen')", max_steps=120)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "outcome"
    page.keyboard.press("ArrowDown")  # first real outcome
    _activate(page, "button.btn-outline-danger:has-text('Fall abschließen')")
    assert page.locator("[data-outcome]").is_visible()


def test_referral_form_reachable_with_the_keyboard(page, advisor_case):
    advisor, case_id, _ = advisor_case
    _keyboard_login(page, advisor)
    page.goto(f"/faelle/{case_id}")
    _activate(page, "a:has-text('Weiterleiten')")
    assert re.search(r"/faelle/\d+/weiterleiten", page.url)
    assert_no_axe_violations(page, "referral-new-keyboard")
    # Every form control on the page is reachable with Tab.
    controls = page.locator(
        "main form input:not([type=hidden]), main form select, main form textarea, main form button"
    )
    count = controls.count()
    assert count >= 3
    for i in range(count):
        element = controls.nth(i)
        if element.is_visible() and element.is_enabled():
            ident = element.get_attribute("id")
            if ident:
                tab_until(page, f"#{ident}", max_steps=200)


PAGES_ADVISOR = [
    "/",
    "/faelle/posteingang",
    "/faelle/meine",
    "/faelle",
    "/faelle/faellig",
    "/unternehmen",
    "/unternehmen/neu",
    "/personen",
    "/personen/neu",
    "/weiterleitungen",
    "/uebergaben",
    "/partner",
]
PAGES_PUBLIC = [
    "/anmelden",
    "/beratung-anfragen",
    "/foerderkompass",
    "/foerderkompass/schnellcheck",
    "/barrierefreiheit",
    "/datenschutz",
    "/passwort-vergessen",
]


def _overflowing(page, urls):
    """The pages (with their width) that scroll horizontally at 320 px."""
    wide = []
    for url in urls:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide.append(f"{url}: scrollWidth {width}")
    return wide


def _record_reflow(key, urls, wide):
    passed = len(urls) - len(wide)
    record_figure(key, f"{passed} von {len(urls)}", target="100 %", ok=not wide)


def test_reflow_at_320px_public_and_advisor_pages(page, advisor_case):
    advisor, case_id, firm_id = advisor_case
    page.set_viewport_size({"width": 320, "height": 800})
    wide = _overflowing(page, PAGES_PUBLIC)
    page.goto("/anmelden")
    page.fill("#email", advisor.email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    staff = PAGES_ADVISOR + [f"/faelle/{case_id}", f"/unternehmen/{firm_id}"]
    wide += _overflowing(page, staff)
    _record_reflow("a11y.reflow_public_advisor", PAGES_PUBLIC + staff, wide)
    assert not wide


def test_reflow_at_320px_supervisor_dashboard(page, persona):
    supervisor = persona("supervisor", "SW")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/anmelden")
    page.fill("#email", supervisor.email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    urls = [
        "/uebersicht",
        "/uebersicht/esf",
        "/uebersicht/umverteilen",
        "/datenschutz/loeschantraege",
    ]
    wide = _overflowing(page, urls)
    _record_reflow("a11y.reflow_supervisor", urls, wide)
    assert not wide


def test_phone_layout_at_390x844_menu_button_and_no_horizontal_scroll(page, advisor_case):
    """Issue 14: below 768 px the navigation folds behind a keyboard-usable menu button;
    the start page, the case list and the case page do not scroll sideways on a phone."""
    advisor, case_id, _ = advisor_case
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/anmelden")
    page.fill("#email", advisor.email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")

    menu = page.locator("header button.navbar-toggler")
    cases_link = page.locator("header nav a.nav-link[href='/faelle']")
    assert menu.is_visible()
    assert menu.get_attribute("aria-expanded") == "false"
    assert not cases_link.is_visible()
    tab_until(page, "header button.navbar-toggler")
    page.keyboard.press("Enter")
    cases_link.wait_for(state="visible")
    assert menu.get_attribute("aria-expanded") == "true"
    assert_no_axe_violations(page, "start-phone-menu-open")
    # The inbox count travels with the link into the menu.
    assert page.get_by_role("link", name="Posteingang (1 neue)", exact=True).is_visible()
    tab_until(page, "header nav a.nav-link[href='/faelle']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/faelle")

    wide = _overflowing_at(page, ["/", "/faelle", f"/faelle/{case_id}"], 390)
    assert not wide
    assert page.console_errors == []


def _overflowing_at(page, urls, width):
    wide = []
    for url in urls:
        page.goto(url)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide.append(f"{url}: scrollWidth {scroll}")
    return wide
