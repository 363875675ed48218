"""Browser: a requester asks for advice with the keyboard only, sees the reference, then
opens the status link from the confirmation e-mail and sends a PDF."""

import re
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations, path_is, tab_until

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def intake_settings(live_app, tmp_path):
    saved = {k: live_app.config[k] for k in ("INTAKE_MIN_SECONDS", "UPLOAD_DIR")}
    # The time trap wants 3 s between rendering and sending; a test types faster.
    live_app.config["INTAKE_MIN_SECONDS"] = 0
    live_app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield tmp_path / "uploads"
    live_app.config.update(saved)


def focused(page, selector):
    return page.locator(selector).evaluate("el => el === document.activeElement")


def test_requester_submits_form_by_keyboard_and_uploads_document(page, live_app, intake_settings):
    from wbagentur.extensions import db
    from wbagentur.mail.models import OutboxMessage

    page.goto("/beratung-anfragen")
    assert page.locator("html").get_attribute("lang") == "de"
    assert not page.locator("#consent").is_checked()
    assert page.locator(".intake-hp").bounding_box()["x"] < 0  # honeypot off screen
    assert_no_axe_violations(page, "intake-form")

    # Sending the empty form shows the errors, announced and focused.
    tab_until(page, "button[type=submit]:has-text('Anfrage absenden')", max_steps=80)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-error-summary]")
    # app.js moves the focus at DOMContentLoaded, after the summary is in the DOM.
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert page.locator("#firm_name").get_attribute("aria-invalid") == "true"
    assert "Bitte wählen Sie mindestens ein Thema." in page.locator("main").inner_text()
    assert_no_axe_violations(page, "intake-form-errors")

    tab_until(page, "#firm_name")
    page.keyboard.type("Gerber Metallbau GmbH")
    page.keyboard.press("Tab")
    assert focused(page, "#contact_name")
    page.keyboard.type("Jana Gerber")
    page.keyboard.press("Tab")
    page.keyboard.type("jana.gerber@gerber-metallbau.example")
    page.keyboard.press("Tab")
    page.keyboard.type("03691 123456")
    page.keyboard.press("Tab")
    assert focused(page, "#district_id")
    page.keyboard.type("Wartburg")
    assert page.locator("#district_id option:checked").inner_text() == "Wartburgkreis"
    page.keyboard.press("Tab")
    assert focused(page, "#headcount_band")
    page.keyboard.type("10")
    assert page.locator("#headcount_band").input_value() == "10_49"
    page.keyboard.press("Tab")
    assert focused(page, "#topics-0")  # the fieldset itself is not a tab stop
    page.keyboard.press("Space")
    assert page.locator("#topics-0").is_checked()
    tab_until(page, "#message")
    page.keyboard.type("Wir suchen Schulungen zum Schweißen.")
    tab_until(page, "#consent")
    page.keyboard.press("Space")
    assert page.locator("#consent").is_checked()
    page.keyboard.press("Tab")
    assert focused(page, "#status_mails")  # voluntary, left unticked
    page.keyboard.press("Tab")
    assert focused(page, "button[type=submit]:has-text('Anfrage absenden')")
    page.keyboard.press("Enter")

    page.wait_for_url(path_is("/beratung-anfragen/danke"))
    reference = page.locator("[data-reference]").inner_text()
    assert reference == f"WBA-SW-{date.today().year}-00001"
    assert reference not in page.url
    assert_no_axe_violations(page, "intake-thanks")

    with live_app.app_context():
        body = db.session.scalar(sa.select(OutboxMessage.body))
    path = re.search(r"(/anfrage/[A-Za-z0-9_\-]+)", body).group(1)
    page.goto(path)
    assert page.locator("[data-reference]").inner_text() == reference
    assert "eingegangen" in page.locator("[data-status]").inner_text()
    assert_no_axe_violations(page, "intake-status")

    page.set_input_files(
        "#document",
        files=[{"name": "Angebot Schweißkurs.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    tab_until(page, "button[type=submit]:has-text('Dokument senden')")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-document]")
    assert "Angebot Schweißkurs.pdf" in page.locator("[data-document]").inner_text()
    assert "Ihr Dokument ist bei uns angekommen" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "intake-status-uploaded")
    assert len([p for p in intake_settings.iterdir() if not p.name.startswith(".tmp-")]) == 1
    assert page.console_errors == []


def test_invalid_status_link_page_is_accessible(page):
    response = page.goto("/anfrage/ungueltiger-link")
    assert response.status == 404
    assert "ungültig oder abgelaufen" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "intake-status-invalid")


def test_privacy_page_is_accessible(page):
    page.goto("/datenschutz")
    assert "Art. 6 Abs. 1" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "privacy")
