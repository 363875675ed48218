"""Browser: an advisor imports firms from a CSV file (German numbers), sees the dry run with
the duplicate flagged, confirms, and finds the new firms in the firm list."""

import re

import sqlalchemy as sa

from tests.browser.a11y import assert_no_axe_violations, path_is, tab_until
from tests.browser.journey import create_firm
from tests.browser.test_firms_persons import _login


def test_advisor_uploads_firms_sees_dry_run_confirms_and_finds_them(
    page, persona, live_app, tmp_path
):
    advisor = persona("advisor", "SW")
    csv_file = tmp_path / "unternehmen.csv"
    csv_file.write_text(
        "Name;Landkreis;PLZ;Ort;Beschäftigte über 30 Std.;Umsatz (EUR)\n"
        "Werkzeugbau Schleusingen GmbH;Hildburghausen;98553;Schleusingen;14;1.464.000,00\n"
        "Glasmanufaktur Lauscha eG;Sonneberg;98724;Lauscha;7;640.250,50\n"
        "Köhler Präzisionsteile;Suhl;98527;Suhl;12;\n",
        encoding="utf-8",
    )
    _login(page, advisor)
    create_firm(page, "Köhler Präzisionsteile", "98527")  # the import's third row is a duplicate
    page.goto("/unternehmen")
    tab_until(page, "a:has-text('Importieren')")
    page.keyboard.press("Enter")
    page.wait_for_url(path_is("/import"))
    assert_no_axe_violations(page, "import-upload")

    # Without a file: the error is summarised.
    tab_until(page, "button[type=submit]:has-text('Probelauf anzeigen')")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-error-summary]")
    assert "Bitte wählen Sie eine Datei aus." in page.locator("main").inner_text()

    page.select_option("#kind", "firms")
    page.set_input_files("#file", str(csv_file))
    tab_until(page, "button[type=submit]:has-text('Probelauf anzeigen')")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Probelauf des Imports")
    main = page.locator("main").inner_text()
    assert "Noch ist nichts gespeichert." in main
    assert "Angelegt würden: 2" in main
    assert "Dubletten (nicht übernommen): 1" in main
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    assert "Dublette" in rows.nth(2).inner_text()
    assert "ähnlicher Name im selben Kreis" in rows.nth(2).inner_text()
    assert_no_axe_violations(page, "import-dry-run")
    with live_app.app_context():
        from wbagentur.extensions import db
        from wbagentur.firms.models import Firm

        assert db.session.scalar(sa.select(sa.func.count(Firm.id))) == 1  # nothing written yet

    tab_until(page, "button[type=submit]:has-text('Import bestätigen')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/unternehmen(\?.*)?$"))
    main = page.locator("main").inner_text()
    assert "Import abgeschlossen: 2 angelegt, 0 aktualisiert, 1 Dubletten" in main
    assert "Werkzeugbau Schleusingen GmbH" in main
    assert "Glasmanufaktur Lauscha eG" in main
    page.get_by_role("link", name="Werkzeugbau Schleusingen GmbH").click()
    page.wait_for_url(re.compile(r"/unternehmen/\d+$"))
    detail = page.locator("main").inner_text()
    assert "1.464.000,00" in detail
    assert "Hildburghausen" in detail
    # The only console entry is the browser's note of the form's 400 answer (no file).
    assert len(page.console_errors) == 1
    assert "status of 400" in page.console_errors[0]
