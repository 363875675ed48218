"""Issue #16 in Chromium, every value typed into the forms (no rows made by the test): an
advisor creates a firm in Suhl, a case with three employees, types two courses into the
qualification plan (German money ``14.640,00`` and dates ``TT.MM.JJJJ``), moves a course's
dates (the plan re-checks the deadlines) and downloads the firm's Förderempfehlung as
tagged PDF."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from tests.browser.a11y import assert_no_axe_violations, path_is
from tests.browser.journey import create_firm as _create_firm
from tests.browser.journey import german as _german
from tests.browser.journey import login as _login
from tests.browser.journey import open_case as _open_case
from tests.browser.journey import submit as _submit
from tests.plans.pdfcheck import assert_accessible, read_pdf


def _course(page, title, provider, hours, fees, start, end, names):
    page.fill("#title", title)
    page.fill("#provider", provider)
    page.fill("#hours", hours)
    page.select_option("#hours_unit", "teaching_units_45")
    page.fill("#fees", fees)
    page.locator("#start_date").fill("")
    page.locator("#start_date").press_sequentially(_german(start))
    page.locator("#end_date").fill("")
    page.locator("#end_date").press_sequentially(_german(end))
    page.select_option("#azav", "yes")
    for box in page.locator("input[name=persons]").all():
        box.uncheck()
    for name in names:
        page.check(f"label:has-text('{name}')")
    _submit(page, "main button:has-text('Lehrgang speichern')")


def test_advisor_types_the_plan_and_downloads_the_letter(page, persona):
    advisor = persona("advisor", "SW", display_name="Sabine Wolf")
    _login(page, advisor)
    _create_firm(page, "Suhler Zerspanung GmbH", "98527")
    case_url = _open_case(page, "Suhler Zerspanung GmbH", "Qualifizierungsplan 2027")
    case_path = "/" + case_url.split("/", 3)[3]
    # The three employees are created and join the case in one step on the case page.
    page.click("[data-case-actions] a:has-text('Beschäftigte hinzufügen')")
    for n, (first, last) in enumerate(
        (("Jana", "Kühn"), ("Thomas", "Reinhardt"), ("Ole", "Berg")), start=1
    ):
        page.fill(f"#first_name_{n}", first)
        page.fill(f"#last_name_{n}", last)
    _submit(page, "button:has-text('Anlegen und hinzufügen')")
    page.wait_for_url(path_is(case_path))

    _submit(page, "main a[data-plan-link]")
    plan_path = f"{case_path}/qualifizierungsplan"
    page.wait_for_url(path_is(plan_path))
    assert_no_axe_violations(page, "qualifizierungsplan-leer")
    _submit(page, "main a:has-text('Lehrgang hinzufügen')")

    # Bad input first: a typo in the amount and an end before the start.
    start = date.today() + timedelta(days=70)
    end = start + timedelta(days=119)
    _course(page, "CNC-Fachkraft", "Bildungswerk Suhl", "320", "14.640,0x", end, start, [])
    summary = page.locator("[data-error-summary]").inner_text()
    assert "Lehrgangskosten" in summary
    assert "Teilnehmende Beschäftigte" in summary
    assert_no_axe_violations(page, "qualifizierungsplan-lehrgang-fehler")

    _course(
        page,
        "CNC-Fachkraft",
        "Bildungswerk Suhl",
        "320",
        "14.640,00",
        start,
        end,
        ["Jana Kühn", "Thomas Reinhardt"],
    )
    page.wait_for_url(path_is(plan_path))
    _submit(page, "main a:has-text('Lehrgang hinzufügen')")
    sps_start = start + timedelta(days=28)
    _course(
        page,
        "SPS-Programmierung",
        "TÜV Thüringen",
        "80",
        "2.400,00",
        sps_start,
        sps_start + timedelta(days=25),
        ["Ole Berg", "Jana Kühn"],
    )
    page.wait_for_url(path_is(plan_path))
    table = page.locator("[data-plan-table]").inner_text()
    assert table.count("CNC-Fachkraft") == 2
    assert table.count("SPS-Programmierung") == 2
    assert f"{_german(start)} – {_german(end)}" in table
    assert_no_axe_violations(page, "qualifizierungsplan")

    # Moving the CNC course re-checks the deadlines and the timeline records who changed it.
    _submit(page, "main a:has-text('Lehrgang bearbeiten') >> nth=0")
    later = start + timedelta(days=7)
    _course(
        page,
        "CNC-Fachkraft",
        "Bildungswerk Suhl",
        "320",
        "14.640,00",
        later,
        end,
        ["Jana Kühn", "Thomas Reinhardt"],
    )
    page.wait_for_url(path_is(plan_path))
    assert "Frist neu:" in page.locator("main").inner_text()
    assert f"{_german(later)} – {_german(end)}" in page.locator("[data-plan-table]").inner_text()
    total = page.locator("[data-plan-total]").inner_text().strip()
    assert re.fullmatch(r"[\d.]+,\d\d\s€", total.replace("\xa0", " ")), total

    with page.expect_download() as download:
        page.click("main a[data-plan-pdf]")
    pdf = Path(download.value.path()).read_bytes()
    info = read_pdf(pdf)
    assert_accessible(info)
    text = re.sub(r"\s+", " ", info["text"].replace("\xa0", " "))
    for expected in ("Suhler Zerspanung GmbH", "Jana Kühn", "Ole Berg", "CNC-Fachkraft"):
        assert expected in text
    assert total.replace("\xa0", " ") in text
    assert "Sabine Wolf" in text
    assert download.value.suggested_filename.startswith("foerderempfehlung-")

    page.goto(case_url)
    timeline = page.locator("#verlauf").inner_text()
    assert "Qualifizierungsplan: Lehrgang „CNC-Fachkraft“ geändert" in timeline
    assert f"→ {_german(later)}–{_german(end)}" in timeline
    assert page.console_errors == []
