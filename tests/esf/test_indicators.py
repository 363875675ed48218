"""Every ESF+ indicator on a known data set equals a count computed here, independently of
``esf.rules`` (entries and exits around the 28/29-day boundary), on both databases."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.esf.conftest import new_case
from tests.factories import EsfParticipationFactory

START, END = date(2026, 1, 1), date(2026, 11, 30)

# gender, status, age, isced, entry, exit, days to results, results, optional flags, survey
SPEC = [
    (
        "weiblich",
        "long_term_unemployed",
        17,
        "isced_0_2",
        date(2026, 2, 1),
        date(2026, 3, 1),
        28,
        {"education"},
        {"rural_area"},
        ("answered", True, True),
    ),
    (
        "weiblich",
        "unemployed",
        18,
        "isced_3_4",
        date(2026, 2, 2),
        date(2026, 3, 2),
        29,
        {"employment"},
        set(),
        ("no_response", None, None),
    ),
    (
        "maennlich",
        "inactive",
        29,
        "isced_3_4",
        date(2026, 3, 1),
        date(2026, 4, 1),
        0,
        {"job_searching"},
        {"homeless"},
        ("no_consent", None, None),
    ),
    (
        "maennlich",
        "inactive",
        30,
        "isced_5_8",
        date(2026, 3, 5),
        date(2026, 4, 5),
        27,
        {"job_searching", "qualification"},
        {"third_country_national", "foreign_background"},
        ("answered", False, True),
    ),
    (
        "divers",
        "employed",
        55,
        "isced_5_8",
        date(2026, 4, 1),
        date(2026, 5, 1),
        28,
        {"employment", "qualification"},
        {"disability", "minority"},
        ("answered", True, False),
    ),
    (
        "divers",
        "employed",
        54,
        "isced_0_2",
        date(2026, 5, 1),
        None,
        None,
        set(),
        set(),
        ("not_due", None, None),
    ),
    (
        "weiblich",
        "employed",
        60,
        "isced_5_8",
        date(2026, 6, 1),
        date(2026, 6, 10),
        29,
        {"qualification"},
        {"foreign_background"},
        ("not_due", None, None),
    ),
    (
        "maennlich",
        "unemployed",
        40,
        "isced_3_4",
        date(2025, 12, 1),
        date(2026, 1, 5),
        10,
        {"employment"},
        set(),
        ("answered", True, True),
    ),  # entered before the period
    (
        "weiblich",
        "long_term_unemployed",
        45,
        "isced_0_2",
        date(2026, 10, 1),
        date(2026, 12, 1),
        0,
        {"education"},
        set(),
        ("not_due", None, None),
    ),  # left after the period
    (
        None,
        "unemployed",
        None,
        None,
        date(2026, 7, 1),
        None,
        None,
        set(),
        set(),
        ("not_due", None, None),
    ),  # incomplete
]


@pytest.fixture
def dataset(clean_app, world):
    from wbagentur.extensions import db

    with clean_app.app_context():
        for i, (
            gender,
            status,
            age,
            isced,
            entry,
            exit_,
            days,
            results,
            flags,
            survey,
        ) in enumerate(SPEC):
            case, person = new_case(world, counselled=True, first=f"P{i}")
            state, employed, improved = survey
            EsfParticipationFactory(
                case_id=case.id,
                person_id=person.id,
                entry_date=entry,
                employment_status=status,
                age_at_entry=age,
                isced_level=isced,
                gender=gender,
                exit_date=exit_,
                exit_situation="employed" if exit_ else None,
                results_on=exit_ + timedelta(days=days) if exit_ and days is not None else None,
                result_job_searching="job_searching" in results,
                result_education="education" in results,
                result_qualification="qualification" in results,
                result_employment="employment" in results,
                survey_state=state,
                longterm_employment=employed,
                longterm_improved=improved,
                **{flag: True for flag in flags},
            )
        # the same data in another region must not count for SW
        case, person = new_case(world, region_id=world.no_id, counselled=True, first="Nord")
        EsfParticipationFactory(
            case_id=case.id,
            person_id=person.id,
            entry_date=date(2026, 3, 1),
            employment_status="employed",
            age_at_entry=33,
            isced_level="isced_3_4",
            gender="weiblich",
        )
        db.session.commit()


def _expected():  # noqa: C901 - the indicator definitions written out one by one
    """Counts per indicator and gender from SPEC, written out without esf.rules."""
    exp = {}

    def add(key, gender):
        col = gender or "unknown"
        exp.setdefault(key, {}).setdefault(col, 0)
        exp[key][col] += 1
        exp[key].setdefault("total", 0)
        exp[key]["total"] += 1

    for gender, status, age, isced, entry, exit_, days, results, flags, survey in SPEC:
        if START <= entry <= END:
            add("participants", gender)
            if status in ("unemployed", "long_term_unemployed"):
                add("employment:unemployed", gender)
            if status == "long_term_unemployed":
                add("employment:long_term_unemployed", gender)
            if status == "inactive":
                add("employment:inactive", gender)
            if status == "employed":
                add("employment:employed", gender)
            if age is not None and age < 18:
                add("age:under_18", gender)
            if age is not None and 18 <= age <= 29:
                add("age:18_29", gender)
            if age is not None and age >= 55:
                add("age:55_plus", gender)
            if isced:
                add("isced:" + isced, gender)
            names = {
                "disability": "disability",
                "minority": "minority",
                "homeless": "homeless",
                "rural_area": "rural",
                "third_country_national": "third_country",
                "foreign_background": "foreign_background",
            }
            for flag in flags:
                add(names[flag], gender)
        if exit_ and START <= exit_ <= END:
            add("exits", gender)
            if days is not None and 0 <= days <= 28:
                for r in results:
                    if r == "job_searching" and status != "inactive":
                        continue
                    add("result:" + r, gender)
            state, employed, improved = survey
            if state == "answered":
                if employed:
                    add("longterm:employment", gender)
                if improved:
                    add("longterm:improved", gender)
            if state in ("no_response", "no_consent"):
                add("longterm:" + state, gender)
    return exp


def test_every_indicator_equals_the_independent_count(clean_app, dataset, world):
    from wbagentur.esf import services
    from wbagentur.esf.rules import ENTRY_ROWS, RESULT_ROWS

    with clean_app.app_context():
        counts = services.indicator_counts(world.sw_id, START, END)
    expected = _expected()
    for key, _label in ENTRY_ROWS + RESULT_ROWS:
        got = {k: v for k, v in counts.get(key, {}).items() if v}
        assert got == expected.get(key, {}), key
    # the boundary itself: day 28 counted (education, employment), day 29 not
    assert expected["result:education"]["total"] == 1
    assert expected["result:employment"]["total"] == 2  # day 28 (divers) and day 10 (early exit)


def _page(client):
    """The indicator table, reached through the old address /esf/kennzahlen (it redirects to
    the one ESF+ overview /uebersicht/esf); whitespace between tags removed."""
    response = client.get("/esf/kennzahlen?von=01.01.2026&bis=30.11.2026", follow_redirects=True)
    assert response.request.path == "/uebersicht/esf"
    return re.sub(r">\s+<", "><", response.get_data(as_text=True))


def test_coordinator_sees_all_regions_and_supervisor_only_own(
    client, auth, clean_app, dataset, world, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "ESF_SUPPRESSION_THRESHOLD", 1)
    auth.login(world.supervisor)
    page = _page(client)
    sw_total = _expected()["participants"]["total"]
    assert (
        f">{sw_total}</td></tr>"
        in page.split("Teilnehmende insgesamt")[1].split("</tr>")[0] + "</tr>"
    )
    auth.logout()
    auth.login(world.coordinator)
    page = _page(client)
    row = page.split("Teilnehmende insgesamt")[1].split("</tr>")[0]
    assert f">{sw_total + 1}</td>" in row


def test_cells_below_threshold_are_suppressed(client, auth, dataset, world):
    auth.login(world.supervisor)
    page = _page(client)
    row = page.split("Teilnehmende insgesamt")[1].split("</tr>")[0]
    by_gender = _expected()["participants"]
    assert all(by_gender[g] < 5 for g in ("weiblich", "maennlich", "divers", "unknown"))
    assert row.count("&lt; 5") == 4
    assert f">{by_gender['total']}</td>" in row


@pytest.mark.parametrize(
    "query",
    [
        "von=gestern&bis=30.11.2026",
        "von=31.02.2026&bis=30.11.2026",
        "von=30.11.2026&bis=01.01.2026",
        "von=01.01.2020&bis=30.11.2026",
        "region=abc",
        "von=" + "1" * 500,
    ],
)
def test_period_filter_bad_input_falls_back_to_default(client, auth, dataset, world, query):
    auth.login(world.supervisor)
    page = client.get(f"/esf/kennzahlen?{query}", follow_redirects=True)
    assert page.status_code == 200
    assert "Teilnehmende insgesamt" in page.get_data(as_text=True)
    assert client.get(f"/esf/export/teilnehmende.csv?{query}").status_code == 200


def test_supervisor_region_parameter_is_ignored(client, auth, clean_app, dataset, world):
    from wbagentur.esf import services

    auth.login(world.supervisor)
    text = client.get(
        f"/esf/export/teilnehmende.csv?von=01.01.2026&bis=30.11.2026&region={world.no_id}"
    ).get_data(as_text=True)
    rows = text.lstrip("\ufeff").strip().split("\r\n")[1:]
    assert rows
    assert all(r.split(";")[1] == "SW" for r in rows)
    with clean_app.app_context():
        assert len(rows) == len(services.export_rows(world.sw_id, START, END))
