"""The administrator's form for a contact point's public contact details."""

from __future__ import annotations

from typing import Any

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Regexp

from wbagentur.core.forms import BaseForm, NoControlCharacters
from wbagentur.core.translation import lazy_gettext as _l

# The city belongs to the reference data (regions/data.py, `flask regions check`).
CONTACT_FIELDS = ("street", "postcode", "phone", "email", "opening_hours")


class ContactPointForm(BaseForm):
    """Address, phone, e-mail and opening hours as the public reads them."""

    street = StringField(
        _l("Straße und Hausnummer"),
        validators=[
            DataRequired(_l("Bitte geben Sie Straße und Hausnummer ein.")),
            Length(max=120, message=_l("Höchstens 120 Zeichen.")),
            NoControlCharacters(),
        ],
    )
    postcode = StringField(
        _l("Postleitzahl"),
        validators=[
            DataRequired(_l("Bitte geben Sie die Postleitzahl ein.")),
            Regexp(r"^\d{5}$", message=_l("Die Postleitzahl hat fünf Ziffern, z. B. 99084.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    phone = StringField(
        _l("Telefon"),
        validators=[
            DataRequired(_l("Bitte geben Sie die Telefonnummer ein.")),
            Length(max=40, message=_l("Die Telefonnummer darf höchstens 40 Zeichen lang sein.")),
            Regexp(
                r"^[0-9 +\-()/]*$",
                message=_l(
                    "Bitte verwenden Sie für die Telefonnummer nur Ziffern, Leerzeichen "
                    "und + - ( ) /."
                ),
            ),
        ],
        render_kw={"inputmode": "tel"},
    )
    email = StringField(
        _l("E-Mail-Adresse"),
        validators=[
            DataRequired(_l("Bitte geben Sie die E-Mail-Adresse ein.")),
            Length(max=254, message=_l("Die E-Mail-Adresse ist zu lang.")),
            Email(
                _l("Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@firma.de."),
                check_deliverability=False,
            ),
        ],
        render_kw={"inputmode": "email"},
    )
    opening_hours = TextAreaField(
        _l("Öffnungszeiten"),
        validators=[
            DataRequired(_l("Bitte geben Sie die Öffnungszeiten ein.")),
            Length(max=500, message=_l("Höchstens 500 Zeichen.")),
            NoControlCharacters(),
        ],
        description=_l("Zum Beispiel: Mo–Do 8:00–16:00 Uhr, Fr 8:00–13:00 Uhr"),
        render_kw={"rows": 3},
    )

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name).data for name in CONTACT_FIELDS}
