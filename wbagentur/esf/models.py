"""One ESF+ participation per person and case: entry, exit, results, follow-up survey."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbagentur.cases.models import Case
from wbagentur.core.models import TimestampMixin, enum_column
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.extensions import db
from wbagentur.persons.models import Person

# Annex I: exactly one employment status at entry; long-term unemployed are also counted
# in "unemployed incl. long-term unemployed".
ENTRY_STATUSES = {
    "unemployed": _l("arbeitslos (nicht langzeitarbeitslos)"),
    "long_term_unemployed": _l("langzeitarbeitslos"),
    "inactive": _l("nicht erwerbstätig (inaktiv)"),
    "employed": _l("erwerbstätig (einschl. selbstständig)"),
}
ESF_GENDERS = {
    "weiblich": _l("weiblich"),
    "maennlich": _l("männlich"),
    "divers": _l("nicht-binär (divers)"),
}
ESF_ISCED = {
    "isced_0_2": _l("ISCED 0–2 (höchstens Sekundarstufe I)"),
    "isced_3_4": _l("ISCED 3–4 (Sekundarstufe II, postsekundar)"),
    "isced_5_8": _l("ISCED 5–8 (tertiär)"),
}
EXIT_SITUATIONS = {
    "employed": _l("erwerbstätig (einschl. selbstständig)"),
    "unemployed": _l("arbeitslos"),
    "inactive": _l("nicht erwerbstätig (inaktiv)"),
    "education": _l("in schulischer oder beruflicher Bildung"),
}
SURVEY_STATES = {
    "not_due": _l("noch nicht fällig"),
    "no_consent": _l("keine Einwilligung"),
    "sent": _l("versandt"),
    "reminded": _l("erinnert"),
    "answered": _l("beantwortet"),
    "no_response": _l("keine Antwort"),
}


class EsfParticipation(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """ESF+ data of one person in one case (Annex I data at entry, exit and results)."""

    __tablename__ = "esf_participations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # entry (mandatory part)
    entry_date: Mapped[date]
    employment_status: Mapped[str | None] = mapped_column(
        enum_column(*ENTRY_STATUSES, name="employment_status")
    )
    age_at_entry: Mapped[int | None]
    isced_level: Mapped[str | None] = mapped_column(enum_column(*ESF_ISCED, name="isced_level"))
    gender: Mapped[str | None] = mapped_column(enum_column(*ESF_GENDERS, name="gender"))
    postcode: Mapped[str | None] = mapped_column(sa.String(5))
    # entry (optional part): None = not asked / not answered
    third_country_national: Mapped[bool | None]
    foreign_background: Mapped[bool | None]
    homeless: Mapped[bool | None]
    rural_area: Mapped[bool | None]
    # special categories (Art. 9 DSGVO): stored only with active consents (rules.py)
    disability: Mapped[bool | None]
    minority: Mapped[bool | None]
    # consent to be asked six months after leaving (the follow-up survey)
    survey_consent_at: Mapped[datetime | None]
    # exit and immediate results (within four weeks after leaving)
    exit_date: Mapped[date | None]
    exit_situation: Mapped[str | None] = mapped_column(
        enum_column(*EXIT_SITUATIONS, name="exit_situation")
    )
    results_on: Mapped[date | None]
    result_job_searching: Mapped[bool] = mapped_column(default=False)
    result_education: Mapped[bool] = mapped_column(default=False)
    result_qualification: Mapped[bool] = mapped_column(default=False)
    result_employment: Mapped[bool] = mapped_column(default=False)
    # longer-term results (six months after leaving, by the survey)
    survey_state: Mapped[str] = mapped_column(
        enum_column(*SURVEY_STATES, name="survey_state"), default="not_due"
    )
    survey_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    survey_expires_at: Mapped[datetime | None]
    survey_sent_at: Mapped[datetime | None]
    survey_reminded_at: Mapped[datetime | None]
    survey_answered_at: Mapped[datetime | None]
    longterm_employment: Mapped[bool | None]
    longterm_improved: Mapped[bool | None]
    # completeness: why mandatory data is missing when the case is closed anyway
    missing_reason: Mapped[str | None] = mapped_column(sa.String(500))
    missing_reason_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    anonymised_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[Case] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.UniqueConstraint("case_id", "person_id", name="uq_esf_participations_case_person"),
        sa.CheckConstraint(
            "age_at_entry IS NULL OR (age_at_entry BETWEEN 0 AND 120)", name="age_range"
        ),
        sa.CheckConstraint(
            "NOT (result_job_searching AND result_employment)", name="search_or_employment"
        ),
        sa.CheckConstraint("exit_date IS NULL OR exit_date >= entry_date", name="exit_after_entry"),
        sa.CheckConstraint(
            "results_on IS NULL OR (exit_date IS NOT NULL AND results_on >= exit_date)",
            name="results_after_exit",
        ),
        sa.Index("ix_esf_participations_entry", "entry_date"),
        sa.Index("ix_esf_participations_exit", "exit_date", "survey_state"),
    )


class EsfIndicatorCount(db.Model):  # type: ignore[name-defined]
    """A maintained count of the ESF+ indicators (issue #22): participations of a region
    with indicator ``key`` and ``gender`` column, entered (entry keys) or left (result keys)
    on ``day`` (grain ``day``) or in the month beginning on ``day`` (grain ``month``).
    Filled by ``esf.aggregates.refresh``; no personal data."""

    __tablename__ = "esf_indicator_counts"
    __table_args__ = (
        sa.UniqueConstraint(
            "grain", "day", "region_id", "key", "gender", name="uq_esf_indicator_counts_cell"
        ),
        # The sums of a period from the index alone on SQLite: a year's 6,930 rows at
        # 1,000,000 cases took 6.6 ms read from the table, 3.2 ms from here (issue #22);
        # PostgreSQL's bitmap scan was as quick without it.
        sa.Index(
            "ix_esf_indicator_counts_sums", "grain", "day", "region_id", "key", "gender", "n"
        ).ddl_if(dialect="sqlite"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grain: Mapped[str] = mapped_column(sa.String(5))
    day: Mapped[date]
    region_id: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(40))
    gender: Mapped[str] = mapped_column(sa.String(20))
    n: Mapped[int] = mapped_column(default=0)


class EsfIndicatorRefresh(db.Model):  # type: ignore[name-defined]
    """When ``esf_indicator_counts`` was last computed (the "Stand" of the ESF+ overview);
    one row."""

    __tablename__ = "esf_indicator_refreshes"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    refreshed_at: Mapped[datetime]
    rows: Mapped[int] = mapped_column(default=0)
    duration_ms: Mapped[int] = mapped_column(default=0)
