"""Funding catalogue: programmes, their versioned parameter sets, and saved funding checks.

Parameter versions are history: a change is a new row that an administrator proposes and a
second person approves; rows are never edited after the decision. Only approved versions feed
the eligibility engine (``wbagentur.funding.catalogue``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbagentur.accounts.models import User
from wbagentur.core.models import TimestampMixin, enum_column, utcnow
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.core.translation import lazy_pgettext as _lp
from wbagentur.extensions import db

PROGRAMME_STATUSES = {
    "open": _l("offen"),
    "paused": _l("ausgesetzt (Fördermittel ausgeschöpft)"),
    "closed": _l("geschlossen"),
}
FUNDER_LEVELS = {"eu": _l("EU"), "bund": _l("Bund"), "land": _l("Land")}
TARGET_GROUPS = {
    "firm": _lp("firms, plural", "Unternehmen"),
    "person": _l("Beschäftigte und Einzelpersonen"),
}
VERSION_STATES = {
    "proposed": _l("vorgeschlagen"),
    "approved": _l("freigegeben"),
    "rejected": _lp("parameter version", "abgelehnt"),
}


class FundingProgramme(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """A funding programme of the catalogue; ``code`` is the engine's programme code."""

    __tablename__ = "funding_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(120))
    short_title: Mapped[str] = mapped_column(sa.String(60))
    funder_level: Mapped[str] = mapped_column(enum_column(*FUNDER_LEVELS, name="funder_level"))
    legal_basis: Mapped[str] = mapped_column(sa.String(300))
    legal_url: Mapped[str | None] = mapped_column(sa.String(300))
    target_group: Mapped[str] = mapped_column(enum_column(*TARGET_GROUPS, name="target_group"))
    funded_items: Mapped[str] = mapped_column(sa.Text)
    deciding_body: Mapped[str] = mapped_column(sa.String(300))
    deadline_rule: Mapped[str] = mapped_column(sa.String(300))
    public_description: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(
        enum_column(*PROGRAMME_STATUSES, name="status"), default="open"
    )
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_reason: Mapped[str | None] = mapped_column(sa.String(300))
    version: Mapped[int] = mapped_column(default=1)

    versions: Mapped[list[ParameterVersion]] = relationship(
        back_populates="programme",
        order_by="ParameterVersion.id",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return str(PROGRAMME_STATUSES[self.status])

    @property
    def slug(self) -> str:
        """URL form of the code (kebab-case)."""
        return self.code.replace("_", "-")

    def __repr__(self) -> str:
        return f"<FundingProgramme {self.code}>"


class ParameterVersion(db.Model):  # type: ignore[name-defined]
    """One version of a programme's parameter set (the engine's ``ParameterSet.to_dict()`` form)."""

    __tablename__ = "funding_parameter_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("funding_programmes.id"), index=True)
    version_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    parameters: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.String(300))
    source_url: Mapped[str | None] = mapped_column(sa.String(300))
    state: Mapped[str] = mapped_column(
        enum_column(*VERSION_STATES, name="state"), default="proposed", index=True
    )
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(sa.String(500))

    programme: Mapped[FundingProgramme] = relationship(back_populates="versions")
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")

    @property
    def data(self) -> dict[str, Any]:
        """The parameter set as a dict (a fresh copy on every call)."""
        return dict(json.loads(self.parameters))

    @property
    def params(self) -> dict[str, dict[str, Any]]:
        return dict(self.data.get("params", {}))

    @property
    def unverified_keys(self) -> list[str]:
        return [k for k, p in self.params.items() if not p.get("verified", True)]

    @property
    def state_label(self) -> str:
        return str(VERSION_STATES[self.state])

    def __repr__(self) -> str:
        return f"<ParameterVersion {self.version_key} {self.state}>"


class FundingCheck(db.Model):  # type: ignore[name-defined]
    """A saved funding check of a case: what was entered, what came out, which versions."""

    __tablename__ = "funding_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    input_json: Mapped[str] = mapped_column(sa.Text, info={"pii": "person"})
    result_json: Mapped[str] = mapped_column(sa.Text, info={"pii": "person"})
    # {"sgb3_82": "sgb3_82@2024-04-01", …}
    parameter_versions: Mapped[str] = mapped_column(sa.Text)
    # ",sgb3_82,esf_weiterbildungsscheck," – lets the notification query find checks by programme.
    eligible_codes: Mapped[str] = mapped_column(sa.String(300), default=",")

    created_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def input(self) -> dict[str, Any]:
        return dict(json.loads(self.input_json))

    @property
    def result(self) -> dict[str, Any]:
        return dict(json.loads(self.result_json))

    @property
    def versions(self) -> dict[str, str | None]:
        return dict(json.loads(self.parameter_versions))

    def __repr__(self) -> str:
        return f"<FundingCheck {self.id}>"
