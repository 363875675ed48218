"""Dashboard numbers against the fixture, drill-down lists, region scoping, bad filters."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.helpers import html_page
from tests.reports.conftest import CASES, CHECKS, REFERRALS, expected_overdue

LINK = re.compile(r'<a href="([^"]+)" data-count="(\d+)">')


def links(body: str, table: str) -> list[tuple[dict[str, str], int, str]]:
    section = body.split(f'data-table="{table}"', 1)[1].split("</table>", 1)[0]
    out = []
    for href, value in LINK.findall(section):
        href = html.unescape(href)
        out.append((dict(parse_qsl(urlsplit(href).query)), int(value), href))
    return out


def value(body: str, table: str, **params) -> int:
    wanted = {k: str(v) for k, v in params.items()}
    found = [
        v
        for p, v, _ in links(body, table)
        if all(p.get(k) == x for k, x in wanted.items())
        and set(p)
        - {
            "opened_from",
            "opened_to",
            "closed_from",
            "closed_to",
            "referred_from",
            "referred_to",
            "checked_from",
            "checked_to",
            "transferred_from",
            "transferred_to",
        }
        == set(wanted)
    ]
    assert len(found) == 1, (table, params, found)
    return found[0]


def list_count(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200
    match = re.search(r"<caption>(\d+) Fälle", response.get_data(as_text=True))
    return int(match.group(1)) if match else 0


def sw(spec):
    return spec["region"] == "SW"


def age_bucket(age):
    return "0-30" if age <= 30 else "31-90" if age <= 90 else "91-180" if age <= 180 else "181+"


@pytest.fixture
def sup(client, auth, dataset):
    auth.login(dataset.users["sup"])
    return dataset


def test_dashboard_supervisor_caseload_matches_fixture(client, sup):
    body = client.get("/uebersicht").get_data(as_text=True)
    for adv in ("a1", "a2", None):
        mine = [c for c in CASES if sw(c) and c["status"] != "closed" and c["adv"] == adv]
        who = {"advisor": sup.users[adv].id} if adv else {"assigned": "none"}
        assert value(body, "fallbestand", status="open", **who) == len(mine)
        for bucket in ("0-30", "31-90", "91-180", "181+"):
            expected = sum(1 for c in mine if age_bucket(c["age"]) == bucket)
            assert value(body, "fallbestand", status="open", age=bucket, **who) == expected
        expected = sum(1 for c in mine if c["contact"] is None or c["contact"] > 30)
        assert value(body, "fallbestand", status="open", no_contact_days=30, **who) == expected


def test_dashboard_supervisor_overdue_outcomes_channels_match_fixture(client, sup):
    body = client.get("/uebersicht").get_data(as_text=True)
    sw_cases = {c["key"]: c for c in CASES if sw(c)}
    for adv in ("a1", "a2"):
        follow, referred = expected_overdue("SW", adv)
        uid = sup.users[adv].id
        assert value(body, "ueberfaellig", overdue="follow_ups", overdue_by=uid) == len(follow)
        expected = referred
        assert value(body, "ueberfaellig", overdue="referrals", advisor=uid) == len(expected)
    for outcome in ("advice_completed", "no_need", "other"):
        expected = sum(
            1 for c in sw_cases.values() if c.get("outcome") == outcome and c["closed"] <= 90
        )
        assert value(body, "ergebnisse", status="closed", outcome=outcome) == expected
    for channel in ("phone", "email", "public_form", "partner", "visit"):
        expected = sum(1 for c in sw_cases.values() if c["channel"] == channel and c["age"] <= 90)
        assert value(body, "zugangswege", channel=channel) == expected
    weekly = links(body, "neue-faelle")
    assert sum(v for _, v, _ in weekly) == sum(1 for c in sw_cases.values() if c["age"] <= 90)


def test_dashboard_supervisor_referrals_and_programmes_match_fixture(client, sup):
    body = client.get("/uebersicht").get_data(as_text=True)
    sw_cases = {c["key"] for c in CASES if sw(c)}
    in_period = [
        r for r in REFERRALS if r["case"] in sw_cases and r["sent"] is not None and r["sent"] <= 90
    ]
    for code in ("aa_suedwest", "tlvwa_esf", "wba_ot"):
        mine = [r for r in in_period if r["partner"] == code]
        pid = sup.partners[code]
        stages = {
            "sent": mine,
            "accepted": [r for r in mine if r.get("accepted")],
            "completed": [r for r in mine if r["state"] == "completed"],
            "approved": [
                r for r in mine if r["state"] == "completed" and r.get("outcome") == "approved"
            ],
        }
        for stage, rows in stages.items():
            assert value(body, "weiterleitungen", partner=pid, stage=stage) == len(
                {r["case"] for r in rows}
            )
    # median answer times: aa_suedwest (2, 4) → 3,0; tlvwa_esf (10, 1) → 5,5
    section = body.split('data-table="weiterleitungen"', 1)[1].split("</table>", 1)[0]
    assert ">3,0<" in section
    assert ">5,5<" in section
    for code in ("sgb3_82", "esf_weiterbildungsscheck", "afbg"):
        checks = {
            c["case"]
            for c in CHECKS
            if c["case"] in sw_cases and c["created"] <= 90 and code in c["codes"]
        }
        assert value(body, "programme", eligible=code) == len(checks)
        refs = [r for r in in_period if r["programme"] == code]
        assert value(body, "programme", programme=code) == len({r["case"] for r in refs})
        approved = [r for r in refs if r["state"] == "completed" and r.get("outcome") == "approved"]
        assert value(body, "programme", programme=code, stage="approved") == len(
            {r["case"] for r in approved}
        )
    assert "1.500,00\xa0€" in body
    assert "500,00\xa0€" in body
    assert "999,99" not in body


def test_dashboard_every_link_lists_exactly_that_many_cases(client, sup):
    body = client.get("/uebersicht").get_data(as_text=True)
    html_page(client.get("/uebersicht"))
    checked = 0
    for table in (
        "fallbestand",
        "ueberfaellig",
        "neue-faelle",
        "ergebnisse",
        "weiterleitungen",
        "programme",
        "zugangswege",
    ):
        for _params, count, href in links(body, table):
            assert list_count(client, href) == count, (table, href)
            checked += 1
    assert checked > 40


def test_dashboard_coordinator_sees_all_regions_and_links_agree(client, auth, dataset):
    auth.login(dataset.users["coord"])
    response = client.get("/uebersicht")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for name in ("Nordthüringen", "Mittelthüringen", "Ostthüringen", "Südwestthüringen"):
        assert name in body
    # All regions: one row per region, no advisor names; advisors once a region is chosen.
    assert "Otto Ostberater" not in body
    assert "Anna Beraterin" not in body
    assert "alle (für einzelne erst eine Region wählen)" in body
    ot, sw_id = dataset.regions["OT"], dataset.regions["SW"]
    assert value(body, "regionen-weiterleitungen", region=sw_id, xref_to=ot) == 1
    assert value(body, "regionen-uebergaben", transfer_from=ot, transfer_to=sw_id) == 1
    assert value(body, "zugangswege", channel="event", region=ot) == 1
    for table in (
        "fallbestand",
        "ueberfaellig",
        "ergebnisse",
        "regionen-weiterleitungen",
        "regionen-uebergaben",
        "zugangswege",
        "weiterleitungen",
        "programme",
    ):
        for _params, count, href in links(body, table):
            if count or "region=" in href:
                assert list_count(client, href) == count, (table, href)
    # Filter by one region: only that region's advisors remain, in the table and the filter.
    body = client.get(f"/uebersicht?region={ot}").get_data(as_text=True)
    advisors = {p.get("advisor") for p, _, _ in links(body, "fallbestand")}
    assert advisors == {str(dataset.users["ot"].id)}
    options = re.findall(
        r'<option value="(\d+)"', body.split('name="berater"', 1)[1].split("</select>")[0]
    )
    assert str(dataset.users["ot"].id) in options
    assert str(dataset.users["a1"].id) not in options
    body = client.get(f"/uebersicht?region={ot}&berater={dataset.users['ot'].id}").get_data(
        as_text=True
    )
    assert value(
        body, "fallbestand", status="open", region=ot, advisor=dataset.users["ot"].id
    ) == sum(
        1 for c in CASES if c["region"] == "OT" and c["adv"] == "ot" and c["status"] != "closed"
    )


def test_dashboard_supervisor_never_sees_other_region(client, auth, dataset):
    auth.login(dataset.users["sup_ot"])
    sw_id = dataset.regions["SW"]
    body = client.get(f"/uebersicht?region={sw_id}&berater={dataset.users['a1'].id}").get_data(
        as_text=True
    )
    assert "Anna Beraterin" not in body
    assert "HYPERLINK" not in body
    assert "Otto Ostberater" in body
    # c2 is readable by OT through a referral, but never in a drill-down list.
    a1 = dataset.users["a1"].id
    assert list_count(client, f"/faelle?status=open&advisor={a1}") == 0
    assert list_count(client, f"/faelle?region={sw_id}&channel=email") == 0
    assert list_count(client, "/faelle?status=open&age=31-90") == 0
    csv_body = client.get(f"/uebersicht/export/fallbestand.csv?region={sw_id}").get_data(
        as_text=True
    )
    assert "Anna Beraterin" not in csv_body
    assert "Otto Ostberater" in csv_body
    assert client.get("/uebersicht/export/regionen-uebergaben.csv").status_code == 404


def test_dashboard_advisor_and_admin_refused(client, auth, dataset, make_user):
    auth.login(dataset.users["a1"])
    assert client.get("/uebersicht").status_code == 403
    auth.logout()
    auth.login(make_user("admin"))
    assert client.get("/uebersicht").status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("von=2026-13-01", "Bitte geben Sie ein gültiges Datum ein"),
        ("von=gestern", "Bitte geben Sie ein gültiges Datum ein"),
        ("von=2026-05-01&bis=2026-04-01", "nicht vor dem Startdatum"),
        ("von=2020-01-01&bis=2026-01-01", "höchstens zwei Jahren"),
        ("berater=999999", "Bitte wählen Sie einen Eintrag aus der Liste."),
        ("programm=nope", "Bitte wählen Sie einen Eintrag aus der Liste."),
    ],
)
def test_dashboard_bad_filter_shows_german_message(client, sup, query, message):
    response = client.get(f"/uebersicht?{query}")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_dashboard_coordinator_unknown_region_shows_message(client, auth, dataset):
    auth.login(dataset.users["coord"])
    response = client.get("/uebersicht?region=99999")
    assert response.status_code == 200
    assert "Bitte wählen Sie einen Eintrag aus der Liste." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "advisor=abc",
        "advisor=-1",
        "advisor=99999999999",
        "opened_from=2026-02-30",
        "opened_from=x&opened_to=y",
        "opened_from=2026-05-01&opened_to=2026-01-01",
        "age=1000",
        "outcome=%3Cscript%3E",
        "channel=fax",
        "no_contact_days=0",
        "no_contact_days=99999",
        "overdue=everything",
        "region=abc",
        "stage=lost",
        "programme=nope",
        "eligible=%25",
        "partner=0",
        "closed_from=2026-01-01T00:00",
    ],
)
def test_case_list_bad_drill_down_parameter_is_ignored(client, sup, query):
    response = client.get(f"/faelle?{query}")
    assert response.status_code == 200


def test_case_list_drill_down_keeps_existing_filters(client, sup):
    a1 = sup.users["a1"].id
    total = list_count(client, f"/faelle?advisor={a1}")
    assert total == sum(1 for c in CASES if sw(c) and c["adv"] == "a1")
    assert list_count(client, f"/faelle?advisor={a1}&status=closed") == 2
    # The search form of a drill-down list keeps the drill-down (the term goes by POST, WEB-05).
    searched = client.post(f"/faelle?advisor={a1}", data={"q": "T-0000"})
    assert searched.status_code == 303
    assert f"advisor={a1}" in searched.headers["Location"]
    assert list_count(client, searched.headers["Location"]) == 1


def test_dashboard_period_filter_changes_counts(client, sup):
    today = sup.today
    start = (today - timedelta(days=25)).isoformat()
    body = client.get(f"/uebersicht?von={start}&bis={today.isoformat()}").get_data(as_text=True)
    expected = sum(1 for c in CASES if sw(c) and c["age"] <= 24)
    assert sum(v for _, v, _ in links(body, "neue-faelle")) == expected


def test_export_takes_the_advisor_filter_only_for_the_regions_staff(client, auth, dataset):
    """An export checks the chosen advisor against the region's staff without reading the
    whole staff (issue #22): the region's own advisor narrows the case load to their row,
    an advisor of another region is not taken, as on the page."""
    auth.login(dataset.users["coord"])
    sw, otto, anna = dataset.regions["SW"], dataset.users["ot"].id, dataset.users["a1"].id

    def rows(query: str) -> list[str]:
        response = client.get(f"/uebersicht/export/fallbestand.csv?{query}")
        assert response.status_code == 200
        return response.get_data(as_text=True).lstrip("\ufeff").splitlines()[1:]

    whole = rows(f"region={sw}")
    annas = [row for row in whole if ";Anna Beraterin;" in row]
    assert len(annas) == 1
    assert len(whole) > 1
    assert rows(f"region={sw}&berater={anna}") == annas
    assert rows(f"region={sw}&berater={otto}") == whole
    assert rows(f"region={sw}&berater=999999") == whole
