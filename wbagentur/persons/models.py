"""A person advised by the agency (employee or individual), and consent records."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbagentur.core.models import TimestampMixin, enum_column, utcnow
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.extensions import db
from wbagentur.firms.models import Firm
from wbagentur.regions.models import District

GENDERS = {
    "weiblich": _l("weiblich"),
    "maennlich": _l("männlich"),
    "divers": _l("divers"),
    "keine_angabe": _l("keine Angabe"),
}
EMPLOYMENT_STATUSES = {
    "employed": _l("beschäftigt"),
    "unemployed": _l("arbeitslos"),
    "threatened": _l("von Arbeitslosigkeit bedroht"),
    "apprentice": _l("in Ausbildung"),
    "self_employed": _l("selbstständig"),
    "not_employed": _l("nicht erwerbstätig"),
}
QUALIFICATIONS = {
    "none": _l("ohne Berufsabschluss"),
    "vocational": _l("Berufsabschluss (Ausbildung)"),
    "upgrade": _l("Fortbildungsabschluss (Meister/in, Techniker/in, Fachwirt/in)"),
    "bachelor": _l("Bachelor oder gleichwertig"),
    "master": _l("Master, Diplom oder höher"),
}
# ESF+ indicator groups (Reg. (EU) 2021/1057 Annex I)
ISCED_LEVELS = {
    "isced_0_2": _l("ISCED 0–2"),
    "isced_3_4": _l("ISCED 3–4"),
    "isced_5_8": _l("ISCED 5–8"),
}


class Person(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """An employee or individual advice seeker."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(80), info={"pii": "person"})
    last_name: Mapped[str] = mapped_column(sa.String(80), info={"pii": "person"})
    # normalise_search("first last"): case/umlaut-insensitive search
    name_search: Mapped[str] = mapped_column(sa.String(170), index=True, default="")
    email: Mapped[str | None] = mapped_column(sa.String(254), info={"pii": "person"})
    phone: Mapped[str | None] = mapped_column(sa.String(40), info={"pii": "person"})
    birth_date: Mapped[date | None] = mapped_column(info={"pii": "person"})
    gender: Mapped[str] = mapped_column(
        enum_column(*GENDERS, name="gender"), default="keine_angabe", info={"pii": "person"}
    )
    employment_status: Mapped[str | None] = mapped_column(
        enum_column(*EMPLOYMENT_STATUSES, name="employment_status"), info={"pii": "person"}
    )
    employer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("firms.id", ondelete="SET NULL"), index=True
    )
    weekly_hours: Mapped[float | None] = mapped_column(sa.Float, info={"pii": "person"})
    working_days_per_week: Mapped[int | None] = mapped_column(info={"pii": "person"})
    employed_since: Mapped[date | None] = mapped_column(info={"pii": "person"})
    qualification: Mapped[str | None] = mapped_column(
        enum_column(*QUALIFICATIONS, name="qualification"), info={"pii": "person"}
    )
    qualification_year: Mapped[int | None] = mapped_column(info={"pii": "person"})
    isced_level: Mapped[str | None] = mapped_column(
        enum_column(*ISCED_LEVELS, name="isced_level"), info={"pii": "person"}
    )
    residence_district_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("districts.id"), index=True
    )
    # Art. 9 DSGVO special category: stored only with an explicit consent record.
    severely_disabled: Mapped[bool | None] = mapped_column(info={"pii": "special"})
    # Art. 18 DSGVO: while restricted, the person's data is only stored, not processed.
    restricted_at: Mapped[datetime | None]
    restriction_reason: Mapped[str | None] = mapped_column(sa.String(300))
    # Art. 17 DSGVO / retention: set when the personal fields were anonymised.
    erased_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    employer: Mapped[Firm | None] = relationship(lazy="joined")
    residence_district: Mapped[District | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(
            "weekly_hours IS NULL OR (weekly_hours >= 0 AND weekly_hours <= 80)",
            name="weekly_hours_range",
        ),
        sa.CheckConstraint(
            "working_days_per_week IS NULL OR (working_days_per_week BETWEEN 1 AND 7)",
            name="working_days_range",
        ),
        # The person lists walk these indexes in their order (by name; "Neueste zuerst"),
        # issue #22.
        sa.Index("ix_persons_name_order", "last_name", "first_name", "id"),
        sa.Index("ix_persons_created_id", "created_at", "id"),
        # Case and person search (LIKE '%…%'): trigram index, PostgreSQL only.
        sa.Index(
            "ix_persons_name_search_trgm",
            "name_search",
            postgresql_using="gin",
            postgresql_ops={"name_search": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __repr__(self) -> str:
        return f"<Person {self.id}>"


CONSENT_PURPOSES = {
    "advice": _l("Beratung durch die Weiterbildungsagentur"),
    "share_partner": _l("Weitergabe an eine Partnerstelle"),
    "esf_reporting": _l("ESF+-Berichterstattung"),
    "special_categories": _l("Besondere Kategorien (z. B. Schwerbehinderung)"),
}


class Consent(db.Model):  # type: ignore[name-defined]
    """A consent given by a person or a firm contact, for one purpose (and recipient)."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    firm_contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("firm_contacts.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(enum_column(*CONSENT_PURPOSES, name="purpose"))
    # For share_partner: the partner kind (e.g. "agentur_fuer_arbeit") or the one partner of
    # the directory the data may go to (wbagentur/referrals/consents.py decides coverage).
    recipient_kind: Mapped[str | None] = mapped_column(sa.String(40))
    recipient_partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partners.id"), index=True
    )
    # Free text of consents recorded before the recipient was chosen from the directory;
    # a text alone covers no partner (migration e14a00000001).
    recipient: Mapped[str | None] = mapped_column(sa.String(60))
    text_version: Mapped[str] = mapped_column(sa.String(30))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.CheckConstraint(
            "person_id IS NOT NULL OR firm_contact_id IS NOT NULL", name="has_subject"
        ),
    )

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
