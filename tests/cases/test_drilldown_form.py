"""The drill-down list shows its filters in the form (issue #14 defect 11): the dashboard's
link to one advisor's cases no longer shows "Zuständigkeit: alle"."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.cases.conftest import create_case, create_firm
from tests.helpers import NS, html_page, text_of
from wbagentur.extensions import db


@pytest.fixture
def drill(clean_app, auth, make_user):
    supervisor = make_user("supervisor", "SW")
    wolf = make_user("advisor", "SW", display_name="Sabine Wolf")
    other = make_user("advisor", "SW", display_name="Otto Ander")
    foreign = make_user("advisor", "OT", display_name="Fremde Beraterin")
    with clean_app.app_context():
        create_case(firm=create_firm("Wolfs Fall GmbH"), assigned_to_id=wolf.id)
        create_case(firm=create_firm("Anders Fall GmbH"), assigned_to_id=other.id)
        db.session.commit()
    auth.login(supervisor)
    return {"wolf": wolf, "other": other, "foreign": foreign}


def _selected(root, name):
    select = root.find(f".//{NS}select[@name='{name}']")
    chosen = [o for o in select.iter(f"{NS}option") if o.get("selected") is not None]
    return [(o.get("value"), o.text) for o in chosen]


def test_advisor_drill_down_shows_the_advisor_in_the_form(client, drill):
    response = client.get(f"/faelle?advisor={drill['wolf'].id}&stage=approved&programme=sgb3_82")
    root = html_page(response)
    assert _selected(root, "assigned") == [("berater", "Sabine Wolf")]
    filters = text_of(root.find(f".//{NS}div[@data-active-filters]"))
    assert "Zuständig: Sabine Wolf" in filters
    assert "Stand der Weiterleitung: bewilligt" in filters
    assert "Programm:" in filters


def test_each_filter_has_a_link_that_removes_only_it(client, drill):
    response = client.get(f"/faelle?advisor={drill['wolf'].id}&opened_from=2026-01-01")
    root = html_page(response)
    items = list(root.iter(f"{NS}li"))
    by_label = {
        text_of(li).split(":")[0]: li.find(f"{NS}a").get("href")
        for li in items
        if li.get("data-active-filter") is not None
    }
    assert set(by_label) == {"Zuständig", "Eröffnet"}
    without_advisor = parse_qs(urlsplit(by_label["Zuständig"]).query)
    assert "advisor" not in without_advisor
    assert without_advisor["opened_from"] == ["2026-01-01"]
    without_period = parse_qs(urlsplit(by_label["Eröffnet"]).query)
    assert without_period["advisor"] == [str(drill["wolf"].id)]
    assert "opened_from" not in without_period
    listed = text_of(html_page(client.get(by_label["Eröffnet"])).find(f".//{NS}main"))
    assert "Wolfs Fall GmbH" in listed
    assert "Anders Fall GmbH" not in listed


def test_choosing_alle_in_the_form_drops_the_advisor_filter(client, drill):
    url = f"/faelle?advisor={drill['wolf'].id}"
    kept = client.post(url, data={"q": "", "assigned": "berater"})
    assert f"advisor={drill['wolf'].id}" in kept.headers["Location"]
    dropped = client.post(url, data={"q": "", "assigned": ""})
    assert dropped.status_code == 303
    assert "advisor=" not in dropped.headers["Location"]
    listed = text_of(html_page(client.get(dropped.headers["Location"])).find(f".//{NS}main"))
    assert "Wolfs Fall GmbH" in listed
    assert "Anders Fall GmbH" in listed


def test_advisor_of_another_region_is_not_named(client, drill):
    root = html_page(client.get(f"/faelle?advisor={drill['foreign'].id}"))
    filters = text_of(root.find(f".//{NS}div[@data-active-filters]"))
    assert "Fremde Beraterin" not in filters
    assert "nicht in Ihrer Region" in filters


def test_list_without_drill_down_has_no_filter_box(client, drill):
    root = html_page(client.get("/faelle"))
    assert root.find(f".//{NS}div[@data-active-filters]") is None
    assert _selected(root, "assigned") in ([], [("", "alle")])
