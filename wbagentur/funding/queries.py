"""Reads of the funding module, returned as ``Select`` statements."""

from __future__ import annotations

import sqlalchemy as sa

from wbagentur.funding.models import FundingCheck, FundingProgramme, ParameterVersion


def programmes_in_order() -> sa.Select[tuple[FundingProgramme]]:
    """All programmes in the engine's output order."""
    return sa.select(FundingProgramme).order_by(FundingProgramme.sort_order, FundingProgramme.id)


def versions_of(programme_id: int) -> sa.Select[tuple[ParameterVersion]]:
    """A programme's full version history, newest proposal first."""
    return (
        sa.select(ParameterVersion)
        .where(ParameterVersion.programme_id == programme_id)
        .order_by(ParameterVersion.proposed_at.desc(), ParameterVersion.id.desc())
    )


def pending_versions() -> sa.Select[tuple[ParameterVersion]]:
    """Proposals waiting for a second person's decision."""
    return (
        sa.select(ParameterVersion)
        .where(ParameterVersion.state == "proposed")
        .order_by(ParameterVersion.proposed_at, ParameterVersion.id)
    )


def checks_of_case(case_id: int) -> sa.Select[tuple[FundingCheck]]:
    """Saved checks of a case, newest first."""
    return (
        sa.select(FundingCheck)
        .where(FundingCheck.case_id == case_id)
        .order_by(FundingCheck.created_at.desc(), FundingCheck.id.desc())
    )
