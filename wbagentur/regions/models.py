"""The four planning regions, the 22 districts (Kreisschlüssel) and the contact points."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbagentur.core.models import enum_column
from wbagentur.extensions import db


class Region(db.Model):  # type: ignore[name-defined]
    """A planning region (Planungsregion); the unit of access for advisors."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(2), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    is_pilot: Mapped[bool] = mapped_column(default=False)
    employment_agency: Mapped[str] = mapped_column(sa.String(80))

    districts: Mapped[list[District]] = relationship(
        back_populates="region", order_by="District.name"
    )
    contact_points: Mapped[list[ContactPoint]] = relationship(back_populates="region")

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class District(db.Model):  # type: ignore[name-defined]
    """A Landkreis or kreisfreie Stadt with its official key; fixes a firm's region."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(5), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    kind: Mapped[str] = mapped_column(enum_column("landkreis", "kreisfreie_stadt", name="kind"))
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="districts")

    def __repr__(self) -> str:
        return f"<District {self.key}>"


class ContactPoint(db.Model):  # type: ignore[name-defined]
    """A Kontaktstelle of the Weiterbildungsagentur; advisors and supervisors belong to one."""

    __tablename__ = "contact_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    city: Mapped[str] = mapped_column(sa.String(60))
    # Shown to the public (start page, status page); maintained by an administrator.
    street: Mapped[str | None] = mapped_column(sa.String(120))
    postcode: Mapped[str | None] = mapped_column(sa.String(5))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    opening_hours: Mapped[str | None] = mapped_column(sa.Text)

    # Joined: the layout shows every staff member's region on every page.
    region: Mapped[Region] = relationship(back_populates="contact_points", lazy="joined")

    def __repr__(self) -> str:
        return f"<ContactPoint {self.id}>"
