"""Base form: strips surrounding whitespace, normalises to NFC, rejects control chars."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from flask import abort, current_app, has_request_context, request
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import FieldList, SelectField, SelectMultipleField, StringField, widgets
from wtforms.meta import DefaultMeta
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError

from wbagentur.core import html_attributes, numbers
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.core.translation import wtforms_messages

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

        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return DefaultMeta.get_translations(self, form)  # type: ignore[arg-type]
            return wtforms_messages

    def validate(self, extra_validators: Any = None) -> bool:
        refuse_duplicate_keys(self)
        return bool(super().validate(extra_validators))


SINGLE_VALUE_KEYS = ("csrf_token", "next", "lang", "version", "submission_token")


def refuse_duplicate_keys(form: Any = None) -> None:
    """400 when a single-value field arrives more than once (``title=a&title=b``): the
    form would silently take the first value, and a check of one copy could pass while
    another copy is used (issue #19 item 9). Multi-value fields (checkbox groups,
    multiple selects, lists) may repeat."""
    if not has_request_context() or request.method not in ("POST", "PUT", "PATCH"):
        return
    names = list(SINGLE_VALUE_KEYS)
    if form is not None:
        names += [
            field.name
            for field in form
            if not isinstance(field, (SelectMultipleField, FieldList))
            and not getattr(field, "multiple_values", False)
        ]
    for name in names:
        if len(request.form.getlist(name)) + len(request.files.getlist(name)) > 1:
            abort(400)


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
    from wtforms import StringField
    from wtforms.validators import Email, Length, Optional

    from wbagentur.core.translation import lazy_gettext as _l

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
    from wtforms import StringField
    from wtforms.validators import Length

    from wbagentur.core.translation import lazy_gettext as _l

    return StringField(
        _l("Telefon"),
        validators=[
            Length(max=40, message=_l("Die Telefonnummer ist zu lang.")),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": autocomplete, "inputmode": "tel"},
    )


# --- Numbers and money ------------------------------------------------------------
# One field for every number and one for every amount in the application (issue #14
# defect 2): parsed strictly the locale's way by ``core.numbers``, with a message that says
# how to write it instead of a guess.

_NUMBER_MESSAGES: dict[str, Any] = {
    "invalid": _l("Bitte geben Sie eine Zahl ein, z. B. 38,5 oder 1.234."),
    "ambiguous": _l(
        "Die Zahl ist nicht eindeutig: Bitte schreiben Sie ein Komma vor den Nachkommastellen "
        "und einen Punkt nur als Tausendertrennzeichen, z. B. 1.234,5 oder 1234,5."
    ),
    "places": _l("Bitte geben Sie weniger Nachkommastellen an."),
}
_WHOLE_MESSAGE = _l("Bitte geben Sie eine ganze Zahl ein.")
_MONEY_MESSAGES: dict[str, Any] = {
    "invalid": _l("Bitte geben Sie einen Betrag in Euro ein, z. B. 14.640,00 oder 14640."),
    "ambiguous": _l(
        "Der Betrag ist nicht eindeutig: Bitte schreiben Sie ein Komma vor den Cent und einen "
        "Punkt nur als Tausendertrennzeichen, z. B. 14.640,00, 14640,00 oder 14640."
    ),
    "places": _l("Bitte geben Sie höchstens zwei Nachkommastellen (Cent) an, z. B. 14.640,50."),
}


class NumberField(StringField):
    """A number typed the locale's way (German ``1.234,5``, English ``1,234.5``).

    ``data`` is an ``int`` with ``whole=True``, else a ``Decimal`` (or ``coerce(Decimal)``);
    None when empty. ``minimum``/``maximum`` check the range with ``range_message``;
    ``message`` replaces the message for text that is no number at all; ``grouping=False``
    shows no thousands separator (years: 2005). The field renders
    as a text input with ``inputmode`` (a ``type=number`` input drops German commas)."""

    messages = _NUMBER_MESSAGES
    data: Any

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        *,
        whole: bool = False,
        places: int | None = None,
        minimum: int | float | Decimal | None = None,
        maximum: int | float | Decimal | None = None,
        message: Any = None,
        range_message: Any = None,
        coerce: Any = None,
        grouping: bool = True,
        **kwargs: Any,
    ) -> None:
        render_kw = dict(kwargs.pop("render_kw", None) or {})
        render_kw.setdefault("inputmode", "numeric" if whole else "decimal")
        render_kw.setdefault("autocomplete", "off")
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.whole, self.places = whole, (0 if whole else places)
        self.minimum, self.maximum = minimum, maximum
        self.message, self.range_message, self.coerce = message, range_message, coerce
        self.grouping = grouping

    def _parse(self, raw: str) -> Any:
        value = numbers.parse_number(raw, places=self.places)
        if value is None:
            return None
        if self.whole:
            return int(value)
        return self.coerce(value) if self.coerce else value

    def _message(self, reason: str) -> Any:
        if self.message is not None and reason == "invalid":
            return self.message
        if self.whole and reason in ("invalid", "places"):
            return self.message or _WHOLE_MESSAGE
        return self.messages[reason]

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        raw = str(valuelist[0])
        if len(raw) > 40:
            self.data = None
            raise ValueError(self._message("invalid"))
        try:
            self.data = self._parse(raw)
        except numbers.NumberInputError as error:
            self.data = None
            raise ValueError(self._message(error.reason)) from None

    def process_data(self, value: Any) -> None:
        # Prefill may pass stored numbers or (older callers) typed text.
        if isinstance(value, str):
            try:
                value = self._parse(value)
            except numbers.NumberInputError:
                value = None
        self.data = value

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()

    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        if validation_stopped or self.errors or self.data is None:
            return
        value = self.data
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise ValidationError(self.range_message or self._range_text())

    def _range_text(self) -> Any:
        from wbagentur.core.translation import lazy_gettext

        return lazy_gettext(
            "Bitte geben Sie eine Zahl zwischen %(minimum)s und %(maximum)s ein.",
            minimum=numbers.format_number(self.minimum, empty=""),
            maximum=numbers.format_number(self.maximum, empty=""),
        )

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return numbers.number_input_value(self.data, grouping=self.grouping)


# 1 trillion euros: above any real amount, far below BIGINT (9.2e18 cents) and Decimal's
# default precision.
MAX_MONEY_CENTS = 10**14


class MoneyField(NumberField):
    """An amount in euros, typed ``14.640,00``, ``14640,00`` or ``14640``; ``data`` in cents.

    Amounts above ``confirm_above`` (cents) are only accepted with the field's confirmation
    checkbox (``<name>-bestaetigt``), which the form macro shows next to the message: a
    slip of the finger (one zero too many) is asked about instead of stored."""

    messages = _MONEY_MESSAGES

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        *,
        minimum_cents: int | None = 0,
        maximum_cents: int | None = None,
        confirm_above: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("render_kw", {})
        kwargs["render_kw"].setdefault("inputmode", "decimal")
        # Every amount has a ceiling: a 40-digit turnover overflowed the BIGINT column
        # and Babel's formatting (500) instead of being a form error (issue #19 item 4).
        self.only_ceiling = maximum_cents is None
        if maximum_cents is None:
            maximum_cents = MAX_MONEY_CENTS
        super().__init__(
            label, validators, places=2, minimum=minimum_cents, maximum=maximum_cents, **kwargs
        )
        self.confirm_above = confirm_above
        self.confirmed = False

    @property
    def confirm_name(self) -> str:
        return f"{self.name}-bestaetigt"

    @property
    def needs_confirmation(self) -> bool:
        return (
            self.confirm_above is not None
            and isinstance(self.data, int)
            and self.data > self.confirm_above
        )

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        self.confirmed = bool(formdata is not None and formdata.get(self.confirm_name))

    def _parse(self, raw: str) -> Any:
        return numbers.parse_money_cents(raw)

    def _range_text(self) -> Any:
        from wbagentur.core.translation import lazy_gettext

        if self.maximum is None or self.only_ceiling:
            if self.only_ceiling and self.data is not None and self.data > self.maximum:
                return lazy_gettext(
                    "Der Betrag ist zu groß: höchstens %(maximum)s.",
                    maximum=numbers.format_money(MAX_MONEY_CENTS),
                )
            return lazy_gettext("Bitte geben Sie einen Betrag ab 0 Euro ein.")
        return lazy_gettext(
            "Bitte geben Sie einen Betrag zwischen %(minimum)s und %(maximum)s ein.",
            minimum=numbers.format_money(int(self.minimum or 0)),
            maximum=numbers.format_money(int(self.maximum)),
        )

    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        super().post_validate(form, validation_stopped)
        if validation_stopped or self.errors or not self.needs_confirmation or self.confirmed:
            return
        from wbagentur.core.translation import lazy_gettext

        raise ValidationError(
            lazy_gettext(
                "%(amount)s ist ungewöhnlich hoch. Bitte prüfen Sie den Betrag und bestätigen "
                "Sie ihn, wenn er stimmt.",
                amount=numbers.format_money(self.data),
            )
        )

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return numbers.money_input_value(self.data)


class ManyOptionsSelect(widgets.Select):
    """WTForms' select widget with a shorter path for plain options (no extra attributes):
    the same HTML, written directly instead of through an attribute dict per option.

    For the lists of a region's staff (250 advisors at 1,000,000 cases): WTForms' own
    option took 0.02 ms each, 11 ms of the case page's two staff lists (issue #22). The
    case list's five filters took 12 % of the page's CPU (100,000 cases, SQLite): WTForms
    read ``render_option``'s signature (``inspect.signature``) for every select, and
    ``Markup.format`` runs Python's ``string.Formatter`` for every option. Choices given
    as a list of ``(value, label)`` pairs are written straight from that list: WTForms
    builds two objects per option on the way (``SelectChoice`` and ``Choice``), 10 µs of
    each option of the case list's filters."""

    @classmethod
    def _dispatch_render_option(cls) -> Any:
        # render_option has WTForms 3.3's signature (choice, **kwargs): no need to inspect it.
        return cls.render_option

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            rendered: Markup = widgets.Select.render_option(choice, **kwargs)
            return rendered
        return html_attributes.option(choice.value, choice.label, choice.selected)

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        choices = field.choices
        if (
            self.multiple
            or type(choices) is not list
            or not all(
                type(c) is tuple and len(c) == 2 and not isinstance(c[0], bool) for c in choices
            )
        ):
            rendered: Markup = super().__call__(field, **kwargs)
            return rendered
        kwargs.setdefault("id", field.id)
        flags = vars(field.flags)
        for name in self.validation_attrs:
            if name in flags and name not in kwargs:
                kwargs[name] = flags[name]
        coerce, data = field.coerce, field.data
        return html_attributes.select(
            widgets.html_params(name=field.name, **kwargs),
            [(value, label, coerce(value) == data) for value, label in choices],
        )


class PlainSelectField(SelectField):
    """A select of plain (value, label) options written by ``ManyOptionsSelect``: a region's
    advisors, the case list's filters."""

    widget = ManyOptionsSelect()
