"""Engine texts for laypeople: the result document's reasons, amounts and notes name input
fields (``person.birth_date``) and parameter keys (``sgb3_82@2024-04-01/rate``) so that
advisors can trace them; a client's page shows them without (the public quick check and
the public result page use :func:`plain_text`)."""

from __future__ import annotations

import re

_TOKEN = r"(?:firm|person|course|thuerbfg)\.[A-Za-z0-9_.\[\]]*[A-Za-z0-9_\]]"  # noqa: S105
_FIELD_NOTE = re.compile(
    r";?\s*Feld(?:er)?\s+" + _TOKEN + r"(?:\s*(?:,|oder|und)\s*" + _TOKEN + r")*\.?"
)
_PAREN_TOKENS = re.compile(r"\s*\(\s*" + _TOKEN + r"(?:\s*(?:,|oder|und)\s*" + _TOKEN + r")*\s*\)")
_BARE_TOKEN = re.compile(r"\b" + _TOKEN)
_PARAM_VALUE = re.compile(r"\b[a-z0-9_]+@\d{4}-\d{2}-\d{2}/[A-Za-z0-9_.]+(?:\s*=\s*\S+)?")
_VERSION_KEY = re.compile(r"\b[a-z0-9_]+@(\d{4})-(\d{2})-(\d{2})\b")


def plain_text(text: str) -> str:
    """Engine text without field paths and parameter keys (for the expert check's page)."""
    text = _FIELD_NOTE.sub("", text)
    text = _PAREN_TOKENS.sub("", text)
    text = _BARE_TOKEN.sub("", text)
    text = _PARAM_VALUE.sub("ein Wert", text)
    text = _VERSION_KEY.sub(lambda m: f"vom {m[3]}.{m[2]}.{m[1]}", text)
    return re.sub(r"\(\s*\)|\s{2,}", " ", text).replace(" .", ".").replace(" ;", ";").strip()
