"""core.numbers and the number/money form fields: typed the German or the English way,
ambiguous input refused with a message, never guessed (issue #14 defect 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form

from wbagentur.core import numbers
from wbagentur.core.forms import MoneyField, NumberField


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("14.640,00", 1_464_000),
        ("14640,00", 1_464_000),
        ("14640", 1_464_000),
        ("14.640", 1_464_000),
        ("14.640,5", 1_464_050),
        ("1.500.000,50", 150_000_050),
        ("12,5", 1250),
        ("0", 0),
        ("2 000 000 €", 200_000_000),
        ("14.640,00 €", 1_464_000),
        ("  7,05 ", 705),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_german_money_parsed_to_cents(text, cents):
    assert numbers.parse_money_cents(text, "de") == cents


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("14.64", "ambiguous"),  # the input that stored 14,64 € for 14.640,00 €
        ("14640.00", "ambiguous"),
        ("1,234,5", "invalid"),
        ("1.5.0", "ambiguous"),
        ("1 5", "ambiguous"),
        ("1,234", "places"),
        ("abc", "invalid"),
        ("12e3", "invalid"),
        ("--5", "invalid"),
        ("-", "invalid"),
        ("١٢", "invalid"),
        ("6000 Euro", "invalid"),
    ],
)
def test_german_money_refuses_what_it_would_have_to_guess(text, reason):
    with pytest.raises(numbers.NumberInputError) as caught:
        numbers.parse_money_cents(text, "de")
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("text", "cents"),
    [("14,640.00", 1_464_000), ("14640.00", 1_464_000), ("14640", 1_464_000), ("0.5", 50)],
)
def test_english_money_parsed_to_cents(text, cents):
    assert numbers.parse_money_cents(text, "en") == cents


@pytest.mark.parametrize("text", ["14,64", "14.640,00", "1,234,5"])
def test_english_money_refuses_german_or_ambiguous(text):
    with pytest.raises(numbers.NumberInputError):
        numbers.parse_money_cents(text, "en")


def test_number_parsed_with_decimals_the_locale_way():
    assert numbers.parse_number("38,5", "de") == Decimal("38.5")
    assert numbers.parse_number("38.5", "en") == Decimal("38.5")
    assert numbers.parse_number("-1.234,25", "de") == Decimal("-1234.25")
    with pytest.raises(numbers.NumberInputError):
        numbers.parse_number("38.5", "de")


def test_formatting_german_and_english():
    assert numbers.format_money(1_464_000, "de") == "14.640,00\xa0€"
    assert numbers.format_money(1_464_000, "en") == "€14,640.00"
    assert numbers.format_money(None, "de") == "–"
    assert numbers.format_number(1234.5, "de") == "1.234,5"
    assert numbers.format_number(1234.5, "en") == "1,234.5"
    assert numbers.format_number(3, "de", places=1) == "3,0"
    assert numbers.money_input_value(1_464_000, "de") == "14.640"
    assert numbers.money_input_value(1_464_050, "de") == "14.640,50"
    assert numbers.cents_to_number(1_464_000) == Decimal("14640.00")


@given(
    cents=st.integers(min_value=-(10**13), max_value=10**13), locale=st.sampled_from(["de", "en"])
)
def test_money_round_trip_format_then_parse(cents, locale):
    assert numbers.parse_money_cents(numbers.money_input_value(cents, locale), locale) == cents
    shown = numbers.format_money(cents, locale).replace("€", "").replace("\xa0", "")
    assert numbers.parse_money_cents(shown, locale) == cents


@given(
    value=st.decimals(
        min_value=Decimal("-1000000000"),
        max_value=Decimal("1000000000"),
        places=3,
        allow_nan=False,
        allow_infinity=False,
    ),
    locale=st.sampled_from(["de", "en"]),
)
def test_number_round_trip_format_then_parse(value, locale):
    assert numbers.parse_number(numbers.number_input_value(value, locale), locale) == value
    assert numbers.parse_number(numbers.format_number(value, locale), locale) == value


@given(text=st.text(max_size=20))
def test_parser_never_fails_other_than_with_its_own_error(text):
    try:
        value = numbers.parse_number(text, "de")
    except numbers.NumberInputError:
        return
    assert value is None or value.is_finite()


# --- the fields -------------------------------------------------------------------


class _AmountForm(Form):
    amount = MoneyField("Betrag", maximum_cents=10_000_000 * 100, confirm_above=100_000_000)
    hours = NumberField("Stunden", minimum=0, maximum=80)
    days = NumberField("Tage", whole=True, minimum=1, maximum=7)


def _validated(**data):
    form = _AmountForm(MultiDict(data))
    form.validate()
    return form


def test_money_field_stores_cents_for_every_german_spelling():
    for typed in ("14.640,00", "14640,00", "14640"):
        form = _validated(amount=typed)
        assert form.amount.data == 1_464_000
        assert not form.amount.errors


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("14.64", "nicht eindeutig"),
        ("1,234,5", "Bitte geben Sie einen Betrag in Euro ein"),
        ("12,345", "höchstens zwei Nachkommastellen"),
        ("-5", "Bitte geben Sie einen Betrag zwischen 0,00"),
        ("20.000.000", "Bitte geben Sie einen Betrag zwischen 0,00"),
        ("x" * 41, "Bitte geben Sie einen Betrag in Euro ein"),
    ],
)
def test_money_field_bad_input_gives_one_german_message(typed, message):
    form = _validated(amount=typed)
    assert form.amount.data is None or typed in ("-5", "20.000.000")
    assert len(form.amount.errors) == 1
    assert message in str(form.amount.errors[0])
    assert form.amount._value() == typed  # the typed text comes back for correction


def test_implausible_amount_needs_the_confirmation_box():
    form = _validated(amount="1.500.000,00")
    assert form.amount.needs_confirmation
    assert "ungewöhnlich hoch" in str(form.amount.errors[0])
    assert "1.500.000,00" in str(form.amount.errors[0])
    confirmed = _validated(amount="1.500.000,00", **{"amount-bestaetigt": "1"})
    assert confirmed.amount.errors == []
    assert confirmed.amount.data == 150_000_000
    assert not _validated(amount="999.999,99").amount.needs_confirmation


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("hours", "38.5", "nicht eindeutig"),
        ("hours", "81", "zwischen 0 und 80"),
        ("hours", "viel", "Bitte geben Sie eine Zahl ein"),
        ("days", "2,5", "ganze Zahl"),
        ("days", "9", "zwischen 1 und 7"),
    ],
)
def test_number_field_bad_input(field, typed, message):
    form = _validated(**{field: typed})
    assert len(form[field].errors) == 1
    assert message in str(form[field].errors[0])


def test_number_field_values_and_prefill():
    form = _validated(hours="38,5", days="5")
    assert form.hours.data == Decimal("38.5")
    assert form.days.data == 5
    prefilled = _AmountForm(data={"hours": 38.5, "amount": 1_464_050, "days": 5})
    assert prefilled.hours._value() == "38,5"
    assert prefilled.amount._value() == "14.640,50"
    assert prefilled.days._value() == "5"
