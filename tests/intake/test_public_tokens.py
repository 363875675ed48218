"""Issue #15: no public page shows an internal name – a field path such as
``firm.district_key`` or ``person.taxable_income_eur``, or a parameter key such as
``esf_weiterbildungsscheck@2022-06-20/rate``. Every public GET route is fetched (routes
with an argument with real values), and the answers of the public forms with several
inputs, valid and invalid."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from wbagentur.core.access import access_marker
from wbagentur.extensions import db

pytestmark = pytest.mark.usefixtures("fixed_clock")

TOKEN = re.compile(r"\b(?:firm|person|course|thuerbfg)\.[a-z_]+|\w+@\d{4}-\d{2}-\d{2}")
# Not pages for people: machine endpoints and files.
# Not pages a client reads: assets, the health check, JSON, and the two hops of single
# sign-on (redirects to and from the identity provider; 404 while SSO is not configured).
NOT_PAGES = {
    "static",
    "bootstrap.static",
    "main.healthz",
    "funding.api_check",
    "accounts.sso_start",
    "accounts.sso_callback",
}


def _visible(response):
    """The page without its <script>/<style> blocks (what a person can read or hear)."""
    html = response.get_data(as_text=True)
    return re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)


def _assert_clean(url, response):
    found = TOKEN.search(_visible(response))
    assert found is None, f"{url}: {found.group(0)}"


def test_the_scan_finds_a_token_when_one_is_there():
    assert TOKEN.search("Angabe fehlt (firm.district_key).")
    assert TOKEN.search("Parameter esf_weiterbildungsscheck@2022-06-20/rate = 0.5")
    assert TOKEN.search("person.taxable_income_eur")
    assert not TOKEN.search("poststelle@datenschutz.thueringen.de, Person. Die Firma.")


def test_every_public_get_page_is_free_of_internal_names(client, clean_app, make_request):
    from wbagentur.funding.models import FundingProgramme

    _case_id, _rid, token = make_request(district="Sömmerda")
    with clean_app.app_context():
        slugs = [c.replace("_", "-") for c in db.session.scalars(sa.select(FundingProgramme.code))]
    urls = []
    for rule in clean_app.url_map.iter_rules():
        if access_marker(clean_app, rule.endpoint) != "public" or rule.endpoint in NOT_PAGES:
            continue
        if "GET" not in rule.methods:
            continue
        if not rule.arguments:
            urls.append(rule.rule)
        elif rule.endpoint == "funding.kompass_programme":
            urls += [f"/foerderkompass/{slug}" for slug in slugs]
        elif rule.endpoint == "intake.status":
            urls.append(f"/anfrage/{token}")
    assert {"/", "/impressum", "/datenschutz", "/barrierefreiheit", f"/anfrage/{token}"} <= set(
        urls
    )
    assert len(slugs) >= 6
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        _assert_clean(url, response)


QUICK_ANSWERS = [
    {"age": "50", "employed": "employed", "size_band": "10_49", "hours": "400", "costs": "6.000"},
    {"age": "30", "employed": "employed", "size_band": "1_9", "hours": "40", "costs": "800"},
    {
        "age": "24",
        "employed": "unemployed",
        "size_band": "50_249",
        "hours": "900",
        "costs": "12.000",
    },
    {
        "age": "61",
        "employed": "employed",
        "size_band": "500_plus",
        "hours": "150",
        "costs": "2.500",
    },
    {
        "age": "45",
        "employed": "employed",
        "size_band": "250_499",
        "hours": "1200",
        "costs": "15.000",
    },
    {"age": "x", "employed": "?", "size_band": "", "hours": "-3", "costs": "viel"},
]


@pytest.mark.parametrize("answers", QUICK_ANSWERS)
@pytest.mark.parametrize("district", ["16068", "16054", "outside"])
def test_quick_check_answers_are_free_of_internal_names(client, answers, district):
    response = client.post("/foerderkompass/kurzcheck", data={**answers, "district": district})
    assert response.status_code == 200
    _assert_clean("/foerderkompass/kurzcheck", response)


@pytest.mark.parametrize(
    "data",
    [
        {
            "staff_over_30h": "30",
            "district_key": "16068",
            "birth_date": "01.06.1976",
            "employment_status": "employed",
            "hours": "400",
            "course_fees": "6.000",
        },
        {"employment_status": "unemployed", "hours": "40"},
        {"district_key": "outside", "goal": "afbg2", "mode": "part_time", "course_fees": "9.000"},
    ],
)
def test_expert_quick_check_answers_are_free_of_internal_names(client, data):
    response = client.post("/foerderkompass/schnellcheck", data=data)
    assert response.status_code == 200
    _assert_clean("/foerderkompass/schnellcheck", response)


def test_request_form_with_errors_is_free_of_internal_names(client, form_data):
    response = client.post(
        "/beratung-anfragen", data=form_data(email="x", district_id="0", headcount_band="?")
    )
    assert response.status_code == 200
    _assert_clean("/beratung-anfragen", response)
