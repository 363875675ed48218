"""Reports: caseload dashboard for supervisors and state coordination, drill-down,
reassignment, exports (CSV/XLSX/PDF) and ESF+ participant indicators."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from wbagentur.reports import commands, models, views  # noqa: E402,F401
