"""Browser (issue #15): an SME goes from the start page through the quick check to a
prefilled request, follows the status link, and sees the referral after the advisor –
also in the browser – takes the case and sends one. axe on every new page; no page the
requester sees carries a field name or parameter key."""

import re

import pytest
import sqlalchemy as sa

from tests.browser.a11y import assert_no_axe_violations, path_is
from tests.personas import TEST_PASSWORD

TOKEN = re.compile(r"\b(?:firm|person|course|thuerbfg)\.[a-z_]+|\w+@\d{4}-\d{2}-\d{2}")


@pytest.fixture
def intake_settings(live_app, tmp_path):
    saved = {k: live_app.config[k] for k in ("INTAKE_MIN_SECONDS", "UPLOAD_DIR")}
    live_app.config["INTAKE_MIN_SECONDS"] = 0  # the test types faster than the time trap
    live_app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield
    live_app.config.update(saved)


def _no_tokens(page):
    html = page.content()
    assert not TOKEN.search(html), TOKEN.search(html).group(0)


def _outbox(live_app, **where):
    from wbagentur.extensions import db
    from wbagentur.mail.models import OutboxMessage

    with live_app.app_context():
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        for key, value in where.items():
            query = query.where(getattr(OutboxMessage, key) == value)
        return [(m.kind, m.subject, m.body) for m in db.session.scalars(query)]


def test_sme_from_start_page_to_referral_on_the_status_page(
    page, persona, live_app, intake_settings
):
    from wbagentur.partners.commands import seed_partners

    with live_app.app_context():
        seed_partners()  # the browser fixture empties non-reference tables between tests
    advisor = persona("advisor", "MT", display_name="Anna Beraterin")

    # Start page: what the agency does, contact points, the two ways in, a small login link.
    page.goto("/")
    main = page.locator("main").inner_text()
    assert "Beratung aus einer Hand" in main
    assert "Weiterbildungsagentur Mittelthüringen" in main
    assert "0361 5626-0" in main
    assert page.locator("main a[href='/anmelden']").count() == 1
    assert_no_axe_violations(page, "public-start")
    _no_tokens(page)
    page.click("main a:has-text('Förderkompass: Schnellcheck')")
    page.wait_for_url(path_is("/foerderkompass/kurzcheck"))
    assert_no_axe_violations(page, "quick-check-form")

    # A wrong answer first: the form says what is wrong and keeps the rest.
    page.fill("#age", "fünfzig")
    page.select_option("#employed", label="Ja, die Person ist angestellt")
    page.select_option("#size_band", label="10 bis 49 Beschäftigte")
    page.fill("#hours", "400")
    page.fill("#costs", "6.000")
    page.select_option("#district", label="Sömmerda")
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-error-summary]")
    assert "ganze Zahl zwischen 15 und 80" in page.locator("main").inner_text()
    assert page.locator("#costs").input_value() == "6.000"
    assert_no_axe_violations(page, "quick-check-errors")
    page.fill("#age", "50")
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-headline]")

    headline = page.locator("[data-headline]").inner_text().replace("\xa0", " ")
    assert headline == (
        "Wahrscheinlich förderfähig: Förderung der Agentur für Arbeit für Beschäftigte"
        " – bis zu 6.000,00 €"
    )
    assert "Warum?" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "quick-check-result")
    _no_tokens(page)

    # "Beratung anfragen" carries the answers into the request form.
    page.click("[data-request-advice]")
    page.wait_for_url(path_is("/beratung-anfragen"))
    assert page.locator("[data-prefilled]").is_visible()
    assert page.locator("#headcount_band").input_value() == "10_49"
    assert page.locator("#district_id option:checked").inner_text() == "Sömmerda"
    assert "Alter 50 Jahre" in page.locator("#message").input_value()
    assert page.locator("input[name=topics][value=funding]").is_checked()
    assert_no_axe_violations(page, "intake-form-prefilled")
    page.fill("#firm_name", "Sömmerdaer Landtechnik GmbH")
    page.fill("#contact_name", "Tom Lehmann")
    page.fill("#email", "tom.lehmann@landtechnik-soemmerda.example")
    page.fill("#phone", "03634 56789")
    page.check("#consent")
    page.check("#status_mails")
    page.click("main button:has-text('Anfrage absenden')")
    page.wait_for_url(path_is("/beratung-anfragen/danke"))
    reference = page.locator("[data-reference]").inner_text()

    confirmation = _outbox(live_app, kind="intake_confirmation")
    assert len(confirmation) == 1
    status_path = re.search(r"(/anfrage/[A-Za-z0-9_\-]+)", confirmation[0][2]).group(1)
    page.goto(status_path)
    assert page.locator("[data-reference]").inner_text() == reference
    assert page.locator("[data-step=received]").get_attribute("data-done") == "ja"
    assert page.locator("[data-step=assigned]").get_attribute("data-done") == "nein"
    assert (
        "mittelthueringen@weiterbildungsagentur-thueringen.example"
        in page.locator("main").inner_text()
    )
    assert_no_axe_violations(page, "status-timeline-new")

    # The advisor takes the case and sends a referral, in their own browser.
    staff = page.context.browser.new_context(base_url=page.url.split("/anfrage")[0])
    desk = staff.new_page()
    desk.goto("/anmelden")
    desk.fill("#email", advisor.email)
    desk.fill("#password", TEST_PASSWORD)
    desk.click("main button[type=submit]")
    desk.wait_for_url(path_is("/"))
    desk.goto("/faelle/posteingang")
    desk.click(f"a:has-text('{reference}')")
    desk.wait_for_url(re.compile(r"/faelle/\d+$"))
    case_path = urlpath(desk.url)
    desk.click("button:has-text('Mir zuweisen')")
    desk.wait_for_selector("[data-assignee]:has-text('Anna Beraterin')")
    desk.goto(f"{case_path}/weiterleiten?bedarf=sgb3_82")
    desk.fill("#purpose", "Beschäftigtenqualifizierung nach § 82 SGB III prüfen")
    desk.check("input[name=data_categories][value=firm]")
    desk.fill("#legal_basis", "Art. 6 Abs. 1 lit. e DSGVO – öffentliche Aufgabe")
    desk.click("button[value=send]")
    desk.wait_for_url(re.compile(r"/weiterleitungen/\d+$"))
    staff.close()

    # The requester reloads the status page: advisor, in advice, referred to (partner kind).
    page.goto(status_path)
    timeline = re.sub(r"\s+", " ", page.locator("[data-timeline]").inner_text())
    assert "Ihre Ansprechperson: Anna Beraterin" in timeline
    assert "erledigt: In Beratung" in timeline
    assert "Weitergeleitet an: Agentur für Arbeit" in timeline
    assert_no_axe_violations(page, "status-timeline-referred")
    _no_tokens(page)

    # The requester's outbox: the confirmation and a mail for each change.
    mails = _outbox(live_app, recipient="tom.lehmann@landtechnik-soemmerda.example")
    kinds = [kind for kind, _subject, _body in mails]
    assert kinds[0] == "intake_confirmation"
    status_bodies = [body for kind, _subject, body in mails if kind == "intake_status"]
    assert any("Anna Beraterin" in body for body in status_bodies)
    assert any("weitergeleitet an: Agentur für Arbeit" in body for body in status_bodies)
    assert not any(TOKEN.search(body) for _kind, _subject, body in mails)
    assert page.console_errors == []


def urlpath(url):
    from urllib.parse import urlparse

    return urlparse(url).path


@pytest.mark.parametrize(
    ("path", "label", "heading"),
    [
        ("/impressum", "imprint", "Impressum"),
        ("/datenschutz", "privacy-statement", "Datenschutzerklärung"),
        ("/barrierefreiheit", "accessibility-statement", "Erklärung zur Barrierefreiheit"),
    ],
)
def test_legal_pages_are_accessible_and_linked_from_the_footer(page, path, label, heading):
    page.goto("/")
    page.click(f"footer a[href='{path}']")
    page.wait_for_url(path_is(path))
    assert page.locator("h1").inner_text() == heading
    assert_no_axe_violations(page, label)
    _no_tokens(page)


def test_admin_maintains_a_contact_point(page, persona):
    admin = persona("admin")
    page.goto("/anmelden")
    page.fill("#email", admin.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(path_is("/"))
    page.click("a:has-text('Kontaktstellen pflegen')")
    page.wait_for_url(path_is("/verwaltung/kontaktstellen"))
    assert_no_axe_violations(page, "contact-points")
    page.click("a:has-text('Bearbeiten'):has-text('Weiterbildungsagentur Thüringen Ost')")
    page.fill("#postcode", "075")
    page.fill("#phone", "0365 7654-321")
    page.click("main button:has-text('Speichern')")
    page.wait_for_selector("[data-error-summary]")
    assert "fünf Ziffern" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "contact-point-form-errors")
    page.fill("#postcode", "07545")
    page.click("main button:has-text('Speichern')")
    page.wait_for_url(path_is("/verwaltung/kontaktstellen"))
    assert "0365 7654-321" in page.locator("main").inner_text()


def test_too_large_upload_is_refused_at_the_file_field(page, live_app, intake_settings):
    """The browser refuses a file over UPLOAD_MAX_BYTES before sending it; the server
    answers the same in the form when a file gets through (tests/intake/test_public_side.py)."""
    page.goto("/beratung-anfragen")
    page.fill("#firm_name", "Groß Datei GmbH")
    page.fill("#contact_name", "Uwe Groß")
    page.fill("#email", "uwe@gross-datei.example")
    page.select_option("#district_id", label="Sömmerda")
    page.select_option("#headcount_band", label="1 bis 9 Beschäftigte")
    page.check("input[name=topics][value=digital]")
    page.check("#consent")
    page.click("main button:has-text('Anfrage absenden')")
    page.wait_for_url(path_is("/beratung-anfragen/danke"))
    body = _outbox(live_app, kind="intake_confirmation")[0][2]
    page.goto(re.search(r"(/anfrage/[A-Za-z0-9_\-]+)", body).group(1))
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    saved = live_app.config["UPLOAD_MAX_BYTES"]
    live_app.config["UPLOAD_MAX_BYTES"] = 300_000  # a small limit keeps the test quick
    try:
        page.reload()
    finally:
        live_app.config["UPLOAD_MAX_BYTES"] = saved
    assert "höchstens 1 MB" in page.locator("main").inner_text()
    big = b"%PDF-1.4\n" + b"0" * 300_001
    page.set_input_files(
        "#document", files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": big}]
    )
    page.click("button:has-text('Dokument senden')")
    page.wait_for_selector("#document-error")
    assert sent == []  # refused in the browser, nothing uploaded
    assert "Die Datei ist zu groß" in page.locator("#document-error").inner_text()
    assert page.locator("#document").get_attribute("aria-invalid") == "true"
    assert page.locator("#document").evaluate("el => el === document.activeElement")
    assert_no_axe_violations(page, "status-upload-too-large")
    assert "Sie haben uns noch keine Unterlagen geschickt." in page.locator("main").inner_text()
    assert page.console_errors == []
