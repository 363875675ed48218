"""The read endpoints of /api/v1 (firms, cases), the OpenAPI document and its reference page.

Views are thin: the token decides the user, the UI's access loaders decide what the user may
see (a firm or case outside the region answers 404 as in the UI), and every read is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import NotFound

from wbagentur.api import bp
from wbagentur.api.errors import ApiError, error_response
from wbagentur.api.spec import PAGING, build_spec, operation
from wbagentur.api.tokens import authenticate
from wbagentur.cases.access import cases_visible_to, get_case_for, history_cutoff
from wbagentur.cases.models import Case, TimelineEntry
from wbagentur.core import audit
from wbagentur.core.access import api_token, public
from wbagentur.extensions import db
from wbagentur.firms.access import firms_visible_to, get_firm_for
from wbagentur.firms.models import Firm
from wbagentur.persons.access import get_person_for, persons_visible_to
from wbagentur.persons.models import Person
from wbagentur.regions.models import District


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> ResponseReturnValue:
    return error_response(exc.code, **exc.params)


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound) -> ResponseReturnValue:
    return error_response("not_found")


def requires_scope(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Bearer token with ``scope``; sets ``g.api_user``. 401 without a live token, 403
    without the scope."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = authenticate(request.headers.get("Authorization"))
            if token is None:
                raise ApiError("unauthorized")
            if scope not in token.scope_set:
                raise ApiError("forbidden", scope=scope)
            g.api_user = token.user
            g.api_token_id = token.id
            return view(*args, **kwargs)

        return api_token(wrapper)

    return decorator


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ApiError("bad_request", param=name)
    return int(raw)


def _page(query: sa.Select[Any]) -> tuple[list[Any], int, int, int]:
    page = _int_arg("page", 1, 1, 1_000_000)
    per_page = _int_arg("per_page", 25, 1, 100)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return items, page, per_page, int(total)


def _firm_json(firm: Firm) -> dict[str, Any]:
    return {
        "id": firm.id,
        "name": firm.name,
        "legal_form": firm.legal_form,
        "register_number": firm.register_number,
        "postcode": firm.postcode,
        "city": firm.city,
        "district": {"key": firm.district.key, "name": firm.district.name},
        "version": firm.version,
    }


def _case_json(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "reference": case.reference,
        "region": case.region.code,
        "kind": case.kind,
        "title": case.title,
        "status": case.status,
        "priority": case.priority,
        "firm_id": case.firm_id,
        "person_id": case.person_id,
        "opened_at": case.opened_at.isoformat(),
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "version": case.version,
    }


def _with_etag(payload: dict[str, Any], tag: str) -> ResponseReturnValue:
    response = jsonify(payload)
    response.set_etag(tag, weak=True)
    return response.make_conditional(request)


@bp.get("/firms")
@requires_scope("firms:read")
@operation(
    "/firms",
    "Firms the token's user may see (filter by district key)",
    "firms:read",
    "FirmPage",
    [*PAGING, {"name": "district", "in": "query", "schema": {"type": "string"}}],
)
def firms() -> ResponseReturnValue:
    query = firms_visible_to(g.api_user).order_by(Firm.name, Firm.id)
    district = request.args.get("district")
    if district:
        query = query.where(
            Firm.district_id.in_(sa.select(District.id).where(District.key == district))
        )
    items, page, per_page, total = _page(query)
    audit.record_read(
        g.api_user, "api.firms.list", None, None, token=g.api_token_id, count=len(items)
    )
    # Serialised before the commit (of last_used_at), which expires every loaded row:
    # afterwards each item was loaded again, one statement per item (issue #22).
    payload = {
        "items": [_firm_json(f) for f in items],
        "page": page,
        "per_page": per_page,
        "total": total,
    }
    db.session.commit()
    return jsonify(payload)


FIRM_ID = [{"name": "firm_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
CASE_ID = [{"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}]


@bp.get("/firms/<int:firm_id>")
@requires_scope("firms:read")
@operation(
    "/firms/{firm_id}",
    "One firm (404 outside the region)",
    "firms:read",
    "Firm",
    FIRM_ID,
    etag=True,
)
def firm(firm_id: int) -> ResponseReturnValue:
    found = get_firm_for(g.api_user, firm_id)
    audit.record_read(g.api_user, "api.firm.read", "firm", found.id, token=g.api_token_id)
    payload, tag = _firm_json(found), f"firm-{found.id}-v{found.version}"
    db.session.commit()
    return _with_etag(payload, tag)


@bp.get("/cases")
@requires_scope("cases:read")
@operation(
    "/cases",
    "Cases the token's user may see (filter by status)",
    "cases:read",
    "CasePage",
    [*PAGING, {"name": "status", "in": "query", "schema": {"type": "string"}}],
)
def cases() -> ResponseReturnValue:
    query = cases_visible_to(g.api_user).order_by(Case.opened_at.desc(), Case.id.desc())
    status = request.args.get("status")
    if status:
        query = query.where(Case.status == status)
    items, page, per_page, total = _page(query)
    audit.record_read(
        g.api_user, "api.cases.list", None, None, token=g.api_token_id, count=len(items)
    )
    # Serialised before the commit (of last_used_at), which expires every loaded row:
    # afterwards each item was loaded again, one statement per item (issue #22).
    payload = {
        "items": [_case_json(c) for c in items],
        "page": page,
        "per_page": per_page,
        "total": total,
    }
    db.session.commit()
    return jsonify(payload)


@bp.get("/cases/<int:case_id>")
@requires_scope("cases:read")
@operation(
    "/cases/{case_id}",
    "One case with its timeline (404 outside the region)",
    "cases:read",
    "CaseDetail",
    CASE_ID,
    etag=True,
)
def case(case_id: int) -> ResponseReturnValue:
    found = get_case_for(g.api_user, case_id)
    entries = sa.select(TimelineEntry).where(TimelineEntry.case_id == found.id)
    cutoff = history_cutoff(g.api_user, found)
    if cutoff is not None:
        entries = entries.where(TimelineEntry.created_at <= cutoff)
    timeline = [
        {
            "id": e.id,
            "kind": e.kind,
            "at": e.at.isoformat(),
            "body": e.body,
            "contact_channel": e.contact_channel,
            "duration_minutes": e.duration_minutes,
        }
        for e in db.session.scalars(entries.order_by(TimelineEntry.at, TimelineEntry.id))
    ]
    audit.record_read(g.api_user, "api.case.read", "case", found.id, token=g.api_token_id)
    payload, tag = {**_case_json(found), "timeline": timeline}, f"case-{found.id}-v{found.version}"
    db.session.commit()
    return _with_etag(payload, tag)


def _person_json(person: Person) -> dict[str, Any]:
    """Identifying and contact data; no special categories (Art. 9 GDPR)."""
    return {
        "id": person.id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "email": person.email,
        "phone": person.phone,
        "employer_id": person.employer_id,
        "residence_district": person.residence_district.key if person.residence_district else None,
        "version": person.version,
    }


def _processable(query: sa.Select[Any]) -> sa.Select[Any]:
    """Persons whose processing is restricted (Art. 18 GDPR) or who were erased are not
    handed to other systems."""
    return query.where(Person.restricted_at.is_(None), Person.erased_at.is_(None))


PERSON_ID = [{"name": "person_id", "in": "path", "required": True, "schema": {"type": "integer"}}]


@bp.get("/persons")
@requires_scope("persons:read")
@operation("/persons", "Persons the token's user may see", "persons:read", "PersonPage", PAGING)
def persons() -> ResponseReturnValue:
    query = _processable(persons_visible_to(g.api_user)).order_by(
        Person.last_name, Person.first_name, Person.id
    )
    items, page, per_page, total = _page(query)
    audit.record_read(
        g.api_user, "api.persons.list", None, None, token=g.api_token_id, count=len(items)
    )
    # Serialised before the commit (of last_used_at), which expires every loaded row:
    # afterwards each item was loaded again, one statement per item (issue #22).
    payload = {
        "items": [_person_json(p) for p in items],
        "page": page,
        "per_page": per_page,
        "total": total,
    }
    db.session.commit()
    return jsonify(payload)


@bp.get("/persons/<int:person_id>")
@requires_scope("persons:read")
@operation(
    "/persons/{person_id}",
    "One person (404 outside the region, restricted or erased)",
    "persons:read",
    "Person",
    PERSON_ID,
    etag=True,
)
def person(person_id: int) -> ResponseReturnValue:
    found = get_person_for(g.api_user, person_id)
    if found.restricted_at is not None or found.erased_at is not None:
        raise ApiError("not_found")
    audit.record_read(g.api_user, "person.view", "person", found.id, token=g.api_token_id)
    payload, tag = _person_json(found), f"person-{found.id}-v{found.version}"
    db.session.commit()
    return _with_etag(payload, tag)


@bp.get("/openapi.json")
@public
def openapi() -> ResponseReturnValue:
    return jsonify(build_spec())


@bp.get("/docs")
@public
def reference() -> str:
    """The API reference rendered on the server from the same document (no external assets)."""
    return render_template("api/reference.html", spec=build_spec())
