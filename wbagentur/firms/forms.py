"""Forms of the firms module (and small German-message fields the persons forms reuse)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from wbagentur.core.forms import (
    BaseForm,
    MoneyField,
    NoControlCharacters,
    NumberField,
    optional_email_field,
    phone_field,
)
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.firms import rules, wz


class GermanDateField(StringField):
    """A date from ``<input type=date>`` (YYYY-MM-DD) or typed as TT.MM.JJJJ."""

    def __init__(self, label: Any = None, validators: Any = None, **kw: Any) -> None:
        kw.setdefault("render_kw", {})
        kw["render_kw"].setdefault("type", "date")
        super().__init__(label, validators, **kw)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        raw = str(valuelist[0]).strip()
        if raw == "":
            self.data = None
            return
        for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                self.data = datetime.strptime(raw, fmt).date()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(_l("Bitte geben Sie ein gültiges Datum ein, z. B. 31.12.1980."))

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.isoformat() if isinstance(self.data, date) else ""


INVALID_CHOICE = _l("Bitte wählen Sie einen Eintrag aus der Liste.")
# Turnover or balance sheet above 1 Mrd € is no SME in Thuringia: ask before storing it.
FIRM_AMOUNT_CONFIRM_ABOVE = 1_000_000_000 * 100


def _staff_field(label: Any) -> NumberField:
    return NumberField(
        label,
        validators=[Optional()],
        whole=True,
        minimum=0,
        maximum=1_000_000,
        message=_l("Bitte geben Sie die Anzahl als ganze Zahl ein (0 oder mehr)."),
        range_message=_l("Bitte geben Sie eine Zahl ab 0 ein."),
    )


def opts(pairs: Any) -> list[SelectChoice]:
    """Plain options as SelectChoice objects (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def grouped(placeholder: Any, groups: dict[str, list[tuple[str, str]]]) -> list[SelectChoice]:
    """A placeholder option, then one ``<optgroup>`` per group."""
    choices = [SelectChoice("", placeholder)]
    for group, options in groups.items():
        choices.extend(SelectChoice(value, label, optgroup=group) for value, label in options)
    return choices


def district_choices(districts: list[Any]) -> list[SelectChoice]:
    """District select grouped by planning region; option values are district keys."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for d in sorted(districts, key=lambda d: (d.region.name, d.name)):
        groups.setdefault(d.region.name, []).append((d.key, d.name))
    return grouped(_l("– bitte wählen –"), groups)


class FirmForm(BaseForm):
    name = StringField(
        _l("Name des Unternehmens"),
        validators=[
            DataRequired(_l("Bitte geben Sie den Namen des Unternehmens ein.")),
            Length(max=160, message=_l("Der Name darf höchstens 160 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": "organization"},
    )
    legal_form = SelectField(
        _l("Rechtsform"),
        choices=opts(
            [("", _l("– bitte wählen –"))]
            + [(f, rules.LEGAL_FORM_LABELS.get(f, f)) for f in rules.LEGAL_FORMS]
        ),
        invalid_choice_message=INVALID_CHOICE,
    )
    register_number = StringField(
        _l("Handelsregisternummer"),
        validators=[
            Length(max=20, message=_l("Die Registernummer ist zu lang.")),
            NoControlCharacters(),
        ],
        description=_l("Optional, z. B. HRB 12345 oder HRA 501234 (auch GnR, PR, VR)."),
    )
    wz_code = SelectField(
        _l("Wirtschaftszweig (WZ 2008)"),
        choices=grouped(_l("– bitte wählen –"), wz.grouped_choices()),
        invalid_choice_message=INVALID_CHOICE,
    )
    street = StringField(
        _l("Straße und Hausnummer"),
        validators=[
            Length(max=120, message=_l("Die Straße darf höchstens 120 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": "street-address"},
    )
    postcode = StringField(
        _l("Postleitzahl"),
        validators=[
            Optional(),
            Regexp(
                r"^\d{5}$",
                message=_l("Bitte geben Sie eine fünfstellige Postleitzahl ein, z. B. 98527."),
            ),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "postal-code", "data-postcode": "1"},
    )
    city = StringField(
        _l("Ort"),
        validators=[
            Length(max=80, message=_l("Der Ort darf höchstens 80 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": "address-level2"},
    )
    district_key = SelectField(
        _l("Landkreis oder kreisfreie Stadt"),
        validators=[DataRequired(_l("Bitte wählen Sie den Landkreis oder die kreisfreie Stadt."))],
        description=_l(
            "Maßgeblich für die Planungsregion. Die Postleitzahl kann einen Vorschlag liefern."
        ),
        choices=[],
        invalid_choice_message=INVALID_CHOICE,
    )
    email = optional_email_field(
        _l("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. info@firma.de."),
        autocomplete="email",
    )
    phone = phone_field(autocomplete="tel")
    staff_over_30h = _staff_field(_l("Beschäftigte mit mehr als 30 Wochenstunden"))
    staff_up_to_30h = _staff_field(_l("Beschäftigte mit bis zu 30 Wochenstunden"))
    staff_up_to_20h = _staff_field(_l("Beschäftigte mit bis zu 20 Wochenstunden"))
    staff_up_to_10h = _staff_field(_l("Beschäftigte mit bis zu 10 Wochenstunden"))
    group_headcount = _staff_field(_l("Beschäftigte im Konzern (falls verbunden)"))
    turnover = MoneyField(
        _l("Jahresumsatz in Euro"),
        description=_l("Optional. Für die KMU-Einstufung nach EU-Empfehlung 2003/361/EG."),
        confirm_above=FIRM_AMOUNT_CONFIRM_ABOVE,
    )
    balance_sheet = MoneyField(
        _l("Bilanzsumme in Euro"),
        description=_l("Optional."),
        confirm_above=FIRM_AMOUNT_CONFIRM_ABOVE,
    )
    has_collective_agreement_training = BooleanField(_l("Tarifvertrag zur Weiterbildung"))
    has_works_agreement_training = BooleanField(_l("Betriebsvereinbarung zur Weiterbildung"))
    has_works_council = BooleanField(_l("Betriebsrat vorhanden"))
    seat_in_thuringia = BooleanField(_l("Sitz in Thüringen"), default=True)

    def validate_register_number(self, field: StringField) -> None:
        try:
            field.data = rules.normalise_register_number(field.data)
        except ValueError:
            raise ValidationError(
                _l(
                    "Bitte geben Sie die Registernummer wie HRB 12345 an (Registerart HRA, HRB, GnR, "  # noqa: E501
                    "PR oder VR und die Nummer)."
                )
            ) from None

    def validate_district_key(self, field: SelectField) -> None:
        allowed = getattr(self, "allowed_district_keys", None)
        if allowed is not None and field.data and field.data not in allowed:
            raise ValidationError(
                _l(
                    "Bitte wählen Sie einen Kreis Ihrer Planungsregion. Unternehmen anderer Regionen "  # noqa: E501
                    "legt die dortige Kontaktstelle an."
                )
            )

    def service_data(self) -> dict[str, Any]:
        """The fields the service may set (an allowlist; no mass assignment)."""
        return {
            "name": self.name.data,
            "legal_form": self.legal_form.data or None,
            "register_number": self.register_number.data or None,
            "wz_code": self.wz_code.data or None,
            "street": self.street.data or None,
            "postcode": self.postcode.data or None,
            "city": self.city.data or None,
            "district_key": self.district_key.data,
            "email": (self.email.data or None),
            "phone": self.phone.data or None,
            "staff_over_30h": self.staff_over_30h.data or 0,
            "staff_up_to_30h": self.staff_up_to_30h.data or 0,
            "staff_up_to_20h": self.staff_up_to_20h.data or 0,
            "staff_up_to_10h": self.staff_up_to_10h.data or 0,
            "group_headcount": self.group_headcount.data,
            "turnover_cents": self.turnover.data,
            "balance_sheet_cents": self.balance_sheet.data,
            "has_collective_agreement_training": bool(self.has_collective_agreement_training.data),
            "has_works_agreement_training": bool(self.has_works_agreement_training.data),
            "has_works_council": bool(self.has_works_council.data),
            "seat_in_thuringia": bool(self.seat_in_thuringia.data),
        }


class FirmCreateForm(FirmForm):
    submission_token = HiddenField()
    confirm_new = BooleanField(_l("Trotzdem neu anlegen"))


class FirmEditForm(FirmForm):
    version = HiddenField()


class ContactForm(BaseForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Bitte geben Sie den Namen der Ansprechperson ein.")),
            Length(max=100, message=_l("Der Name darf höchstens 100 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": "name"},
    )
    function = StringField(
        _l("Funktion"),
        validators=[
            Length(max=80, message=_l("Die Funktion darf höchstens 80 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
        description=_l("z. B. Geschäftsführung oder Personalabteilung"),
    )
    email = optional_email_field(
        _l("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@firma.de."),
        autocomplete="email",
    )
    phone = phone_field(autocomplete="tel")
    submission_token = HiddenField()

    def service_data(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "function": self.function.data or None,
            "email": self.email.data or None,
            "phone": self.phone.data or None,
        }


class ContactConsentForm(BaseForm):
    """A firm contact consents to passing data on to a partner (choices set by the view)."""

    contact_id = SelectField(
        _l("Ansprechperson"),
        choices=[],
        coerce=int,
        invalid_choice_message=INVALID_CHOICE,
        validators=[DataRequired(_l("Bitte wählen Sie die Ansprechperson."))],
    )
    recipient = SelectField(
        _l("Empfänger der Daten"),
        choices=[],
        invalid_choice_message=INVALID_CHOICE,
        validators=[DataRequired(_l("Bitte wählen Sie, an wen die Daten gehen dürfen."))],
        description=_l(
            "Eine Partnerstelle aus dem Verzeichnis oder alle Stellen einer Art, "
            "z. B. alle Agenturen für Arbeit."
        ),
    )
