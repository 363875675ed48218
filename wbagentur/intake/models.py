"""What a requester submitted through the public form, kept until the advisor confirms
or creates the firm; and the secret status link."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wbagentur.cases.models import Case
from wbagentur.core.models import enum_column, utcnow
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.extensions import db
from wbagentur.regions.models import District

HEADCOUNT_BANDS = {
    "1_9": _l("1 bis 9 Beschäftigte"),
    "10_49": _l("10 bis 49 Beschäftigte"),
    "50_249": _l("50 bis 249 Beschäftigte"),
    "250_plus": _l("250 und mehr Beschäftigte"),
}
PREFERRED_CHANNELS = {
    "phone": _l("Telefon"),
    "email": _l("E-Mail"),
    "visit": _l("Termin in der Kontaktstelle"),
    "video": _l("Videogespräch"),
}


class AdviceRequest(db.Model):  # type: ignore[name-defined]
    """One submission of the public form; it opened ``case``."""

    __tablename__ = "advice_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    firm_name: Mapped[str] = mapped_column(sa.String(160), info={"pii": "firm"})
    contact_name: Mapped[str] = mapped_column(sa.String(100), info={"pii": "contact"})
    email: Mapped[str] = mapped_column(sa.String(254), info={"pii": "contact"})
    phone: Mapped[str | None] = mapped_column(sa.String(40), info={"pii": "contact"})
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"))
    headcount_band: Mapped[str] = mapped_column(
        enum_column(*HEADCOUNT_BANDS, name="headcount_band")
    )
    message: Mapped[str | None] = mapped_column(sa.Text, info={"pii": "free_text"})
    preferred_channel: Mapped[str] = mapped_column(
        enum_column(*PREFERRED_CHANNELS, name="preferred_channel")
    )
    consent_text_version: Mapped[str] = mapped_column(sa.String(30))
    # The requester asked for an e-mail on each change of the request (voluntary).
    status_mails: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # SHA-256 of the secret in the status link; the link itself is only in the e-mail.
    status_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status_token_expires_at: Mapped[datetime]
    firm_confirmed_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship()
    district: Mapped[District] = relationship(lazy="joined")
