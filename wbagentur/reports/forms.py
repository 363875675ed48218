"""Forms of the reports module: dashboard and ESF+ filters (GET), reassignment (POST)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import current_app
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from wbagentur.core.forms import BaseForm, NoControlCharacters
from wbagentur.core.translation import lazy_gettext as _l

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(raw: str | None) -> date | None:
    """A date in ISO form (as sent by ``<input type=date>``), or None."""
    if not raw or not _ISO.match(raw):
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None
    return value if 2000 <= value.year <= 2100 else None


class IsoDate:
    def __call__(self, form: Any, field: Any) -> None:
        if field.data and parse_date(field.data) is None:
            raise ValidationError(_l("Bitte geben Sie ein gültiges Datum ein (TT.MM.JJJJ)."))


class InChoices:
    """German replacement for WTForms' "Not a valid choice" (choices set by the view)."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data not in (None, "") and str(field.data) not in {
            str(c[0]) for c in field.choices
        }:
            raise ValidationError(_l("Bitte wählen Sie einen Eintrag aus der Liste."))


class PeriodForm(BaseForm):
    """Period from/to with checks shared by the dashboard and the ESF+ page."""

    class Meta:
        csrf = False

    von = StringField(_l("Von"), validators=[Optional(), Length(max=10), IsoDate()])
    bis = StringField(_l("Bis"), validators=[Optional(), Length(max=10), IsoDate()])
    region = SelectField(
        _l("Region"), choices=[], validate_choice=False, validators=[Optional(), InChoices()]
    )

    def validate_bis(self, field: Any) -> None:
        start, end = parse_date(self.von.data), parse_date(field.data)
        if start and end:
            if start > end:
                raise ValidationError(
                    _l("Bitte wählen Sie ein Enddatum, das nicht vor dem Startdatum liegt.")
                )
            if (end - start).days > current_app.config.get("REPORT_MAX_DAYS", 731):
                raise ValidationError(
                    _l("Bitte wählen Sie einen Zeitraum von höchstens zwei Jahren.")
                )


class DashboardFilterForm(PeriodForm):
    berater = SelectField(
        _l("Beratende/r"), choices=[], validate_choice=False, validators=[Optional(), InChoices()]
    )
    programm = SelectField(
        _l("Förderprogramm"),
        choices=[],
        validate_choice=False,
        validators=[Optional(), InChoices()],
    )


class EsfFilterForm(PeriodForm):
    pass


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ReassignForm(BaseForm):
    """Reassign selected open cases; each checkbox value is "<case id>:<version>"."""

    cases = MultiCheckboxField(_l("Fälle"), choices=[], validate_choice=False)
    target_id = SelectField(
        _l("Neue Zuständigkeit"),
        choices=[],
        validate_choice=False,
        validators=[
            DataRequired(_l("Bitte wählen Sie aus, wer die Fälle übernehmen soll.")),
            InChoices(),
        ],
    )
    reason = TextAreaField(
        _l("Grund der Umverteilung"),
        validators=[
            DataRequired(_l("Bitte geben Sie einen Grund für die Umverteilung an.")),
            Length(max=2000, message=_l("Höchstens 2.000 Zeichen.")),
            NoControlCharacters(),
        ],
    )
    berater = HiddenField()

    def validate_cases(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Bitte wählen Sie mindestens einen Fall aus."))
        for value in field.data:
            if not re.fullmatch(r"\d{1,9}:\d{1,9}", value or ""):
                raise ValidationError(
                    _l("Die Auswahl ist ungültig. Bitte laden Sie die Seite neu.")
                )

    def case_versions(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for value in self.cases.data or []:
            case_id, version = value.split(":")
            out[int(case_id)] = int(version)
        return out
