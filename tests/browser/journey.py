"""Steps shared by the browser journeys: each one types into the application's own forms,
so a test builds its data the way a person does (no rows written by the test)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from playwright.sync_api import expect

from tests.personas import TEST_PASSWORD


def submit(page: Any, selector: str) -> None:
    """Click what sends a form or follows a link and wait for the next page."""
    with page.expect_navigation():
        page.click(selector)


def login(page: Any, who: Any) -> None:
    page.goto("/anmelden")
    page.fill("#email", who.email)
    page.fill("#password", TEST_PASSWORD)
    submit(page, "main button[type=submit]")


def logout(page: Any) -> None:
    submit(page, "header button:has-text('Abmelden')")


def german(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def create_firm(
    page: Any, name: str, postcode: str, district_key: str | None = None, **staff: str
) -> str:
    """The firm form: name, postcode (the district follows it, or is chosen), staff counts
    (``staff_over_30h="22"`` …; 12 full-time staff unless given). Returns the firm's URL."""
    page.goto("/unternehmen/neu")
    page.fill("#name", name)
    page.fill("#postcode", postcode)
    page.locator("#postcode").press("Tab")
    if district_key:
        page.select_option("#district_key", district_key)
    else:
        # The district follows the postcode (firm-form.js asks the server); as a person
        # does, wait until it shows before saving. Saved earlier, the form came back
        # asking for the district (a run under load, 2026-12-07).
        expect(page.locator("#district_key")).not_to_have_value("")
    for field, value in {"staff_over_30h": "12", **staff}.items():
        page.fill(f"#{field}", value)
    submit(page, "main button[type=submit]:has-text('Speichern')")
    page.wait_for_url(re.compile(r"/unternehmen/\d+$"))
    return str(page.url)


def open_case(page: Any, firm_name: str, title: str) -> str:
    """A firm case through "Neuer Fall": search the firm, pick it, title and a topic."""
    page.goto("/faelle/neu")
    page.fill("#q", firm_name.split()[0])
    submit(page, "main button:has-text('Suchen')")
    submit(page, f"main a:has-text('{firm_name}')")
    page.fill("#title", title)
    page.check("input[name=topics] >> nth=0")
    submit(page, "main button:has-text('Fall anlegen')")
    page.wait_for_url(re.compile(r"/faelle/\d+$"))
    return str(page.url)


def send_referral(page: Any, case_url: str, partner: str, purpose: str) -> str:
    """A referral from the case page with a legal basis; returns the referral's URL."""
    page.goto(case_url)
    submit(page, "[data-case-actions] a:has-text('Weiterleiten')")
    page.select_option("#partner_id", label=partner)
    page.fill("#purpose", purpose)
    page.check("input[name=data_categories][value=firm]")
    page.fill("#legal_basis", "Art. 6 Abs. 1 lit. e DSGVO – öffentliche Aufgabe")
    submit(page, "button[name=action][value=send]")
    page.wait_for_url(re.compile(r"/weiterleitungen/\d+$"))
    return str(page.url)
