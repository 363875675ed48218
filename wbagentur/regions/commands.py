"""``flask regions check``: the database's reference data equals regions/data.py."""

from __future__ import annotations

import click
import sqlalchemy as sa

from wbagentur.extensions import db
from wbagentur.regions import bp, data
from wbagentur.regions.models import ContactPoint, District, Region

bp.cli.short_help = "Planungsregionen, Landkreise und Kontaktstellen."


def reference_data_differences() -> list[str]:
    """Return human-readable differences between the database and ``data.py``."""
    problems: list[str] = []
    regions = {r.code: r for r in db.session.scalars(sa.select(Region))}
    for code, name, is_pilot, agency in data.REGIONS:
        r = regions.get(code)
        if r is None or (r.name, r.is_pilot, r.employment_agency) != (name, is_pilot, agency):
            problems.append(f"Region {code} fehlt oder weicht ab")
    districts = {d.key: d for d in db.session.scalars(sa.select(District))}
    for key, name, kind, region_code in data.DISTRICTS:
        d = districts.get(key)
        if d is None or (d.name, d.kind, d.region.code) != (name, kind, region_code):
            problems.append(f"Landkreis {key} fehlt oder weicht ab")
    if len(districts) != len(data.DISTRICTS):
        problems.append("Anzahl der Landkreise weicht ab")
    points = {c.name: c for c in db.session.scalars(sa.select(ContactPoint))}
    for name, city, region_code in data.CONTACT_POINTS:
        c = points.get(name)
        if c is None or (c.city, c.region.code) != (city, region_code):
            problems.append(f"Kontaktstelle {name} fehlt oder weicht ab")
    return problems


@bp.cli.command("check")
def check_command() -> None:
    """Compare the reference data in the database with regions/data.py."""
    problems = reference_data_differences()
    for p in problems:
        click.echo(p)
    if problems:
        raise SystemExit(1)
    click.echo("Referenzdaten vollständig: 4 Regionen, 22 Landkreise, 4 Kontaktstellen.")
