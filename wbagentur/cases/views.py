"""Routes (endpoints of the blueprint 'cases'; R = advisor, supervisor, coordinator;
W = advisor, supervisor):
  /faelle                                     GET/POST  index                R
                                                        (POST: search form, 303 to ?suche=<key>)
                                                        (drill-down filters: see cases.filters)
  /faelle/posteingang                         GET       inbox                W
  /faelle/meine                               GET       mine                 W
  /faelle/faellig                             GET       due                  W
  /faelle/neu                                 GET/POST  create               W
                                                        (without a client: picker; its search
                                                        POSTs, 303 to ?suche=<key>)
  /faelle/<id>                                GET       detail               R
  /faelle/<id>/bearbeiten                     GET/POST  edit                 W
  /faelle/<id>/zuweisen                       POST      assign               W
  /faelle/<id>/status                         POST      status               W
  /faelle/<id>/abschliessen                   POST      close                W
  /faelle/<id>/notizen                        POST      add_note             W
  /faelle/<id>/kontakte                       POST      add_contact          W
  /faelle/<id>/wiedervorlagen                 POST      add_follow_up        W
  /faelle/<id>/wiedervorlagen/<fid>/erledigt  POST      complete_follow_up   W
  /faelle/<id>/teilnehmende                   POST      add_participant      W
  /faelle/<id>/beschaeftigte                  POST      add_new_employees    W
  /faelle/<id>/dokumente                      POST      upload_document      W
  /faelle/<id>/dokumente/<did>                GET       download_document    R
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import orm
from werkzeug.wrappers import Response

from wbagentur.accounts.models import User
from wbagentur.accounts.services import region_staff_names
from wbagentur.cases import bp, cockpit, drilldown, filters, forms, queries, services
from wbagentur.cases.access import can_edit_case, get_case_for, history_cutoff
from wbagentur.cases.models import (
    CHANNELS,
    CONTACT_CHANNELS,
    ENTRY_KINDS,
    KINDS,
    OUTCOMES,
    PRIORITIES,
    STATUSES,
    TOPICS,
    TRANSITIONS,
    Case,
    Document,
    FollowUp,
)
from wbagentur.core import actions, audit, idempotency, search
from wbagentur.core.access import requires_role
from wbagentur.core.database import StatementCache
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.core.ids import parse_id
from wbagentur.core.pagination import keyset_page
from wbagentur.core.timezone import local_today
from wbagentur.core.translation import gettext as _
from wbagentur.extensions import db
from wbagentur.firms.access import firms_visible_to, get_firm_for
from wbagentur.firms.models import Firm
from wbagentur.persons.access import get_person_for, persons_visible_to
from wbagentur.persons.models import Person

REGIONAL = ("advisor", "supervisor")
READERS = ("advisor", "supervisor", "coordinator")
PER_PAGE = 25

LABELS = {
    "kinds": KINDS,
    "channels": CHANNELS,
    "priorities": PRIORITIES,
    "statuses": STATUSES,
    "outcomes": OUTCOMES,
    "topics": TOPICS,
    "entry_kinds": ENTRY_KINDS,
    "contact_channels": CONTACT_CHANNELS,
}


def _conflict(case: Case, error: ConflictError, submitted: dict[str, Any]) -> tuple[str, int]:
    """The case's conflict page: what was submitted beside what is stored (after the
    rollback in actions.run)."""
    fresh = db.session.get(Case, case.id)
    return (
        render_template(
            "cases/conflict.html",
            case=fresh,
            message=str(error),
            submitted=submitted,
            labels=LABELS,
        ),
        409,
    )


# ---------------------------------------------------------------- lists


# What a row of the lists shows (cases/list.html) and sorts by, read as plain rows: the
# case's reference, title, status and dates, the firm's name, the person's name and the
# assignee's name. As ORM objects with their eager loads (region, the firm's district,
# the person's employer and districts, the assignee's contact point: twelve joins) the
# page cost PostgreSQL about 8 ms of planning; as ORM objects of a few columns the ORM
# still took about a fifth of the page to build 100 of them (issue #22 item 5).
#
# The names are subqueries of the row, not joins: both databases then read the cases
# alone in display order and look the names up for the rows of the page only. With
# joins, PostgreSQL joined every case it expected to be few before sorting (the inbox at
# 1,000,000 cases: 1,972 cases joined for 26 shown, 6.6 ms instead of 0.3). The tables
# are aliases: a search or drill-down subquery on firms or persons must not be
# correlated to them.
_ROW_FIRM = orm.aliased(Firm, name="row_firm")
_ROW_PERSON = orm.aliased(Person, name="row_person")
_ROW_ASSIGNEE = orm.aliased(User, name="row_assignee")


def _looked_up(column: Any, key: Any, via: Any, label: str) -> Any:
    return sa.select(column).where(key == via).scalar_subquery().label(label)


LIST_ROW_COLUMNS = (
    Case.id,
    Case.reference,
    Case.title,
    Case.status,
    Case.opened_at,
    Case.last_contact_at,
    _looked_up(_ROW_FIRM.name, _ROW_FIRM.id, Case.firm_id, "firm_name"),
    _looked_up(_ROW_PERSON.first_name, _ROW_PERSON.id, Case.person_id, "person_first_name"),
    _looked_up(_ROW_PERSON.last_name, _ROW_PERSON.id, Case.person_id, "person_last_name"),
    _looked_up(_ROW_ASSIGNEE.display_name, _ROW_ASSIGNEE.id, Case.assigned_to_id, "assignee_name"),
)


def list_rows(stmt: sa.Select[tuple[Case]]) -> sa.Select[Any]:
    """The rows of a case list ``stmt`` (its filters and order kept) as ``LIST_ROW_COLUMNS``."""
    return stmt.with_only_columns(*LIST_ROW_COLUMNS)


# The row statements of the lists without a search term or drill-down, by user, role,
# region and filters (core.database.StatementCache, like the navigation's statement).
_ROW_STATEMENTS = StatementCache()


def _rows(key: tuple[Any, ...] | None, build: Callable[[], sa.Select[tuple[Case]]]) -> Any:
    """``list_rows(build())``, kept under ``key`` (None: built anew, e.g. with a search)."""
    if key is None:
        return list_rows(build())
    user = (current_user.id, current_user.role, current_user.region_id)
    return _ROW_STATEMENTS.get((*user, *key), lambda: list_rows(build()))


def _list_page(title: str, rows: sa.Select[Any], empty: str, **extra: Any) -> str:
    # Keyset pages and a bounded count: the cost of a page does not grow with the data.
    page = keyset_page(rows, request.args, per_page=PER_PAGE)
    return render_template(
        "cases/list.html", title=title, page=page, empty=empty, labels=LABELS, **extra
    )


@bp.route("/faelle", methods=["GET", "POST"])
@requires_role(*READERS)
def index() -> Any:
    # The search term never travels in the URL (WEB-05): the form POSTs, see core.search.
    formdata = request.form if request.method == "POST" else request.args
    form = forms.CaseFilterForm(formdata)
    form.status.choices = [("", _("alle")), ("open", _("offen"))] + [
        (k, str(v)) for k, v in STATUSES.items()
    ]
    form.kind.choices = [("", _("alle"))] + [(k, str(v)) for k, v in KINDS.items()]
    form.topic.choices = [("", _("alle"))] + [(k, str(v)) for k, v in TOPICS.items()]
    form.assigned.choices = [
        ("", _("alle")),
        ("me", _("mir zugewiesen")),
        ("none", _("nicht zugewiesen")),
    ]
    form.sort.choices = [
        ("neueste", _("neueste zuerst")),
        ("aelteste", _("älteste zuerst")),
        ("aktenzeichen", _("Aktenzeichen")),
        ("letzter_kontakt", _("längster Kontakt zurück")),
    ]
    drill = filters.drill_down_filters(request.args)
    drill_args: dict[str, Any] = {k: str(v) for k, v in drill.items()}
    active = drilldown.active_filters(current_user, drill)
    if drill.get("advisor"):
        # The dashboard's advisor filter is the assignment the form shows (not "alle").
        name = next(f.value for f in active if f.params == ("advisor",))
        form.assigned.choices.insert(1, (ADVISOR_CHOICE, name))
        if not form.assigned.data and "assigned" not in request.form:
            form.assigned.data = ADVISOR_CHOICE
    if request.method == "POST":
        form.q.data = ""  # checked by search.submit
        selected = {k: form.data.get(k) for k in FILTER_FIELDS} if form.validate() else {}
        if selected.get("assigned") != ADVISOR_CHOICE:
            drill_args.pop("advisor", None)
        return search.submit("cases", "cases.index", {**drill_args, **selected})
    term, key = search.recall("cases")
    form.q.data = term
    chosen: dict[str, Any] = {}
    if form.validate():
        chosen = {
            k: (form.data.get(k) or None) for k in ("q", "status", "kind", "topic", "assigned")
        }
        chosen["sort"] = form.sort.data or "neueste"
    rows = _rows(
        None if drill or chosen.get("q") else ("cases", *sorted(chosen.items())),
        lambda: queries.case_list(current_user, **chosen, drill=drill),
    )
    extra: dict[str, Any] = {}
    page_args = dict(drill_args)
    if chosen:
        page_args.update({k: form.data[k] for k in FILTER_FIELDS if form.data.get(k)})
    if key:
        page_args[search.PARAM] = key
    if drill:
        extra["intro"] = _(
            "Gefilterte Liste aus der Übersicht: Die Filter stehen im Formular und lassen "
            "sich dort einzeln entfernen."
        )
        extra["active_filters"] = [
            (f, url_for("cases.index", **filters.without(page_args, f.params))) for f in active
        ]
    return _list_page(
        _("Fälle"),
        rows,
        _("Keine Fälle gefunden."),
        filter_form=form,
        form_action=url_for("cases.index", **drill_args),
        page_args=page_args,
        **extra,
    )


FILTER_FIELDS = ("status", "kind", "topic", "assigned", "sort")
ADVISOR_CHOICE = "berater"


@bp.route("/faelle/posteingang")
@requires_role(*REGIONAL)
def inbox() -> Any:
    return _list_page(
        _("Posteingang"),
        _rows(("inbox",), lambda: queries.inbox(current_user)),
        _("Keine neuen Anfragen. Der Posteingang ist leer."),
        intro=_("Neue, noch niemandem zugewiesene Fälle Ihrer Region, älteste zuerst."),
    )


@bp.route("/faelle/meine")
@requires_role(*REGIONAL)
def mine() -> Any:
    return _list_page(
        _("Meine Fälle"),
        _rows(("mine",), lambda: queries.my_open_cases(current_user)),
        _("Sie haben keine offenen Fälle."),
    )


@bp.route("/faelle/faellig")
@requires_role(*REGIONAL)
def due() -> Any:
    today = local_today()
    # Paged like the case lists: an advisor with thousands of overdue follow-ups got them
    # all on one page, and the page grew with the data (issue #22).
    page = keyset_page(queries.follow_ups_due(current_user, today), request.args, PER_PAGE)
    return render_template("cases/due.html", page=page, follow_ups=page.items, today=today)


# ---------------------------------------------------------------- create / edit


@bp.route("/faelle/neu", methods=["GET", "POST"])
@requires_role(*REGIONAL)
def create() -> Any:
    firm_id = request.values.get("unternehmen", type=parse_id) or request.form.get(
        "firm_id", type=parse_id
    )
    person_id = request.values.get("person", type=parse_id) or request.form.get(
        "person_id", type=parse_id
    )
    firm = get_firm_for(current_user, firm_id) if firm_id else None
    person = get_person_for(current_user, person_id) if person_id else None
    if firm is None and person is None:
        if request.method == "POST":  # the picker's search form (WEB-05: no name in the URL)
            return search.submit("pick_client", "cases.create", {}, require_term=True)
        return _pick_client()
    form = forms.CaseCreateForm(kind="firm" if firm else "individual")
    if request.method == "GET":
        form.submission_token.data = idempotency.new_token()
    if form.validate_on_submit():
        return actions.run(
            lambda: _open_case(form, firm, person),
            then=lambda case: url_for("cases.detail", case_id=case.id),
            message=lambda case: _("Fall %(ref)s wurde angelegt.", ref=case.reference),
            token=form.submission_token.data,
            refused=lambda exc: _form_again(
                "cases/create.html", exc, form=form, firm=firm, person=person
            ),
        )
    return render_template("cases/create.html", form=form, firm=firm, person=person)


def _open_case(form: Any, firm: Firm | None, person: Person | None) -> Case:
    """Open the case, assigned to its author and straight in advice (the region is the
    author's own, see services.open_case)."""
    case = services.open_case(
        current_user,
        kind=form.kind.data,
        title=form.title.data,
        channel=form.channel.data,
        firm_id=firm.id if firm else None,
        person_id=person.id if person else None,
        topics=form.topics.data,
        priority=form.priority.data,
        assigned_to_id=current_user.id,
    )
    if case.status == "new":
        services.change_status(current_user, case, "in_advice", case.version)
    return case


def _form_again(template: str, exc: DomainError, **context: Any) -> str:
    """A refused create or edit: the message on top, the form with the input again."""
    flash(str(exc), "danger")
    return render_template(template, **context)


def _pick_client() -> str:
    from wbagentur.core.fulltext import name_condition

    q, key = search.recall("pick_client")
    firms: list[Firm] = []
    persons: list[Person] = []
    if q:
        firms = list(
            db.session.scalars(
                firms_visible_to(current_user)
                .where(name_condition(Firm.name_search, q))
                .order_by(Firm.name, Firm.id)
                .limit(20)
            )
        )
        persons = list(
            db.session.scalars(
                persons_visible_to(current_user)
                .where(name_condition(Person.name_search, q))
                .order_by(Person.last_name, Person.id)
                .limit(20)
            )
        )
    return render_template(
        "cases/pick_client.html", q=q, search_key=key, firms=firms, persons=persons
    )


@bp.route("/faelle/<int:case_id>/bearbeiten", methods=["GET", "POST"])
@requires_role(*REGIONAL)
def edit(case_id: int) -> Any:
    case = get_case_for(current_user, case_id, need="edit")
    form = forms.CaseEditForm(obj=case if request.method == "GET" else None)
    if request.method == "GET":
        form.topics.data = case.topics
        form.version.data = case.version
    if form.validate_on_submit():
        return actions.run(
            lambda: services.update_case(
                current_user,
                case,
                expected_version=_version(form),
                title=form.title.data,
                priority=form.priority.data,
                topics=form.topics.data,
            ),
            then=_case_url(case),
            message=_("Der Fall wurde gespeichert."),
            # A concurrent save of the same topics fails on their key: a conflict too.
            race=_("Der Fall wurde gleichzeitig geändert."),
            conflict=lambda exc: _conflict(
                case, exc, {"title": form.title.data, "priority": form.priority.data}
            ),
            refused=lambda exc: _form_again("cases/edit.html", exc, form=form, case=case),
        )
    return render_template("cases/edit.html", form=form, case=case)


def _version(form: Any) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        abort(400)


# ---------------------------------------------------------------- detail


@bp.route("/faelle/<int:case_id>")
@requires_role(*READERS)
def detail(case_id: int) -> Any:
    case = get_case_for(current_user, case_id)
    audit.record_read(current_user, "case.view", "case", case.id)
    return _render_detail(case)


def _render_detail(case: Case, status: int = 200, **form_overrides: Any) -> tuple[str, int]:
    editable = can_edit_case(current_user, case)
    staff = region_staff_names(case.region_id)
    assign_form = forms.AssignForm(version=case.version)
    assign_form.assignee_id.choices = staff
    if case.assigned_to_id:
        assign_form.assignee_id.data = case.assigned_to_id
    status_form = forms.StatusForm(version=case.version)
    status_form.status.choices = [
        (s, _(STATUSES[s])) for s in TRANSITIONS[case.status] if s != "closed"
    ]
    close_form = forms.CloseForm(version=case.version)
    follow_up_form = forms.FollowUpForm()
    follow_up_form.for_user_id.choices = staff
    follow_up_form.for_user_id.data = current_user.id
    participant_form = forms.ParticipantForm()
    participant_form.person_ids.choices = _participant_choices(case)
    timeline = db.session.scalars(queries.timeline(case, history_cutoff(current_user, case))).all()
    follow_ups = db.session.scalars(queries.open_follow_ups(case)).all()
    today = local_today()
    context: dict[str, Any] = {
        "case": case,
        "editable": editable,
        "cockpit": cockpit.build(case, editable=editable, follow_ups=follow_ups, today=today),
        "timeline": timeline,
        "refs": _timeline_refs(case, timeline),
        "as_date": _as_date,
        "follow_ups": follow_ups,
        "staff_names": dict(staff),
        "assign_form": assign_form,
        "status_form": status_form,
        "close_form": close_form,
        "note_form": forms.NoteForm(),
        "contact_form": forms.ContactForm(),
        "follow_up_form": follow_up_form,
        "participant_form": participant_form,
        "employees_form": forms.NewEmployeesForm(),
        "employee_duplicates": [],
        "document_form": forms.DocumentForm(),
        "documents": db.session.scalars(
            sa.select(Document)
            .where(Document.case_id == case.id)
            .order_by(Document.uploaded_at.desc(), Document.id.desc())
        ).all(),
        "labels": LABELS,
        "json": json,
        "today": today,
    }
    context.update(form_overrides)
    return render_template("cases/detail.html", **context), status


def _as_date(value: Any) -> Any:
    """An ISO date stored in a timeline entry's data, as a date (None if unreadable)."""
    from datetime import date

    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _timeline_refs(case: Case, entries: Any) -> dict[str, dict[int, Any]]:
    """What timeline entries without text point to (documents, persons, the firm), so
    every entry says what happened (issue #14.6). Only objects of this case."""
    doc_ids: set[int] = set()
    person_ids: set[int] = set()
    for entry in entries:
        data = json.loads(entry.data or "{}")
        if data.get("document_id"):
            doc_ids.add(data["document_id"])
        person_ids.update(data.get("participant_ids") or [])
        if data.get("participant_added"):
            person_ids.add(data["participant_added"])
    documents = {
        d.id: d
        for d in db.session.scalars(
            sa.select(Document).where(Document.case_id == case.id, Document.id.in_(doc_ids))
        )
    }
    known = {p.id: p for p in [case.person, *case.participants] if p is not None}
    return {"documents": documents, "persons": {i: known[i] for i in person_ids if i in known}}


def _participant_choices(case: Case) -> list[tuple[int, str]]:
    if case.firm_id is None:
        return []
    present = {p.id for p in case.participants}
    employees = db.session.scalars(
        sa.select(Person)
        .where(Person.employer_id == case.firm_id)
        .order_by(Person.last_name, Person.id)
    )
    return [(p.id, p.full_name) for p in employees if p.id not in present]


def _edit_case(case_id: int) -> Case:
    return get_case_for(current_user, case_id, need="edit")


def _case_url(case: Case, anchor: str = "") -> str:
    return url_for("cases.detail", case_id=case.id) + anchor


def _back(case: Case, anchor: str = "") -> Response:
    return redirect(_case_url(case, anchor))


def _refused(
    case: Case, field: Any, exc: DomainError, status: int = 200, **form_overrides: Any
) -> tuple[str, int]:
    """A refused action: its message under the field, the case page again with the input."""
    field.errors = [str(exc)]
    return _render_detail(case, status, **form_overrides)


@bp.route("/faelle/<int:case_id>/zuweisen", methods=["POST"])
@requires_role(*REGIONAL)
def assign(case_id: int) -> Any:
    case = _edit_case(case_id)
    form = forms.AssignForm()
    form.assignee_id.choices = region_staff_names(case.region_id)
    if not form.validate_on_submit():
        return _render_detail(case, 200, assign_form=form)
    chosen = db.session.get(User, form.assignee_id.data)
    return actions.run(
        lambda: services.assign_case(current_user, case, form.assignee_id.data, _version(form)),
        then=_case_url(case),
        message=_("Der Fall ist jetzt zugewiesen."),
        conflict=lambda exc: _conflict(
            case, exc, {"assigned_to": chosen.display_name if chosen else None}
        ),
    )


@bp.route("/faelle/<int:case_id>/status", methods=["POST"])
@requires_role(*REGIONAL)
def status(case_id: int) -> Any:
    case = _edit_case(case_id)
    form = forms.StatusForm()
    form.status.choices = [(s, STATUSES[s]) for s in TRANSITIONS[case.status] if s != "closed"]
    if not form.validate_on_submit():
        return _render_detail(case, 200, status_form=form)
    return actions.run(
        lambda: services.change_status(
            current_user, case, form.status.data, _version(form), reason=form.reason.data
        ),
        then=_case_url(case),
        message=_("Der Status wurde geändert."),
        conflict=lambda exc: _conflict(case, exc, {"status": form.status.data}),
        refused=lambda exc: _refused(case, form.reason, exc, status_form=form),
    )


@bp.route("/faelle/<int:case_id>/abschliessen", methods=["POST"])
@requires_role(*REGIONAL)
def close(case_id: int) -> Any:
    case = _edit_case(case_id)
    form = forms.CloseForm()
    if not form.validate_on_submit():
        return _render_detail(case, 200, close_form=form)
    still_open = services.open_work(case)
    if any(still_open.values()) and not form.confirm_open.data:
        # A confirmation step, not an error: nothing is saved until it is ticked.
        return _render_detail(case, 200, close_form=form, close_warning=still_open)
    return actions.run(
        lambda: services.change_status(
            current_user,
            case,
            "closed",
            _version(form),
            outcome=form.outcome.data,
            outcome_note=form.outcome_note.data,
        ),
        then=_case_url(case),
        message=_("Der Fall wurde abgeschlossen."),
        conflict=lambda exc: _conflict(
            case, exc, {"status": "closed", "outcome": form.outcome.data}
        ),
        refused=lambda exc: _refused(case, form.outcome, exc, close_form=form),
    )


@bp.route("/faelle/<int:case_id>/notizen", methods=["POST"])
@requires_role(*REGIONAL)
def add_note(case_id: int) -> Any:
    case = _edit_case(case_id)
    form = forms.NoteForm()
    if not form.validate_on_submit():
        return _render_detail(case, 200, note_form=form)
    return actions.run(
        lambda: services.add_note(current_user, case, form.body.data),
        then=_case_url(case, "#verlauf"),
        message=_("Die Notiz wurde gespeichert."),
        token=form.submission_token.data,
    )


@bp.route("/faelle/<int:case_id>/kontakte", methods=["POST"])
@requires_role(*REGIONAL)
def add_contact(case_id: int) -> Any:
    case = _edit_case(case_id)
    form = forms.ContactForm()
    if not form.validate_on_submit():
        return _render_detail(case, 200, contact_form=form)
    return actions.run(
        lambda: services.record_contact(
            current_user,
            case,
            channel=form.channel.data,
            at=form.contact_at(),
            duration_minutes=form.duration_minutes.data,
            summary=form.summary.data,
        ),
        then=_case_url(case, "#verlauf"),
        message=_("Der Kontakt wurde gespeichert."),
        token=form.submission_token.data,
        refused=lambda exc: _refused(case, form.on_date, exc, contact_form=form),
    )


@bp.route("/faelle/<int:case_id>/wiedervorlagen", methods=["POST"])
@requires_role(*REGIONAL)
def add_follow_up(case_id: int) -> Any:
    case = _edit_case(case_id)
    form = forms.FollowUpForm()
    form.for_user_id.choices = region_staff_names(case.region_id)
    if not form.validate_on_submit():
        return _render_detail(case, 200, follow_up_form=form)
    return actions.run(
        lambda: services.add_follow_up(
            current_user,
            case,
            title=form.title.data,
            due_date=form.due_date.data,  # type: ignore[arg-type]  # InputRequired
            assignee_id=form.for_user_id.data,
        ),
        then=_case_url(case, "#wiedervorlagen"),
        message=_("Die Wiedervorlage wurde angelegt."),
        token=form.submission_token.data,
        refused=lambda exc: _refused(case, form.for_user_id, exc, follow_up_form=form),
    )


@bp.route("/faelle/<int:case_id>/wiedervorlagen/<int:follow_up_id>/erledigt", methods=["POST"])
@requires_role(*REGIONAL)
def complete_follow_up(case_id: int, follow_up_id: int) -> Any:
    case = _edit_case(case_id)
    follow_up = db.session.scalar(
        sa.select(FollowUp).where(FollowUp.id == follow_up_id, FollowUp.case_id == case.id)
    )
    if follow_up is None or not forms.BaseForm().validate_on_submit():
        abort(404 if follow_up is None else 400)
    from_due_list = request.form.get("zurueck") == "faellig"
    return actions.run(
        lambda: services.complete_follow_up(current_user, follow_up),
        then=url_for("cases.due") if from_due_list else _case_url(case, "#wiedervorlagen"),
        message=_("Die Wiedervorlage ist erledigt."),
        refused=_warn_back(case, "#wiedervorlagen"),
    )


def _warn_back(case: Case, anchor: str = "") -> Any:
    """A refused action on the case page: its message as a warning, back to the case."""

    def answer(exc: DomainError) -> Response:
        flash(str(exc), "warning")
        return _back(case, anchor)

    return answer


@bp.route("/faelle/<int:case_id>/teilnehmende", methods=["POST"])
@requires_role(*REGIONAL)
def add_participant(case_id: int) -> Any:
    case = _edit_case(case_id)
    form = forms.ParticipantForm()
    form.person_ids.choices = _participant_choices(case)
    if not form.validate_on_submit():
        return _render_detail(case, 200, participant_form=form)
    return actions.run(
        lambda: services.add_participants(current_user, case, form.person_ids.data),
        then=_case_url(case, "#teilnehmende"),
        message=lambda added: (
            _("Die Person nimmt jetzt am Fall teil.")
            if len(added) == 1
            else _("%(n)s Personen nehmen jetzt am Fall teil.", n=len(added))
        ),
        refused=_warn_back(case),
    )


@bp.route("/faelle/<int:case_id>/beschaeftigte", methods=["POST"])
@requires_role(*REGIONAL)
def add_new_employees(case_id: int) -> Any:
    """New employees of the case's firm, created and added to the case in one step."""
    case = _edit_case(case_id)
    form = forms.NewEmployeesForm()
    if not form.validate_on_submit():
        return _render_detail(case, 200, employees_form=form)
    if not form.confirm_new.data:
        employees = db.session.scalars(sa.select(Person).where(Person.employer_id == case.firm_id))
        duplicates = cockpit.same_name(form.names(), employees)
        if duplicates:
            return _render_detail(case, 200, employees_form=form, employee_duplicates=duplicates)
    return actions.run(
        lambda: services.add_new_employees(current_user, case, form.names()),
        then=_case_url(case, "#teilnehmende"),
        message=lambda added: _(
            "%(n)s Beschäftigte wurden angelegt und nehmen jetzt am Fall teil.", n=len(added)
        ),
        token=form.submission_token.data,
        refused=lambda exc: _refused(case, form.first_name_1, exc, employees_form=form),
    )


@bp.route("/faelle/<int:case_id>/dokumente", methods=["POST"])
@requires_role(*REGIONAL)
def upload_document(case_id: int) -> Any:
    case = _edit_case(case_id)
    form = forms.DocumentForm()
    if not form.validate_on_submit():
        return _render_detail(case, 200, document_form=form)
    return actions.run(
        lambda: services.add_document(current_user, case, form.file.data),
        then=_case_url(case, "#dokumente"),
        message=_("Das Dokument wurde gespeichert."),
        refused=lambda exc: _refused(
            case, form.file, exc, status=getattr(exc, "status", 400), document_form=form
        ),
    )


@bp.route("/faelle/<int:case_id>/dokumente/<int:document_id>")
@requires_role(*READERS)
def download_document(case_id: int, document_id: int) -> Any:
    from wbagentur.core.uploads import send_document

    case = get_case_for(current_user, case_id)
    document = db.session.scalar(
        sa.select(Document).where(Document.id == document_id, Document.case_id == case.id)
    )
    if document is None:
        abort(404)
    cutoff = history_cutoff(current_user, case)
    if cutoff is not None and document.uploaded_at > cutoff:
        abort(404)
    audit.record_read(
        current_user, "case.document_download", "case", case.id, document_id=document.id
    )
    return send_document(document)
