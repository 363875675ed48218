"""The planned-course form: German numbers (``14.640,00``) and dates (``02.12.2026``)."""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from wbagentur.cases.forms import TypedGermanDateField
from wbagentur.core.forms import BaseForm, MoneyField, NoControlCharacters, NumberField
from wbagentur.core.translation import lazy_gettext as _l

HOURS_UNITS = [
    ("teaching_units_45", _l("Unterrichtseinheiten (45 Minuten)")),
    ("clock_hours", _l("Zeitstunden")),
]
AZAV = [("", _l("– unbekannt –")), ("yes", _l("ja")), ("no", _l("nein"))]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlanCourseForm(BaseForm):
    title = StringField(
        _l("Lehrgang"),
        validators=[
            DataRequired(_l("Bitte geben Sie den Lehrgang an.")),
            Length(max=160),
            NoControlCharacters(),
        ],
    )
    provider = StringField(
        _l("Bildungsträger"),
        validators=[DataRequired(_l("Bitte geben Sie den Bildungsträger an.")), Length(max=160)],
    )
    hours = NumberField(
        _l("Umfang"),
        validators=[DataRequired(_l("Bitte geben Sie den Umfang an."))],
        places=2,
        minimum=1,
        maximum=10000,
        range_message=_l("Bitte geben Sie einen Umfang zwischen 1 und 10.000 an."),
    )
    hours_unit = SelectField(_l("Einheit des Umfangs"), choices=HOURS_UNITS)
    fees = MoneyField(
        _l("Lehrgangskosten je Teilnehmer/in in Euro"),
        validators=[DataRequired(_l("Bitte geben Sie die Lehrgangskosten an."))],
        maximum_cents=100_000_000,
        description=_l("z. B. 14.640,00"),
    )
    start_date = TypedGermanDateField(
        _l("Beginn"), validators=[DataRequired(_l("Bitte geben Sie den Beginn an."))]
    )
    end_date = TypedGermanDateField(
        _l("Ende"), validators=[DataRequired(_l("Bitte geben Sie das Ende an."))]
    )
    azav = SelectField(_l("AZAV-zugelassen (Träger und Maßnahme)"), choices=AZAV, default="")
    persons = MultiCheckboxField(_l("Teilnehmende Beschäftigte"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Lehrgang speichern"))

    def set_person_choices(self, choices: list[tuple[int, str]]) -> None:
        self.persons.choices = choices  # type: ignore[assignment]

    def validate_end_date(self, field: Any) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("Das Ende darf nicht vor dem Beginn liegen."))

    def validate_persons(self, field: Any) -> None:
        allowed = {value for value, _label in (field.choices or [])}
        if not field.data:
            raise ValidationError(_l("Bitte wählen Sie mindestens eine Person aus."))
        if any(pid not in allowed for pid in field.data):
            raise ValidationError(_l("Bitte wählen Sie nur Beschäftigte dieses Falls."))

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "provider": self.provider.data,
            "hours": self.hours.data,
            "hours_unit": self.hours_unit.data,
            "fees_cents": self.fees.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "azav_approved": None if not self.azav.data else self.azav.data == "yes",
        }
