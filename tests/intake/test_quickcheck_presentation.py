"""The layperson's retelling of the engine's result document (main/quickcheck.py), on
hand-made documents: whatever the engine writes, its own words never reach the page."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from wbagentur.main import quickcheck

LEAK = "firm.secret_field"


def _programme(code, status, reasons, amounts=(), version=None):
    return {
        "programme": code,
        "title": f"Titel {code} ({LEAK})",
        "status": status,
        "reasons": [
            {
                "rule": rule,
                "text": f"Text mit {LEAK}",
                "met": met,
                "severity": severity,
                "verified": verified,
            }
            for rule, met, severity, verified in reasons
        ],
        "amounts": [
            {"code": c, "cents": cents, "unit": "cent", "up_to": True, "basis": basis}
            for c, cents, basis in amounts
        ],
        "next_steps": [],
        "key_dates": [],
        "deciding_body": {"name": "Stelle", "note": LEAK},
        "parameter_version": version,
        "exclusions": [],
    }


def _strings(answer):
    texts = [answer.headline, *answer.not_possible]
    for offer in ([answer.main] if answer.main else []) + answer.others:
        texts += [offer.name, offer.amount or "", *offer.why, *offer.open_points]
    return " ".join(texts)


@pytest.fixture
def ctx(clean_app):
    with clean_app.test_request_context():
        yield


@pytest.mark.usefixtures("ctx")
def test_likely_programme_leads_with_its_amount_and_unknown_rules_stay_unprinted():
    result = {
        "programmes": [
            _programme(
                "sgb3_82",
                "needs_information",
                [
                    ("sgb3_82.min_hours", True, "hard", True),
                    ("sgb3_82.brand_new_rule", True, "hard", True),
                    ("sgb3_82.azav_measure", None, "hard", True),
                    ("sgb3_82.another_new_rule", None, "hard", True),
                ],
                [("total_ba", 600000, "100 %")],
                "sgb3_82@2024-04-01",
            )
        ],
        "warnings": [f"Ungeprüfter Parameter other@2022-06-20/rate = 0.5 ({LEAK})"],
        "routing": {"recommended": "sgb3_82"},
    }
    answer = quickcheck.present(result)
    assert answer.verdict == "likely"
    assert answer.headline.replace("\xa0", " ") == (
        "Wahrscheinlich förderfähig: Förderung der Agentur für Arbeit für Beschäftigte"
        " – bis zu 6.000,00 €"
    )
    assert answer.main.why == ["Die Weiterbildung dauert mehr als 120 Stunden."]
    assert str(quickcheck.GENERIC_OPEN) in answer.main.open_points
    assert not answer.main.provisional
    text = _strings(answer)
    assert LEAK not in text
    assert "@" not in text


@pytest.mark.usefixtures("ctx")
def test_unverified_amount_is_provisional():
    result = {
        "programmes": [
            _programme(
                "esf_weiterbildungsscheck",
                "needs_information",
                [("esf_weiterbildungsscheck.amount", True, "info", False)],
                [("cheque_amount", 40000, "50 % von 800,00 €")],
            )
        ],
        "warnings": [],
        "routing": {},
    }
    answer = quickcheck.present(result)
    assert answer.main.provisional
    assert answer.main.amount.replace("\xa0", " ") == "400,00 €"


@pytest.mark.usefixtures("ctx")
def test_open_basic_condition_makes_it_maybe_without_an_amount():
    result = {
        "programmes": [
            _programme(
                "afbg",
                "needs_information",
                [("afbg.goal", None, "hard", True)],
                [("non_repayable_fees", 450000, "x")],
            ),
            _programme("sgb3_82", "not_eligible", [("sgb3_82.min_hours", False, "hard", True)]),
            _programme("unknown_programme", "eligible", [], [("grant", 999900, "y")]),
        ],
        "warnings": [],
        "routing": {},
    }
    answer = quickcheck.present(result)
    assert answer.verdict == "maybe"
    assert answer.headline.startswith("Vielleicht förderfähig: Aufstiegs-BAföG")
    assert answer.not_possible == [str(quickcheck.NOT_MET["sgb3_82.min_hours"])]
    assert "9.999" not in _strings(answer)


@pytest.mark.usefixtures("ctx")
def test_nothing_fits():
    result = {
        "programmes": [
            _programme("sgb3_82", "not_eligible", [("sgb3_82.employment", False, "hard", True)])
        ],
        "warnings": [],
        "routing": {},
    }
    answer = quickcheck.present(result)
    assert answer.verdict == "unlikely"
    assert answer.main is None
    assert "passt wahrscheinlich keine" in answer.headline


def test_expert_result_text_loses_field_paths_and_parameter_keys():
    assert quickcheck.plain_text("Ziel fehlt (course.goal).") == "Ziel fehlt."
    assert (
        quickcheck.plain_text("Angabe fehlt (firm.a_b, firm.c_d oder person.e_f).")
        == "Angabe fehlt."
    )
    assert quickcheck.plain_text("Nicht angegeben – angenommen; Feld course.goal.") == (
        "Nicht angegeben – angenommen"
    )
    assert "@" not in quickcheck.plain_text("Parameter esf@2022-06-20/rate = 0.5 verwendet")
    assert quickcheck.plain_text("Fassung afbg@2020-08-01.") == "Fassung vom 01.08.2020."


def test_english_result_text_loses_field_paths_without_leaving_stubs(app):
    with app.test_request_context(), force_locale("en"):
        assert quickcheck.plain_text(
            "Not an Aufstiegs-BAföG qualification. (Not given – assumed; field course.goal.)"
        ) == ("Not an Aufstiegs-BAföG qualification. (Not given – assumed)")
        assert (
            quickcheck.plain_text("Details missing (firm.a_b, firm.c_d or person.e_f).")
            == "Details missing."
        )
        assert quickcheck.plain_text("Parameter esf@2022-06-20/rate = 0.5 used") == (
            "Parameter a value used"
        )
        assert quickcheck.plain_text("Version afbg@2020-08-01.") == "Version of Aug 1, 2020."


@pytest.mark.parametrize(
    ("age", "today", "birth"),
    [
        (50, date(2026, 12, 1), date(1976, 6, 1)),
        (30, date(2028, 2, 29), date(1997, 8, 29)),
    ],
)
def test_birth_date_gives_the_age_today(age, today, birth):
    born = quickcheck.birth_date_for_age(age, today)
    assert born == birth
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    assert years == age


@pytest.mark.parametrize(
    ("text", "value"),
    [("6.000", 6000.0), ("6000", 6000.0), ("6.000,50", 6000.5), ("12,5", 12.5)],
)
def test_parse_euro_german_amounts(text, value):
    assert quickcheck.parse_euro(text) == value


@pytest.mark.parametrize("text", ["6.00.0", "6,000.00", "sechs", "", "6000 Dollar", "-5"])
def test_parse_euro_refuses_the_rest(text):
    assert quickcheck.parse_euro(text) is None
