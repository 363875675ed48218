"""Forms: the funding check (public quick check and in-case check), proposing a parameter
version (fields generated from the current version), decisions and programme status."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError

from wbagentur.core.forms import BaseForm, MoneyField, NoControlCharacters, NumberField
from wbagentur.core.timezone import local_today
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.funding.engine.param_specs import SPECS, label_of

#: Parameter kinds entered as numbers (an unknown value, null, may stay empty).
NUMBER_KINDS = ("rate", "pp", "eur", "count", "days", "months", "years", "hours", "factor")


def parse_german_date(text: str) -> date:
    """Parse 'TT.MM.JJJJ' or ISO 'JJJJ-MM-TT'; ValueError otherwise."""
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if m:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    raise ValueError(text)


class ChoiceField(SelectField):
    """A select whose missing value means "unknown" and whose error says what to do."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: Any) -> None:
        if self.data not in {str(value) for value, *_ in self.choices or []}:
            raise ValidationError(_l("Bitte wählen Sie einen Eintrag aus der Liste."))


class GermanDate:
    """Validate an optional date field 'TT.MM.JJJJ' within a plausible range."""

    def __init__(self, message: Any, past_only: bool = False) -> None:
        self.message, self.past_only = message, past_only

    def __call__(self, form: Any, field: Any) -> None:
        if not field.data:
            return
        try:
            value = parse_german_date(field.data)
        except ValueError:
            raise ValidationError(self.message) from None
        if not date(1900, 1, 1) <= value <= date(2100, 12, 31):
            raise ValidationError(self.message)
        if self.past_only and value > local_today():
            raise ValidationError(self.message)


def _num(
    label: Any,
    minimum: float,
    maximum: float,
    message: Any,
    whole: bool = False,
    description: Any = None,
    grouping: bool = True,
) -> NumberField:
    return NumberField(
        label,
        validators=[Optional()],
        whole=whole,
        minimum=minimum,
        maximum=maximum,
        message=message,
        range_message=message,
        description=description,
        grouping=grouping,
    )


# A course or a wage above 100.000 € in one check is more likely a typing slip than real.
MONEY_CONFIRM_ABOVE = 100_000 * 100


def _money(label: Any, message: Any, description: Any = None) -> MoneyField:
    return MoneyField(
        label,
        validators=[Optional()],
        maximum_cents=1_000_000 * 100,
        confirm_above=MONEY_CONFIRM_ABOVE,
        range_message=message,
        description=description,
    )


def _float(value: Any) -> float | int:
    """A field's number for the engine's JSON document (whole numbers stay ints)."""
    return int(value) if value == int(value) else float(value)


def _euros(cents: int) -> float | int:
    return _float(Decimal(cents) / 100)


def _date(label: Any, message: Any, past_only: bool = False) -> StringField:
    return StringField(
        label,
        validators=[Optional(), Length(max=10, message=message), GermanDate(message, past_only)],
        description=_l("Format TT.MM.JJJJ, z. B. 11.01.2027"),
        render_kw={"autocomplete": "off"},
    )


YES_NO = [("", _l("– unbekannt –")), ("yes", _l("ja")), ("no", _l("nein"))]
EMPLOYMENT = [
    ("", _l("– bitte wählen –")),
    ("employed", _l("beschäftigt")),
    ("apprentice", _l("in Ausbildung")),
    ("threatened_by_unemployment", _l("von Arbeitslosigkeit bedroht")),
    ("unemployed", _l("arbeitslos")),
    ("self_employed", _l("selbstständig")),
    ("not_employed", _l("nicht erwerbstätig")),
]
INCOME_BANDS = [
    ("", _l("– keine Angabe –")),
    ("0", _l("unter 30.000 €")),
    ("30000", _l("30.000 € bis unter 55.000 €")),
    ("55000", _l("55.000 € bis unter 110.000 €")),
    ("110000", _l("110.000 € oder mehr")),
]
GOALS = [
    ("", _l("– bitte wählen –")),
    ("other", _l("berufliche Weiterbildung (Anpassung, Spezialisierung)")),
    ("vocational_qualification", _l("Berufsabschluss (Umschulung, Nachqualifizierung)")),
    ("afbg1", _l("Aufstiegsfortbildung Stufe 1: Geprüfte/r Berufsspezialist/in")),
    ("afbg2", _l("Aufstiegsfortbildung Stufe 2: Meister/in, Fachwirt/in, Techniker/in")),
    ("afbg3", _l("Aufstiegsfortbildung Stufe 3: Betriebswirt/in (Master Professional)")),
    ("university_degree", _l("Hochschulstudium")),
]
MODES = [("", _l("– unbekannt –")), ("full_time", _l("Vollzeit")), ("part_time", _l("Teilzeit"))]
HOURS_UNITS = [
    ("", _l("– unbekannt –")),
    ("clock_hours", _l("Zeitstunden (60 Minuten)")),
    ("teaching_units_45", _l("Unterrichtsstunden (45 Minuten)")),
]
MSG_COUNT = _l("Bitte geben Sie eine ganze Zahl zwischen 0 und 100.000 ein.")
MSG_EUR = _l(
    "Bitte geben Sie einen Betrag in Euro zwischen 0 und 1.000.000 ein, z. B. 6.000 oder 6000,50."
)


class QuickCheckForm(BaseForm):
    """Anonymous quick check: firm, person and course in a few fields (nothing is stored)."""

    staff_over_30h = _num(
        _l("Beschäftigte mit mehr als 30 Wochenstunden"), 0, 100000, MSG_COUNT, True
    )
    staff_up_to_30h = _num(
        _l("Beschäftigte mit 21 bis 30 Wochenstunden"), 0, 100000, MSG_COUNT, True
    )
    staff_up_to_20h = _num(
        _l("Beschäftigte mit 11 bis 20 Wochenstunden"), 0, 100000, MSG_COUNT, True
    )
    staff_up_to_10h = _num(
        _l("Beschäftigte mit bis zu 10 Wochenstunden"), 0, 100000, MSG_COUNT, True
    )
    headcount = _num(
        _l("Oder: gewichtete Beschäftigtenzahl"),
        0,
        100000,
        _l("Bitte geben Sie eine Zahl zwischen 0 und 100.000 ein, z. B. 29,25."),
        description=_l("Nur ausfüllen, wenn Sie die Beschäftigten oben nicht aufteilen."),
    )
    district_key = ChoiceField(_l("Landkreis oder kreisfreie Stadt des Betriebs"), choices=[])
    works_agreement = BooleanField(_l("Es gibt eine Betriebsvereinbarung zur Weiterbildung"))
    collective_agreement = BooleanField(_l("Ein Tarifvertrag regelt betriebliche Weiterbildung"))

    birth_date = _date(
        _l("Geburtsdatum"),
        _l("Bitte geben Sie das Geburtsdatum als TT.MM.JJJJ ein (nicht in der Zukunft)."),
        past_only=True,
    )
    employment_status = ChoiceField(_l("Beschäftigungsstatus"), choices=EMPLOYMENT)
    has_qualification = ChoiceField(_l("Verwertbarer Berufsabschluss vorhanden"), choices=YES_NO)
    qualification_year = _num(
        _l("Jahr des letzten Berufsabschlusses"),
        1940,
        2100,
        _l("Bitte geben Sie ein Jahr zwischen 1940 und dem laufenden Jahr ein, z. B. 2012."),
        True,
        grouping=False,
    )
    income_band = ChoiceField(
        _l("Zu versteuerndes Einkommen laut letztem Steuerbescheid"), choices=INCOME_BANDS
    )
    joint_assessment = BooleanField(_l("Gemeinsame Veranlagung (Ehe oder Lebenspartnerschaft)"))

    course_title = StringField(
        _l("Titel des Lehrgangs"),
        validators=[
            Optional(),
            Length(max=160, message=_l("Der Titel darf höchstens 160 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
    )
    hours = _num(
        _l("Umfang in Stunden"),
        0,
        10000,
        _l("Bitte geben Sie die Stundenzahl als Zahl zwischen 0 und 10.000 ein."),
    )
    hours_unit = ChoiceField(_l("Einheit der Stunden"), choices=HOURS_UNITS)
    course_fees = _money(_l("Lehrgangsgebühren in Euro"), MSG_EUR)
    gross_wage = _money(
        _l("Arbeitsentgelt für die Lehrgangszeit in Euro (brutto)"),
        MSG_EUR,
        description=_l("Für den Zuschuss zum Arbeitsentgelt nach § 82 SGB III."),
    )
    start_date = _date(
        _l("Beginn des Lehrgangs"), _l("Bitte geben Sie den Beginn als TT.MM.JJJJ ein.")
    )
    goal = ChoiceField(_l("Ziel des Lehrgangs"), choices=GOALS)
    mode = ChoiceField(_l("Vollzeit oder Teilzeit"), choices=MODES)
    duration_months = _num(
        _l("Dauer in Monaten"),
        0,
        120,
        _l("Bitte geben Sie die Dauer in Monaten als Zahl zwischen 0 und 120 ein."),
    )
    azav = ChoiceField(_l("Träger und Lehrgang nach AZAV zugelassen"), choices=YES_NO)

    def validate_qualification_year(self, field: NumberField) -> None:
        year = field.data
        if year is not None and year > local_today().year:
            raise ValidationError(
                _l("Bitte geben Sie ein Jahr zwischen 1940 und dem laufenden Jahr ein, z. B. 2012.")
            )

    def set_district_choices(self, districts: list[tuple[str, str]]) -> None:
        """Districts from the reference data, plus 'unknown' and 'outside Thuringia'."""
        self.district_key.choices = (
            [("", _l("– bitte wählen –"))] + districts + [("outside", _l("außerhalb Thüringens"))]
        )

    def to_document(self) -> dict[str, Any]:  # noqa: C901 (one branch per optional field)
        """The engine input document for the entered values (empty fields are omitted)."""
        firm: dict[str, Any] = {}
        staff = [
            (40, self.staff_over_30h.data),
            (30, self.staff_up_to_30h.data),
            (20, self.staff_up_to_20h.data),
            (10, self.staff_up_to_10h.data),
        ]
        if any(v for _, v in staff):
            firm["staff"] = [{"weekly_hours": h, "count": int(v)} for h, v in staff if v]
        elif self.headcount.data:
            firm["headcount"] = _float(self.headcount.data)
        if self.district_key.data == "outside":
            firm["seat_in_thuringia"] = False
        elif self.district_key.data:
            firm["district_key"] = self.district_key.data
        firm["has_works_agreement_training"] = bool(self.works_agreement.data)
        firm["has_collective_agreement_training"] = bool(self.collective_agreement.data)

        person: dict[str, Any] = {}
        if self.birth_date.data:
            person["birth_date"] = parse_german_date(self.birth_date.data).isoformat()
        if self.employment_status.data:
            person["employment_status"] = self.employment_status.data
        if self.has_qualification.data:
            person["has_usable_vocational_qualification"] = self.has_qualification.data == "yes"
        if self.qualification_year.data:
            person["vocational_qualification_year"] = int(self.qualification_year.data)
        if self.income_band.data:
            # The band's lower bound stands for the band (the limits are band edges).
            person["taxable_income_eur"] = int(self.income_band.data)
            person["joint_assessment"] = bool(self.joint_assessment.data)

        course: dict[str, Any] = {}
        if self.course_title.data:
            course["title"] = self.course_title.data
        for name, key in (("hours", "hours"), ("duration_months", "duration_months")):
            value = getattr(self, name).data
            if value:
                course[key] = _float(value)
        for name, key in (
            ("course_fees", "course_fees_eur"),
            ("gross_wage", "gross_wage_for_training_time_eur"),
        ):
            value = getattr(self, name).data
            if value:
                course[key] = _euros(value)
        if self.hours_unit.data:
            course["hours_unit"] = self.hours_unit.data
        if self.start_date.data:
            course["start_date"] = parse_german_date(self.start_date.data).isoformat()
        if self.goal.data.startswith("afbg"):
            course["goal"] = "afbg"
            course["afbg_level"] = int(self.goal.data[-1])
        elif self.goal.data:
            course["goal"] = self.goal.data
        if self.mode.data:
            course["mode"] = self.mode.data
        if self.azav.data:
            course["azav_measure_approved"] = course["azav_provider_approved"] = (
                self.azav.data == "yes"
            )
        return {"firm": firm, "person": person, "course": course}


class CaseCheckForm(QuickCheckForm):
    """The advisor's check inside a case: prefilled from the case, more fields, can be saved."""

    group_headcount = _num(
        _l("Gewichtete Beschäftigtenzahl der Unternehmensgruppe"),
        0,
        1_000_000,
        _l("Bitte geben Sie eine Zahl zwischen 0 und 1.000.000 ein."),
    )
    seat_in_thuringia = BooleanField(_l("Sitz oder Betriebsstätte in Thüringen"))
    severely_disabled = ChoiceField(_l("Schwerbehindert (§ 2 Abs. 2 SGB IX)"), choices=YES_NO)
    employed_since = _date(
        _l("Beschäftigt seit"),
        _l("Bitte geben Sie das Datum als TT.MM.JJJJ ein (nicht in der Zukunft)."),
        past_only=True,
    )
    working_days = _num(
        _l("Arbeitstage pro Woche"),
        1,
        7,
        _l("Bitte geben Sie eine Zahl von 1 bis 7 ein."),
        True,
    )
    exam_fees = _money(_l("Prüfungsgebühren in Euro"), MSG_EUR)
    eligible_wage = _money(
        _l("Berücksichtigungsfähiges Arbeitsentgelt in Euro"),
        MSG_EUR,
        description=_l(
            "Einschließlich pauschalem Arbeitgeberanteil zur Sozialversicherung; "
            "geht dem Bruttoentgelt vor."
        ),
    )
    end_date = _date(_l("Ende des Lehrgangs"), _l("Bitte geben Sie das Ende als TT.MM.JJJJ ein."))
    application_date = _date(
        _l("Antragsdatum (falls schon gestellt)"),
        _l("Bitte geben Sie das Antragsdatum als TT.MM.JJJJ ein."),
    )
    award_date = _date(
        _l("Bewilligungsdatum (falls schon bewilligt)"),
        _l("Bitte geben Sie das Bewilligungsdatum als TT.MM.JJJJ ein."),
    )
    short_time_work = ChoiceField(
        _l("Bei Lehrgangsbeginn in Kurzarbeit (bis 31.07.2024 von Bedeutung)"), choices=YES_NO
    )
    thuerbfg_recognised = ChoiceField(
        _l("Als Bildungsfreistellung (ThürBfG) anerkannt"), choices=YES_NO
    )
    submission_token = HiddenField()

    def validate_award_date(self, field: StringField) -> None:
        try:
            applied = (
                parse_german_date(self.application_date.data)
                if self.application_date.data
                else None
            )
            awarded = parse_german_date(field.data) if field.data else None
        except ValueError:
            return
        if applied and awarded and awarded < applied:
            raise ValidationError(_l("Die Bewilligung kann nicht vor dem Antrag liegen."))

    def validate_end_date(self, field: StringField) -> None:
        try:
            start = parse_german_date(self.start_date.data) if self.start_date.data else None
            end = parse_german_date(field.data) if field.data else None
        except ValueError:
            return
        if start and end and end < start:
            raise ValidationError(_l("Das Ende darf nicht vor dem Beginn liegen."))

    def to_document(self) -> dict[str, Any]:
        doc = super().to_document()
        firm, person, course = doc["firm"], doc["person"], doc["course"]
        if self.group_headcount.data:
            firm["group_headcount"] = _float(self.group_headcount.data)
        if self.district_key.data != "outside":
            firm["seat_in_thuringia"] = bool(self.seat_in_thuringia.data)
        if self.severely_disabled.data:
            person["severely_disabled"] = self.severely_disabled.data == "yes"
        if self.employed_since.data:
            person["employed_since"] = parse_german_date(self.employed_since.data).isoformat()
        if self.working_days.data:
            person["working_days_per_week"] = int(self.working_days.data)
        for name, key in (("exam_fees", "exam_fees_eur"), ("eligible_wage", "eligible_wage_eur")):
            value = getattr(self, name).data
            if value:
                course[key] = _euros(value)
        if self.short_time_work.data:
            person["short_time_work_at_course_start"] = self.short_time_work.data == "yes"
        for name, key in (
            ("end_date", "end_date"),
            ("application_date", "application_date"),
            ("award_date", "award_date"),
        ):
            value = getattr(self, name).data
            if value:
                course[key] = parse_german_date(value).isoformat()
        if self.thuerbfg_recognised.data:
            course["thuerbfg_recognised"] = self.thuerbfg_recognised.data == "yes"
        return doc


# --------------------------------------------------------------------------- catalogue forms


class ProposeVersionBase(BaseForm):
    valid_from = StringField(
        _l("Gültig ab"),
        validators=[
            DataRequired(_l("Bitte geben Sie an, ab wann die Fassung gilt (TT.MM.JJJJ).")),
            Length(max=10, message=_l("Bitte geben Sie das Datum als TT.MM.JJJJ ein.")),
            GermanDate(_l("Bitte geben Sie das Datum als TT.MM.JJJJ ein.")),
        ],
        description=_l("Format TT.MM.JJJJ"),
    )
    source = StringField(
        _l("Rechtsquelle"),
        validators=[
            DataRequired(_l("Bitte geben Sie die Rechtsquelle an (Gesetz, Richtlinie, Fassung).")),
            Length(max=300, message=_l("Die Rechtsquelle darf höchstens 300 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
    )
    source_url = StringField(
        _l("Link zur Rechtsquelle"),
        validators=[
            Optional(),
            Length(max=300, message=_l("Der Link darf höchstens 300 Zeichen lang sein.")),
            URL(message=_l("Bitte geben Sie einen vollständigen Link ein (https://…).")),
        ],
    )
    submission_token = HiddenField()

    param_specs: dict[str, dict[str, Any]] = {}

    def param_fields(self) -> list[tuple[str, Any, Any]]:
        """(key, value field, verified field) per parameter, in the set's order."""
        return [(key, self[f"p__{key}"], self[f"v__{key}"]) for key in self.param_specs]

    def param_rows(self) -> list[dict[str, Any]]:
        """Per parameter: key, German label and its value, verified, source and note fields."""
        return [
            {
                "key": key,
                "label": label_of(key),
                "value": self[f"p__{key}"],
                "verified": self[f"v__{key}"],
                "source": self[f"s__{key}"],
                "note": self[f"n__{key}"],
            }
            for key in self.param_specs
        ]

    def params(self) -> dict[str, Any]:
        """The parameters as entered, in the engine's dict form."""
        out: dict[str, Any] = {}
        for key, spec in self.param_specs.items():
            raw = self[f"p__{key}"].data
            kind = spec["kind"]
            if kind == "bool":
                value: Any = raw == "true"
            elif kind == "number":
                value = int(raw) if spec["int"] and raw == int(raw) else float(raw)
            elif kind == "optional_number":
                value = None if raw is None else float(raw)
            elif kind == "text":
                value = raw
            else:
                value = json.loads(raw)
            out[key] = {
                "value": value,
                "verified": bool(self[f"v__{key}"].data),
                "source": (self[f"s__{key}"].data or "").strip(),
                "note": (self[f"n__{key}"].data or "").strip(),
            }
        return out


class _JsonValue:
    message = _l('Bitte geben Sie gültiges JSON ein, z. B. [1, 2] oder {"a": 1} oder null.')

    def __call__(self, form: Any, field: Any) -> None:
        try:
            json.loads(field.data or "")
        except ValueError:
            raise ValidationError(self.message) from None


def propose_form_class(params: dict[str, dict[str, Any]]) -> type[ProposeVersionBase]:
    """A form class with one field per parameter of ``params`` (the current version's dict)."""
    attrs: dict[str, Any] = {"param_specs": {}}
    for key, p in params.items():
        value = p.get("value")
        spec = {"source": p.get("source", ""), "note": p.get("note", ""), "int": False}
        label = label_of(key)
        kind = SPECS[key].kind if key in SPECS else None
        low, high = (0, 1) if kind in ("rate", "pp") else (0, 1_000_000_000)
        if value is None and kind in NUMBER_KINDS:
            spec["kind"] = "optional_number"
            field: Any = NumberField(
                label,
                validators=[Optional()],
                minimum=low,
                maximum=high,
                description=_l("leer lassen, solange der Wert nicht bekannt ist"),
            )
            default: Any = None
        elif isinstance(value, bool):
            spec["kind"] = "bool"
            field = SelectField(label, choices=[("true", _l("ja")), ("false", _l("nein"))])
            default = "true" if value else "false"
        elif isinstance(value, (int, float)):
            spec["kind"] = "number"
            spec["int"] = isinstance(value, int)
            field = NumberField(
                label,
                validators=[
                    InputRequired(_l("Bitte geben Sie eine Zahl ein, z. B. 38,5 oder 1.234."))
                ],
                minimum=low,
                maximum=high,
                description=_l("Anteil, z. B. 0,75 für 75 %") if high == 1 else None,
            )
            default = value
        elif isinstance(value, str):
            spec["kind"] = "text"
            field = StringField(
                label,
                validators=[
                    DataRequired(_l("Bitte geben Sie einen Wert ein.")),
                    Length(max=200, message=_l("Der Wert darf höchstens 200 Zeichen lang sein.")),
                    NoControlCharacters(),
                ],
            )
            default = value
        else:
            spec["kind"] = "json"
            field = TextAreaField(
                label,
                validators=[
                    DataRequired(_JsonValue.message),
                    Length(
                        max=5000, message=_l("Der Wert darf höchstens 5.000 Zeichen lang sein.")
                    ),
                    _JsonValue(),
                ],
                description=_l("Liste oder verschachtelter Wert als JSON"),
                render_kw={"rows": 3},
            )
            default = json.dumps(value, ensure_ascii=False)
        field.kwargs["default"] = default
        attrs[f"p__{key}"] = field
        attrs[f"v__{key}"] = BooleanField(
            _l("%(key)s geprüft", key=label), default=bool(p.get("verified", True))
        )
        attrs[f"s__{key}"] = StringField(
            _l("Quelle"),
            validators=[
                Length(max=300, message=_l("Die Quelle darf höchstens 300 Zeichen lang sein.")),
                NoControlCharacters(),
            ],
            default=p.get("source", ""),
        )
        attrs[f"n__{key}"] = TextAreaField(
            _l("Hinweis"),
            validators=[
                Length(max=1000, message=_l("Der Hinweis darf höchstens 1.000 Zeichen lang sein.")),
                NoControlCharacters(),
            ],
            default=p.get("note", ""),
            render_kw={"rows": 2},
        )
        attrs["param_specs"][key] = spec
    return type("ProposeVersionForm", (ProposeVersionBase,), attrs)


class DecisionForm(BaseForm):
    note = TextAreaField(
        _l("Vermerk zur Entscheidung"),
        validators=[
            Optional(),
            Length(max=500, message=_l("Der Vermerk darf höchstens 500 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
        render_kw={"rows": 2},
    )


class StatusForm(BaseForm):
    status = SelectField(
        _l("Neuer Status"),
        choices=[
            ("open", _l("offen")),
            ("paused", _l("ausgesetzt (Fördermittel ausgeschöpft)")),
            ("closed", _l("geschlossen")),
        ],
    )
    reason = StringField(
        _l("Grund"),
        validators=[
            DataRequired(_l("Bitte geben Sie einen Grund für die Statusänderung an.")),
            Length(max=300, message=_l("Der Grund darf höchstens 300 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
    )
    version = HiddenField()
