"""What the in-case funding check starts from (wbagentur.funding.rules), without HTTP or a
database: the form's values from the case's firm and person, and the engine's extra facts."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from wbagentur.funding import rules


def _firm(**over):
    values = dict(
        name="Muster GmbH",
        staff_over_30h=12,
        staff_up_to_30h=2,
        staff_up_to_20h=1,
        staff_up_to_10h=0,
        group_headcount=None,
        district=SimpleNamespace(key="16051"),
        has_works_agreement_training=False,
        has_collective_agreement_training=True,
        seat_in_thuringia=True,
    )
    return SimpleNamespace(**{**values, **over})


def _person(**over):
    values = dict(
        birth_date=date(1980, 3, 4),
        employment_status="threatened",
        qualification="none",
        qualification_year=None,
        employed_since=date(2019, 8, 1),
        working_days_per_week=5,
        severely_disabled=None,
        residence_district=SimpleNamespace(key="16055"),
    )
    return SimpleNamespace(**{**values, **over})


def test_prefill_from_firm_and_person():
    data = rules.prefill(SimpleNamespace(firm=_firm()), _person())
    assert data["staff_over_30h"] == 12
    assert data["district_key"] == "16051"
    assert data["collective_agreement"] is True
    assert data["birth_date"] == "04.03.1980"
    assert data["employed_since"] == "01.08.2019"
    # The person's "threatened" is the engine's "threatened_by_unemployment".
    assert data["employment_status"] == "threatened_by_unemployment"
    assert data["has_qualification"] == "no"
    assert data["severely_disabled"] == ""


def test_prefill_unknown_facts_stay_empty():
    person = _person(
        birth_date=None,
        employment_status=None,
        qualification=None,
        employed_since=None,
        severely_disabled=True,
    )
    data = rules.prefill(SimpleNamespace(firm=_firm(district=None)), person)
    assert data["district_key"] == ""
    assert data["birth_date"] == ""
    assert data["employment_status"] == ""
    assert data["has_qualification"] == ""
    assert data["severely_disabled"] == "yes"


def test_prefill_without_firm_or_person_assumes_a_seat_in_thuringia():
    assert rules.prefill(SimpleNamespace(firm=None), None) == {"seat_in_thuringia": True}


def test_case_document_adds_the_facts_the_form_does_not_ask_for():
    entered = {"person": {"birth_date": "1980-03-04"}, "firm": {}}
    doc = rules.case_document(entered, SimpleNamespace(firm=_firm()), _person())
    assert doc["person"] == {
        "birth_date": "1980-03-04",
        "residence_district_key": "16055",
        "highest_qualification": "none",
    }
    assert doc["firm"] == {"name": "Muster GmbH"}


def test_case_document_without_person_or_firm_is_the_form_document():
    entered = {"person": {}, "firm": {}}
    assert rules.case_document(entered, SimpleNamespace(firm=None), None) == {
        "person": {},
        "firm": {},
    }
