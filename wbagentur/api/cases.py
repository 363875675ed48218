"""/api/v1/cases: list, detail, open, change (If-Match), and the timeline (list, new note),
through the UI's forms and ``cases.services`` (region, reference numbers, timeline, audit)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import selectinload

from wbagentur.api import bp
from wbagentur.api.helpers import (
    WRITERS,
    audited_object,
    audited_page,
    choice_arg,
    created_response,
    etag_of,
    int_arg,
    iso,
    json_body,
    load,
    page,
    page_response,
    require_if_match,
    requires_scope,
    route_by_method,
    run_form,
    with_etag,
    write,
)
from wbagentur.api.spec import IF_MATCH, PAGING, operation, path_id, query
from wbagentur.cases import services
from wbagentur.cases.access import cases_visible_to, get_case_for, history_cutoff
from wbagentur.cases.forms import CaseCreateForm, CaseEditForm, NoteForm
from wbagentur.cases.models import ENTRY_KINDS, KINDS, STATUSES, Case, TimelineEntry, topics_of
from wbagentur.cases.queries import own_region_subset
from wbagentur.core import audit
from wbagentur.core.pagination import with_count_subset
from wbagentur.extensions import db
from wbagentur.firms.access import get_firm_for
from wbagentur.persons.access import get_person_for

MAX_ID = 2**31 - 1


def case_json(case: Case, topics: list[str] | None = None) -> dict[str, Any]:
    """``topics``: given by a list, which reads them for all its cases at once."""
    return {
        "id": case.id,
        "reference": case.reference,
        "region": case.region.code,
        "kind": case.kind,
        "title": case.title,
        "status": case.status,
        "priority": case.priority,
        "topics": case.topics if topics is None else topics,
        "firm_id": case.firm_id,
        "person_id": case.person_id,
        "participant_ids": [p.id for p in case.participants],
        "opened_at": case.opened_at.isoformat(),
        "closed_at": iso(case.closed_at),
        "version": case.version,
    }


def entry_json(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "at": entry.at.isoformat(),
        "body": entry.body,
        "contact_channel": entry.contact_channel,
        "duration_minutes": entry.duration_minutes,
    }


def _entries(user: Any, case: Case) -> sa.Select[tuple[TimelineEntry]]:
    """The timeline the user may read (a region that handed the case over: up to the
    hand-over, as in the UI)."""
    stmt = sa.select(TimelineEntry).where(TimelineEntry.case_id == case.id)
    cutoff = history_cutoff(user, case)
    if cutoff is not None:
        stmt = stmt.where(TimelineEntry.created_at <= cutoff)
    return stmt


def case_etag(user: Any, case: Case) -> str:
    """Version of the case plus its newest readable entry: the detail shows the timeline."""
    last = db.session.scalar(_entries(user, case).with_only_columns(sa.func.max(TimelineEntry.id)))
    return etag_of("case", case, f"-t{last or 0}")


def _case(case_id: int, need: str = "view") -> Case:
    found: Case = load(get_case_for, g.api_user, case_id, need=need)
    return found


@bp.get("/cases")
@requires_scope("cases:read")
@operation(
    "/cases",
    "Cases the token's user may see, newest first",
    "cases:read",
    "CasePage",
    [
        *PAGING,
        query("status", "status code", type="string", enum=list(STATUSES)),
        query("kind", "firm or individual", type="string", enum=list(KINDS)),
        query("firm_id", "cases of this firm", type="integer", minimum=1, maximum=MAX_ID),
        query("person_id", "cases of this person", type="integer", minimum=1, maximum=MAX_ID),
    ],
)
def cases() -> ResponseReturnValue:
    filters: list[sa.ColumnElement[bool]] = []
    if status := choice_arg("status", STATUSES):
        filters.append(Case.status == status)
    if kind := choice_arg("kind", KINDS):
        filters.append(Case.kind == kind)
    if firm_id := int_arg("firm_id", 0, 1, MAX_ID):
        filters.append(Case.firm_id == firm_id)
    if person_id := int_arg("person_id", 0, 1, MAX_ID):
        filters.append(Case.person_id == person_id)
    stmt = (
        cases_visible_to(g.api_user).where(*filters).order_by(Case.opened_at.desc(), Case.id.desc())
    )
    # The own region's cases under the filters are counted first, from its indexes alone;
    # when they are more than the cap the read grants' OR is not counted (as the case list).
    stmt = with_count_subset(stmt, own_region_subset(g.api_user, filters))
    # Participants and topics for the whole page at once, not one statement per case.
    items, paging = page(stmt.options(selectinload(Case.participants)))
    topics = topics_of([c.id for c in items])
    return audited_page(
        "api.cases.list", items, paging, lambda c: case_json(c, topics.get(c.id, []))
    )


@requires_scope("cases:read")
@operation(
    "/cases/{case_id}",
    "One case with its timeline (404 outside the region)",
    "cases:read",
    "CaseDetail",
    [path_id("case_id")],
    etag=True,
)
def case(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    stmt = _entries(g.api_user, found).order_by(TimelineEntry.at, TimelineEntry.id)
    timeline = [entry_json(e) for e in db.session.scalars(stmt)]
    return audited_object(
        "api.case.read",
        "case",
        found,
        {**case_json(found), "timeline": timeline},
        case_etag(g.api_user, found),
    )


@bp.post("/cases")
@requires_scope("cases:write")
@operation(
    "/cases",
    "Open a case in the caller's region, assigned to the caller (as in the UI)",
    "cases:write",
    "Case",
    method="post",
    status=201,
    body="CaseInput",
    etag=True,
    errors=("400", "401", "403", "404", "422"),
)
def case_create() -> ResponseReturnValue:
    user = g.api_user

    def work() -> Case:
        body = json_body("CaseInput")
        form = run_form(
            CaseCreateForm,
            {
                "kind": body["kind"],
                "title": body["title"],
                "channel": body["channel"],
                "priority": body.get("priority") or "normal",
                "topics": list(body["topics"]),
            },
        )
        firm = load(get_firm_for, user, body["firm_id"]) if body.get("firm_id") else None
        person = load(get_person_for, user, body["person_id"]) if body.get("person_id") else None
        opened = services.open_case(
            user,
            region_id=user.region_id,
            kind=form.kind.data,
            title=form.title.data,
            channel=form.channel.data,
            firm_id=firm.id if firm else None,
            person_id=person.id if person else None,
            topics=form.topics.data,
            priority=form.priority.data,
            assigned_to_id=user.id,
        )
        services.change_status(user, opened, "in_advice", opened.version)
        return opened

    return write(
        work,
        lambda opened: created_response(
            case_json(opened), f"/api/v1/cases/{opened.id}", case_etag(user, opened)
        ),
        roles=WRITERS,
        needs_region=True,
        idempotent=True,
    )


@requires_scope("cases:write")
@operation(
    "/cases/{case_id}",
    "Change title, priority or topics of a case (If-Match required)",
    "cases:write",
    "Case",
    [path_id("case_id"), IF_MATCH],
    method="patch",
    body="CasePatch",
    etag=True,
    errors=("400", "401", "403", "404", "412", "422", "428"),
)
def case_update(case_id: int) -> ResponseReturnValue:
    user = g.api_user
    found = _case(case_id, need="edit")
    require_if_match(case_etag(user, found))
    body = json_body("CasePatch")
    form = run_form(
        CaseEditForm,
        {
            "title": body.get("title", found.title),
            "priority": body.get("priority", found.priority),
            "topics": list(body.get("topics", found.topics)),
        },
    )
    return write(
        lambda: services.update_case(
            user,
            found,
            expected_version=found.version,
            title=form.title.data,
            priority=form.priority.data,
            topics=form.topics.data,
        ),
        lambda _: with_etag(case_json(found), case_etag(user, found)),
    )


@requires_scope("cases:read")
@operation(
    "/cases/{case_id}/timeline",
    "The case's timeline entries, oldest first",
    "cases:read",
    "TimelineEntryPage",
    [
        *PAGING,
        path_id("case_id"),
        query("kind", "entry kind", type="string", enum=list(ENTRY_KINDS)),
    ],
)
def timeline(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    stmt = _entries(g.api_user, found).order_by(TimelineEntry.at, TimelineEntry.id)
    if kind := choice_arg("kind", ENTRY_KINDS):
        stmt = stmt.where(TimelineEntry.kind == kind)
    items, paging = page(stmt)
    audit.record_read(g.api_user, "api.case.read", "case", found.id, token=g.api_token_id)
    # Serialised before the commit (the token's last use), which expires every loaded
    # row: afterwards each item was loaded again, one statement per item (issue #22).
    payload = [entry_json(e) for e in items]
    db.session.commit()
    return page_response(payload, paging)


@requires_scope("cases:write")
@operation(
    "/cases/{case_id}/timeline",
    "Add a note to the case's timeline",
    "cases:write",
    "TimelineEntry",
    [path_id("case_id")],
    method="post",
    status=201,
    body="NoteInput",
    errors=("400", "401", "403", "404", "422"),
)
def note_create(case_id: int) -> ResponseReturnValue:
    found = _case(case_id, need="edit")

    def work() -> TimelineEntry:
        body = json_body("NoteInput")
        form = run_form(NoteForm, {"body": body["body"]})
        return services.add_note(g.api_user, found, form.body.data)

    return write(
        work,
        lambda entry: created_response(entry_json(entry), f"/api/v1/cases/{found.id}/timeline"),
        idempotent=True,
    )


route_by_method(bp, "/cases/<int:case_id>", get=case, patch=case_update)
route_by_method(bp, "/cases/<int:case_id>/timeline", get=timeline, post=note_create)
