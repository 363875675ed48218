"""Pure person rules: date plausibility, duplicate matching, consent text versions."""

from datetime import date

import pytest

from wbagentur.persons import rules
from wbagentur.persons.models import CONSENT_PURPOSES
from wbagentur.persons.rules import PersonFacts

TODAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("birth", "problem"),
    [
        (date(1985, 1, 1), None),
        (date(1920, 1, 1), None),
        (date(1919, 12, 31), "vor 1920"),
        (date(2026, 3, 2), "Zukunft"),
        (None, None),
    ],
)
def test_birth_date_plausibility(birth, problem):
    result = rules.birth_date_problem(birth, TODAY)
    assert (result is None) if problem is None else (problem in result)


def test_employed_since_not_future_not_before_birth():
    birth = date(1990, 5, 1)
    assert rules.employed_since_problem(date(2010, 1, 1), birth, TODAY) is None
    assert "Zukunft" in rules.employed_since_problem(date(2026, 4, 1), birth, TODAY)
    assert "Geburt" in rules.employed_since_problem(date(1989, 1, 1), birth, TODAY)


def test_qualification_year_bounds():
    birth = date(1990, 5, 1)
    assert rules.qualification_year_problem(2004, birth, TODAY) is None
    assert "2004" in rules.qualification_year_problem(2003, birth, TODAY)
    assert "Zukunft" in rules.qualification_year_problem(2027, birth, TODAY)
    assert rules.qualification_year_problem(2026, None, TODAY) is None


def test_duplicate_same_name_and_birth_date():
    new = PersonFacts(None, "anna mueller", date(1985, 4, 12), None)
    assert rules.find_duplicates(
        new, [PersonFacts(1, "anna mueller", date(1985, 4, 12), None)]
    ) == [(1, ("gleicher Name und gleiches Geburtsdatum",))]
    assert (
        rules.find_duplicates(new, [PersonFacts(2, "anna mueller", date(1986, 4, 12), None)]) == []
    )
    assert (
        rules.find_duplicates(
            PersonFacts(None, "anna mueller", None, None),
            [PersonFacts(3, "anna mueller", None, None)],
        )
        == []
    )


def test_duplicate_same_email_case_insensitive():
    new = PersonFacts(None, "a b", None, "Anna@Example.org")
    assert rules.find_duplicates(new, [PersonFacts(1, "x y", None, "anna@example.ORG")]) == [
        (1, ("gleiche E-Mail-Adresse",))
    ]


def test_every_consent_purpose_has_a_text_version():
    assert set(rules.CONSENT_TEXT_VERSIONS) == set(CONSENT_PURPOSES)
    assert rules.CONSENT_TEXT_VERSIONS[rules.SPECIAL_CATEGORIES] == "2026-01"
