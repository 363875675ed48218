"""Forms of the public request, the requester's upload and the advisor's firm matching."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from wbagentur.cases.models import TOPICS
from wbagentur.core.forms import BaseForm, NoControlCharacters
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.intake.models import HEADCOUNT_BANDS, PREFERRED_CHANNELS

MESSAGE_MAX = 2000
_LINE_BREAK = re.compile(r"[\r\n\t\x0b\x0c\x85\u2028\u2029]")


class SingleLine:
    """Reject line breaks in one-line fields (they could end up in mail headers)."""

    def __init__(self, message: Any = None) -> None:
        self.message = message or _l("Bitte geben Sie alles in einer Zeile ein.")

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and _LINE_BREAK.search(field.data):
            field.data = _LINE_BREAK.sub(" ", field.data)
            raise ValidationError(self.message)


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple choice (rendered by the template in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AdviceRequestForm(BaseForm):
    """The public form "Beratung anfragen"."""

    firm_name = StringField(
        _l("Name des Unternehmens"),
        validators=[
            DataRequired(_l("Bitte geben Sie den Namen Ihres Unternehmens ein.")),
            Length(max=160, message=_l("Der Name darf höchstens 160 Zeichen lang sein.")),
            NoControlCharacters(),
            SingleLine(),
        ],
        render_kw={"autocomplete": "organization"},
    )
    contact_name = StringField(
        _l("Ihr Name"),
        validators=[
            DataRequired(_l("Bitte geben Sie Ihren Namen ein.")),
            Length(max=100, message=_l("Der Name darf höchstens 100 Zeichen lang sein.")),
            NoControlCharacters(),
            SingleLine(),
        ],
        render_kw={"autocomplete": "name"},
    )
    email = StringField(
        _l("E-Mail-Adresse"),
        validators=[
            DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse ein.")),
            Length(max=254, message=_l("Die E-Mail-Adresse ist zu lang.")),
            NoControlCharacters(),
            SingleLine(),
            Email(
                _l("Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@firma.de."),
                check_deliverability=False,
            ),
        ],
        description=_l("An diese Adresse senden wir die Bestätigung mit Ihrer Vorgangsnummer."),
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )
    phone = StringField(
        _l("Telefon (freiwillig)"),
        validators=[
            Optional(),
            Length(max=40, message=_l("Die Telefonnummer darf höchstens 40 Zeichen lang sein.")),
            Regexp(
                r"^[0-9 +\-()/]*$",
                message=_l(
                    "Bitte verwenden Sie für die Telefonnummer nur Ziffern, Leerzeichen "
                    "und + - ( ) /."
                ),
            ),
        ],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    district_id = SelectField(
        _l("Landkreis oder kreisfreie Stadt"),
        choices=[],
        validate_choice=False,
        validators=[
            DataRequired(_l("Bitte wählen Sie Ihren Landkreis oder Ihre kreisfreie Stadt."))
        ],
        description=_l(
            "Ihr Landkreis oder Ihre kreisfreie Stadt: Danach richtet sich, welche "
            "Kontaktstelle Sie berät."
        ),
    )
    headcount_band = SelectField(
        _l("Zahl der Beschäftigten"),
        choices=[("", _l("Bitte wählen"))] + list(HEADCOUNT_BANDS.items()),
        validate_choice=False,
        validators=[DataRequired(_l("Bitte wählen Sie die Zahl der Beschäftigten."))],
    )
    topics = MultiCheckboxField(
        _l("Themen"),
        choices=list(TOPICS.items()),
        validate_choice=False,
        description=_l("Wählen Sie mindestens ein Thema."),
    )
    message = TextAreaField(
        _l("Ihre Nachricht (freiwillig)"),
        validators=[
            Optional(),
            Length(
                max=MESSAGE_MAX, message=_l("Die Nachricht darf höchstens 2 000 Zeichen lang sein.")
            ),
            NoControlCharacters(),
        ],
        description=_l(
            "Höchstens 2 000 Zeichen. Bitte schreiben Sie keine Angaben zur Gesundheit "
            "oder andere besonders schützenswerte Daten."
        ),
        render_kw={"rows": 5, "maxlength": MESSAGE_MAX},
    )
    preferred_channel = SelectField(
        _l("Wie sollen wir Sie kontaktieren?"),
        choices=list(PREFERRED_CHANNELS.items()),
        default="email",
        validate_choice=False,
        validators=[DataRequired(_l("Bitte wählen Sie, wie wir Sie kontaktieren sollen."))],
    )
    consent = BooleanField(
        _l(
            "Ich willige ein, dass die Weiterbildungsagentur meine Angaben für die "
            "Beratung speichert und verarbeitet."
        ),
        validators=[
            DataRequired(_l("Bitte bestätigen Sie die Einwilligung, damit wir Sie beraten können."))
        ],
        default=False,
    )
    status_mails = BooleanField(
        _l(
            "Schicken Sie mir bitte eine E-Mail, wenn sich der Stand meiner Anfrage ändert "
            "(freiwillig)."
        ),
        default=False,
    )
    # Honeypot: people never see it; simple bots fill every field.
    website = StringField(
        _l("Bitte leer lassen"),
        render_kw={"tabindex": "-1", "autocomplete": "off"},
    )
    started = HiddenField()
    submission_token = HiddenField()

    def validate_district_id(self, field: SelectField) -> None:
        valid = {str(value) for value, _label in field.choices if value}
        if str(field.data) not in valid:
            raise ValidationError(
                _l("Bitte wählen Sie Ihren Landkreis oder Ihre kreisfreie Stadt aus der Liste.")
            )

    def validate_headcount_band(self, field: SelectField) -> None:
        if field.data not in HEADCOUNT_BANDS:
            raise ValidationError(_l("Bitte wählen Sie die Zahl der Beschäftigten aus der Liste."))

    def validate_topics(self, field: MultiCheckboxField) -> None:
        chosen = field.data or []
        if not chosen:
            raise ValidationError(_l("Bitte wählen Sie mindestens ein Thema."))
        if any(t not in TOPICS for t in chosen):
            raise ValidationError(_l("Bitte wählen Sie nur Themen aus der Liste."))

    def validate_preferred_channel(self, field: SelectField) -> None:
        if field.data not in PREFERRED_CHANNELS:
            raise ValidationError(_l("Bitte wählen Sie einen Kontaktweg aus der Liste."))


class DocumentUploadForm(BaseForm):
    """The requester sends a document (checked by content in core.uploads)."""

    document = FileField(_l("Dokument"))

    def validate_document(self, field: FileField) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Bitte wählen Sie eine Datei aus."))


class FirmLinkForm(BaseForm):
    """Link the request to a known firm (one button per candidate)."""

    firm_id = HiddenField(validators=[DataRequired(_l("Bitte wählen Sie ein Unternehmen."))])
    version = HiddenField()

    def validate_firm_id(self, field: HiddenField) -> None:
        if not str(field.data or "").isdigit():
            raise ValidationError(_l("Bitte wählen Sie ein Unternehmen."))


class FirmCreateForm(BaseForm):
    """Create the firm from the request's data (button only)."""

    version = HiddenField()
