"""Forms of the accounts module."""

from __future__ import annotations

from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from wbagentur.accounts.passwords import MAX_LENGTH
from wbagentur.core.forms import BaseForm, NoControlCharacters
from wbagentur.core.translation import lazy_gettext as _l


class LoginForm(BaseForm):
    email = StringField(
        _l("E-Mail-Adresse"),
        validators=[
            DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse ein.")),
            Length(max=254, message=_l("Die E-Mail-Adresse ist zu lang.")),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": "username", "inputmode": "email"},
    )
    password = PasswordField(
        _l("Passwort"),
        validators=[
            DataRequired(_l("Bitte geben Sie Ihr Passwort ein.")),
            Length(max=MAX_LENGTH, message=_l("Das Passwort ist zu lang.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(
        _l("Aktuelles Passwort"),
        validators=[DataRequired(_l("Bitte geben Sie Ihr aktuelles Passwort ein."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Neues Passwort"),
        validators=[DataRequired(_l("Bitte geben Sie ein neues Passwort ein."))],
        description=_l("Mindestens 12 Zeichen. Tipp: mehrere zufällige Wörter."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Neues Passwort wiederholen"),
        validators=[DataRequired(_l("Bitte wiederholen Sie das neue Passwort."))],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_confirm_password(self, field: PasswordField) -> None:
        if field.data != self.new_password.data:
            raise ValidationError(_l("Die beiden neuen Passwörter stimmen nicht überein."))


class UserCreateForm(BaseForm):
    display_name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Bitte geben Sie einen Namen ein.")),
            Length(max=100, message=_l("Der Name darf höchstens 100 Zeichen lang sein.")),
            NoControlCharacters(),
        ],
    )
    email = StringField(
        _l("E-Mail-Adresse"),
        validators=[
            DataRequired(_l("Bitte geben Sie eine E-Mail-Adresse ein.")),
            Length(max=254, message=_l("Die E-Mail-Adresse ist zu lang.")),
            Email(
                _l("Bitte geben Sie eine gültige E-Mail-Adresse ein."), check_deliverability=False
            ),
        ],
    )
    role = SelectField(
        _l("Rolle"),
        choices=[
            ("advisor", _l("Berater/in")),
            ("supervisor", _l("Leitung")),
            ("coordinator", _l("Landeskoordination")),
            ("admin", _l("Administration")),
        ],
    )
    contact_point_id = SelectField(_l("Kontaktstelle"), coerce=int, choices=[])

    def validate_contact_point_id(self, field: SelectField) -> None:
        if self.role.data in ("advisor", "supervisor") and not field.data:
            raise ValidationError(_l("Bitte wählen Sie die Kontaktstelle."))


def _code_format(form: BaseForm, field: StringField) -> None:
    """German hints for malformed codes (what to type instead)."""
    from wbagentur.accounts import mfa

    cleaned = mfa.clean_code(field.data)
    if cleaned.isdigit() and len(cleaned) != mfa.DIGITS:
        raise ValidationError(_l("Der Code aus der App hat genau 6 Ziffern."))
    if mfa.classify_code(field.data) is None:
        raise ValidationError(
            _l(
                "Bitte geben Sie die 6 Ziffern aus Ihrer App oder einen "
                "Wiederherstellungscode (16 Zeichen, z. B. ab3k-9xq2-…) ein."
            )
        )


def _totp_format(form: BaseForm, field: StringField) -> None:
    from wbagentur.accounts import mfa

    if mfa.classify_code(field.data) is not mfa.CodeKind.TOTP:
        raise ValidationError(_l("Bitte geben Sie die 6 Ziffern aus Ihrer App ein."))


class LoginCodeForm(BaseForm):
    """Second login step: a TOTP code or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(_l("Bitte geben Sie den Code aus Ihrer App ein.")),
            Length(max=40, message=_l("Der Code ist zu lang.")),
            NoControlCharacters(),
            _code_format,
        ],
        description=_l(
            "6 Ziffern aus Ihrer Authenticator-App. Ohne App: einer Ihrer Wiederherstellungscodes."
        ),
        render_kw={
            "autocomplete": "one-time-code",
            "spellcheck": "false",
            "autocapitalize": "none",
        },
    )


class TotpConfirmForm(BaseForm):
    """Set-up: confirm the new secret with a current code."""

    code = StringField(
        _l("Code aus der App"),
        validators=[
            DataRequired(_l("Bitte geben Sie den Code aus Ihrer App ein.")),
            Length(max=40, message=_l("Der Code ist zu lang.")),
            NoControlCharacters(),
            _totp_format,
        ],
        description=_l("Die 6 Ziffern, die Ihre App gerade anzeigt."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ReauthForm(BaseForm):
    """Re-enter the password before changing the second factor (AUTH-06)."""

    password = PasswordField(
        _l("Ihr Passwort"),
        validators=[
            DataRequired(_l("Bitte geben Sie Ihr Passwort ein.")),
            Length(max=MAX_LENGTH, message=_l("Das Passwort ist zu lang.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordForgotForm(BaseForm):
    email = StringField(
        _l("E-Mail-Adresse"),
        validators=[
            DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse ein.")),
            Length(max=254, message=_l("Die E-Mail-Adresse ist zu lang.")),
            NoControlCharacters(),
            Email(
                _l("Bitte geben Sie eine gültige E-Mail-Adresse ein."), check_deliverability=False
            ),
        ],
        render_kw={"autocomplete": "username", "inputmode": "email"},
    )


class PasswordResetForm(BaseForm):
    new_password = PasswordField(
        _l("Neues Passwort"),
        validators=[
            DataRequired(_l("Bitte geben Sie ein neues Passwort ein.")),
            Length(
                max=MAX_LENGTH, message=_l("Das Passwort darf höchstens 128 Zeichen lang sein.")
            ),
        ],
        description=_l("Mindestens 12 Zeichen. Tipp: mehrere zufällige Wörter."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Neues Passwort wiederholen"),
        validators=[DataRequired(_l("Bitte wiederholen Sie das neue Passwort."))],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_confirm_password(self, field: PasswordField) -> None:
        if field.data != self.new_password.data:
            raise ValidationError(_l("Die beiden neuen Passwörter stimmen nicht überein."))
