"""The wording of a funding result for the advisor's pages and the Förderempfehlung: status
labels, amounts, next steps, deadlines on non-working days and parameter values, each in the
request's language through the message catalogue (German msgids, English in messages.po).

Plain functions of the result document's parts; the views register them for the templates.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from wbagentur.core import numbers
from wbagentur.core.translation import gettext as _
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.funding.engine.param_specs import SPECS

#: The engine's status of a programme, as the badge on the result says it.
STATUS_LABELS = {
    "eligible": _l("förderfähig"),
    "not_eligible": _l("nicht förderfähig"),
    "needs_information": _l("weitere Angaben nötig"),
}


def status_label(status: str) -> str:
    """'förderfähig' (English: 'eligible') for the engine's ``eligible``; unknown as is."""
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


def iso_date(value: str | None) -> str:
    """'2027-01-10' → '10.01.2027' (English: the ISO date itself); '–' without a date."""
    if not value:
        return "–"
    if numbers.current_locale().startswith("en"):
        return date.fromisoformat(value).isoformat()
    return date.fromisoformat(value).strftime("%d.%m.%Y")


def amount_text(a: dict[str, Any]) -> str:
    """One line for an amount of the result document, in the request's language."""
    if a["unit"] == "days":
        value = a.get("value")
        shown = "–" if value is None else _("%(n)s Tage", n=numbers.format_number(value))
    elif a.get("cents") is None:
        shown = _("Angabe fehlt")
    else:
        shown = numbers.format_money(a["cents"])
        if a["unit"] == "cent_per_month":
            shown = _("%(amount)s monatlich", amount=shown)
    if a.get("up_to") and a.get("cents", a.get("value")) is not None:
        shown = _("bis zu %(amount)s", amount=shown)
    return f"{a['label']}: {shown} ({a['basis']})"


def working_day_note(d: dict[str, Any]) -> str:
    """' (Sonntag – letzter Arbeitstag davor: 08.01.2027)' for a deadline on a non-working day."""
    why = d.get("due_date_non_working")
    if not why or not d.get("last_working_day"):
        return ""
    return _(
        " (%(why)s – letzter Arbeitstag davor: %(date)s)",
        why=why,
        date=iso_date(d["last_working_day"]),
    )


def step_text(s: dict[str, Any]) -> str:
    """A next step with its deadline (and the working-day note)."""
    due = _(" – bis %(date)s", date=iso_date(s["due_date"])) if s.get("due_date") else ""
    return f"{s['text']}{due}{working_day_note(s)}"


def param_value_text(key: str, value: Any) -> str:
    """A parameter value the locale's way: rates as percent, amounts in euros, ja/nein."""
    kind = SPECS[key].kind if key in SPECS else None
    if value is None:
        return _("nicht bekannt")
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if kind in ("rate", "pp") and isinstance(value, (int, float)):
        text = numbers.format_number(Decimal(str(value)) * 100)
        return _("%(n)s Prozentpunkte", n=text) if kind == "pp" else f"{text} %"
    if kind == "eur" and isinstance(value, (int, float)):
        return numbers.format_money(int(round(value * 100)))
    if kind == "date" and isinstance(value, str):
        return iso_date(value)
    if isinstance(value, (int, float)):
        return numbers.format_number(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
