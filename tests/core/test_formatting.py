"""Money, numbers and dates in German and in English, from the one formatting module."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import render_template_string
from flask_babel import force_locale

from wbagentur.core import formatting
from wbagentur.reports.exports import to_csv

ROOT = Path(__file__).resolve().parents[2]
NBSP = "\xa0"


@pytest.mark.parametrize(
    ("locale", "money", "number", "day"),
    [
        ("de", f"1.500.000,50{NBSP}€", "1.234,5", "02.12.2026"),
        ("en", "€1,500,000.50", "1,234.5", "Dec 2, 2026"),
    ],
)
def test_money_numbers_and_dates_follow_the_locale(locale, money, number, day):
    assert formatting.format_money(150000050, locale) == money
    assert formatting.format_number(1234.5, locale) == number
    assert formatting.format_date(date(2026, 12, 2), locale=locale) == day


def test_a_time_is_shown_in_thuringia_and_nothing_as_a_dash():
    winter = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)  # 00:30 the next day in Erfurt
    assert formatting.format_date(winter, "short", "de") == "03.12.26, 00:30"
    assert formatting.format_date(winter.replace(tzinfo=None), "short", "de") == "03.12.26, 00:30"
    assert formatting.format_date(None) == formatting.format_money(None) == "–"


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("style", ["short", "medium", "long", "full", "dd.MM.yyyy HH:mm", "EEEE"])
def test_dates_and_times_read_as_babel_writes_them(locale, style):
    """The patterns are parsed once per locale and style (issue #22); the text is Babel's
    own, quoted words of the combining pattern ("um", "at") and time zones included."""
    from babel import dates

    from wbagentur.core.timezone import BERLIN

    moments = [
        datetime(2026, 12, 2, 23, 30, tzinfo=UTC),
        datetime(2026, 7, 1, 6, 5, 9, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 59),  # naive: UTC, an hour before the clocks go forward
    ]
    for moment in moments:
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        expected = dates.format_datetime(aware, style, tzinfo=BERLIN, locale=locale)
        assert formatting.format_date(moment, style, locale) == expected
    day_style = "medium" if "H" in style else style  # a date has no hours
    for day in (date(2026, 12, 2), date(2027, 1, 31)):
        expected = dates.format_date(day, day_style, locale=locale)
        assert formatting.format_date(day, day_style, locale) == expected


def test_outside_a_request_the_format_is_german():
    assert formatting.format_money(1464000) == f"14.640,00{NBSP}€"
    assert formatting.format_date(date(2026, 12, 2)) == "02.12.2026"


def test_the_template_filters_follow_the_readers_language(app):
    template = "{{ 150000050|euro }} | {{ 1234.5|zahl }} | {{ day|datum }}"
    with app.test_request_context():
        german = render_template_string(template, day=date(2026, 12, 2))
        with force_locale("en"):
            english = render_template_string(template, day=date(2026, 12, 2))
    assert german == f"1.500.000,50{NBSP}€ | 1.234,5 | 02.12.2026"
    assert english == "€1,500,000.50 | 1,234.5 | Dec 2, 2026"


def test_the_csv_export_writes_german_dates_in_local_time_for_german_excel(app):
    with app.test_request_context(), force_locale("en"):
        body = to_csv(["a", "b"], [[datetime(2026, 12, 2, 23, 30, tzinfo=UTC), date(2026, 1, 5)]])
    assert body.decode("utf-8-sig").splitlines()[1] == "03.12.2026 00:30;05.01.2026"


def test_templates_format_through_the_filters():
    """No hand-made formats in templates: ``"%.2f"|format`` printed 1500000.50 €, and
    ``strftime('%d.%m.%Y')`` a German date on an English page."""
    hand_made = re.compile(r"%\.\d+f|strftime\(\s*['\"]%d\.%m")
    offending = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if hand_made.search(path.read_text(encoding="utf-8"))
    ]
    assert offending == []
