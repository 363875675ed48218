"""The upload form of the import and the hidden form of its confirmation."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired, Length

from wbagentur.core.forms import BaseForm
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.core.translation import lazy_pgettext


class UploadForm(BaseForm):
    kind = SelectField(
        _l("Was wird importiert?"),
        choices=[
            ("firms", lazy_pgettext("firms, plural", "Unternehmen")),
            ("persons", _l("Personen")),
        ],
        validators=[DataRequired()],
    )
    file = FileField(
        _l("Datei (CSV mit Semikolon oder XLSX, höchstens 2 MB)"),
        validators=[FileRequired(_l("Bitte wählen Sie eine Datei aus."))],
    )


class ConfirmForm(BaseForm):
    token = HiddenField(validators=[DataRequired(), Length(max=120)])
