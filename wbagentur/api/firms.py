"""/api/v1/firms: list, detail, create, change (If-Match) through the UI's form and
``firms.services`` (region check, register-number and e-mail normalisation, duplicate
rule, audit)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, request
from flask.typing import ResponseReturnValue

from wbagentur.api import bp
from wbagentur.api.errors import ApiError
from wbagentur.api.helpers import (
    WRITERS,
    audited_object,
    audited_page,
    created_response,
    etag_of,
    form_value,
    json_body,
    load,
    page,
    require_if_match,
    requires_scope,
    route_by_method,
    run_form,
    with_etag,
    write,
)
from wbagentur.api.spec import FIRM_WRITABLE, IF_MATCH, PAGING, operation, path_id, query
from wbagentur.core.pagination import with_count_subset
from wbagentur.extensions import db
from wbagentur.firms import services
from wbagentur.firms.access import (
    firms_of_region,
    firms_visible_to,
    get_firm_for,
    visible_firm_ids,
)
from wbagentur.firms.forms import FirmForm, district_choices
from wbagentur.firms.models import Firm
from wbagentur.regions.models import District
from wbagentur.regions.queries import districts_in_order

MONEY_FIELDS = {"turnover_cents": "turnover", "balance_sheet_cents": "balance_sheet"}


def firm_json(firm: Firm) -> dict[str, Any]:
    data: dict[str, Any] = {"id": firm.id}
    for name in FIRM_WRITABLE:
        data[name] = getattr(firm, name)
    data["district"] = {"key": firm.district.key, "name": firm.district.name}
    data["version"] = firm.version
    return data


def _stored(firm: Firm) -> dict[str, Any]:
    data = {name: getattr(firm, name) for name in services.FIRM_FIELDS}
    data["district_key"] = firm.district.key
    return data


def _validated(user: Any, values: dict[str, Any], keep: str | None = None) -> dict[str, Any]:
    """Run the UI's firm form over the JSON values; the service data it produces."""
    # Every field is sent to the form (an absent select would be "not in the list").
    values = {**dict.fromkeys(FIRM_WRITABLE), **values}
    form_values: dict[str, Any] = {}
    for name, value in values.items():
        if name in MONEY_FIELDS:
            form_values[MONEY_FIELDS[name]] = form_value(
                None if value is None else value / 100, places=2
            )
        elif name in FIRM_WRITABLE or name == "district_key":
            form_values[name] = form_value(value)

    def prepare(form: Any) -> None:
        districts = list(db.session.scalars(districts_in_order()))
        form.district_key.choices = district_choices(districts)
        form.allowed_district_keys = {d.key for d in districts if d.region_id == user.region_id}
        if keep:
            form.allowed_district_keys.add(keep)

    names = {form: api for api, form in MONEY_FIELDS.items()}
    form = run_form(FirmForm, form_values, names, prepare)
    return dict(form.service_data())


def _duplicates(user: Any, data: dict[str, Any]) -> list[dict[str, Any]]:
    matches = services.find_duplicates(data)
    if not matches:
        return []
    ids = [f.id for f, _r in matches]
    visible = set(db.session.scalars(visible_firm_ids(user).where(Firm.id.in_(ids))))
    return [
        {"id": firm.id if firm.id in visible else None, "reasons": list(reasons)}
        for firm, reasons in matches
    ]


def firm_list(user: Any, district: str | None = None) -> sa.Select[tuple[Firm]]:
    """The list's statement: walked on ix_firms_name_id, the scope tested per row; the
    region's own firms are counted first (``with_count_subset``)."""
    filters: list[sa.ColumnElement[bool]] = []
    if district:
        filters.append(Firm.district_id.in_(sa.select(District.id).where(District.key == district)))
    in_region = firms_of_region(user)
    return with_count_subset(
        firms_visible_to(user).where(*filters).order_by(Firm.name, Firm.id),
        None if in_region is None else in_region.where(*filters),
    )


@bp.get("/firms")
@requires_scope("firms:read")
@operation(
    "/firms",
    "Firms the token's user may see",
    "firms:read",
    "FirmPage",
    [
        *PAGING,
        query("district", "district key, e.g. 16054"),
    ],
)
def firms() -> ResponseReturnValue:
    items, paging = page(firm_list(g.api_user, request.args.get("district")))
    return audited_page("api.firms.list", items, paging, firm_json)


@requires_scope("firms:read")
@operation(
    "/firms/{firm_id}",
    "One firm (404 outside the region)",
    "firms:read",
    "Firm",
    [path_id("firm_id")],
    etag=True,
)
def firm(firm_id: int) -> ResponseReturnValue:
    found = load(get_firm_for, g.api_user, firm_id)
    return audited_object("api.firm.read", "firm", found, firm_json(found), etag_of("firm", found))


@bp.post("/firms")
@requires_scope("firms:write")
@operation(
    "/firms",
    "Create a firm in the caller's region (duplicate check as in the UI)",
    "firms:write",
    "Firm",
    method="post",
    status=201,
    body="FirmInput",
    etag=True,
    errors=("400", "401", "403", "409", "422"),
)
def firm_create() -> ResponseReturnValue:
    user = g.api_user

    def work() -> Firm:
        body = json_body("FirmInput")
        data = _validated(user, body)
        if not body.get("confirm_new"):
            duplicates = _duplicates(user, data)
            if duplicates:
                db.session.rollback()
                raise ApiError("duplicate", extra={"duplicates": duplicates})
        return services.create_firm(user, data)

    return write(
        work,
        lambda firm: created_response(
            firm_json(firm), f"/api/v1/firms/{firm.id}", etag_of("firm", firm)
        ),
        roles=WRITERS,
        idempotent=True,
    )


@requires_scope("firms:write")
@operation(
    "/firms/{firm_id}",
    "Change a firm (only the fields sent; If-Match required)",
    "firms:write",
    "Firm",
    [path_id("firm_id"), IF_MATCH],
    method="patch",
    body="FirmPatch",
    etag=True,
    errors=("400", "401", "403", "404", "412", "422", "428"),
)
def firm_update(firm_id: int) -> ResponseReturnValue:
    user = g.api_user
    found = load(get_firm_for, user, firm_id, need="edit")
    require_if_match(etag_of("firm", found))
    body = json_body("FirmPatch")
    stored = _stored(found)
    values = {**stored, **body}
    data = _validated(user, values, keep=found.district.key)
    return write(
        lambda: services.update_firm(user, found, data, found.version),
        lambda _: with_etag(firm_json(found), etag_of("firm", found)),
    )


route_by_method(bp, "/firms/<int:firm_id>", get=firm, patch=firm_update)
