"""The dashboard's drill-down filters in words, for the case list's filter form.

A count on the dashboard links to the case list with parameters such as ``advisor=12`` or
``stage=approved``; the list applies them (``cases.queries.drill_down_conditions``) and,
with this module, says so in the form: "Beratende/r: Sabine Wolf", each with a link that
removes it (issue #14 defect 11: the form said "alle" while the list showed one advisor).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from wbagentur.core import formatting
from wbagentur.core.translation import gettext as _
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.extensions import db

# (parameter or date pair, label) in the order the form shows them.
LABELS: list[tuple[str, Any]] = [
    ("region", _l("Region")),
    ("advisor", _l("Zuständig")),
    ("overdue_by", _l("Wiedervorlage überfällig bei")),
    ("opened", _l("Eröffnet")),
    ("closed", _l("Abgeschlossen")),
    ("age", _l("Alter")),
    ("outcome", _l("Ergebnis")),
    ("channel", _l("Zugangsweg")),
    ("no_contact_days", _l("Ohne Kontakt seit")),
    ("overdue", _l("Überfällig")),
    ("partner", _l("Partnerstelle")),
    ("programme", _l("Programm")),
    ("stage", _l("Stand der Weiterleitung")),
    ("referred", _l("Weitergeleitet")),
    ("xref_to", _l("Weitergeleitet an Region")),
    ("eligible", _l("Förderprüfung: förderfähig nach")),
    ("checked", _l("Förderprüfung")),
    ("transfer_from", _l("Übergeben von Region")),
    ("transfer_to", _l("Übergeben an Region")),
    ("transferred", _l("Übergeben")),
]
DATE_PAIRS = ("opened", "closed", "referred", "checked", "transferred")
STAGES = {
    "sent": _l("gesendet"),
    "accepted": _l("angenommen"),
    "completed": _l("abgeschlossen"),
    "approved": _l("bewilligt"),
}
OVERDUE = {"follow_ups": _l("Wiedervorlagen"), "referrals": _l("Weiterleitungen")}


# Codes and names of packages that build on cases (the referral programmes, the partner
# directory) come from those packages, registered at app creation
# (wbagentur._connect_packages): parameter → its codes and their labels, and id kind →
# a loader of names for a set of ids.
_CODES: dict[str, Mapping[str, Any]] = {}
_NAME_LOADERS: dict[str, Callable[[Collection[int]], Mapping[int, str]]] = {}


def register_drill_codes(codes: Mapping[str, Mapping[str, Any]]) -> None:
    """The allowed codes (and their labels) of code parameters such as ``programme``."""
    _CODES.update(codes)


def register_drill_names(kind: str, loader: Callable[[Collection[int]], Mapping[int, str]]) -> None:
    """``loader(ids)``: the names of the ids of ``kind`` (e.g. partners) a filter names."""
    _NAME_LOADERS[kind] = loader


def registered_codes() -> dict[str, Mapping[str, Any]]:
    return dict(_CODES)


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    value: str
    params: tuple[str, ...]  # the query parameters to drop to remove this filter


def _date(value: date) -> str:
    return formatting.format_date(value)


def _period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{_date(start)} – {_date(end)}"
    if start:
        return _("ab %(d)s", d=_date(start))
    return _("bis %(d)s", d=_date(end)) if end else ""


def _names(user: Any, drill: Mapping[str, Any]) -> dict[tuple[str, int], str]:
    """Names for the ids in ``drill``: staff only of the viewer's own region (unless the
    viewer sees every region), so a typed id does not reveal other regions' staff."""
    from wbagentur.accounts.models import User
    from wbagentur.regions.models import Region

    names: dict[tuple[str, int], str] = {}
    staff_ids = {drill[k] for k in ("advisor", "overdue_by") if drill.get(k)}
    if staff_ids:
        for staff in db.session.scalars(sa.select(User).where(User.id.in_(staff_ids))):
            if user.role in ("coordinator", "admin") or staff.region_id == user.region_id:
                names[("user", staff.id)] = staff.display_name
    region_ids = {
        drill[k] for k in ("region", "xref_to", "transfer_from", "transfer_to") if drill.get(k)
    }
    if region_ids:
        for region_id, name in db.session.execute(
            sa.select(Region.id, Region.name).where(Region.id.in_(region_ids))
        ):
            names[("region", region_id)] = name
    for kind, loader in _NAME_LOADERS.items():
        ids = {drill[k] for k, v in _ID_KINDS.items() if v == kind and drill.get(k)}
        if ids:
            names.update(((kind, i), name) for i, name in loader(ids).items() if name)
    return names


def _codes() -> dict[str, Mapping[str, Any]]:
    from wbagentur.cases.models import CHANNELS, OUTCOMES

    return {
        **_CODES,
        "stage": STAGES,
        "overdue": OVERDUE,
        "outcome": OUTCOMES,
        "channel": CHANNELS,
    }


# Which kind of name an id parameter refers to.
_ID_KINDS = {
    "advisor": "user",
    "overdue_by": "user",
    "region": "region",
    "xref_to": "region",
    "transfer_from": "region",
    "transfer_to": "region",
    "partner": "partner",
}


def _text(key: str, value: Any, names: Mapping[tuple[str, int], str]) -> str:
    if key in _ID_KINDS:
        return names.get((_ID_KINDS[key], value), _("(nicht in Ihrer Region)"))
    codes = _codes()
    if key in codes:
        return _(str(codes[key][value]))
    if key == "age":
        return _("%(a)s Tage", a=str(value).replace("-", "–"))
    if key == "no_contact_days":
        return _("%(n)s Tagen", n=value)
    return str(value)


def active_filters(user: Any, drill: Mapping[str, Any]) -> list[ActiveFilter]:
    """The drill-down filters of ``drill`` in words (validated by
    ``cases.filters.drill_down_filters``)."""
    if not drill:
        return []
    names = _names(user, drill)
    out: list[ActiveFilter] = []
    for key, label in LABELS:
        if key in DATE_PAIRS:
            start, end = drill.get(f"{key}_from"), drill.get(f"{key}_to")
            if start or end:
                out.append(
                    ActiveFilter(str(label), _period(start, end), (f"{key}_from", f"{key}_to"))
                )
        elif drill.get(key) is not None:
            out.append(ActiveFilter(str(label), _text(key, drill[key], names), (key,)))
    return out
