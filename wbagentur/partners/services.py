"""Partner directory use cases: add, edit, deactivate, and the partners as plain values for
the suggestion rule. Services flush and never commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from wbagentur.core import audit
from wbagentur.core.errors_domain import DomainError, check_version
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.partners import rules
from wbagentur.partners.data import PARTNER_KINDS, PROGRAMMES
from wbagentur.partners.models import Partner, partner_districts, partner_programmes
from wbagentur.regions.models import District


def _set_partner_links(
    partner: Partner, district_ids: Iterable[int], programmes: Iterable[str]
) -> None:
    programmes = list(dict.fromkeys(programmes))
    if any(p not in PROGRAMMES for p in programmes):
        raise DomainError("Unbekanntes Förderprogramm.")
    district_ids = list(dict.fromkeys(int(d) for d in district_ids))
    partner.districts = list(
        db.session.scalars(
            sa.select(District).where(District.id.in_(district_ids)).order_by(District.key)
        )
    )
    db.session.flush()
    db.session.execute(
        sa.delete(partner_programmes).where(partner_programmes.c.partner_id == partner.id)
    )
    if programmes:
        db.session.execute(
            sa.insert(partner_programmes),
            [{"partner_id": partner.id, "programme": p} for p in programmes],
        )


def _check_partner_fields(kind: str, region_id: int | None, answer_days: int) -> None:
    if kind not in PARTNER_KINDS:
        raise DomainError("Unbekannte Art der Partnerstelle.")
    if (kind == "wba_contact_point") != (region_id is not None):
        raise DomainError(
            "Eine Kontaktstelle der Weiterbildungsagentur braucht eine Region – andere Partner "
            "keine."
        )
    if not 1 <= answer_days <= 60:
        raise DomainError("Die Antwortfrist muss zwischen 1 und 60 Arbeitstagen liegen.")


def create_partner(
    actor: Any,
    *,
    code: str,
    name: str,
    kind: str,
    email: str,
    phone: str | None,
    answer_days: int,
    region_id: int | None,
    district_ids: Iterable[int],
    programmes: Iterable[str],
) -> Partner:
    """Add a partner to the directory."""
    _check_partner_fields(kind, region_id, answer_days)
    if db.session.scalar(sa.select(Partner.id).where(Partner.code == code)):
        raise DomainError("Dieses Kürzel ist bereits vergeben.")
    partner = Partner(
        code=code,
        name=name,
        kind=kind,
        email=email,
        phone=phone or None,
        answer_days=answer_days,
        region_id=region_id,
    )
    db.session.add(partner)
    db.session.flush()
    _set_partner_links(partner, district_ids, programmes)
    db.session.flush()
    audit.record(actor, "partner.create", "partner", partner.id)
    return partner


def update_partner(
    actor: Any,
    partner: Partner,
    *,
    expected_version: int | None,
    name: str,
    kind: str,
    email: str,
    phone: str | None,
    answer_days: int,
    region_id: int | None,
    district_ids: Iterable[int],
    programmes: Iterable[str],
) -> Partner:
    """Edit a partner (version-checked)."""
    check_version(partner, expected_version, "Die Partnerstelle")
    _check_partner_fields(kind, region_id, answer_days)
    partner.name, partner.kind, partner.email = name, kind, email
    partner.phone, partner.answer_days, partner.region_id = phone or None, answer_days, region_id
    _set_partner_links(partner, district_ids, programmes)
    partner.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "partner.update", "partner", partner.id)
    return partner


def set_partner_active(
    actor: Any, partner: Partner, active: bool, expected_version: int | None
) -> Partner:
    """Deactivate (or reactivate) a partner; referrals already made keep it."""
    check_version(partner, expected_version, "Die Partnerstelle")
    partner.is_active = active
    partner.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor, "partner.activate" if active else "partner.deactivate", "partner", partner.id
    )
    return partner


def partner_infos(active_only: bool = True) -> list[rules.PartnerInfo]:
    """All partners as plain values for the suggestion rule."""
    districts: dict[int, set[str]] = {}
    for pid, key in db.session.execute(
        sa.select(partner_districts.c.partner_id, District.key).join(District)
    ):
        districts.setdefault(pid, set()).add(key)
    programmes: dict[int, set[str]] = {}
    for pid, code in db.session.execute(
        sa.select(partner_programmes.c.partner_id, partner_programmes.c.programme)
    ):
        programmes.setdefault(pid, set()).add(code)
    stmt = sa.select(Partner).order_by(Partner.name, Partner.id)
    if active_only:
        stmt = stmt.where(Partner.is_active.is_(True))
    return [
        rules.PartnerInfo(
            p.id,
            p.code,
            p.name,
            p.kind,
            frozenset(districts.get(p.id, ())),
            frozenset(programmes.get(p.id, ())),
            p.is_active,
        )
        for p in db.session.scalars(stmt)
    ]
