"""Aggregating reads of the dashboard: each function returns one GROUP BY ``Select``.

All of them take a ``ReportScope`` and apply the same base conditions (regions in scope,
optional advisor), so the number of queries per page is constant, whatever the data size.
The drill-down conditions come from ``wbagentur.cases.queries`` so that every number and
the case list behind it agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from wbagentur.cases.models import Case, FollowUp
from wbagentur.cases.queries import (
    AGE_BUCKETS,
    age_condition,
    eligible_pattern,
    in_local_period,
    local_midnight,
    no_contact_condition,
    overdue_referral_condition,
)
from wbagentur.core.timezone import BERLIN
from wbagentur.firms.models import Firm
from wbagentur.funding.models import FundingCheck
from wbagentur.partners.models import Partner
from wbagentur.referrals.case_hooks import referral_stage_condition
from wbagentur.referrals.models import Referral, Transfer


@dataclass(frozen=True)
class ReportScope:
    """What a dashboard shows: regions, period (local dates, inclusive), filters."""

    region_ids: tuple[int, ...]
    date_from: date
    date_to: date
    now: datetime
    advisor_id: int | None = None
    programme: str | None = None
    no_contact_days: int = 30

    @property
    def today(self) -> date:
        return self.now.astimezone(BERLIN).date()


def base_conditions(scope: ReportScope) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = [Case.region_id.in_(scope.region_ids)]
    if scope.advisor_id is not None:
        conditions.append(Case.assigned_to_id == scope.advisor_id)
    return conditions


def _count_if(condition: sa.ColumnElement[bool]) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def caseload(scope: ReportScope) -> sa.Select[Any]:
    """Open cases per region and advisor: total, per age bucket, without contact."""
    columns = [_count_if(age_condition(b, scope.now)).label(b) for b in AGE_BUCKETS]
    return (
        sa.select(
            Case.region_id,
            Case.assigned_to_id,
            sa.func.count().label("total"),
            *columns,
            _count_if(no_contact_condition(scope.no_contact_days, scope.now)).label("no_contact"),
        )
        .where(*base_conditions(scope), Case.status != "closed")
        .group_by(Case.region_id, Case.assigned_to_id)
    )


def overdue_follow_ups(scope: ReportScope) -> sa.Select[Any]:
    """Cases with overdue open follow-ups, per region and follow-up assignee."""
    return (
        sa.select(Case.region_id, FollowUp.assignee_id, sa.func.count(sa.distinct(Case.id)))
        .join(FollowUp, FollowUp.case_id == Case.id)
        .where(*base_conditions(scope), FollowUp.done_at.is_(None), FollowUp.due_date < scope.today)
        .group_by(Case.region_id, FollowUp.assignee_id)
    )


def overdue_follow_up_cases(scope: ReportScope) -> sa.Select[Any]:
    """Cases with overdue open follow-ups per region (each case once, whoever's they are)."""
    return (
        sa.select(Case.region_id, sa.func.count(sa.distinct(Case.id)))
        .join(FollowUp, FollowUp.case_id == Case.id)
        .where(*base_conditions(scope), FollowUp.done_at.is_(None), FollowUp.due_date < scope.today)
        .group_by(Case.region_id)
    )


def overdue_referrals(scope: ReportScope) -> sa.Select[Any]:
    """Cases with overdue referrals (sent/accepted/returned, due date past), per advisor.

    The overdue referrals are a semi-join (``IN``), not a join: each case counts once
    without ``COUNT(DISTINCT)``, and both databases read the few overdue referrals from
    the index on (state, due_date, case_id) instead of probing every case of the region.
    """
    overdue = sa.select(Referral.case_id).where(overdue_referral_condition(Referral, scope.today))
    return (
        sa.select(Case.region_id, Case.assigned_to_id, sa.func.count())
        .where(*base_conditions(scope), Case.id.in_(overdue))
        .group_by(Case.region_id, Case.assigned_to_id)
    )


def week_starts(start: date, end: date) -> list[date]:
    """Mondays of the weeks that touch the period."""
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def new_cases_per_week(scope: ReportScope) -> sa.Select[Any]:
    """Cases opened in the period per week (CASE over precomputed week boundaries, so
    no dialect-specific date function is needed) and region."""
    weeks = week_starts(scope.date_from, scope.date_to)
    whens = [
        (Case.opened_at < local_midnight(w + timedelta(days=7)), i) for i, w in enumerate(weeks)
    ]
    bucket = sa.case(*whens, else_=len(weeks)).label("week")
    return (
        sa.select(bucket, Case.region_id, sa.func.count())
        .where(
            *base_conditions(scope),
            *in_local_period(Case.opened_at, scope.date_from, scope.date_to),
        )
        .group_by(bucket, Case.region_id)
    )


def closed_outcomes(scope: ReportScope) -> sa.Select[Any]:
    return (
        sa.select(Case.outcome, Case.region_id, sa.func.count())
        .where(
            *base_conditions(scope),
            Case.status == "closed",
            *in_local_period(Case.closed_at, scope.date_from, scope.date_to),
        )
        .group_by(Case.outcome, Case.region_id)
    )


def channels(scope: ReportScope) -> sa.Select[Any]:
    return (
        sa.select(Case.channel, Case.region_id, sa.func.count())
        .where(
            *base_conditions(scope),
            *in_local_period(Case.opened_at, scope.date_from, scope.date_to),
        )
        .group_by(Case.channel, Case.region_id)
    )


def _referral_conditions(scope: ReportScope) -> list[sa.ColumnElement[bool]]:
    conditions = [
        *base_conditions(scope),
        Referral.sent_at.is_not(None),
        *in_local_period(Referral.sent_at, scope.date_from, scope.date_to),
    ]
    if scope.programme:
        conditions.append(Referral.programme == scope.programme)
    return conditions


def referral_funnel(scope: ReportScope) -> sa.Select[Any]:
    """Per partner: cases with a referral sent in the period, and how far it got."""
    stages = [
        sa.func.count(sa.distinct(sa.case((referral_stage_condition(s), Case.id)))).label(s)
        for s in ("sent", "accepted", "completed", "approved")
    ]
    return (
        sa.select(Referral.partner_id, *stages)
        .join(Case, Case.id == Referral.case_id)
        .where(*_referral_conditions(scope))
        .group_by(Referral.partner_id)
    )


def answer_times(scope: ReportScope) -> sa.Select[Any]:
    """(partner, sent, first answer) of answered referrals, for the median per partner."""
    # Plain DateTime instead of UTCDateTime: only the difference is used, and converting
    # thousands of values to aware datetimes cost more than the query itself.
    return (
        sa.select(
            Referral.partner_id,
            sa.type_coerce(Referral.sent_at, sa.DateTime()),
            sa.type_coerce(Referral.answered_at, sa.DateTime()),
        )
        .join(Case, Case.id == Referral.case_id)
        .where(*_referral_conditions(scope), Referral.answered_at.is_not(None))
    )


def answer_time_medians(scope: ReportScope, dialect: str) -> sa.Select[Any]:
    """(partner, median days from sending to the first answer) of answered referrals,
    computed in the database (issue #22) instead of fetching every answered referral.

    PostgreSQL: ``percentile_cont(0.5)``. SQLite has no percentile function: each
    partner's answer times are numbered in order (window functions) and the middle one, or
    the mean of the middle two, is the median.
    """
    conditions = [
        *_referral_conditions(scope),
        Referral.answered_at.is_not(None),
        Referral.sent_at.is_not(None),
        Referral.answered_at >= Referral.sent_at,
    ]
    if dialect == "postgresql":
        days = sa.extract("epoch", Referral.answered_at - Referral.sent_at) / 86400.0
        return (
            sa.select(
                Referral.partner_id,
                sa.func.percentile_cont(0.5).within_group(days).label("median_days"),
            )
            .join(Case, Case.id == Referral.case_id)
            .where(*conditions)
            .group_by(Referral.partner_id)
        )
    days = sa.func.julianday(Referral.answered_at) - sa.func.julianday(Referral.sent_at)
    ranked = (
        sa.select(
            Referral.partner_id.label("partner_id"),
            days.label("days"),
            sa.func.row_number().over(partition_by=Referral.partner_id, order_by=days).label("rn"),
            sa.func.count().over(partition_by=Referral.partner_id).label("n"),
        )
        .join(Case, Case.id == Referral.case_id)
        .where(*conditions)
        .subquery()
    )
    # Integer division (//): the middle row, or the two middle rows of an even count.
    middle = sa.or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)
    return (
        sa.select(ranked.c.partner_id, sa.func.avg(ranked.c.days).label("median_days"))
        .where(middle)
        .group_by(ranked.c.partner_id)
    )


def programme_referrals(scope: ReportScope) -> sa.Select[Any]:
    """Per programme: cases referred, cases approved, amount granted (approved, completed)."""
    approved = referral_stage_condition("approved")
    return (
        sa.select(
            Referral.programme,
            sa.func.count(sa.distinct(Case.id)),
            sa.func.count(sa.distinct(sa.case((approved, Case.id)))),
            sa.func.coalesce(sa.func.sum(sa.case((approved, Referral.amount_cents), else_=0)), 0),
        )
        .join(Case, Case.id == Referral.case_id)
        .where(*_referral_conditions(scope), Referral.programme.is_not(None))
        .group_by(Referral.programme)
    )


def programme_checks(scope: ReportScope, codes: list[str]) -> sa.Select[Any]:
    """Cases with a funding check in the period that found each programme eligible."""
    columns = [
        sa.func.count(
            sa.distinct(sa.case((FundingCheck.eligible_codes.like(eligible_pattern(c)), Case.id)))
        ).label(c)
        for c in codes
    ]
    return (
        sa.select(*columns)
        .select_from(FundingCheck)
        .join(Case, Case.id == FundingCheck.case_id)
        .where(
            *base_conditions(scope),
            *in_local_period(FundingCheck.created_at, scope.date_from, scope.date_to),
        )
    )


def referral_matrix(scope: ReportScope) -> sa.Select[Any]:
    """Cases referred in the period to another region's contact point: from × to region."""
    return (
        sa.select(Case.region_id, Partner.region_id, sa.func.count(sa.distinct(Case.id)))
        .join(Referral, Referral.case_id == Case.id)
        .join(Partner, Partner.id == Referral.partner_id)
        .where(
            Partner.kind == "wba_contact_point",
            Referral.sent_at.is_not(None),
            *in_local_period(Referral.sent_at, scope.date_from, scope.date_to),
        )
        .group_by(Case.region_id, Partner.region_id)
    )


def transfer_matrix(scope: ReportScope) -> sa.Select[Any]:
    """Cases whose transfer was accepted in the period: from × to region."""
    return (
        sa.select(
            Transfer.from_region_id,
            Transfer.to_region_id,
            sa.func.count(sa.distinct(Transfer.case_id)),
        )
        .where(
            Transfer.state == "accepted",
            *in_local_period(Transfer.decided_at, scope.date_from, scope.date_to),
        )
        .group_by(Transfer.from_region_id, Transfer.to_region_id)
    )


# ---------------------------------------------------------------- ESF+


def esf_firms(region_ids: tuple[int, ...], start: date, end: date) -> sa.Select[Any]:
    """Distinct firms of firm cases opened in the period, per region, with what the SME
    class needs."""
    firms = (
        sa.select(Case.region_id, Case.firm_id)
        .where(
            Case.region_id.in_(region_ids),
            Case.kind == "firm",
            Case.firm_id.is_not(None),
            *in_local_period(Case.opened_at, start, end),
        )
        .distinct()
        .subquery()
    )
    return sa.select(
        firms.c.region_id,
        Firm.staff_over_30h,
        Firm.staff_up_to_30h,
        Firm.staff_up_to_20h,
        Firm.staff_up_to_10h,
        Firm.group_headcount,
        Firm.turnover_cents,
        Firm.balance_sheet_cents,
    ).join(Firm, Firm.id == firms.c.firm_id)
