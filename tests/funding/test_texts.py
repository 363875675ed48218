"""The wording of a funding result (wbagentur.funding.texts), in German and English, without
HTTP: what the advisor's result page and the Förderempfehlung print."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from wbagentur.funding import texts


@pytest.fixture
def de(app):
    with app.test_request_context(), force_locale("de"):
        yield


@pytest.fixture
def en(app):
    with app.test_request_context(), force_locale("en"):
        yield


def test_status_labels_in_both_languages(app):
    with app.test_request_context():
        with force_locale("de"):
            assert texts.status_label("eligible") == "förderfähig"
            assert texts.status_label("needs_information") == "weitere Angaben nötig"
        with force_locale("en"):
            assert texts.status_label("eligible") == "eligible for funding"
            assert texts.status_label("not_eligible") == "not eligible for funding"
            assert texts.status_label("needs_information") == "more information needed"
        assert texts.status_label("unknown_status") == "unknown_status"


def test_monthly_amount_up_to(de):
    amount = {"label": "Zuschuss", "unit": "cent_per_month", "cents": 12_345, "up_to": True}
    amount["basis"] = "§ 82 SGB III"
    assert texts.amount_text(amount) == "Zuschuss: bis zu 123,45\xa0€ monatlich (§ 82 SGB III)"


def test_amount_in_english_and_missing_amount(en):
    monthly = {"label": "Grant", "unit": "cent_per_month", "cents": 12_345, "basis": "§ 82"}
    assert texts.amount_text(monthly) == "Grant: €123.45 a month (§ 82)"
    missing = {"label": "Grant", "unit": "cent", "cents": None, "basis": "§ 82"}
    assert texts.amount_text(missing) == "Grant: not given (§ 82)"


def test_days_and_missing_days(de):
    assert texts.amount_text(
        {"label": "Freistellung", "unit": "days", "value": 5, "basis": "B"}
    ) == ("Freistellung: 5 Tage (B)")
    assert texts.amount_text({"label": "F", "unit": "days", "value": None, "basis": "B"}) == (
        "F: – (B)"
    )


def test_step_with_deadline_on_a_sunday(de):
    step = {
        "text": "Antrag stellen",
        "due_date": "2027-01-10",
        "due_date_non_working": "Sonntag",
        "last_working_day": "2027-01-08",
    }
    assert texts.step_text(step) == (
        "Antrag stellen – bis 10.01.2027 (Sonntag – letzter Arbeitstag davor: 08.01.2027)"
    )
    assert texts.step_text({"text": "Beraten lassen"}) == "Beraten lassen"


def test_english_dates_are_iso(en):
    assert texts.iso_date("2027-01-10") == "2027-01-10"
    assert texts.iso_date(None) == "–"


def test_parameter_values_by_kind(de):
    assert texts.param_value_text("structural_share_threshold", 0.5) == "50 %"
    assert texts.param_value_text("agreement_bonus_pp", 0.05) == "5 Prozentpunkte"
    assert texts.param_value_text("premium_intermediate_eur", 1000) == "1.000,00\xa0€"
    assert texts.param_value_text("structural_waiver_from", "2027-01-01") == "01.01.2027"
    assert texts.param_value_text("requires_structural_change", True) == "ja"
    assert texts.param_value_text("regime", None) == "nicht bekannt"
    assert texts.param_value_text("excluded_prior_qualifications", ["a"]) == '["a"]'


def test_parameter_values_in_english(en):
    assert texts.param_value_text("requires_structural_change", False) == "no"
    assert texts.param_value_text("regime", None) == "not known"
