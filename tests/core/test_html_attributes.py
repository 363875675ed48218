"""WTForms' attributes written by ``core.html_attributes``: the same HTML as WTForms' own
``html_params`` (issue #22: Markup.format per attribute was a fifth of the case list)."""

from __future__ import annotations

import pytest
from markupsafe import Markup
from wtforms import (
    BooleanField,
    Form,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms import widgets as wtforms_widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import core

from wbagentur.core import html_attributes
from wbagentur.core.forms import PlainSelectField
from wbagentur.core.translation import lazy_gettext

ATTRIBUTES = [
    {},
    {"name": "title", "id": "title"},
    {"class_": "form-control", "for_": "x", "type": "search", "maxlength": 100},
    {"checked": True, "readonly": False, "disabled": True, "value": "y"},
    {"data_nav_count": 3, "aria_describedby": "hilfe_titel", "data_x_y_z": "a_b"},
    {"value": 'Bernd "Bene" <b>Müller</b> & Co', "title": '=HYPERLINK("x")'},
    {"value": Markup("<b>schon sicher</b>"), "placeholder": Markup('mit "Zitat"')},
    {"value": 14640.0, "min": 0, "step": "0.01", "zahl": None},
    {"weird_key_": "endet mit _", "data_": "nur data", "aria_": "nur aria"},
]


@pytest.mark.parametrize("attributes", ATTRIBUTES)
def test_same_text_as_wtforms(attributes):
    ours = html_attributes.html_params(**attributes)
    assert isinstance(ours, Markup)
    assert ours == html_attributes.WTFORMS_HTML_PARAMS(**attributes)


def test_escapes_values_and_leaves_out_false():
    text = html_attributes.html_params(value='"><script>', hidden=False, required=True)
    assert text == 'required value="&#34;&gt;&lt;script&gt;"'


def test_translated_labels_are_written_in_the_locale(app):
    with app.test_request_context("/"):
        text = html_attributes.html_params(title=lazy_gettext("Suche"))
    assert text == 'title="Suche"'


class _Everything(Form):
    title = StringField("Titel", validators=[DataRequired(), Length(max=200)])
    note = TextAreaField("Notiz <b>", render_kw={"rows": 3})
    count = IntegerField("Anzahl")
    agree = BooleanField("Einverstanden", default=True)
    kind = SelectField("Art", choices=[("a", "A & B"), ("b", '"B"')], validators=[DataRequired()])
    staff = PlainSelectField("Für", coerce=int, choices=[(1, "Anna"), (2, "<Bernd>")])
    grouped = SelectField(
        "Gruppe",
        choices=[
            SelectChoice("n", "Nord", optgroup="Nord"),
            SelectChoice("s", "Süd", optgroup="Süd"),
        ],
    )
    send = SubmitField("Senden")


def _render(form: _Everything) -> str:
    return "\n".join(
        str(field(class_="form-control", data_x="1", aria_label="L")) + str(field.label(class_="x"))
        for field in form
    )


def test_widgets_and_labels_write_the_same_html_as_with_wtforms_own(monkeypatch, app):
    """``install`` (done by create_app) reaches every widget: inputs, buttons, text areas,
    selects (with groups), labels. Rendered once with WTForms' function put back, once
    with ours: the same text."""
    assert core.html_params is html_attributes.html_params  # installed by create_app
    data = {"title": 'A "B" <c>', "count": "3", "kind": "b", "staff": "2", "grouped": "s"}
    ours = _render(_Everything(data=data))
    original = html_attributes.WTFORMS_HTML_PARAMS
    monkeypatch.setattr(core, "html_params", original)
    monkeypatch.setattr(wtforms_widgets, "html_params", original)
    monkeypatch.setattr(core.Input, "html_params", staticmethod(original))
    monkeypatch.setattr(core.Button, "html_params", staticmethod(original))
    assert ours == _render(_Everything(data=data))
    assert 'value="A &#34;B&#34; &lt;c&gt;"' in ours
    assert "required" in ours
