"""The staff lists' select widget writes the same HTML as WTForms' own, escaping included
(issue #22: a shorter path per option for lists of 250 advisors)."""

from __future__ import annotations

from wtforms import Form, SelectField

from wbagentur.core.forms import PlainSelectField

CHOICES = [
    (1, "Anna Beraterin"),
    (2, 'Bernd "Bene" <b>Müller</b> & Co'),
    (3, '=HYPERLINK("http://x")'),
    (42, ""),
]


class _Plain(Form):
    who = SelectField("Für", coerce=int, choices=CHOICES)


class _Staff(Form):
    who = PlainSelectField("Für", coerce=int, choices=CHOICES)


def test_same_html_as_wtforms_for_every_choice_and_selection():
    for data in (None, {"who": "2"}, {"who": "42"}):
        plain, staff = _Plain(data=data), _Staff(data=data)
        assert str(staff.who()) == str(plain.who())
        assert str(staff.who(class_="form-select", required=True)) == str(
            plain.who(class_="form-select", required=True)
        )
    html = str(_Staff(data={"who": "2"}).who())
    escaped = "Bernd &#34;Bene&#34; &lt;b&gt;Müller&lt;/b&gt; &amp; Co"
    assert f'<option selected value="2">{escaped}</option>' in html
    assert "<b>" not in html


def test_options_with_attributes_take_wtforms_own_path():
    class _WithAttributes(Form):
        who = PlainSelectField("Für", choices=[("a", "A", {"disabled": True}), ("b", "B")])

    class _Reference(Form):
        who = SelectField("Für", choices=[("a", "A", {"disabled": True}), ("b", "B")])

    assert str(_WithAttributes().who()) == str(_Reference().who())
    assert "disabled" in str(_WithAttributes().who())


def test_a_select_renders_without_reading_a_signature(monkeypatch):
    """WTForms reads ``render_option``'s signature with ``inspect.signature`` for every
    select it renders; the case list's five filters spent 2 % of the page's CPU there
    (issue #22). The widget's own ``render_option`` has the current signature."""
    import inspect

    import wtforms.widgets.core as widgets_core

    read: list[object] = []

    def get_signature(function):
        read.append(function)
        return inspect.signature(function)

    monkeypatch.setattr(widgets_core, "get_signature", get_signature)
    str(_Plain(data={"who": "2"}).who())
    assert read, "WTForms' own select reads the signature: the patch is in place"
    read.clear()
    assert '<option selected value="2">' in str(_Staff(data={"who": "2"}).who())
    assert read == []


def test_plain_pairs_are_written_without_wtforms_choice_objects(monkeypatch):
    """Choices given as (value, label) pairs are written straight from the list (issue #22:
    two objects per option on WTForms' way); the HTML stays WTForms' own, flags and
    selection included."""
    from wtforms.fields import choices as wtforms_choices
    from wtforms.validators import DataRequired

    class _Required(Form):
        who = PlainSelectField("Für", coerce=int, choices=CHOICES, validators=[DataRequired()])

    class _Reference(Form):
        who = SelectField("Für", coerce=int, choices=CHOICES, validators=[DataRequired()])

    expected = str(_Reference(data={"who": "3"}).who(class_="form-select"))

    def no_choice_objects(*args, **kwargs):
        raise AssertionError("Choice object built")

    monkeypatch.setattr(wtforms_choices.SelectChoice, "from_input", no_choice_objects)
    html = str(_Required(data={"who": "3"}).who(class_="form-select"))
    assert html == expected
    assert " required" in html
    assert '<option selected value="3">=HYPERLINK(&#34;http://x&#34;)</option>' in html
