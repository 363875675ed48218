"""Forms of the ESF+ module (dates typed the German way: 02.12.2026)."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from wbagentur.cases.forms import TypedGermanDateField
from wbagentur.core.forms import BaseForm, NoControlCharacters, NumberField
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.core.translation import lazy_pgettext
from wbagentur.esf.models import ENTRY_STATUSES, ESF_GENDERS, ESF_ISCED, EXIT_SITUATIONS

CHOOSE = [("", _l("– bitte wählen –"))]
YES_NO_UNKNOWN = [("", _l("keine Angabe")), ("ja", _l("ja")), ("nein", _l("nein"))]
INVALID_CHOICE = _l("Bitte wählen Sie einen Eintrag aus der Liste.")


def _choices(mapping: dict[str, str]) -> list[tuple[str, Any]]:
    return [(k, _l(v)) for k, v in mapping.items()]


def tri_state(value: str | None) -> bool | None:
    return {"ja": True, "nein": False}.get(value or "")


def tri_state_value(value: bool | None) -> str:
    return "" if value is None else ("ja" if value else "nein")


def _optional(label: Any) -> SelectField:
    return SelectField(label, choices=YES_NO_UNKNOWN, default="")


class EntryForm(BaseForm):
    entry_date = TypedGermanDateField(
        _l("Eintrittsdatum"),
        validators=[InputRequired(_l("Bitte geben Sie das Eintrittsdatum an."))],
    )
    employment_status = SelectField(
        _l("Erwerbsstatus bei Eintritt"),
        choices=CHOOSE + _choices(ENTRY_STATUSES),
        validators=[DataRequired(_l("Bitte wählen Sie den Erwerbsstatus."))],
    )
    age_at_entry = NumberField(
        _l("Alter bei Eintritt (Jahre)"),
        validators=[InputRequired(_l("Bitte geben Sie das Alter an."))],
        whole=True,
        minimum=0,
        maximum=120,
    )
    isced_level = SelectField(
        _l("Bildungsstand (ISCED)"),
        choices=CHOOSE + _choices(ESF_ISCED),
        validators=[DataRequired(_l("Bitte wählen Sie den Bildungsstand."))],
    )
    gender = SelectField(
        _l("Geschlecht"),
        choices=CHOOSE + _choices(ESF_GENDERS),
        validators=[DataRequired(_l("Bitte wählen Sie das Geschlecht."))],
    )
    postcode = StringField(
        _l("Postleitzahl des Wohnorts"),
        validators=[
            Optional(),
            Regexp(r"^\d{5}$", message=_l("Bitte geben Sie eine fünfstellige Postleitzahl ein.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    third_country_national = _optional(_l("Drittstaatsangehörigkeit"))
    foreign_background = _optional(_l("Ausländische Herkunft"))
    homeless = _optional(_l("Obdachlos oder von Ausgrenzung auf dem Wohnungsmarkt betroffen"))
    rural_area = _optional(_l("Wohnort in ländlichem Gebiet"))
    disability = _optional(_l("Behinderung"))
    minority = _optional(_l("Minderheit (einschl. marginalisierter Gemeinschaften wie Roma)"))
    survey_consent = BooleanField(
        _l(
            "Die Person ist mit einer Nachbefragung per E-Mail sechs Monate nach dem "
            "Austritt einverstanden."
        )
    )
    confirm_duplicate = BooleanField(
        _l("Ich habe den möglichen Doppeleintrag geprüft: es ist eine andere Teilnahme.")
    )
    version = HiddenField()

    def data_dict(self) -> dict[str, Any]:
        return {
            "entry_date": self.entry_date.data,
            "employment_status": self.employment_status.data,
            "age_at_entry": self.age_at_entry.data,
            "isced_level": self.isced_level.data,
            "gender": self.gender.data,
            "postcode": self.postcode.data or None,
            "third_country_national": tri_state(self.third_country_national.data),
            "foreign_background": tri_state(self.foreign_background.data),
            "homeless": tri_state(self.homeless.data),
            "rural_area": tri_state(self.rural_area.data),
            "disability": tri_state(self.disability.data),
            "minority": tri_state(self.minority.data),
        }


class ExitForm(BaseForm):
    exit_date = TypedGermanDateField(
        _l("Austrittsdatum"),
        validators=[InputRequired(_l("Bitte geben Sie das Austrittsdatum an."))],
    )
    exit_situation = SelectField(
        _l("Situation bei Austritt"),
        choices=CHOOSE + _choices(EXIT_SITUATIONS),
        validators=[DataRequired(_l("Bitte wählen Sie die Situation bei Austritt."))],
    )
    results_on = TypedGermanDateField(
        _l("Ergebnisse festgestellt am (höchstens 28 Tage nach dem Austritt)"),
        validators=[Optional()],
    )
    result_job_searching = BooleanField(_l("arbeitsuchend (nur wer bei Eintritt inaktiv war)"))
    result_education = BooleanField(_l("in schulischer oder beruflicher Bildung"))
    result_qualification = BooleanField(_l("Qualifikation erlangt"))
    result_employment = BooleanField(_l("erwerbstätig (einschl. selbstständig)"))
    version = HiddenField()


class MissingReasonForm(BaseForm):
    reason = TextAreaField(
        _l("Warum fehlen ESF+-Pflichtangaben?"),
        validators=[
            DataRequired(_l("Bitte geben Sie an, warum die Angaben fehlen.")),
            Length(max=500, message=_l("Höchstens 500 Zeichen.")),
            NoControlCharacters(),
        ],
    )


class SurveyForm(BaseForm):
    employed = RadioField(
        _l("Sind Sie zurzeit erwerbstätig (auch selbstständig)?"),
        choices=[("ja", _l("ja")), ("nein", _l("nein"))],
        validators=[InputRequired(_l("Bitte wählen Sie eine Antwort."))],
    )
    improved = RadioField(
        _l("Hat sich Ihre berufliche Situation seit dem Ende der Beratung verbessert?"),
        choices=[("ja", _l("ja")), ("nein", _l("nein"))],
        validators=[InputRequired(_l("Bitte wählen Sie eine Antwort."))],
        description=_l(
            "Zum Beispiel: unbefristete Stelle, mehr Stunden, anspruchsvollere Tätigkeit."
        ),
    )


class PeriodForm(BaseForm):
    class Meta:
        csrf = False

    von = TypedGermanDateField(lazy_pgettext("date range", "von"), validators=[Optional()])
    bis = TypedGermanDateField(_l("bis"), validators=[Optional()])
    region = SelectField(_l("Region"), choices=[("", _l("alle Regionen"))], validators=[Optional()])
