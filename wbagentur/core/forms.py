"""Base form: strips surrounding whitespace, normalises to NFC, rejects control chars."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip())
    return value


class BaseForm(FlaskForm):
    """All forms derive from this: whitespace stripped, NFC, no control characters."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            filters = list(unbound_field.kwargs.get("filters", []))
            if unbound_field.field_class.__name__ not in ("PasswordField", "FileField"):
                filters.append(_clean)
            return unbound_field.bind(form=form, filters=filters, **options)


class NoControlCharacters:
    """Reject control and bidi-override characters (tab and newline allowed)."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or "Bitte keine Steuerzeichen verwenden."

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and _CONTROL.search(field.data):
            # Never echo control characters back into the page.
            field.data = _CONTROL.sub("", field.data)
            raise ValidationError(self.message)


class ConfirmForm(BaseForm):
    """An empty form for POST buttons: only the CSRF token is checked."""


def optional_email_field(invalid_message: Any, autocomplete: str = "email") -> Any:
    """An optional e-mail field (≤ 254 characters, syntax checked without DNS)."""
    from flask_babel import lazy_gettext as _l
    from wtforms import StringField
    from wtforms.validators import Email, Length, Optional

    return StringField(
        _l("E-Mail-Adresse"),
        validators=[
            Optional(),
            Length(max=254, message=_l("Die E-Mail-Adresse ist zu lang.")),
            Email(invalid_message, check_deliverability=False),
        ],
        render_kw={"autocomplete": autocomplete, "inputmode": "email"},
    )


def phone_field(autocomplete: str = "tel") -> Any:
    """An optional phone number field (≤ 40 characters, no control characters)."""
    from flask_babel import lazy_gettext as _l
    from wtforms import StringField
    from wtforms.validators import Length

    return StringField(
        _l("Telefon"),
        validators=[
            Length(max=40, message=_l("Die Telefonnummer ist zu lang.")),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": autocomplete, "inputmode": "tel"},
    )
