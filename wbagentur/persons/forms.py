"""Forms of the persons module."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from wbagentur.core.forms import (
    BaseForm,
    NoControlCharacters,
    NumberField,
    optional_email_field,
    phone_field,
)
from wbagentur.core.timezone import local_today
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.firms.forms import (
    INVALID_CHOICE,
    GermanDateField,
    opts,
)
from wbagentur.persons import rules
from wbagentur.persons.models import (
    CONSENT_PURPOSES,
    EMPLOYMENT_STATUSES,
    GENDERS,
    ISCED_LEVELS,
    QUALIFICATIONS,
)

PLEASE_CHOOSE = _l("– bitte wählen –")


def int_or_zero(value: Any) -> int:
    """Coerce a select value to int; empty means "none" (0), garbage an invalid choice (-1)."""
    if value in ("", None):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


SEVERELY_DISABLED_CHOICES = [("", _l("nicht erfasst")), ("ja", _l("ja")), ("nein", _l("nein"))]


def _optional_select(label: Any, options: dict[str, str], **kw: Any) -> SelectField:
    return SelectField(
        label,
        choices=opts([("", PLEASE_CHOOSE)] + list(options.items())),
        invalid_choice_message=INVALID_CHOICE,
        **kw,
    )


class PersonForm(BaseForm):
    first_name = StringField(
        _l("Vorname"),
        validators=[
            DataRequired(_l("Bitte geben Sie den Vornamen ein.")),
            Length(max=80, message=_l("Der Vorname darf höchstens 80 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": "off"},
    )
    last_name = StringField(
        _l("Nachname"),
        validators=[
            DataRequired(_l("Bitte geben Sie den Nachnamen ein.")),
            Length(max=80, message=_l("Der Nachname darf höchstens 80 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": "off"},
    )
    email = optional_email_field(
        _l("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de."),
        autocomplete="off",
    )
    phone = phone_field(autocomplete="off")
    birth_date = GermanDateField(_l("Geburtsdatum"), description=_l("Optional."))
    gender = SelectField(
        _l("Geschlecht"),
        choices=opts(GENDERS.items()),
        default="keine_angabe",
        invalid_choice_message=INVALID_CHOICE,
    )
    employment_status = _optional_select(_l("Erwerbsstatus"), EMPLOYMENT_STATUSES)
    employer_id = SelectField(
        _l("Arbeitgeber"),
        choices=[],
        coerce=int_or_zero,
        invalid_choice_message=INVALID_CHOICE,
        description=_l("Nur Unternehmen, die Sie sehen dürfen."),
    )
    weekly_hours = NumberField(
        _l("Wochenarbeitszeit in Stunden"),
        validators=[Optional()],
        places=2,
        coerce=float,
        minimum=0,
        maximum=80,
        message=_l("Bitte geben Sie die Stunden als Zahl ein, z. B. 38,5."),
        range_message=_l("Bitte geben Sie 0 bis 80 Stunden ein."),
    )
    working_days_per_week = NumberField(
        _l("Arbeitstage pro Woche"),
        validators=[Optional()],
        whole=True,
        minimum=1,
        maximum=7,
        message=_l("Bitte geben Sie die Arbeitstage als ganze Zahl von 1 bis 7 ein."),
        range_message=_l("Bitte geben Sie 1 bis 7 Tage ein."),
    )
    employed_since = GermanDateField(_l("Beschäftigt seit"))
    qualification = _optional_select(_l("Höchster Berufsabschluss"), QUALIFICATIONS)
    qualification_year = NumberField(
        _l("Jahr des Abschlusses"),
        whole=True,
        grouping=False,
        message=_l("Bitte geben Sie das Jahr vierstellig ein, z. B. 2005."),
    )
    isced_level = _optional_select(_l("Bildungsniveau (ISCED)"), ISCED_LEVELS)
    residence_district_id = SelectField(
        _l("Wohnort (Kreis)"),
        choices=[],
        coerce=int_or_zero,
        invalid_choice_message=INVALID_CHOICE,
    )
    severely_disabled = SelectField(
        _l("Schwerbehinderung (besondere Kategorie nach Art. 9 DSGVO)"),
        choices=opts(SEVERELY_DISABLED_CHOICES),
        invalid_choice_message=INVALID_CHOICE,
        description=_l("Nur mit ausdrücklicher Einwilligung der Person erfassen."),
    )
    special_consent = BooleanField(
        _l(
            "Ausdrückliche Einwilligung der Person liegt vor (Text-Version %(version)s)",
            version=rules.CONSENT_TEXT_VERSIONS[rules.SPECIAL_CATEGORIES],
        )
    )

    def validate_birth_date(self, field: GermanDateField) -> None:
        problem = rules.birth_date_problem(field.data, local_today())
        if problem:
            raise ValidationError(_l(problem))

    def validate_employed_since(self, field: GermanDateField) -> None:
        problem = rules.employed_since_problem(field.data, self.birth_date.data, local_today())
        if problem:
            raise ValidationError(_l(problem))

    def validate_qualification_year(self, field: NumberField) -> None:
        problem = rules.qualification_year_problem(field.data, self.birth_date.data, local_today())
        if problem:
            raise ValidationError(_l(problem))

    def special_value(self) -> bool | None:
        return {"ja": True, "nein": False}.get(self.severely_disabled.data or "")

    def service_data(self) -> dict[str, Any]:
        return {
            "first_name": self.first_name.data,
            "last_name": self.last_name.data,
            "email": self.email.data or None,
            "phone": self.phone.data or None,
            "birth_date": self.birth_date.data,
            "gender": self.gender.data or "keine_angabe",
            "employment_status": self.employment_status.data or None,
            "employer_id": self.employer_id.data or None,
            "weekly_hours": self.weekly_hours.data,
            "working_days_per_week": self.working_days_per_week.data,
            "employed_since": self.employed_since.data,
            "qualification": self.qualification.data or None,
            "qualification_year": self.qualification_year.data,
            "isced_level": self.isced_level.data or None,
            "residence_district_id": self.residence_district_id.data or None,
        }


class PersonCreateForm(PersonForm):
    submission_token = HiddenField()
    next = HiddenField()
    # Created from a firm case ("Neue beschäftigte Person anlegen"): joins that case.
    case_id = HiddenField()
    confirm_new = BooleanField(_l("Trotzdem neu anlegen"))


class PersonEditForm(PersonForm):
    version = HiddenField()


class ConsentForm(BaseForm):
    purpose = SelectField(
        _l("Zweck der Einwilligung"),
        choices=opts((k, v) for k, v in CONSENT_PURPOSES.items() if k != rules.SPECIAL_CATEGORIES),
        invalid_choice_message=INVALID_CHOICE,
    )
    # Choices (partner kinds and the partners of the directory) are set by the view:
    # wbagentur/referrals/consents.py.
    recipient = SelectField(
        _l("Empfänger (nur bei Weitergabe an eine Partnerstelle)"),
        choices=[],
        validate_choice=False,  # checked below, only for a share-partner consent
        description=_l(
            "Eine Partnerstelle aus dem Verzeichnis oder alle Stellen einer Art, "
            "z. B. alle Agenturen für Arbeit."
        ),
    )

    def validate_recipient(self, field: SelectField) -> None:
        if self.purpose.data != "share_partner":
            return
        if not field.data:
            raise ValidationError(
                _l("Bitte wählen Sie, an welche Partnerstelle die Daten gehen dürfen.")
            )
        if field.data not in {choice.value for choice in field.choices}:  # type: ignore[union-attr]
            raise ValidationError(INVALID_CHOICE)


def consent_form(*args: Any, **kwargs: Any) -> ConsentForm:
    """A consent form with the recipients of the partner directory as choices."""
    from wbagentur.firms.forms import grouped
    from wbagentur.persons.recipients import recipient_choices

    form = ConsentForm(*args, **kwargs)
    form.recipient.choices = grouped(PLEASE_CHOOSE, recipient_choices())
    return form
