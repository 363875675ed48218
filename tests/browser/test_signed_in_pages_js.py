"""Browser: the scripts run without errors on every kind of signed-in page, the session
warning works there, and keyboard focus lands somewhere sensible after a save and after
"Sitzung verlängern" (issue #14 defect 12: "Cannot read properties of null (reading
'querySelector')" on 403/404 pages and the TOTP set-up page; focus on <body>)."""

import re

import pytest

from tests.personas import TEST_PASSWORD


def _login(page, persona):
    page.goto("/anmelden")
    page.fill("#email", persona.email)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _errors(page, status=200):
    """Script errors (uncaught exceptions) and console errors, except the browser's note
    about the page's own HTTP status."""
    own = f"the server responded with a status of {status}"
    return page.page_errors + [m for m in page.console_errors if own not in m]


def _watch(page):
    page.page_errors = []
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))


def _focused(page):
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e ? e.tagName + '|' + (e.id || '') + '|' + (e.className || '') + '|'"
        " + (e.textContent || '').trim().slice(0, 400) : ''; }"
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/verwaltung/benutzer", 403),  # an advisor on an admin page
        ("/faelle/999999", 404),
        ("/gibt-es-nicht", 404),
        ("/konto/zwei-faktor", 200),  # TOTP set-up
    ],
)
def test_signed_in_page_has_no_console_error_and_a_session_warning(page, persona, path, status):
    advisor = persona("advisor", "SW")
    _watch(page)
    page.clock.install()
    _login(page, advisor)
    response = page.goto(path)
    assert response.status == status
    page.wait_for_load_state("load")
    assert _errors(page, status) == []
    # 28 of the 30 idle minutes later the warning appears, here as on every other page.
    page.clock.fast_forward("28:05")
    warning = page.locator("#session-warning")
    warning.wait_for(state="visible")
    assert "Sekunden" in warning.inner_text()
    assert _errors(page, status) == []


def test_focus_after_saving_a_note_and_after_extending_the_session(page, persona, live_app):
    advisor = persona("advisor", "SW")
    _watch(page)
    old_min = live_app.config.get("INTAKE_MIN_SECONDS", 3)
    live_app.config["INTAKE_MIN_SECONDS"] = 0
    try:
        page.goto("/beratung-anfragen")
        page.fill("#firm_name", "Glaswerk Lauscha GmbH")
        page.fill("#contact_name", "Petra Glasbläser")
        page.fill("#email", "petra@glaswerk-lauscha.example")
        page.select_option("#district_id", label="Sonneberg")
        page.select_option("#headcount_band", "10_49")
        page.check("input[name=topics][value=digital]")
        page.check("#consent")
        with page.expect_navigation():
            page.click("button:has-text('Anfrage absenden')")
        reference = page.locator("[data-reference]").inner_text()
    finally:
        live_app.config["INTAKE_MIN_SECONDS"] = old_min

    page.clock.install()
    _login(page, advisor)
    page.goto("/faelle/posteingang")
    page.click(f"main a:has-text('{reference}')")
    page.wait_for_url(re.compile(r"/faelle/\d+$"))
    page.locator("summary:has-text('Notiz schreiben')").click()
    page.fill("#body", "Rückruf vereinbart")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the "Notiz speichern" button, by keyboard
    # The save leads to the timeline (#verlauf); focus is there, on the new entry's list.
    focused = _focused(page)
    assert not focused.startswith("BODY"), focused
    assert "Rückruf vereinbart" in focused
    assert focused.startswith("SECTION|verlauf|")
    page.keyboard.press("Tab")  # the next Tab goes on from the timeline, not from the top
    assert "Zum Inhalt springen" not in _focused(page)

    page.clock.fast_forward("28:05")
    extend = page.locator("#session-warning button[data-session-extend]")
    extend.wait_for(state="visible")
    assert _focused(page).startswith("BUTTON")
    with page.expect_response(re.compile(r"/konto/sitzung$")):
        page.keyboard.press("Enter")
    page.locator("#session-warning").wait_for(state="hidden")
    focused = _focused(page)
    assert not focused.startswith("BODY"), focused
    assert _errors(page) == []


def test_required_totp_setup_page_has_no_script_error(page, persona):
    admin = persona("admin")  # the role must set up TOTP before anything else
    _watch(page)
    page.clock.install()
    _login(page, admin)
    page.goto("/konto/zwei-faktor")
    assert page.locator("[data-totp-secret]").count() == 1
    assert _errors(page) == []
    page.clock.fast_forward("28:05")
    page.locator("#session-warning").wait_for(state="visible")
    assert _errors(page) == []


@pytest.mark.parametrize("role", ["advisor", "supervisor", "coordinator", "admin"])
def test_every_navigation_page_runs_without_script_errors(page, persona, role):
    user = persona(role, "SW" if role in ("advisor", "supervisor") else None)
    _watch(page)
    _login(page, user)
    links = page.eval_on_selector_all(
        "header nav a.nav-link", "els => els.map(e => e.getAttribute('href'))"
    )
    assert len(links) >= 4
    for href in links:
        response = page.goto(href)
        page.wait_for_load_state("load")
        assert _errors(page, response.status) == [], href
