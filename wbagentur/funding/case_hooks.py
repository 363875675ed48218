"""What funding adds to the case pages, registered at app creation
(``wbagentur._connect_packages``): cases does not import funding, which builds on it
(tests/test_import_graph.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from wbagentur.cases.cockpit import ChecksPanel
from wbagentur.cases.models import Case
from wbagentur.cases.queries import eligible_pattern, in_local_period
from wbagentur.extensions import db
from wbagentur.funding import queries, services
from wbagentur.funding.models import FundingCheck


def checks_panel(case: Case) -> ChecksPanel:
    """The case cockpit's participants table: the case's saved checks, newest first, and
    the programmes' short titles."""
    return db.session.scalars(queries.checks_of_case(case.id)), services.short_titles()


def drill_conditions(drill: Mapping[str, Any], today: date) -> list[sa.ColumnElement[bool]]:
    """Cases with a saved check in a period and/or finding a programme eligible."""
    if not (drill.get("eligible") or drill.get("checked_from") or drill.get("checked_to")):
        return []
    check_conds = [FundingCheck.case_id == Case.id]
    if drill.get("eligible"):
        check_conds.append(FundingCheck.eligible_codes.like(eligible_pattern(drill["eligible"])))
    check_conds += in_local_period(
        FundingCheck.created_at, drill.get("checked_from"), drill.get("checked_to")
    )
    return [sa.exists().where(*check_conds)]
