"""The partner directory: bodies an advisor refers clients to, with the districts they
serve and the programmes they decide."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbagentur.core.models import TimestampMixin, enum_column
from wbagentur.extensions import db
from wbagentur.partners.data import PARTNER_KINDS
from wbagentur.regions.models import District, Region

partner_districts = sa.Table(
    "partner_districts",
    db.metadata,
    sa.Column("partner_id", sa.ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "district_id",
        sa.ForeignKey("districts.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

partner_programmes = sa.Table(
    "partner_programmes",
    db.metadata,
    sa.Column("partner_id", sa.ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("programme", sa.String(40), primary_key=True),
)


class Partner(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """A body an advisor refers clients to (not a user of the system)."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[str] = mapped_column(enum_column(*PARTNER_KINDS, name="kind"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    answer_days: Mapped[int] = mapped_column(default=10)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Only for kind wba_contact_point: the region of that contact point.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    region: Mapped[Region | None] = relationship(lazy="joined")
    districts: Mapped[list[District]] = relationship(
        secondary=partner_districts, order_by="District.key"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("answer_days BETWEEN 1 AND 60", name="answer_days_range"),
        sa.CheckConstraint(
            "(kind = 'wba_contact_point') = (region_id IS NOT NULL)", name="contact_point_region"
        ),
    )

    @property
    def programmes(self) -> list[str]:
        rows = db.session.scalars(
            sa.select(partner_programmes.c.programme)
            .where(partner_programmes.c.partner_id == self.id)
            .order_by(partner_programmes.c.programme)
        )
        return list(rows)

    def __repr__(self) -> str:
        return f"<Partner {self.code}>"
