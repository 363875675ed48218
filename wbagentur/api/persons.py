"""/api/v1/persons: list, detail, create, change (If-Match) through the UI's form and
``persons.services`` (scope check, duplicate rule, Art. 18 restriction, audit). No special
categories (Art. 9) leave or enter through the API."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g
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
    int_arg,
    iso,
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
from wbagentur.api.spec import IF_MATCH, PAGING, PERSON_WRITABLE, operation, path_id, query
from wbagentur.core.pagination import with_count_subset
from wbagentur.extensions import db
from wbagentur.firms.access import visible_firm_ids
from wbagentur.firms.forms import opts
from wbagentur.firms.models import Firm
from wbagentur.persons import services
from wbagentur.persons.access import get_person_for, persons_of_region, persons_visible_to
from wbagentur.persons.forms import PersonForm
from wbagentur.persons.models import Person
from wbagentur.regions.models import District
from wbagentur.regions.queries import districts_in_order


def person_json(person: Person) -> dict[str, Any]:
    """Identifying, contact and employment data; no special categories (Art. 9 GDPR)."""
    return {
        "id": person.id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_date": iso(person.birth_date),
        "email": person.email,
        "phone": person.phone,
        "gender": person.gender,
        "employment_status": person.employment_status,
        "employer_id": person.employer_id,
        "weekly_hours": float(person.weekly_hours) if person.weekly_hours is not None else None,
        "working_days_per_week": person.working_days_per_week,
        "employed_since": iso(person.employed_since),
        "qualification": person.qualification,
        "qualification_year": person.qualification_year,
        "isced_level": person.isced_level,
        "residence_district": person.residence_district.key if person.residence_district else None,
        "version": person.version,
    }


def processable(stmt: sa.Select[Any]) -> sa.Select[Any]:
    """Persons whose processing is restricted (Art. 18 GDPR) or who were erased are not
    handed to other systems."""
    return stmt.where(Person.restricted_at.is_(None), Person.erased_at.is_(None))


def _get(user: Any, person_id: int, need: str = "view") -> Person:
    found: Person = load(get_person_for, user, person_id, need=need)
    if found.restricted_at is not None or found.erased_at is not None:
        raise ApiError("not_found")
    return found


def _validated(user: Any, values: dict[str, Any], current_employer: int | None) -> dict[str, Any]:
    """Run the UI's person form over the JSON values; the service data it produces."""
    district_key = values.get("residence_district")
    district_id = 0
    if district_key:
        district_id = (
            db.session.scalar(sa.select(District.id).where(District.key == district_key)) or -1
        )
    employer_id = values.get("employer_id") or 0
    form_values = {
        name: form_value(values.get(name))
        for name in PERSON_WRITABLE
        if name not in ("residence_district", "employer_id", "weekly_hours")
    }
    form_values["weekly_hours"] = form_value(values.get("weekly_hours"), places=None)
    form_values["gender"] = values.get("gender") or "keine_angabe"
    form_values["residence_district_id"] = str(district_id)
    form_values["employer_id"] = str(employer_id)
    form_values["severely_disabled"] = ""  # not part of the API; the stored value stays

    def prepare(form: Any) -> None:
        allowed = {0}
        if employer_id:
            visible = db.session.scalar(visible_firm_ids(user).where(Firm.id == employer_id))
            if visible or employer_id == current_employer:
                allowed.add(employer_id)
        form.employer_id.choices = opts([(i, str(i)) for i in sorted(allowed)])
        form.residence_district_id.choices = opts(
            [(0, "–")] + [(d.id, d.key) for d in db.session.scalars(districts_in_order())]
        )

    names = {"residence_district_id": "residence_district"}
    form = run_form(PersonForm, form_values, names, prepare)
    return dict(form.service_data())


def _stored(person: Person) -> dict[str, Any]:
    data = person_json(person)
    for name in ("id", "version"):
        data.pop(name)
    return data


def person_list(user: Any, employer: int | None = None) -> sa.Select[tuple[Person]]:
    """The list's statement: walked on ix_persons_name_order, the scope tested per row;
    the region's residents are counted first (``with_count_subset``)."""
    filters = [Person.employer_id == employer] if employer else []
    stmt = processable(persons_visible_to(user)).where(*filters)
    residents = persons_of_region(user)
    return with_count_subset(
        stmt.order_by(Person.last_name, Person.first_name, Person.id),
        None if residents is None else processable(residents).where(*filters),
    )


@bp.get("/persons")
@requires_scope("persons:read")
@operation(
    "/persons",
    "Persons the token's user may see (not restricted or erased)",
    "persons:read",
    "PersonPage",
    [
        *PAGING,
        query("employer_id", "employer firm", type="integer", minimum=1, maximum=2**31 - 1),
    ],
)
def persons() -> ResponseReturnValue:
    employer = int_arg("employer_id", 0, 1, 2**31 - 1)
    items, paging = page(person_list(g.api_user, employer or None))
    return audited_page("api.persons.list", items, paging, person_json)


@requires_scope("persons:read")
@operation(
    "/persons/{person_id}",
    "One person (404 outside the region, restricted or erased)",
    "persons:read",
    "Person",
    [path_id("person_id")],
    etag=True,
)
def person(person_id: int) -> ResponseReturnValue:
    found = _get(g.api_user, person_id)
    return audited_object(
        "person.view", "person", found, person_json(found), etag_of("person", found)
    )


@bp.post("/persons")
@requires_scope("persons:write")
@operation(
    "/persons",
    "Create a person (must stay within the caller's reach; duplicate check as in the UI)",
    "persons:write",
    "Person",
    method="post",
    status=201,
    body="PersonInput",
    etag=True,
    errors=("400", "401", "403", "409", "422"),
)
def person_create() -> ResponseReturnValue:
    user = g.api_user

    def work() -> Person:
        body = json_body("PersonInput")
        data = _validated(user, body, None)
        if not body.get("confirm_new"):
            _refuse_duplicates(user, data)
        return services.create_person(user, data)

    return write(
        work,
        lambda person: created_response(
            person_json(person), f"/api/v1/persons/{person.id}", etag_of("person", person)
        ),
        roles=WRITERS,
        idempotent=True,
    )


def _refuse_duplicates(user: Any, data: dict[str, Any]) -> None:
    """409 ``duplicate`` when the person may exist already (ids only of visible ones)."""
    matches = services.find_duplicates(data)
    if not matches:
        return
    ids = [p.id for p, _r in matches]
    visible = set(
        db.session.scalars(
            sa.select(Person.id).where(
                Person.id.in_(ids),
                Person.id.in_(persons_visible_to(user).with_only_columns(Person.id)),
            )
        )
    )
    db.session.rollback()
    duplicates = [
        {"id": p.id if p.id in visible else None, "reasons": list(reasons)}
        for p, reasons in matches
    ]
    raise ApiError("duplicate", extra={"duplicates": duplicates})


@requires_scope("persons:write")
@operation(
    "/persons/{person_id}",
    "Change a person (only the fields sent; If-Match required)",
    "persons:write",
    "Person",
    [path_id("person_id"), IF_MATCH],
    method="patch",
    body="PersonPatch",
    etag=True,
    errors=("400", "401", "403", "404", "412", "422", "428"),
)
def person_update(person_id: int) -> ResponseReturnValue:
    user = g.api_user
    found = _get(user, person_id, need="edit")
    require_if_match(etag_of("person", found))
    body = json_body("PersonPatch")
    data = _validated(user, {**_stored(found), **body}, found.employer_id)
    return write(
        # Special categories are not part of the API: the stored value stays as it is.
        lambda: services.update_person(
            user, found, data, found.version, severely_disabled=found.severely_disabled
        ),
        lambda _: with_etag(person_json(found), etag_of("person", found)),
    )


route_by_method(bp, "/persons/<int:person_id>", get=person, patch=person_update)
