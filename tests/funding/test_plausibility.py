"""Plausibility (issue #17 item 2): errors for the impossible, warnings for the implausible."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.funding.helpers import EX1, EX6
from wbagentur.funding.engine import evaluate_document

TODAY_DOC = "2026-11-21"


def _doc(base: dict[str, Any] = EX1, **sections: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    for section, values in sections.items():
        doc.setdefault(section, {}).update(values)
    return doc


IMPOSSIBLE = [
    pytest.param(
        {"person": {"birth_date": "2027-02-01"}},
        "person.birth_date",
        "liegt nach dem Lehrgangsbeginn",
        id="born-after-course",
    ),
    pytest.param(
        {"course": {"start_date": "2027-06-30", "end_date": "2027-01-11"}},
        "course.end_date",
        "negative Dauer",
        id="end-before-start",
    ),
    pytest.param(
        {"course": {"application_date": "2026-12-01", "award_date": "2026-11-01"}},
        "course.award_date",
        "Bewilligung liegt vor dem Antrag",
        id="award-before-application",
    ),
    pytest.param(
        {"person": {"employed_since": "1980-01-01"}},
        "person.birth_date",
        "liegt nach dem Beginn der Beschäftigung",
        id="employed-before-born",
    ),
    pytest.param(
        {"person": {"vocational_qualification_year": 1980}},
        "person.vocational_qualification_year",
        "vor der Geburt",
        id="qualified-before-born",
    ),
    pytest.param(
        {"person": {"children": [{"birth_date": "1970-01-01"}]}},
        "person.children[0].birth_date",
        "vor der Person geboren",
        id="child-older-than-parent",
    ),
    pytest.param(
        {"person": {"working_days_per_week": 8}},
        "person.working_days_per_week",
        "höchstens 7 Arbeitstage",
        id="eight-day-week",
    ),
]


@pytest.mark.parametrize(("change", "field", "text"), IMPOSSIBLE)
def test_impossible_input_is_refused_with_german_message(
    client: Any, runner: Any, change: dict[str, Any], field: str, text: str
) -> None:
    doc = _doc(**change)
    with pytest.raises(ValueError, match=text):
        evaluate_document(doc)
    response = client.post("/api/foerdercheck", json=doc)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_input"
    assert field in body["fields"]
    assert text in body["message"]
    result = runner.invoke(args=["funding", "check", "-"], input=json.dumps(doc))
    assert result.exit_code == 1
    assert text in result.output


IMPLAUSIBLE = [
    pytest.param({"person": {"birth_date": "1826-06-15"}}, "Alter 200 Jahre", id="age-200"),
    pytest.param({"person": {"birth_date": "1951-01-10"}}, "Alter 76 Jahre", id="age-76"),
    pytest.param({"person": {"birth_date": "2012-01-12"}}, "Alter 14 Jahre", id="age-14"),
    pytest.param({"course": {"hours": 100_000}}, "100000 Stunden", id="hours-100000"),
    pytest.param(
        {"course": {"course_fees_eur": 1_000_000.01}},
        "Lehrgangsgebühren von 1.000.000,01 €",
        id="fees-over-1-mio",
    ),
    pytest.param(
        {"firm": {"staff": None, "headcount": 1e12}}, "1000000000000 Beschäftigte", id="heads-1e12"
    ),
    pytest.param({"person": {"children": [3] * 500}}, "500 Kinder", id="children-500"),
]


@pytest.mark.parametrize(("change", "text"), IMPLAUSIBLE)
def test_implausible_input_is_checked_with_a_warning(
    client: Any, runner: Any, change: dict[str, Any], text: str
) -> None:
    doc = _doc(**change)
    doc["firm"] = {k: v for k, v in doc["firm"].items() if v is not None}
    out = evaluate_document(doc)
    hits = [w for w in out["warnings"] if w.startswith("Plausibilität") and text in w]
    assert len(hits) == 1, out["warnings"]
    response = client.post("/api/foerdercheck", json=doc)
    assert response.status_code == 200
    assert hits[0] in response.get_json()["warnings"]
    result = runner.invoke(args=["funding", "check", "-"], input=json.dumps(doc))
    assert result.exit_code == 0
    assert hits[0] in json.loads(result.output)["warnings"]


@pytest.mark.parametrize(
    ("birth", "warned"),
    [("2012-01-11", False), ("2012-01-12", True), ("1951-01-12", False), ("1951-01-11", True)],
)
def test_age_bounds_15_and_75_at_course_start_are_plausible(birth: str, warned: bool) -> None:
    # EX1 starts on 11.01.2027: born 11.01.2012 is 15 that day, born 12.01.2012 still 14; born
    # 11.01.1951 is 76.
    out = evaluate_document(_doc(person={"birth_date": birth}))
    assert any(w.startswith("Plausibilität: Alter") for w in out["warnings"]) is warned


def test_plausible_worked_examples_get_no_plausibility_warning() -> None:
    for doc in (EX1, EX6):
        out = evaluate_document(doc)
        assert not [w for w in out["warnings"] if w.startswith("Plausibilität")]


def test_quick_check_shows_the_engines_refusal_at_the_field(client: Any) -> None:
    from tests.funding.test_views_public import GOOD
    from tests.helpers import html_page, text_of

    # The form alone accepts a qualification year before the birth; the engine refuses it.
    response = client.post(
        "/foerderkompass/schnellcheck", data={**GOOD, "qualification_year": "1980"}
    )
    assert response.status_code == 200
    text = text_of(html_page(response))
    assert "Der Berufsabschluss liegt vor der Geburt" in text
    assert "qualification before birth" not in text


def test_case_check_shows_the_engines_refusal_and_saves_nothing(
    client: Any, auth: Any, make_user: Any, firm_case: Any, clean_app: Any
) -> None:
    import sqlalchemy as sa

    from tests.funding.test_case_check import COURSE, _prefilled
    from tests.helpers import html_page, text_of
    from wbagentur.extensions import db
    from wbagentur.funding.models import FundingCheck

    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    data = {
        **_prefilled(client, ids.case_id),
        **COURSE,
        "start_date": "01.01.1980",
        "end_date": "30.06.1980",
        "action": "save",
    }
    response = client.post(f"/faelle/{ids.case_id}/foerdercheck", data=data)
    assert response.status_code == 200
    text = text_of(html_page(response))
    assert "Geburtsdatum 15.06.1988 liegt nach dem Lehrgangsbeginn (01.01.1980) – unmöglich" in text
    assert "course.start_date" not in text
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FundingCheck.id))) == 0
