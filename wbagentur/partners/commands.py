"""CLI: ``flask partners seed-partners`` (the built-in directory, idempotent)."""

from __future__ import annotations

import click
import sqlalchemy as sa

from wbagentur.extensions import db
from wbagentur.partners import bp
from wbagentur.partners.data import PARTNERS
from wbagentur.partners.models import Partner, partner_districts, partner_programmes
from wbagentur.regions.models import District, Region

bp.cli.short_help = "Partnerverzeichnis: eingebaute Partnerstellen ergänzen."


def seed_partners() -> int:
    """Insert the partners of ``data.PARTNERS`` that are missing (by code); return the count."""
    existing = set(db.session.scalars(sa.select(Partner.code)))
    regions = dict(db.session.execute(sa.select(Region.code, Region.id)).tuples().all())
    districts = dict(db.session.execute(sa.select(District.key, District.id)).tuples().all())
    added = 0
    for p in PARTNERS:
        if p["code"] in existing:
            continue
        partner = Partner(
            code=p["code"],
            name=p["name"],
            kind=p["kind"],
            email=p["email"],
            answer_days=p["answer_days"],
            region_id=regions[p["region"]] if p["region"] else None,
        )
        db.session.add(partner)
        db.session.flush()
        for key in p["districts"]:  # type: ignore[attr-defined]
            db.session.execute(
                sa.insert(partner_districts).values(
                    partner_id=partner.id, district_id=districts[key]
                )
            )
        for code in p["programmes"]:  # type: ignore[attr-defined]
            db.session.execute(
                sa.insert(partner_programmes).values(partner_id=partner.id, programme=code)
            )
        added += 1
    db.session.flush()
    return added


@bp.cli.command("seed-partners")
def seed_partners_command() -> None:
    """Add missing partners of the built-in directory (idempotent; existing rows unchanged)."""
    added = seed_partners()
    db.session.commit()
    click.echo(f"Partnerstellen ergänzt: {added}")
