"""Routes:
  /uebersicht                                   reports.dashboard    supervisor, coordinator
  /uebersicht/umverteilen            GET/POST   reports.reassign     supervisor
  /uebersicht/export/<table>.<csv|xlsx>         reports.export       supervisor, coordinator
  /uebersicht/monatsbericht?monat=YYYY-MM       reports.monthly      supervisor, coordinator
  /uebersicht/monatsbericht/pdf?monat=YYYY-MM   reports.monthly_pdf  supervisor, coordinator
  /uebersicht/esf                               reports.esf          supervisor, coordinator

Supervisors see their own region; the coordinator sees all regions (or one, by filter).
Every count links to ``/faelle`` with drill-down filters (cases.filters.drill_down_filters).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user

from wbagentur.accounts.services import region_staff_names
from wbagentur.cases.models import Case
from wbagentur.core import actions
from wbagentur.core.access import requires_role
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.core.models import utcnow
from wbagentur.core.timezone import local_today, to_local
from wbagentur.core.translation import gettext as _
from wbagentur.extensions import db
from wbagentur.partners.data import PROGRAMMES
from wbagentur.regions.models import Region
from wbagentur.reports import bp, cache, exports, forms, services
from wbagentur.reports.queries import ReportScope

READERS = ("supervisor", "coordinator")
MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def _all_regions() -> list[Region]:
    return list(db.session.scalars(sa.select(Region).order_by(Region.name, Region.id)))


def _regions_for(
    form: forms.PeriodForm, regions: list[Region] | None = None
) -> tuple[list[Region], int | None]:
    """Regions in scope and the region filter to carry into drill-down links (``regions``:
    all regions, if the caller has read them already)."""
    regions = _all_regions() if regions is None else regions
    if current_user.role != "coordinator":
        return [r for r in regions if r.id == current_user.region_id], None
    form.region.choices = [("", _("alle Regionen"))] + [(str(r.id), r.name) for r in regions]
    chosen = form.region.data if not form.region.errors else None
    if chosen:
        return [r for r in regions if str(r.id) == chosen], int(chosen)
    return regions, None


def _period(form: forms.PeriodForm, default_days: int) -> tuple[date, date]:
    today = local_today()
    start, end = today - timedelta(days=default_days), today
    if not form.von.errors and not form.bis.errors:
        start = forms.parse_date(form.von.data) or start
        end = forms.parse_date(form.bis.data) or end
        if start > end:
            start, end = end - timedelta(days=default_days), end
    return start, end


def _advisor_rows() -> int | None:
    """How many advisors the tables per advisor show on a page: all with ``?alle=1``."""
    if request.args.get("alle") == "1":
        return None
    return int(current_app.config.get("REPORT_ADVISOR_ROWS", 25))


def _dashboard_from_args(
    start: date | None = None,
    end: date | None = None,
    only: str | None = None,
    advisor_rows: int | None = None,
    links: bool = True,
) -> tuple[Any, Any]:
    form = forms.DashboardFilterForm(request.args)
    form.programm.choices = [("", _("alle Programme"))] + [(k, _(v)) for k, v in PROGRAMMES.items()]
    all_regions = _all_regions()
    form.region.choices = [("", _("alle Regionen"))] + [(str(r.id), r.name) for r in all_regions]
    # An export renders no form: only the chosen advisor is checked against the region's
    # staff, not all of them read (250 a region at 1,000,000 cases, issue #22).
    staff = _staff_choices(all_regions, only_chosen=not links)
    everyone = _("alle")
    if current_user.role == "coordinator" and not staff:
        everyone = _("alle (für einzelne erst eine Region wählen)")
    form.berater.choices = [("", everyone)] + staff
    form.validate()
    regions, region_filter = _regions_for(form, all_regions)
    if start is None or end is None:
        start, end = _period(form, current_app.config.get("REPORT_DEFAULT_DAYS", 90))
        form.von.data, form.bis.data = start.isoformat(), end.isoformat()
    advisor_id = int(form.berater.data) if form.berater.data and not form.berater.errors else None
    programme = form.programm.data if form.programm.data and not form.programm.errors else None
    scope = ReportScope(
        region_ids=tuple(r.id for r in regions),
        date_from=start,
        date_to=end,
        now=utcnow(),
        advisor_id=advisor_id,
        programme=programme,
        no_contact_days=int(current_app.config.get("NO_CONTACT_DAYS", 30)),
    )
    link_base: dict[str, Any] = {"region": region_filter, "advisor": advisor_id}
    if not links:
        link_base[services.WITHOUT_LINKS] = True
    dashboard = services.build_dashboard(
        current_user, scope, regions, link_base, only=only, advisor_rows=advisor_rows
    )
    return form, dashboard


def _staff_choices(all_regions: list[Region], only_chosen: bool = False) -> list[tuple[str, str]]:
    """The advisor filter's choices: the staff of the user's region, or, for the
    coordinator, of the region chosen in the filter (none before one is chosen: a list of
    every advisor of the state would be a thousand names at 1,000,000 cases, issue #22).
    ``only_chosen``: of them only the advisor the request names, if any."""
    if current_user.role != "coordinator":
        region_id = current_user.region_id
    else:
        region_id = request.args.get("region", type=int)
        if region_id not in {r.id for r in all_regions}:
            return []
    user_id = None
    if only_chosen:
        user_id = request.args.get("berater", type=int)
        if user_id is None:
            return []
    return [(str(i), name) for i, name in region_staff_names(region_id, user_id=user_id)]


@bp.route("/uebersicht")
@requires_role(*READERS)
def dashboard() -> Any:
    form, board = _dashboard_from_args(advisor_rows=_advisor_rows())
    return render_template(
        "reports/dashboard.html", form=form, board=board, args=request.args.to_dict()
    )


_EXPORT_NAME = re.compile(r"^([a-z\-]{3,40})\.(csv|xlsx)$")
ALL_TABLES = "alle"  # /uebersicht/export/alle.xlsx: every dashboard table in one workbook


def _export_info(start: date, end: date) -> list[tuple[str, Any]]:
    """The "Angaben" sheet: region, period, creation time and user of an export."""
    region_id = request.args.get("region", type=int)
    if region_id is not None:
        regions = [r.name for r in _all_regions() if r.id == region_id]
    elif current_user.role == "coordinator":
        regions = ["alle Regionen"]
    else:
        regions = [r.name for r in _all_regions() if r.id == current_user.region_id]
    return [
        ("Region", ", ".join(regions) or "–"),
        ("Zeitraum von", start),
        ("Zeitraum bis", end),
        ("Erstellt am", to_local(utcnow()).replace(tzinfo=None, microsecond=0)),
        ("Erstellt von", current_user.display_name),
    ]


@bp.route("/uebersicht/export/<filename>")
@requires_role(*READERS)
def export(filename: str) -> Any:
    match = _EXPORT_NAME.match(filename)
    if not match:
        abort(404)
    key, fmt = match.groups()
    # An export is a file for German Excel and the office (German headings, numbers and
    # dates) in any UI language, like the monthly report's PDF.
    with force_locale("de"):
        if key.startswith("esf-"):
            _form, report, start, end, _region = _esf_from_args()
            tables = {
                "esf-teilnehmende": report.participants,
                "esf-ergebnisse": report.results,
                "esf-kmu": report.smes,
            }
        else:
            # Only the exported table's queries run, not the whole dashboard's.
            _form, board = _dashboard_from_args(
                only=None if key == ALL_TABLES else key, links=False
            )
            tables = board.tables
            start, end = board.scope.date_from, board.scope.date_to
        if key == ALL_TABLES and fmt == "xlsx":
            chosen = list(tables.values())
        elif key in tables:
            chosen = [tables[key]]
        else:
            abort(404)
        rows = [row for table in chosen for row in table.export_rows()]
        name = f"wba-{key}-{start.isoformat()}-{end.isoformat()}.{fmt}"
        if fmt == "csv":
            body, mimetype = exports.to_csv(chosen[0].columns, rows), "text/csv; charset=utf-8"
        else:
            body = exports.to_workbook(chosen, _export_info(start, end))
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = exports.content_disposition(name)
    # The file is handed out only once its audit entry is committed.
    return actions.run(
        lambda: services.record_export(current_user, key, fmt, len(rows)), answer=lambda _: response
    )


def _month(raw: str | None) -> tuple[date, date] | None:
    if not raw or not re.fullmatch(r"\d{4}-\d{2}", raw):
        return None
    year, month = int(raw[:4]), int(raw[5:])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    start = date(year, month, 1)
    end = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
    return start, end


def _monthly() -> tuple[Any, Any, str, str | None]:
    raw = request.args.get("monat")
    period = _month(raw)
    error = None
    if period is None:
        if raw:
            error = _("Bitte geben Sie den Monat im Format JJJJ-MM an, zum Beispiel 2026-10.")
        first = local_today().replace(day=1)
        period = _month((first - timedelta(days=1)).strftime("%Y-%m"))
        assert period is not None
    form, board = _dashboard_from_args(*period, advisor_rows=_advisor_rows())
    label = f"{MONTHS[period[0].month - 1]} {period[0].year}"
    return form, board, label, error


@bp.route("/uebersicht/monatsbericht")
@requires_role(*READERS)
def monthly() -> Any:
    form, board, label, error = _monthly()
    return render_template(
        "reports/monthly.html",
        board=board,
        month_label=label,
        error=error,
        month=board.scope.date_from.strftime("%Y-%m"),
        args=request.args.to_dict(),
    )


@bp.route("/uebersicht/monatsbericht/pdf")
@requires_role(*READERS)
def monthly_pdf() -> Any:
    from wbagentur.core.tagged_pdf import html_to_pdf

    _form, board, label, _error = _monthly()
    # The same table template as the print view, as tagged PDF/UA-1 (docs/pdf.md).
    with force_locale("de"):
        html = render_template("reports/monthly_pdf.html", board=board, month_label=label)
    # The same HTML renders to the same PDF: a repeated download of unchanged figures is
    # served from the database (issue #22; WeasyPrint is ~90 % of the request).
    key = cache.pdf_key(html, "reports-pdf.css")
    body = cache.get(key)
    fresh = body is None
    if body is None:
        body = html_to_pdf(html, "reports-pdf.css")
    response = Response(body, mimetype="application/pdf")
    name = f"wba-monatsbericht-{board.scope.date_from.strftime('%Y-%m')}.pdf"
    response.headers["Content-Disposition"] = exports.content_disposition(name)

    def record() -> None:
        services.record_export(current_user, "monatsbericht", "pdf", len(board.tables))
        if fresh:
            cache.put(key, "pdf", body)

    return actions.run(record, answer=lambda _: response)


def _esf_from_args() -> tuple[Any, Any, date, date, int | None]:
    form = forms.EsfFilterForm(request.args)
    form.region.choices = [("", _("alle Regionen"))] + [(str(r.id), r.name) for r in _all_regions()]
    form.validate()
    regions, region = _regions_for(form)
    if current_user.role != "coordinator" and not regions:
        abort(403)
    start, end = _period(form, 365)
    form.von.data, form.bis.data = start.isoformat(), end.isoformat()
    threshold = int(current_app.config.get("ESF_SUPPRESSION_THRESHOLD", 5))
    report = services.build_esf(tuple(r.id for r in regions), start, end, threshold)
    return form, report, start, end, region


@bp.route("/uebersicht/esf")
@requires_role(*READERS)
def esf() -> Any:
    """The one ESF+ overview: participant indicators from the recorded participations
    (wbagentur.esf), supported SMEs, links to the completeness list and the monitoring export."""
    form, report, start, end, region = _esf_from_args()
    # The period actually shown, so that every export and link counts the same period.
    period = {"von": start.isoformat(), "bis": end.isoformat()}
    if region is not None:
        period["region"] = str(region)
    return render_template(
        "reports/esf.html",
        form=form,
        report=report,
        start=start,
        end=end,
        args=period,
    )


@bp.route("/uebersicht/umverteilen", methods=["GET", "POST"])
@requires_role("supervisor")
def reassign() -> Any:
    staff = services.region_staff(current_user.region_id)
    staff_ids = {u.id for u in staff}
    current = request.values.get("berater", "")
    current_id = int(current) if current.isdigit() and int(current) in staff_ids else None
    form = forms.ReassignForm(berater=str(current_id or ""))
    form.target_id.choices = [("", _("Bitte wählen"))] + [
        (str(u.id), u.display_name) for u in staff
    ]
    cases = _reassignable(current_id)
    form.cases.choices = [(f"{c.id}:{c.version}", c.reference) for c in cases]
    back = url_for("reports.reassign", berater=current_id or None)

    def page() -> Any:
        return render_template(
            "reports/reassign.html", form=form, cases=cases, staff=staff, current_id=current_id
        ), 200

    if form.validate_on_submit():

        def refused(exc: DomainError) -> Any:
            flash(str(exc), "danger")
            return page()

        def changed_meanwhile(exc: ConflictError) -> Any:
            flash(_("Die Fälle wurden inzwischen geändert. Bitte wählen Sie erneut aus."), "danger")
            return redirect(back)

        return actions.run(
            lambda: services.reassign_cases(
                current_user, form.case_versions(), int(form.target_id.data), form.reason.data
            ),
            answer=lambda result: _reassigned(result, back),
            refused=refused,
            conflict=changed_meanwhile,
        )
    return page()


def _reassigned(result: services.ReassignResult, back: str) -> Any:
    if result.moved:
        flash(_("%(n)s Fälle wurden umverteilt.", n=len(result.moved)), "success")
    elif not result.stale:
        flash(
            _(
                "Keine Änderung: Die gewählten Fälle sind bereits so zugewiesen oder nicht "
                "mehr offen."
            ),
            "info",
        )
    if result.stale:
        flash(
            _(
                "Inzwischen geändert und daher nicht umverteilt: %(refs)s. Bitte prüfen "
                "Sie diese "
                "Fälle und wählen Sie sie erneut aus.",
                refs=", ".join(result.stale),
            ),
            "warning",
        )
    return redirect(back)


def _reassignable(advisor_id: int | None) -> list[Case]:
    stmt = sa.select(Case).where(Case.region_id == current_user.region_id, Case.status != "closed")
    if advisor_id is not None:
        stmt = stmt.where(Case.assigned_to_id == advisor_id)
    return list(db.session.scalars(stmt.order_by(Case.opened_at.asc(), Case.id.asc()).limit(500)))
