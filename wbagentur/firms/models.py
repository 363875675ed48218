"""A firm (usually an SME) with address, district and headcount."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbagentur.core.models import TimestampMixin
from wbagentur.extensions import db
from wbagentur.regions.models import District


class Firm(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """An enterprise advised by the agency. Its region follows from its district."""

    __tablename__ = "firms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), info={"pii": "firm"})
    # normalise_search(name): case/umlaut-insensitive search and duplicate check
    name_search: Mapped[str] = mapped_column(sa.String(160), index=True, default="")
    legal_form: Mapped[str | None] = mapped_column(sa.String(40))
    register_number: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    wz_code: Mapped[str | None] = mapped_column(sa.String(6))
    street: Mapped[str | None] = mapped_column(sa.String(120), info={"pii": "firm"})
    postcode: Mapped[str | None] = mapped_column(sa.String(5))
    city: Mapped[str | None] = mapped_column(sa.String(80))
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), info={"pii": "firm"})
    email_domain: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40), info={"pii": "firm"})
    # Staff by weekly hours for the § 82 Abs. 6 SGB III weighting.
    staff_over_30h: Mapped[int] = mapped_column(default=0)
    staff_up_to_30h: Mapped[int] = mapped_column(default=0)
    staff_up_to_20h: Mapped[int] = mapped_column(default=0)
    staff_up_to_10h: Mapped[int] = mapped_column(default=0)
    group_headcount: Mapped[int | None]
    turnover_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    balance_sheet_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    # None = not known yet (a firm created from a public request); never read as "no".
    has_collective_agreement_training: Mapped[bool | None] = mapped_column(default=False)
    has_works_agreement_training: Mapped[bool | None] = mapped_column(default=False)
    has_works_council: Mapped[bool | None] = mapped_column(default=False)
    seat_in_thuringia: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    district: Mapped[District] = relationship(lazy="joined")
    contacts: Mapped[list[FirmContact]] = relationship(
        back_populates="firm", order_by="FirmContact.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "staff_over_30h >= 0 AND staff_up_to_30h >= 0 AND staff_up_to_20h >= 0 "
            "AND staff_up_to_10h >= 0",
            name="staff_counts_not_negative",
        ),
        # The firm lists walk these indexes in their order (API: name; UI: "Neueste
        # zuerst"; the UI's name order uses ix_firms_name_search), issue #22.
        sa.Index("ix_firms_name_id", "name", "id"),
        sa.Index("ix_firms_created_id", "created_at", "id"),
        # Case and firm search (LIKE '%…%'): trigram index, PostgreSQL only.
        sa.Index(
            "ix_firms_name_search_trgm",
            "name_search",
            postgresql_using="gin",
            postgresql_ops={"name_search": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    @property
    def headcount(self) -> int:
        return (
            self.staff_over_30h + self.staff_up_to_30h + self.staff_up_to_20h + self.staff_up_to_10h
        )

    @property
    def weighted_headcount(self) -> float:
        """§ 82 Abs. 6 SGB III: ≤10 h 0.25, ≤20 h 0.5, ≤30 h 0.75, more 1.0."""
        return (
            self.staff_over_30h
            + 0.75 * self.staff_up_to_30h
            + 0.5 * self.staff_up_to_20h
            + 0.25 * self.staff_up_to_10h
        )

    def __repr__(self) -> str:
        return f"<Firm {self.id}>"


class FirmContact(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """A contact person at a firm (management, HR)."""

    __tablename__ = "firm_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100), info={"pii": "contact"})
    name_search: Mapped[str] = mapped_column(sa.String(100), index=True, default="")
    function: Mapped[str | None] = mapped_column(sa.String(80))
    email: Mapped[str | None] = mapped_column(sa.String(254), info={"pii": "contact"})
    phone: Mapped[str | None] = mapped_column(sa.String(40), info={"pii": "contact"})

    firm: Mapped[Firm] = relationship(back_populates="contacts")
