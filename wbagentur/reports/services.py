"""Dashboard tables, ESF+ indicator tables, reassignment and export auditing.

Tables are built from the aggregating queries in ``reports.queries`` (a fixed number of
queries per page) and carry, for every count, the drill-down link to the case list.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask import url_for

from wbagentur.accounts.models import User
from wbagentur.accounts.services import region_staff_statement
from wbagentur.cases.models import CHANNELS, OUTCOMES, Case
from wbagentur.cases.queries import AGE_BUCKETS
from wbagentur.cases.services import add_entry
from wbagentur.core import audit, formatting
from wbagentur.core.database import one_of, planned_for_values
from wbagentur.core.errors_domain import DomainError
from wbagentur.core.models import utcnow
from wbagentur.core.timezone import BERLIN
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.esf import aggregates as esf_aggregates
from wbagentur.esf import rules as esf_rules
from wbagentur.extensions import db
from wbagentur.firms.rules import classify_sme, weighted_headcount
from wbagentur.partners.data import PROGRAMMES
from wbagentur.partners.models import Partner
from wbagentur.regions.models import Region
from wbagentur.reports import aggregates, cache, indicators, queries, workload
from wbagentur.reports.queries import ReportScope

AGE_LABELS = {
    "0-30": _l("0–30 Tage"),
    "31-90": _l("31–90 Tage"),
    "91-180": _l("91–180 Tage"),
    "181+": _l("über 180 Tage"),
}
STAGE_LABELS = {
    "sent": _l("gesendet"),
    "accepted": _l("angenommen"),
    "completed": _l("abgeschlossen"),
    "approved": _l("bewilligt"),
}
TABLE_TITLES = {
    "fallbestand": _l("Offene Fälle je Beratende/r nach Alter"),
    "ueberfaellig": _l("Überfällige Wiedervorlagen und Weiterleitungen"),
    "neue-faelle": _l("Neue Fälle je Woche"),
    "ergebnisse": _l("Ergebnisse abgeschlossener Fälle"),
    "weiterleitungen": _l("Weiterleitungen je Partner"),
    "programme": _l("Förderprogramme"),
    "regionen-weiterleitungen": _l("Weiterleitungen zwischen Regionen"),
    "regionen-uebergaben": _l("Übergaben zwischen Regionen"),
    "zugangswege": _l("Zugangswege"),
}
COORDINATOR_ONLY = ("regionen-weiterleitungen", "regionen-uebergaben")


@dataclass
class Cell:
    """A table cell: ``value`` goes into exports (numbers stay numbers), ``text`` (if set)
    is what pages and letters show, e.g. 14640.00 and "14.640,00 €"."""

    value: Any
    href: str | None = None
    text: str | None = None

    @property
    def display(self) -> str:
        if self.text is not None:
            return str(self.text)
        if self.value is None:
            return "–"
        return str(self.value)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    numeric_from: int = 1
    chart: dict[str, Any] | None = None
    note: str | None = None
    footer: list[Cell] | None = field(default=None)
    # Set when rows were left out (the advisors past the page's limit): what is shown.
    more: str | None = None

    def export_rows(self) -> list[list[Any]]:
        rows = [[c.value for c in row] for row in self.rows]
        if self.footer:
            rows.append([c.value for c in self.footer])
        return rows


# In ``link_base``: build the tables without drill-down links (an export has no use for
# them, and at 250 advisors the links took half of an export's time, issue #22).
WITHOUT_LINKS = "_without_links"


def _link(base: Mapping[str, Any], **params: Any) -> str | None:
    if base.get(WITHOUT_LINKS):
        return None
    merged = {**base, **params}
    values: dict[str, Any] = {
        k: (v.isoformat() if isinstance(v, date) else v) for k, v in merged.items() if v is not None
    }
    return url_for("cases.index", **values)


def _names(model: Any, ids: Iterable[int | None], attr: str) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(
        sa.select(model.id, getattr(model, attr)).where(one_of(model.id, wanted))
    )
    return {row[0]: row[1] for row in rows}


@dataclass
class Dashboard:
    """Everything the dashboard page, the exports and the monthly report show."""

    scope: ReportScope
    regions: list[Region]
    tables: dict[str, Table]
    show_regions: bool
    # When the aggregates that some tables were read from were computed (None: all live).
    as_of: datetime | None = None
    # When the case load and overdue counts were taken (None: counted now, or not shown).
    today_as_of: datetime | None = None


def build_dashboard(
    user: Any,
    scope: ReportScope,
    regions: list[Region],
    link_base: dict[str, Any],
    only: str | None = None,
    advisor_rows: int | None = None,
) -> Dashboard:
    """All dashboard tables for ``scope`` (``regions`` = the regions in scope, in order).

    ``only`` builds just that table (an export needs one table, not all of them); an
    unknown key, or a coordinator-only table for anyone else, gives no table.
    ``advisor_rows`` bounds the tables per advisor (the pages; None: every advisor, the
    exports); with it, a coordinator's view of several regions has one row per region.
    """
    show_regions = user.role == "coordinator"
    region_names = {r.id: r.name for r in regions}
    # Period figures come from the maintained aggregates once they have been computed;
    # a view by advisor counts live (the aggregates have no advisor dimension).
    as_of = aggregates.refreshed_at() if scope.advisor_id is None else None
    agg = as_of is not None
    per_region = show_regions and advisor_rows is not None and len(scope.region_ids) > 1
    wanted = tuple(
        p for p, k in (("load", "fallbestand"), ("overdue", "ueberfaellig")) if only in (None, k)
    )
    work: list[workload.Workload] = []

    def today_figures() -> workload.Workload:
        if not work:
            work.append(workload.for_scope(scope, as_of, wanted))
        return work[0]

    def matrix(key: str, stmt: sa.Select[Any]) -> Table:
        all_regions = list(db.session.scalars(sa.select(Region).order_by(Region.name, Region.id)))
        return _matrix_table(key, stmt, scope, all_regions)

    builders: dict[str, Callable[[], Table]] = {
        "fallbestand": lambda: _caseload_table(
            today_figures().load,
            scope,
            link_base,
            show_regions,
            region_names,
            advisor_rows,
            per_region,
        ),
        "ueberfaellig": lambda: _overdue_table(
            today_figures(), link_base, show_regions, region_names, advisor_rows, per_region
        ),
        "neue-faelle": lambda: _weekly_table(scope, link_base, regions, show_regions, agg),
        "ergebnisse": lambda: _category_table(
            "ergebnisse",
            _case_counts("closed", scope) if agg else queries.closed_outcomes(scope),
            OUTCOMES,
            "outcome",
            scope,
            link_base,
            regions,
            show_regions,
            closed=True,
        ),
        "weiterleitungen": lambda: _funnel_table(scope, link_base, as_of),
        "programme": lambda: _programme_table(scope, link_base, agg),
        "zugangswege": lambda: _category_table(
            "zugangswege",
            _case_counts("opened", scope) if agg else queries.channels(scope),
            CHANNELS,
            "channel",
            scope,
            link_base,
            regions,
            show_regions,
            closed=False,
        ),
    }
    if show_regions:
        builders["regionen-weiterleitungen"] = lambda: matrix(
            "regionen-weiterleitungen",
            aggregates.region_referrals(scope.date_from, scope.date_to)
            if agg
            else queries.referral_matrix(scope),
        )
        builders["regionen-uebergaben"] = lambda: matrix(
            "regionen-uebergaben", queries.transfer_matrix(scope)
        )
    keys = list(builders) if only is None else [k for k in builders if k == only]
    tables = {key: builders[key]() for key in keys}
    today_as_of = work[0].as_of if work else None
    return Dashboard(scope, regions, tables, show_regions, as_of, today_as_of)


def _case_counts(metric: str, scope: ReportScope) -> sa.Select[Any]:
    """(code, region, cases) opened (code = channel) or closed (code = outcome) in the
    period, from the aggregates."""
    days = aggregates.case_counts(metric, scope.region_ids, scope.date_from, scope.date_to)
    sub = days.subquery()
    code, region_id, _day, n = sub.c
    return sa.select(code, region_id, sa.func.sum(n)).group_by(code, region_id)


def _advisor_params(user_id: int | None) -> dict[str, Any]:
    return {"advisor": user_id} if user_id is not None else {"assigned": "none"}


def _caseload_table(
    load: list[workload.LoadRow],
    scope: ReportScope,
    base: dict[str, Any],
    show_regions: bool,
    region_names: dict[int, str],
    limit: int | None,
    per_region: bool,
) -> Table:
    """Open cases per advisor by age: every advisor (``limit`` None, the exports), the
    ``limit`` advisors with the most open cases plus the unassigned ones (the pages), or
    with ``per_region`` one row per region (the coordinator's view of all regions)."""
    advisors = sum(1 for r in load if r.assigned_to_id is not None)
    if per_region:
        load = _region_load(load)
    shown, names, more = _bounded(
        load,
        limit,
        key=lambda r: (r.region_id, r.assigned_to_id),
        weight=lambda r: r.total,
        region_names=region_names,
        per_region=per_region,
    )
    unassigned = _l("nicht zugewiesen")  # once: a lazy string per row cost 45 µs each
    linked = not base.get(WITHOUT_LINKS)
    rows = []
    for r in shown:
        row = [] if per_region else [Cell(names.get(r.assigned_to_id or 0, unassigned))]
        if show_regions:
            row.insert(0, Cell(region_names.get(r.region_id, "")))
        rows.append(row)
        if not linked:  # an export: the counts alone (every advisor of the region)
            row.extend([Cell(r.total), *(Cell(n) for n in r.buckets), Cell(r.no_contact)])
            continue
        params = {**base, "status": "open"}
        if not per_region:
            params.update(_advisor_params(r.assigned_to_id))
        if show_regions:
            params["region"] = r.region_id
        row.append(Cell(r.total, _link(params)))
        for bucket, n in zip(AGE_BUCKETS, r.buckets, strict=True):
            row.append(Cell(n, _link(params, age=bucket)))
        row.append(Cell(r.no_contact, _link(params, no_contact_days=scope.no_contact_days)))
    columns = ([_l("Region")] if show_regions else []) + ([] if per_region else [_l("Beratende/r")])
    first_numeric = len(columns)
    columns += [_l("offen gesamt"), *AGE_LABELS.values()]
    columns.append(_l("ohne Kontakt seit %(n)s Tagen", n=scope.no_contact_days))
    chart = {
        "type": "bar",
        "stacked": True,
        "labels": [" · ".join(c.display for c in row[:first_numeric]) for row in rows],
        "datasets": [
            {"label": AGE_LABELS[b], "data": [row[first_numeric + 1 + i].value for row in rows]}
            for i, b in enumerate(AGE_BUCKETS)
        ],
    }
    if per_region:
        note = _l(
            "Alter in Tagen seit Eröffnung; Stand heute, unabhängig vom Zeitraum. Je "
            "Beratende/r: eine Region im Filter wählen."
        )
    else:
        note = _l("Alter in Tagen seit Eröffnung; Stand heute, unabhängig vom Zeitraum.")
    table = Table("fallbestand", TABLE_TITLES["fallbestand"], columns, rows, first_numeric)
    table.chart, table.note = chart, note
    if more:
        table.more = _l(
            "Die %(n)s Beratenden mit den meisten offenen Fällen von %(total)s.",
            **_shown_of(limit, advisors),
        )
    return table


def _shown_of(limit: int | None, advisors: int) -> dict[str, str]:
    """The numbers of "Die 25 Beratenden … von 250.", written for the reader."""
    return {"n": formatting.format_number(limit or 0), "total": formatting.format_number(advisors)}


def _region_load(load: list[workload.LoadRow]) -> list[workload.LoadRow]:
    """The case load summed per region (the coordinator's overview)."""
    regions: dict[int, workload.LoadRow] = {}
    for r in load:
        into = regions.setdefault(
            r.region_id, workload.LoadRow(r.region_id, None, 0, [0] * len(r.buckets), 0)
        )
        into.total += r.total
        into.buckets = [a + b for a, b in zip(into.buckets, r.buckets, strict=True)]
        into.no_contact += r.no_contact
    return list(regions.values())


def _bounded(
    rows: list[Any],
    limit: int | None,
    *,
    key: Callable[[Any], tuple[int, int | None]],
    weight: Callable[[Any], int],
    region_names: dict[int, str],
    per_region: bool,
) -> tuple[list[Any], dict[int, str], bool]:
    """The rows a table per advisor shows (``key``: region and advisor of a row), the names
    of their advisors, and whether rows were left out.

    Per region: every row, by region name. Otherwise every row by region and advisor name,
    or – with more advisors than ``limit`` – the unassigned row first, then the ``limit``
    advisors of the largest ``weight``; only the shown advisors' names are read."""
    if per_region:
        return sorted(rows, key=lambda r: (region_names.get(key(r)[0], ""), key(r)[0])), {}, False
    advised = [r for r in rows if key(r)[1] is not None]
    if limit is not None and len(advised) > limit:
        top = sorted(advised, key=lambda r: (-weight(r), key(r)[1]))[:limit]
        shown = [r for r in rows if key(r)[1] is None] + top
        return shown, _names(User, [key(r)[1] for r in shown], "display_name"), True
    names = _names(User, [key(r)[1] for r in rows], "display_name")

    def alphabetical(r: Any) -> tuple[Any, ...]:
        region_id, user_id = key(r)
        return (
            region_names.get(region_id, ""),
            user_id is None,
            names.get(user_id or 0, ""),
            user_id or 0,
        )

    return sorted(rows, key=alphabetical), names, False


def _overdue_table(
    work: workload.Workload,
    base: dict[str, Any],
    show_regions: bool,
    region_names: dict[int, str],
    limit: int | None,
    per_region: bool,
) -> Table:
    """Cases with overdue follow-ups and referrals per advisor (as ``_caseload_table``:
    every advisor, the ``limit`` with the most, or per region)."""
    follow, referrals = work.follow_ups, work.referrals
    if per_region:
        follow = {(region_id, None): n for region_id, n in work.follow_up_cases.items()}
        referrals = defaultdict(int)
        for (region_id, _user_id), n in work.referrals.items():
            referrals[(region_id, None)] += n
    keys = list(set(follow) | set(referrals))
    advisors = sum(1 for k in keys if k[1] is not None)
    shown, names, more = _bounded(
        keys,
        limit,
        key=lambda k: k,
        weight=lambda k: follow.get(k, 0) + referrals.get(k, 0),
        region_names=region_names,
        per_region=per_region,
    )
    unassigned = _l("nicht zugewiesen")
    rows = []
    for region_id, user_id in shown:
        params = dict(base)
        if show_regions:
            params["region"] = region_id
        row = [] if per_region else [Cell(names.get(user_id or 0, unassigned))]
        if show_regions:
            row.insert(0, Cell(region_names.get(region_id, "")))
        n = follow.get((region_id, user_id), 0)
        if per_region:
            row.append(Cell(n, _link(params, overdue="follow_ups")))
        else:
            by = {"overdue_by": user_id} if user_id else None
            row.append(Cell(n, _link(params, overdue="follow_ups", **by) if by else None))
        n = referrals.get((region_id, user_id), 0)
        who = {} if per_region else _advisor_params(user_id)
        row.append(Cell(n, _link(params, overdue="referrals", **who)))
        rows.append(row)
    columns = ([_l("Region")] if show_regions else []) + ([] if per_region else [_l("Beratende/r")])
    first_numeric = len(columns)
    columns += [
        _l("Fälle mit überfälligen Wiedervorlagen"),
        _l("Fälle mit überfälligen Weiterleitungen"),
    ]
    table = Table("ueberfaellig", TABLE_TITLES["ueberfaellig"], columns, rows, first_numeric)
    table.note = _l(
        "Wiedervorlagen je zuständiger Person der Wiedervorlage; Weiterleitungen "
        "(gesendet, angenommen, Rückfrage) mit überschrittener Frist je Fallzuständigkeit."
    )
    if more:
        table.more = _l(
            "Die %(n)s Beratenden mit den meisten überfälligen Fällen von %(total)s.",
            **_shown_of(limit, advisors),
        )
    return table


def _region_columns(regions: list[Region], show_regions: bool) -> list[str]:
    if show_regions:
        return [r.name for r in regions] + [_l("gesamt")]
    return [_l("Anzahl")]


def _region_cells(
    counts: Mapping[int, int], regions: list[Region], show_regions: bool, params: dict[str, Any]
) -> list[Cell]:
    if not show_regions:
        n = sum(counts.values())
        return [Cell(n, _link(params))]
    cells = [Cell(counts.get(r.id, 0), _link(params, region=r.id)) for r in regions]
    cells.append(Cell(sum(counts.get(r.id, 0) for r in regions), _link(params)))
    return cells


def _weekly_table(
    scope: ReportScope, base: dict[str, Any], regions: list[Region], show_regions: bool, agg: bool
) -> Table:
    weeks = queries.week_starts(scope.date_from, scope.date_to)
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    if agg:
        stmt = aggregates.case_counts("opened", scope.region_ids, scope.date_from, scope.date_to)
        for _code, region_id, day, n in db.session.execute(planned_for_values(stmt)):
            week = (day - weeks[0]).days // 7
            counts[week][region_id] = counts[week].get(region_id, 0) + int(n)
    else:
        for week, region_id, n in db.session.execute(queries.new_cases_per_week(scope)):
            counts[int(week)][region_id] = int(n)
    rows = []
    for i, monday in enumerate(weeks):
        start, end = max(monday, scope.date_from), min(monday + timedelta(days=6), scope.date_to)
        iso = monday.isocalendar()
        label = _l(
            "KW %(week)s/%(year)s (%(start)s–%(end)s)",
            week=str(iso.week).zfill(2),
            year=iso.year,
            start=formatting.format_date(start, "short"),
            end=formatting.format_date(end, "short"),
        )
        params = {**base, "opened_from": start, "opened_to": end}
        rows.append([Cell(label), *_region_cells(counts.get(i, {}), regions, show_regions, params)])
    chart = {
        "type": "line",
        "labels": [_l("KW %(week)s", week=str(w.isocalendar().week).zfill(2)) for w in weeks],
        "datasets": [{"label": _l("neue Fälle"), "data": [row[-1].value for row in rows]}],
    }
    return Table(
        "neue-faelle",
        TABLE_TITLES["neue-faelle"],
        [_l("Woche"), *_region_columns(regions, show_regions)],
        rows,
        chart=chart,
    )


def _category_table(
    key: str,
    stmt: sa.Select[Any],
    labels: Mapping[str, str],
    param: str,
    scope: ReportScope,
    base: dict[str, Any],
    regions: list[Region],
    show_regions: bool,
    *,
    closed: bool,
) -> Table:
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for code, region_id, n in db.session.execute(planned_for_values(stmt)):
        counts[code][region_id] = int(n)
    period = (
        {"status": "closed", "closed_from": scope.date_from, "closed_to": scope.date_to}
        if closed
        else {"opened_from": scope.date_from, "opened_to": scope.date_to}
    )
    rows = []
    for code, label in labels.items():
        params = {**base, **period, param: code}
        rows.append(
            [Cell(label), *_region_cells(counts.get(code, {}), regions, show_regions, params)]
        )
    chart = {
        "type": "bar",
        "labels": [row[0].value for row in rows],
        "datasets": [{"label": _l("Fälle"), "data": [row[-1].value for row in rows]}],
    }
    first = _l("Ergebnis") if closed else _l("Zugangsweg")
    return Table(
        key, TABLE_TITLES[key], [first, *_region_columns(regions, show_regions)], rows, chart=chart
    )


def median_days(pairs: Iterable[tuple[Any, Any]]) -> float | None:
    """Median of (answered - sent) in days, one decimal; None without answers."""
    days = [
        (b - a).total_seconds() / 86400
        for a, b in pairs
        if a is not None and b is not None and b >= a
    ]
    if not days:
        return None
    return round(statistics.median(days), 1)


def answer_time_medians(scope: ReportScope, as_of: datetime | None = None) -> dict[int, float]:
    """Median days from sending to the first answer per partner (one decimal).

    With ``as_of`` (the refresh time of the aggregates the page shows) and neither an
    advisor nor a programme filter, the medians the worker computed for this period after
    that refresh (``prewarm_medians``) when they are there: a median is not a sum of daily
    counts, and at 1,000,000 cases computing it took most of the dashboard (issue #22).
    Otherwise computed now, in SQL."""
    if as_of is not None and scope.advisor_id is None and not scope.programme:
        key = cache.median_key(scope.region_ids, scope.date_from, scope.date_to, as_of)
        cached = cache.medians_get(key)
        if cached is not None:
            return cached
    return _live_medians(scope)


def _live_medians(scope: ReportScope) -> dict[int, float]:
    dialect = db.session.get_bind().dialect.name
    return {
        partner_id: round(float(median), 1)
        for partner_id, median in db.session.execute(
            queries.answer_time_medians(scope, dialect)
        ).tuples()
        if median is not None
    }


def checked_programmes(
    scope: ReportScope, codes: list[str], as_of: datetime | None = None
) -> dict[str, int]:
    """Cases with a funding check in the period that found each programme eligible.

    Funding checks are not in the daily aggregates (distinct cases per programme over a
    period); as with the medians, the default periods without a filter come from the
    worker's count after the refresh ``as_of`` (``prewarm_medians``), others count now."""
    if as_of is not None and scope.advisor_id is None and not scope.programme:
        key = cache.checks_key(scope.region_ids, scope.date_from, scope.date_to, as_of)
        cached = cache.counts_get(key)
        if cached is not None:
            return {code: cached.get(code, 0) for code in codes}
    return _live_checked_programmes(scope, codes)


def _live_checked_programmes(scope: ReportScope, codes: list[str]) -> dict[str, int]:
    row = db.session.execute(queries.programme_checks(scope, codes)).one()
    return {code: int(row[i] or 0) for i, code in enumerate(codes)}


def _funnel_rows(scope: ReportScope, agg: bool) -> list[Any]:
    """(partner_id, sent, accepted, completed, approved) rows; from the aggregates unless
    filtered by programme (the aggregates count cases per partner over all programmes)."""
    if not agg or scope.programme:
        return list(db.session.execute(queries.referral_funnel(scope)).all())
    stmt = aggregates.funnel(scope.region_ids, scope.date_from, scope.date_to)
    by_partner: dict[int, dict[str, int]] = defaultdict(dict)
    for partner_id, stage, n in db.session.execute(planned_for_values(stmt)):
        by_partner[partner_id][stage] = int(n or 0)
    return [
        SimpleNamespace(partner_id=p, **{s: stages.get(s, 0) for s in STAGE_LABELS})
        for p, stages in by_partner.items()
        if stages.get("sent")
    ]


def _funnel_table(scope: ReportScope, base: dict[str, Any], as_of: datetime | None) -> Table:
    rows_db = _funnel_rows(scope, as_of is not None)
    medians = answer_time_medians(scope, as_of)
    names = _names(Partner, [r.partner_id for r in rows_db], "name")
    rows_db.sort(key=lambda r: (names.get(r.partner_id, ""), r.partner_id))
    period = {
        "referred_from": scope.date_from,
        "referred_to": scope.date_to,
        "programme": scope.programme,
    }
    rows = []
    for r in rows_db:
        params = {**base, **period, "partner": r.partner_id}
        row = [Cell(names.get(r.partner_id, ""))]
        for stage in STAGE_LABELS:
            row.append(Cell(int(getattr(r, stage) or 0), _link(params, stage=stage)))
        median = medians.get(r.partner_id)
        row.append(
            Cell(
                None if median is None else formatting.plain_number(median),
                text=None if median is None else formatting.format_number(median, places=1),
            )
        )
        rows.append(row)
    columns = [
        _l("Partner"),
        *[_l("Fälle: %(stage)s", stage=v) for v in STAGE_LABELS.values()],
        _l("Antwortzeit (Median, Tage)"),
    ]
    return Table(
        "weiterleitungen",
        TABLE_TITLES["weiterleitungen"],
        columns,
        rows,
        note=_l(
            "Weiterleitungen, die im Zeitraum gesendet wurden, gezählt als Fälle; "
            "Antwortzeit vom Senden bis zur ersten Antwort des Partners."
        ),
    )


def _programme_table(scope: ReportScope, base: dict[str, Any], agg: bool) -> Table:
    codes = [scope.programme] if scope.programme else list(PROGRAMMES)
    checks = checked_programmes(scope, codes, aggregates.refreshed_at() if agg else None)
    referred: dict[str, tuple[int, int, int]] = {}
    if agg:
        stmt = aggregates.programmes(
            scope.region_ids, scope.date_from, scope.date_to, scope.programme
        )
        sums: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
        for code, stage, n, amount in db.session.execute(planned_for_values(stmt)):
            sums[code][stage] = (int(n or 0), int(amount or 0))
        for code, stages in sums.items():
            n_appr, amount = stages.get("approved", (0, 0))
            referred[code] = (stages.get("sent", (0, 0))[0], n_appr, amount)
    else:
        for code, n_ref, n_appr, amount in db.session.execute(queries.programme_referrals(scope)):
            referred[code] = (int(n_ref), int(n_appr), int(amount or 0))
    rows = []
    for code in codes:
        n_ref, n_appr, amount = referred.get(code, (0, 0, 0))
        rows.append(
            [
                Cell(PROGRAMMES[code]),
                Cell(
                    checks[code],
                    _link(
                        base, eligible=code, checked_from=scope.date_from, checked_to=scope.date_to
                    ),
                ),
                Cell(
                    n_ref,
                    _link(
                        base,
                        programme=code,
                        referred_from=scope.date_from,
                        referred_to=scope.date_to,
                    ),
                ),
                Cell(
                    n_appr,
                    _link(
                        base,
                        programme=code,
                        stage="approved",
                        referred_from=scope.date_from,
                        referred_to=scope.date_to,
                    ),
                ),
                Cell(formatting.cents_to_number(amount), text=formatting.format_money(amount)),
            ]
        )
    columns = [
        _l("Programm"),
        _l("Fälle mit Förderprüfung: förderfähig"),
        _l("Fälle weitergeleitet"),
        _l("Fälle bewilligt"),
        _l("bewilligte Summe"),
    ]
    return Table(
        "programme",
        TABLE_TITLES["programme"],
        columns,
        rows,
        note=_l(
            "Förderprüfungen im Zeitraum; Weiterleitungen im Zeitraum gesendet; Summe der "
            "Beträge abgeschlossener, bewilligter Weiterleitungen."
        ),
    )


def _matrix_table(
    key: str, stmt: sa.Select[Any], scope: ReportScope, regions: list[Region]
) -> Table:
    counts = {(r[0], r[1]): int(r[2]) for r in db.session.execute(planned_for_values(stmt))}
    rows = []
    for source in regions:
        row = [Cell(source.name)]
        for target in regions:
            if source.id == target.id:
                row.append(Cell(None))
                continue
            n = counts.get((source.id, target.id), 0)
            if key == "regionen-weiterleitungen":
                href = _link(
                    {},
                    region=source.id,
                    xref_to=target.id,
                    referred_from=scope.date_from,
                    referred_to=scope.date_to,
                )
            else:
                href = _link(
                    {},
                    transfer_from=source.id,
                    transfer_to=target.id,
                    transferred_from=scope.date_from,
                    transferred_to=scope.date_to,
                )
            row.append(Cell(n, href))
        rows.append(row)
    columns = [_l("von \\ an"), *[r.name for r in regions]]
    note = (
        _l(
            "Fälle mit einer im Zeitraum gesendeten Weiterleitung an die Kontaktstelle einer "
            "anderen Region (Zeile: Region des Falls)."
        )
        if key == "regionen-weiterleitungen"
        else _l("Fälle mit einer im Zeitraum angenommenen Übergabe (Zeile: abgebende Region).")
    )
    return Table(key, TABLE_TITLES[key], columns, rows, note=note)


# ---------------------------------------------------------------- ESF+


@dataclass
class EsfReport:
    participants: Table
    results: Table
    smes: Table
    threshold: int
    # When the maintained indicator counts were computed (None: counted live).
    as_of: datetime | None = None


ESF_COLUMNS = [
    _l("Indikator"),
    _l("Frauen"),
    _l("Männer"),
    _l("nicht-binär"),
    _l("ohne Angabe"),
    _l("insgesamt"),
]


def _esf_rows(
    rows: list[tuple[str, str]], counts: Mapping[str, Mapping[str, int]], threshold: int
) -> list[list[Cell]]:
    columns = [*esf_rules.GENDER_COLUMNS, "unknown", "total"]
    return [
        [Cell(label)]
        + [
            Cell(indicators.suppress(int(counts.get(key, {}).get(c, 0)), threshold))
            for c in columns
        ]
        for key, label in rows
    ]


def count_esf_smes(region_ids: tuple[int, ...], start: date, end: date) -> Counter[str]:
    """Supported SMEs per EU class: distinct firms (per region) of firm cases opened in
    the period, counted from the rows."""
    classes = []
    for row in db.session.execute(queries.esf_firms(region_ids, start, end)):
        staff = weighted_headcount(
            row.staff_over_30h, row.staff_up_to_30h, row.staff_up_to_20h, row.staff_up_to_10h
        )
        classes.append(
            classify_sme(
                staff, row.group_headcount, row.turnover_cents, row.balance_sheet_cents
            ).key
        )
    return indicators.sme_counts(classes)


def esf_sme_counts(
    region_ids: tuple[int, ...], start: date, end: date, as_of: datetime | None
) -> Counter[str]:
    """``count_esf_smes`` as computed by the worker after the ESF+ refresh ``as_of``
    (``prewarm_esf``), else counted now (distinct firms are not a sum of day rows)."""
    if as_of is not None and region_ids:
        cached = cache.esf_sme_get(cache.esf_sme_key(region_ids, start, end, as_of))
        if cached is not None:
            return cached
    return count_esf_smes(region_ids, start, end)


def esf_default_period(today: date) -> tuple[date, date]:
    """The period the ESF+ overview shows without a filter: the last 365 days."""
    return today - timedelta(days=365), today


# How long before local midnight the worker also computes the next day's default periods:
# more than the refresh interval (5 minutes; 10 in some configurations), so that the first
# dashboards after midnight read them too instead of computing them live (at 1,000,000
# cases on SQLite 486 ms for the coordinator's dashboard; issue #22).
PREWARM_AHEAD = timedelta(minutes=30)


def prewarm_days(today: date, now: datetime | None = None) -> list[date]:
    """The days whose default periods the dashboards may open with before the next refresh:
    ``today``, and in the last ``PREWARM_AHEAD`` before local midnight also tomorrow. The
    entries are keyed by the refresh they were computed after, so tomorrow's are what a
    dashboard after midnight shows until the next refresh: the data as of that refresh,
    like every prewarmed figure."""
    tomorrow = today + timedelta(days=1)
    soon = ((now or utcnow()) + PREWARM_AHEAD).astimezone(BERLIN).date()
    return [today, tomorrow] if soon >= tomorrow else [today]


def default_periods(today: date, default_days: int) -> list[tuple[date, date]]:
    """The periods a dashboard opens with: the last ``default_days`` days up to today (the
    dashboards) and the last complete month (the monthly report)."""
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    return [
        (today - timedelta(days=default_days), today),
        (last_month_end.replace(day=1), last_month_end),
    ]


def prewarm_medians(today: date, default_days: int) -> int:
    """After a refresh of the aggregates (job ``reports.refresh``): compute the answer-time
    medians and the checked programmes of the default periods (``default_periods``, of
    ``prewarm_days``) for every region and for all regions, for the dashboards and the
    monthly report to read (``answer_time_medians``, ``checked_programmes``); flushes, the
    caller commits. The number of entries."""
    as_of = aggregates.refreshed_at()
    if as_of is None:
        return 0
    all_ids = tuple(db.session.scalars(sa.select(Region.id).order_by(Region.id)))
    scopes = [(region_id,) for region_id in all_ids] + [all_ids]
    periods = {
        period: None for day in prewarm_days(today) for period in default_periods(day, default_days)
    }
    entries = 0
    for start, end in periods:
        for region_ids in scopes:
            scope = ReportScope(region_ids=region_ids, date_from=start, date_to=end, now=as_of)
            key = cache.median_key(region_ids, start, end, as_of)
            cache.medians_put(key, _live_medians(scope))
            key = cache.checks_key(region_ids, start, end, as_of)
            cache.counts_put(key, "checks", _live_checked_programmes(scope, list(PROGRAMMES)))
            entries += 2
    return entries


def prewarm_after_refresh(today: date, config: Mapping[str, Any]) -> int:
    """What the worker computes after each refresh of the aggregates, for the dashboards to
    read: the answer-time medians of the default periods and every region's case load and
    overdue counts (``workload.prewarm``); flushes, the caller commits. The number of
    entries."""
    medians = prewarm_medians(today, int(config.get("REPORT_DEFAULT_DAYS", 90)))
    return medians + workload.prewarm(today, int(config.get("NO_CONTACT_DAYS", 30)))


def prewarm_esf(today: date) -> int:
    """After a refresh of the ESF+ indicators (job ``esf.indicators``): count the supported
    SMEs of the default period (of ``prewarm_days``) for every region and for all regions,
    for the overview to read (``esf_sme_counts``), and remove cache rows older than a day;
    flushes, the caller commits. The number of entries."""
    cache.prune()
    as_of = esf_aggregates.refreshed_at()
    if as_of is None:
        return 0
    all_ids = tuple(db.session.scalars(sa.select(Region.id).order_by(Region.id)))
    entries = 0
    for day in prewarm_days(today):
        start, end = esf_default_period(day)
        # Firms are distinct per region (queries.esf_firms), so all regions are the sum.
        total: Counter[str] = Counter()
        for region_id in all_ids:
            counts = count_esf_smes((region_id,), start, end)
            cache.esf_sme_put(cache.esf_sme_key((region_id,), start, end, as_of), counts)
            total.update(counts)
        cache.esf_sme_put(cache.esf_sme_key(all_ids, start, end, as_of), total)
        entries += len(all_ids) + 1
    return entries


def build_esf(region_ids: tuple[int, ...], start: date, end: date, threshold: int) -> EsfReport:
    """ESF+ overview with small cells suppressed; no personal data in the result.

    Participants are the **recorded ESF+ participations** (``wbagentur.esf``): data at entry
    for entries in the period, results for exits in it, counted by
    ``esf.services.indicator_counts`` (the only place that defines them), read from their
    maintained counts (``esf.aggregates``) once the worker has computed them. Supported SMEs are
    counted separately: distinct firms of firm cases opened in the period (Reg. (EU)
    2021/1057 Annex I). ``region_ids``: one region, or every region (= no region filter)."""
    counts: Mapping[str, Mapping[str, int]] = {}
    as_of = None
    if region_ids:
        region_id = region_ids[0] if len(region_ids) == 1 else None
        # The maintained counts (esf.aggregates, issue #22) once computed, else live.
        counts, as_of = esf_aggregates.current_counts(region_id, start, end)
    participants = Table(
        "esf-teilnehmende",
        _l("ESF+-Teilnehmende: Daten bei Eintritt"),
        ESF_COLUMNS,
        _esf_rows(esf_rules.ENTRY_ROWS, counts, threshold),
        note=_l("Erfasste ESF+-Teilnahmen mit Eintrittsdatum im Zeitraum."),
    )
    results = Table(
        "esf-ergebnisse",
        _l("ESF+-Teilnehmende: Ergebnisse nach Austritt"),
        ESF_COLUMNS,
        _esf_rows(esf_rules.RESULT_ROWS, counts, threshold),
        note=_l(
            "Erfasste ESF+-Teilnahmen mit Austrittsdatum im Zeitraum; unmittelbare Ergebnisse "
            "zählen, wenn sie bis 28 Tage nach dem Austritt festgestellt wurden."
        ),
    )
    sme = esf_sme_counts(region_ids, start, end, as_of)
    sme_rows = [
        [Cell(label), Cell(indicators.suppress(sme.get(k, 0), threshold))]
        for k, label in indicators.SME_GROUPS.items()
    ]
    sme_rows.append(
        [
            Cell(_l("Unterstützte KMU insgesamt")),
            Cell(indicators.suppress(sme.get("total", 0), threshold)),
        ]
    )
    smes = Table(
        "esf-kmu",
        _l("Unterstützte kleine und mittlere Unternehmen"),
        [_l("Größenklasse (EU)"), _l("Anzahl")],
        sme_rows,
    )
    return EsfReport(participants, results, smes, threshold, as_of)


# ---------------------------------------------------------------- reassignment


def region_staff(region_id: int) -> list[User]:
    """Active advisors and supervisors of a region, by name."""
    return list(db.session.scalars(region_staff_statement(region_id, User)))


@dataclass
class ReassignResult:
    moved: list[int]
    stale: list[str]
    skipped: list[int]


def reassign_cases(
    actor: Any, versions: Mapping[int, int | None], target_id: int, reason: str
) -> ReassignResult:
    """Give the chosen open cases of the actor's region to another person of that region.

    Each case is version-checked: a case changed since the list was loaded is skipped and
    reported by its reference; closed or foreign cases are skipped silently (their ids
    came from the client).
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Bitte geben Sie einen Grund für die Umverteilung an.")
    if len(reason) > 2000:
        raise DomainError("Der Grund darf höchstens 2.000 Zeichen lang sein.")
    target = db.session.get(User, target_id)
    if (
        target is None
        or not target.is_active
        or target.role not in ("advisor", "supervisor")
        or target.region_id != actor.region_id
    ):
        raise DomainError("Fälle können nur Beratenden derselben Region zugewiesen werden.")
    if not versions:
        raise DomainError("Bitte wählen Sie mindestens einen Fall aus.")
    cases = db.session.scalars(
        sa.select(Case)
        .where(
            Case.id.in_(list(versions)), Case.region_id == actor.region_id, Case.status != "closed"
        )
        .order_by(Case.id)
    ).all()
    result = ReassignResult([], [], [i for i in versions if i not in {c.id for c in cases}])
    for case in cases:
        expected = versions[case.id]
        if expected is not None and expected != case.version:
            result.stale.append(case.reference)
            continue
        if case.assigned_to_id == target.id:
            result.skipped.append(case.id)
            continue
        previous = case.assigned_to_id
        case.assigned_to_id = target.id
        add_entry(
            case, actor, "assignment", body=reason, assignee_id=target.id, previous_id=previous
        )
        if case.status == "new":
            case.status = "in_advice"
            status_change: dict[str, Any] = {"from": "new", "to": "in_advice"}
            add_entry(case, actor, "status", **status_change)
        db.session.flush()
        audit.record(
            actor, "case.reassign", "case", case.id, assignee_id=target.id, previous_id=previous
        )
        result.moved.append(case.id)
    if result.moved:
        from wbagentur.cases.services import notify_assignee

        notify_assignee(actor, [c for c in cases if c.id in result.moved], target)
    return result


def record_export(actor: Any, table: str, fmt: str, rows: int) -> None:
    """Audit an export: which table, which format, how many rows (no content)."""
    audit.record(actor, "report.export", None, None, table=table, format=fmt, rows=rows)
