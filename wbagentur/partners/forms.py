"""Forms of the partner directory (German messages that say what to do)."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from wbagentur.core.forms import BaseForm, NoControlCharacters, NumberField
from wbagentur.core.translation import lazy_gettext as _l


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class PartnerForm(BaseForm):
    code = StringField(
        _l("Kürzel"),
        validators=[
            DataRequired(_l("Bitte geben Sie ein Kürzel ein.")),
            Length(max=40),
            Regexp(
                r"^[a-z0-9_]+$",
                message=_l("Bitte nur Kleinbuchstaben, Ziffern und Unterstrich verwenden."),
            ),
        ],
    )
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Bitte geben Sie den Namen ein.")),
            Length(max=160),
            NoControlCharacters(),
        ],
    )
    kind = SelectField(_l("Art"), validators=[DataRequired(_l("Bitte wählen Sie die Art."))])
    email = StringField(
        _l("E-Mail-Adresse"),
        validators=[
            DataRequired(_l("Bitte geben Sie die E-Mail-Adresse ein.")),
            Length(max=254),
            Email(
                message=_l("Bitte geben Sie eine gültige E-Mail-Adresse ein."),
                check_deliverability=False,
            ),
        ],
    )
    phone = StringField(
        _l("Telefon (optional)"), validators=[Optional(), Length(max=40), NoControlCharacters()]
    )
    answer_days = NumberField(
        _l("Antwortfrist in Arbeitstagen"),
        validators=[InputRequired(_l("Bitte geben Sie die Antwortfrist ein."))],
        whole=True,
        minimum=1,
        maximum=60,
        range_message=_l("Bitte geben Sie 1 bis 60 Arbeitstage an."),
    )
    region_id = SelectField(_l("Region (nur Kontaktstellen)"), coerce=int, validators=[Optional()])
    district_ids = MultiCheckboxField(
        _l("Zuständig für die Landkreise"), coerce=int, validators=[Optional()]
    )
    programmes = MultiCheckboxField(_l("Entscheidet über die Programme"), validators=[Optional()])
    version = HiddenField()
    submission_token = HiddenField()

    def validate_region_id(self, field: Any) -> None:
        if (self.kind.data == "wba_contact_point") != bool(field.data):
            raise ValidationError(
                _l("Bitte wählen Sie eine Region genau dann, wenn die Art „Kontaktstelle“ ist.")
            )


class PartnerStateForm(BaseForm):
    version = HiddenField()
