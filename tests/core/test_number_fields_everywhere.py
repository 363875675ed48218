"""Every number and money field of every form in the application is the shared field of
``core.forms`` and refuses bad input with a German message (issue #14 defect 2)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import DecimalField, FloatField, Form, IntegerField
from wtforms.fields.numeric import DecimalRangeField, IntegerRangeField

import wbagentur
from wbagentur.core.forms import MoneyField, NumberField

# Fields typed with digits that are codes, not numbers (kept as text, leading zeros count).
DIGIT_STRINGS = {"postcode", "code", "recovery_code", "totp", "zip"}
WTFORMS_NUMBER_FIELDS = (
    IntegerField,
    DecimalField,
    FloatField,
    DecimalRangeField,
    IntegerRangeField,
)


def _form_classes() -> list[type[Form]]:
    found = {}
    for info in pkgutil.walk_packages(wbagentur.__path__, "wbagentur."):
        if ".bench" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Form) and obj.__module__ == module.__name__:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


def _number_fields(app):
    """(form name, form, field) for every shared number field of every form class."""
    out = []
    with app.test_request_context():
        for cls in _form_classes():
            try:
                form = cls(formdata=None, meta={"csrf": False})
            except TypeError:
                continue
            for field in form:
                assert not isinstance(field, WTFORMS_NUMBER_FIELDS), (
                    f"{cls.__qualname__}.{field.name} uses WTForms' {type(field).__name__}: "
                    "use core.forms.NumberField or MoneyField (German input, German messages)"
                )
                if isinstance(field, NumberField):
                    out.append((f"{cls.__qualname__}.{field.name}", form, field))
                elif (field.render_kw or {}).get("inputmode") in (
                    "numeric",
                    "decimal",
                ) and "Date" not in type(field).__name__:
                    # A text field for a number with its own parser: digit strings only.
                    assert field.name in DIGIT_STRINGS, (
                        f"{cls.__qualname__}.{field.name} takes a number as text: use "
                        "core.forms.NumberField or MoneyField"
                    )
    return out


def test_the_application_has_its_number_fields_on_the_shared_field(app):
    names = {name for name, _form, _field in _number_fields(app)}
    # the fields of issue #14: partner answer, firm, person, funding check, staff forms
    for expected in (
        "CompleteForm.amount",
        "FirmForm.turnover",
        "FirmForm.staff_over_30h",
        "PersonForm.weekly_hours",
        "QuickCheckForm.course_fees",
        "CaseCheckForm.eligible_wage",
        "ContactForm.duration_minutes",
        "PartnerForm.answer_days",
        "LayQuickCheckForm.costs",
        "LayQuickCheckForm.age",
    ):
        assert expected in names


@pytest.mark.parametrize("typed", ["viel", "14.64", "1,2,3"])
def test_every_number_field_refuses_bad_input_in_german(app, typed):
    checked = 0
    with app.test_request_context():
        for name, form, field in _number_fields(app):
            field.process(MultiDict({field.name: typed}))
            assert not field.validate(form), name
            message = str(field.errors[0])
            assert message.startswith(("Bitte", "Die Zahl", "Der Betrag")), (name, message)
            assert field._value() == typed, name
            checked += 1
    assert checked >= 20


def test_every_money_field_accepts_the_german_spellings(app):
    with app.test_request_context():
        money = [(n, f, fl) for n, f, fl in _number_fields(app) if isinstance(fl, MoneyField)]
        assert len(money) >= 7
        for name, form, field in money:
            for typed in ("14.640,00", "14640,00", "14640"):
                field.process(MultiDict({field.name: typed}))
                field.validate(form)
                assert field.data == 1_464_000, (name, typed)
                assert field.errors == [], (name, typed)
