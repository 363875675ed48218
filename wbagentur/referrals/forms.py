"""Forms of the referral module (German messages that say what to do)."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    ValidationError,
)

from wbagentur.core.forms import BaseForm, MoneyField, NoControlCharacters, NumberField
from wbagentur.core.translation import gettext as _
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.referrals.data import DECLINE_REASONS, OUTCOMES


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ReferralForm(BaseForm):
    """New referral from a case."""

    partner_id = SelectField(
        _l("Partnerstelle"),
        coerce=int,
        validators=[DataRequired(_l("Bitte wählen Sie eine Partnerstelle."))],
    )
    programme = SelectField(_l("Förderprogramm (optional)"), validators=[Optional()])
    purpose = TextAreaField(
        _l("Zweck der Weiterleitung"),
        validators=[
            DataRequired(_l("Bitte geben Sie den Zweck der Weiterleitung an.")),
            Length(max=2000, message=_l("Bitte kürzen Sie den Text auf höchstens 2000 Zeichen.")),
            NoControlCharacters(),
        ],
    )
    data_categories = MultiCheckboxField(
        _l("Weitergegebene Datenkategorien"),
        validators=[DataRequired(_l("Bitte wählen Sie mindestens eine Datenkategorie."))],
    )
    consent_id = SelectField(_l("Einwilligung"), coerce=int, validators=[Optional()])
    legal_basis = StringField(
        _l("oder Rechtsgrundlage"),
        description=_l("z. B. „Art. 6 Abs. 1 lit. e DSGVO i. V. m. … – öffentliche Aufgabe“"),
        validators=[Length(max=300), NoControlCharacters()],
    )
    due_days = NumberField(
        _l("Antwortfrist in Arbeitstagen"),
        description=_l("Leer lassen für die übliche Frist der Partnerstelle."),
        validators=[Optional()],
        whole=True,
        minimum=1,
        maximum=60,
        range_message=_l("Bitte geben Sie 1 bis 60 Arbeitstage an."),
    )
    message = TextAreaField(
        _l("Nachricht an die Partnerstelle (optional)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Bitte kürzen Sie den Text auf höchstens 2000 Zeichen.")),
            NoControlCharacters(),
        ],
    )
    submission_token = HiddenField()

    def validate_legal_basis(self, field: Any) -> None:
        if not self.consent_id.data and not (field.data or "").strip():
            raise ValidationError(
                _l("Bitte wählen Sie eine Einwilligung oder geben Sie eine Rechtsgrundlage an.")
            )


class InlineConsentForm(BaseForm):
    """ "Einwilligung jetzt erfassen" inside the referral form (prefix ``einwilligung``).

    Checked only when that button is pressed, so its fields carry no "required" mark in
    the referral form (the checks below instead of DataRequired)."""

    subject = SelectField(
        _l("Wer willigt ein?"),
        choices=[],
        invalid_choice_message=_l("Bitte wählen Sie eine Person aus der Liste."),
    )
    recipient = SelectField(
        _l("Empfänger der Daten"),
        choices=[],
        invalid_choice_message=_l("Bitte wählen Sie einen Empfänger aus der Liste."),
    )
    confirmed = BooleanField(
        _l("Die Einwilligung liegt vor (unterschrieben oder im Gespräch dokumentiert)."),
    )

    def validate_subject(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("Bitte wählen Sie, wer einwilligt."))

    def validate_recipient(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("Bitte wählen Sie, an wen die Daten gehen dürfen."))

    def validate_confirmed(self, field: BooleanField) -> None:
        if not field.data:
            raise ValidationError(_l("Bitte bestätigen Sie, dass die Einwilligung vorliegt."))


class NoteForm(BaseForm):
    note = TextAreaField(
        _l("Anmerkung (optional)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Bitte kürzen Sie den Text auf höchstens 2000 Zeichen.")),
            NoControlCharacters(),
        ],
    )


class DeclineForm(BaseForm):
    reason = SelectField(
        _l("Grund der Ablehnung"), validators=[DataRequired(_l("Bitte wählen Sie einen Grund."))]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason.choices = [("", _("Bitte wählen"))] + [
            (k, _(v)) for k, v in DECLINE_REASONS.items()
        ]

    note = TextAreaField(
        _l("Erläuterung (optional)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Bitte kürzen Sie den Text auf höchstens 2000 Zeichen.")),
            NoControlCharacters(),
        ],
    )


class ReturnForm(BaseForm):
    note = TextAreaField(
        _l("Was fehlt?"),
        validators=[
            DataRequired(_l("Bitte geben Sie an, welche Angaben fehlen.")),
            Length(max=2000, message=_l("Bitte kürzen Sie den Text auf höchstens 2000 Zeichen.")),
            NoControlCharacters(),
        ],
    )


class CompleteForm(BaseForm):
    outcome = SelectField(
        _l("Ergebnis"), validators=[DataRequired(_l("Bitte wählen Sie ein Ergebnis."))]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.choices = [("", _("Bitte wählen"))] + [(k, _(v)) for k, v in OUTCOMES.items()]

    amount = MoneyField(
        _l("Bewilligter Betrag in Euro (optional)"),
        validators=[Optional()],
        maximum_cents=10_000_000 * 100,
        confirm_above=1_000_000 * 100,
        range_message=_l("Bitte geben Sie einen Betrag zwischen 0 und 10.000.000 Euro an."),
        description=_l("z. B. 14.640,00"),
    )
    decision_date = DateField(_l("Datum der Entscheidung (optional)"), validators=[Optional()])
    course_start = DateField(_l("Beginn der Weiterbildung (optional)"), validators=[Optional()])
    voucher_issued = RadioField(
        _l("Bildungsgutschein ausgestellt"),
        choices=[("", _l("keine Angabe")), ("ja", _l("ja")), ("nein", _l("nein"))],
        default="",
        validators=[Optional()],
    )
    note = TextAreaField(
        _l("Anmerkung (optional)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Bitte kürzen Sie den Text auf höchstens 2000 Zeichen.")),
            NoControlCharacters(),
        ],
    )


class TransferForm(BaseForm):
    to_region_id = SelectField(
        _l("An Region"), coerce=int, validators=[DataRequired(_l("Bitte wählen Sie die Region."))]
    )
    reason = TextAreaField(
        _l("Grund der Übergabe"),
        validators=[
            DataRequired(_l("Bitte geben Sie einen Grund für die Übergabe an.")),
            Length(max=2000, message=_l("Bitte kürzen Sie den Text auf höchstens 2000 Zeichen.")),
            NoControlCharacters(),
        ],
    )
    submission_token = HiddenField()


class TransferDecisionForm(BaseForm):
    version = HiddenField()
    reason = TextAreaField(
        _l("Grund (bei Ablehnung)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Bitte kürzen Sie den Text auf höchstens 2000 Zeichen.")),
            NoControlCharacters(),
        ],
    )
