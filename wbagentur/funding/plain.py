"""Engine texts for laypeople: the result document's reasons, amounts and notes name input
fields (``person.birth_date``) and parameter keys (``sgb3_82@2024-04-01/rate``) so that
advisors can trace them; a client's page shows them without (the public quick check and
the public result page use :func:`plain_text`)."""

from __future__ import annotations

import re
from datetime import date

from wbagentur.core.formatting import format_date
from wbagentur.core.translation import gettext

_TOKEN = r"(?:firm|person|course|thuerbfg)\.[A-Za-z0-9_.\[\]]*[A-Za-z0-9_\]]"  # noqa: S105
_JOIN = r"(?:\s*(?:,|oder|und|or|and)\s*)"
# "; Feld course.goal." and its English "; field course.goal." (the engine writes both).
_FIELD_NOTE = re.compile(
    r";?\s*(?:Feld(?:er)?|[Ff]ields?)\s+" + _TOKEN + r"(?:" + _JOIN + _TOKEN + r")*\.?"
)
_PAREN_TOKENS = re.compile(r"\s*\(\s*" + _TOKEN + r"(?:" + _JOIN + _TOKEN + r")*\s*\)")
_BARE_TOKEN = re.compile(r"\b" + _TOKEN)
_PARAM_VALUE = re.compile(r"\b[a-z0-9_]+@\d{4}-\d{2}-\d{2}/[A-Za-z0-9_.]+(?:\s*=\s*\S+)?")
_VERSION_KEY = re.compile(r"\b[a-z0-9_]+@(\d{4})-(\d{2})-(\d{2})\b")


def _version_date(m: re.Match[str]) -> str:
    try:
        return format_date(date(int(m[1]), int(m[2]), int(m[3])))
    except ValueError:
        return m[0]


def plain_text(text: str) -> str:
    """Engine text without field paths and parameter keys (for the expert check's page)."""
    text = _FIELD_NOTE.sub("", text)
    text = _PAREN_TOKENS.sub("", text)
    text = _BARE_TOKEN.sub("", text)
    text = _PARAM_VALUE.sub(gettext("ein Wert"), text)
    text = _VERSION_KEY.sub(lambda m: gettext("vom %(date)s", date=_version_date(m)), text)
    return re.sub(r"\(\s*\)|\s{2,}", " ", text).replace(" .", ".").replace(" ;", ";").strip()
