"""Forms of the cases module."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from wbagentur.cases.models import CHANNELS, CONTACT_CHANNELS, KINDS, OUTCOMES, PRIORITIES, TOPICS
from wbagentur.core.forms import (
    BaseForm,
    NoControlCharacters,
    NumberField,
    PlainSelectField,
)
from wbagentur.core.idempotency import new_token
from wbagentur.core.models import utcnow
from wbagentur.core.timezone import BERLIN, local_today
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.firms.forms import GermanDateField

HEALTH_HINT = _l(
    "Bitte keine Gesundheitsdaten oder andere besondere Kategorien (Art. 9 DSGVO) "
    "in Freitext schreiben."
)


class TypedGermanDateField(GermanDateField):
    """A date typed the German way (05.01.2027) into a text box (issue #14.6): a browser's
    date box orders day and month by the system's language, not the page's."""

    def __init__(self, label: Any = None, validators: Any = None, **kw: Any) -> None:
        kw["render_kw"] = {
            "type": "text",
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": "TT.MM.JJJJ",
            **kw.get("render_kw", {}),
        }
        super().__init__(label, validators, **kw)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.strftime("%d.%m.%Y") if self.data else ""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return [(k, _l(v)) for k, v in mapping.items()]


class CaseCreateForm(BaseForm):
    kind = SelectField(_l("Art der Beratung"), choices=_choices(KINDS))
    title = StringField(
        _l("Anliegen (kurz)"),
        validators=[
            DataRequired(_l("Bitte beschreiben Sie das Anliegen in wenigen Worten.")),
            Length(max=160, message=_l("Höchstens 160 Zeichen.")),
            NoControlCharacters(),
        ],
        description=HEALTH_HINT,
    )
    channel = SelectField(
        _l("Zugangsweg"), choices=[c for c in _choices(CHANNELS) if c[0] != "public_form"]
    )
    priority = SelectField(_l("Priorität"), choices=_choices(PRIORITIES), default="normal")
    topics = MultiCheckboxField(_l("Themen"), choices=_choices(TOPICS))
    firm_id = HiddenField()
    person_id = HiddenField()
    submission_token = HiddenField()

    def validate_topics(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError(_l("Bitte wählen Sie mindestens ein Thema."))


class CaseEditForm(BaseForm):
    title = StringField(
        _l("Anliegen (kurz)"),
        validators=[
            DataRequired(_l("Bitte beschreiben Sie das Anliegen in wenigen Worten.")),
            Length(max=160, message=_l("Höchstens 160 Zeichen.")),
            NoControlCharacters(),
        ],
    )
    priority = SelectField(_l("Priorität"), choices=_choices(PRIORITIES))
    topics = MultiCheckboxField(_l("Themen"), choices=_choices(TOPICS))
    version = HiddenField()

    def validate_topics(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError(_l("Bitte wählen Sie mindestens ein Thema."))


class AssignForm(BaseForm):
    assignee_id = PlainSelectField(_l("Zuständig"), coerce=int, choices=[])
    version = HiddenField()


class StatusForm(BaseForm):
    status = SelectField(_l("Neuer Status"), choices=[])
    reason = TextAreaField(
        _l("Grund (bei Wiederaufnahme)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Höchstens 2.000 Zeichen.")),
            NoControlCharacters(),
        ],
    )
    version = HiddenField()


class CloseForm(BaseForm):
    outcome = SelectField(
        _l("Ergebnis"),
        choices=[("", _l("– bitte wählen –"))] + _choices(OUTCOMES),
        validators=[DataRequired(_l("Bitte wählen Sie ein Ergebnis."))],
    )
    outcome_note = TextAreaField(
        _l("Anmerkung zum Ergebnis"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Höchstens 2.000 Zeichen.")),
            NoControlCharacters(),
        ],
        description=HEALTH_HINT,
    )
    # Shown once the case still has open follow-ups or referrals (issue #14.9).
    confirm_open = BooleanField(
        _l("Trotzdem abschließen: die offenen Wiedervorlagen und Weiterleitungen bleiben offen.")
    )
    version = HiddenField()


class NoteForm(BaseForm):
    body = TextAreaField(
        _l("Notiz"),
        validators=[
            DataRequired(_l("Bitte geben Sie einen Text ein.")),
            Length(max=10000, message=_l("Höchstens 10.000 Zeichen.")),
            NoControlCharacters(),
        ],
        description=HEALTH_HINT,
    )
    # One-time token (core.idempotency): a double click or parallel posts save one note.
    submission_token = HiddenField(default=new_token)


class ContactForm(BaseForm):
    channel = SelectField(_l("Kontaktweg"), choices=_choices(CONTACT_CHANNELS))
    on_date = TypedGermanDateField(
        _l("Datum"),
        validators=[InputRequired(_l("Bitte geben Sie das Datum an (TT.MM.JJJJ)."))],
        default=local_today,
    )
    at_time = TimeField(_l("Uhrzeit"), validators=[Optional()])
    duration_minutes = NumberField(
        _l("Dauer in Minuten"),
        whole=True,
        validators=[
            Optional(),
            NumberRange(min=1, max=600, message=_l("Bitte 1 bis 600 Minuten angeben.")),
        ],
    )
    summary = TextAreaField(
        _l("Zusammenfassung"),
        validators=[
            DataRequired(_l("Bitte fassen Sie den Kontakt kurz zusammen.")),
            Length(max=10000, message=_l("Höchstens 10.000 Zeichen.")),
            NoControlCharacters(),
        ],
        description=HEALTH_HINT,
    )
    submission_token = HiddenField(default=new_token)

    def validate_on_date(self, field: DateField) -> None:
        if field.data and field.data > local_today():
            raise ValidationError(_l("Der Kontakt kann nicht in der Zukunft liegen."))
        if field.data and field.data < local_today() - timedelta(days=3 * 365):
            raise ValidationError(_l("Das Datum liegt mehr als drei Jahre zurück."))

    def contact_at(self) -> datetime:
        """The contact time as aware UTC (local time of day, or noon if none given)."""
        day = self.on_date.data  # required: the form has validated
        if day is None or (self.at_time.data is None and day == local_today()):
            return utcnow()
        when = self.at_time.data or time(12, 0)
        return datetime.combine(day, when, tzinfo=BERLIN).astimezone(UTC)


class FollowUpForm(BaseForm):
    title = StringField(
        _l("Was ist zu tun?"),
        validators=[
            DataRequired(_l("Bitte beschreiben Sie die Wiedervorlage.")),
            Length(max=200, message=_l("Höchstens 200 Zeichen.")),
            NoControlCharacters(),
        ],
    )
    due_date = TypedGermanDateField(
        _l("Fällig am"),
        validators=[InputRequired(_l("Bitte geben Sie ein Fälligkeitsdatum an."))],
        description=_l("TT.MM.JJJJ, z. B. 05.01.2027"),
    )
    for_user_id = PlainSelectField(_l("Für"), coerce=int, choices=[])
    submission_token = HiddenField(default=new_token)

    def validate_due_date(self, field: GermanDateField) -> None:
        if field.data and field.data < local_today():
            raise ValidationError(
                _l("Das Fälligkeitsdatum darf nicht in der Vergangenheit liegen.")
            )
        if field.data and field.data > local_today() + timedelta(days=2 * 365):
            raise ValidationError(_l("Bitte ein Datum innerhalb der nächsten zwei Jahre wählen."))


class ParticipantForm(BaseForm):
    """Several employees of the firm join the case in one step (checkboxes)."""

    person_ids = MultiCheckboxField(
        _l("Beschäftigte, die am Fall teilnehmen"),
        coerce=int,
        choices=[],
        invalid_choice_message=_l("Bitte wählen Sie nur Beschäftigte aus der Liste."),
        invalid_value_message=_l("Bitte wählen Sie nur Beschäftigte aus der Liste."),
    )

    def validate_person_ids(self, field: MultiCheckboxField) -> None:
        # Not DataRequired: that would mark every single checkbox as required.
        if not field.data:
            raise ValidationError(_l("Bitte wählen Sie mindestens eine Person aus."))


NEW_EMPLOYEE_ROWS = 3


class NewEmployeesForm(BaseForm):
    """Up to three new employees of the case's firm, created and added in one step
    (issue #14: "three employees in one step" for a firm that has none on record yet)."""

    submission_token = HiddenField(default=new_token)
    confirm_new = BooleanField(_l("Trotzdem neu anlegen"))

    def rows(self) -> list[tuple[Any, Any]]:
        return [
            (getattr(self, f"first_name_{n}"), getattr(self, f"last_name_{n}"))
            for n in range(1, NEW_EMPLOYEE_ROWS + 1)
        ]

    def names(self) -> list[tuple[str, str]]:
        """The filled rows as (first name, last name)."""
        return [(f.data, la.data) for f, la in self.rows() if f.data and la.data]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for first, last in self.rows():
            if first.data and not last.data:
                last.errors = [*last.errors, str(_l("Bitte geben Sie auch den Nachnamen ein."))]
                valid = False
            if last.data and not first.data:
                first.errors = [*first.errors, str(_l("Bitte geben Sie auch den Vornamen ein."))]
                valid = False
        if valid and not self.names():
            self.first_name_1.errors = [
                str(_l("Bitte geben Sie mindestens eine Person mit Vor- und Nachnamen ein."))
            ]
            valid = False
        return valid


def _name_field(label: Any) -> StringField:
    return StringField(
        label,
        validators=[
            Optional(),
            Length(max=80, message=_l("Ein Name darf höchstens 80 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": "off"},
    )


for _n in range(1, NEW_EMPLOYEE_ROWS + 1):
    setattr(NewEmployeesForm, f"first_name_{_n}", _name_field(_l("Vorname %(n)s", n=_n)))
    setattr(NewEmployeesForm, f"last_name_{_n}", _name_field(_l("Nachname %(n)s", n=_n)))


class DocumentForm(BaseForm):
    file = FileField(
        _l("Datei (PDF, PNG oder JPEG, höchstens 10 MB)"),
        validators=[FileRequired(_l("Bitte wählen Sie eine Datei aus."))],
    )


class CaseFilterForm(BaseForm):
    """GET filters of the case list (no CSRF: read-only)."""

    class Meta:
        csrf = False

    q = StringField(_l("Suche"), validators=[Optional(), Length(max=100)])
    status = PlainSelectField(_l("Status"), choices=[], validators=[Optional()])
    kind = PlainSelectField(_l("Art"), choices=[], validators=[Optional()])
    topic = PlainSelectField(_l("Thema"), choices=[], validators=[Optional()])
    assigned = PlainSelectField(_l("Zuständigkeit"), choices=[], validators=[Optional()])
    sort = PlainSelectField(_l("Sortierung"), choices=[], validators=[Optional()])
