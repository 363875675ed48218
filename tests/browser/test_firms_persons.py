"""Browser: an advisor creates a firm with the keyboard (duplicate warning, confirm),
adds a contact, creates an employee from the firm page; axe on every firms/persons page."""

import re

from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations, path_is, tab_until
from tests.browser.journey import create_firm, submit
from tests.personas import TEST_PASSWORD


def _login(page, persona):
    page.goto("/anmelden")
    tab_until(page, "#email")
    page.keyboard.type(persona.email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(path_is("/"))


def _save_meanwhile(page, edit_url, field, value):
    """Somebody else (the same advisor in a second tab) saves the object meanwhile."""
    other = page.context.new_page()
    other.goto(edit_url)
    other.fill(field, value)
    submit(other, "button[type=submit]:has-text('Speichern')")
    other.close()


def test_advisor_creates_firm_contact_and_employee_keyboard_only(page, persona):
    advisor = persona("advisor", "SW")
    _login(page, advisor)
    create_firm(page, "Köhler Präzisionsteile", "98527")  # the one the warning names

    page.goto("/unternehmen")
    assert_no_axe_violations(page, "firms-index")
    tab_until(page, "a:has-text('Unternehmen anlegen')")
    page.keyboard.press("Enter")
    page.wait_for_url(path_is("/unternehmen/neu"))

    # Submit empty: errors are summarised and focused.
    tab_until(page, "button[type=submit]:has-text('Speichern')")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-error-summary]")
    assert "Bitte geben Sie den Namen des Unternehmens ein." in page.locator("main").inner_text()
    assert_no_axe_violations(page, "firm-form-errors")

    tab_until(page, "#name")
    page.keyboard.type("Köhler Präzisionsteile GmbH")
    tab_until(page, "#postcode")
    page.keyboard.type("98527")
    page.keyboard.press("Tab")
    expect(page.locator("#district_key")).to_have_value("16054")
    expect(page.locator("[data-district-announce]")).to_contain_text("Suhl")
    tab_until(page, "#staff_over_30h")
    page.keyboard.type("12")
    tab_until(page, "button[type=submit]:has-text('Speichern')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#duplicates")
    warning = page.locator("#duplicates").inner_text()
    assert "vielleicht schon erfasst" in warning
    assert "Köhler Präzisionsteile" in warning
    assert_no_axe_violations(page, "firm-form-duplicates")
    tab_until(page, "#confirm_new")
    page.keyboard.press("Space")
    tab_until(page, "button[type=submit]:has-text('Speichern')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/unternehmen/\d+$"))
    firm_path = page.url.split(page.url.split("/unternehmen/")[0])[1]
    main = page.locator("main").inner_text()
    assert "Das Unternehmen wurde angelegt." in main
    assert "Kleines Unternehmen" in main
    assert_no_axe_violations(page, "firm-detail")

    tab_until(page, "a:has-text('Ansprechperson hinzufügen')")
    page.keyboard.press("Enter")
    page.wait_for_url(path_is(f"{firm_path}/kontakte/neu"))
    assert_no_axe_violations(page, "contact-form")
    tab_until(page, "#name")
    page.keyboard.type("Jörg Köhler")
    page.keyboard.press("Tab")
    page.keyboard.type("Geschäftsführung")
    page.keyboard.press("Enter")
    page.wait_for_url(path_is(firm_path))
    assert "Jörg Köhler" in page.locator("main").inner_text()

    tab_until(page, "a:has-text('Entfernen')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/loeschen$"))
    assert_no_axe_violations(page, "contact-delete")
    tab_until(page, "main a:has-text('Abbrechen')")
    page.keyboard.press("Enter")
    page.wait_for_url(path_is(firm_path))

    tab_until(page, "a:has-text('Beschäftigte Person anlegen')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/personen/neu"))
    firm_id = firm_path.rsplit("/", 1)[1]
    assert page.locator("#employer_id").input_value() == firm_id
    assert_no_axe_violations(page, "person-form")
    tab_until(page, "#first_name")
    page.keyboard.type("Anna")
    page.keyboard.press("Tab")
    page.keyboard.type("Müller")
    tab_until(page, "button[type=submit]:has-text('Speichern')")
    page.keyboard.press("Enter")
    page.wait_for_url(path_is(firm_path))
    assert "Anna Müller" in page.locator("main").inner_text()

    page.goto("/personen")
    page.fill("#q", "MUELLER")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Müller, Anna" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "persons-index")
    tab_until(page, "main a:has-text('Müller, Anna')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/personen/\d+$"))
    assert_no_axe_violations(page, "person-detail")
    assert page.console_errors == []


def test_conflict_pages_show_both_values(page, persona):
    advisor = persona("advisor", "SW")
    _login(page, advisor)
    firm_id = int(create_firm(page, "Alpha Metall GmbH", "98527").rsplit("/", 1)[1])

    page.goto(f"/unternehmen/{firm_id}/bearbeiten")
    page.select_option("#district_key", "16054")
    page.fill("#city", "Oberhof")
    _save_meanwhile(page, f"/unternehmen/{firm_id}/bearbeiten", "#city", "Zella-Mehlis")
    # The conflict page comes at the same address: wait for it before reading <main>.
    submit(page, "button[type=submit]:has-text('Speichern')")
    main = page.locator("main").inner_text()
    assert "Änderungskonflikt" in main
    assert "Oberhof" in main
    assert "Zella-Mehlis" in main
    assert_no_axe_violations(page, "firm-conflict")

    page.goto(f"/personen/neu?arbeitgeber={firm_id}")
    page.fill("#first_name", "Bernd")
    page.fill("#last_name", "Schulz")
    page.click("button[type=submit]:has-text('Speichern')")
    page.wait_for_url(re.compile(r"/personen/\d+$"))
    person_id = int(page.url.rsplit("/", 1)[1])
    page.goto(f"/personen/{person_id}/bearbeiten")
    page.fill("#phone", "0361 999")
    _save_meanwhile(page, f"/personen/{person_id}/bearbeiten", "#phone", "0361 111")
    submit(page, "button[type=submit]:has-text('Speichern')")
    main = page.locator("main").inner_text()
    assert "Änderungskonflikt" in main
    assert "0361 999" in main
    assert "0361 111" in main
    assert_no_axe_violations(page, "person-conflict")
