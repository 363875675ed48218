"""Persons (employees, individual advice seekers) and their consents.

Routes (V = advisor, supervisor, coordinator; E = advisor, supervisor):
  /personen                                        GET/POST  persons.index             V
                                                   (POST: search form, 303 to ?suche=<key>)
  /personen/neu[?arbeitgeber=<id>&next=<path>]     GET/POST  persons.create            E
  /personen/<int:person_id>                        GET       persons.detail            V (audited)
  /personen/<int:person_id>/bearbeiten             GET/POST  persons.edit              E
  /personen/<int:person_id>/einwilligungen         POST      persons.consent_give      E
  /personen/<int:person_id>/einwilligungen/<int:consent_id>/widerruf
                                                   POST      persons.consent_withdraw  E
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wbagentur.accounts.views import safe_next
from wbagentur.core import actions, formatting, idempotency, numbers, search
from wbagentur.core.access import requires_role
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.core.forms import ConfirmForm
from wbagentur.core.ids import parse_id
from wbagentur.core.pagination import keyset_page
from wbagentur.core.translation import gettext as _
from wbagentur.extensions import db
from wbagentur.firms.access import firms_visible_to
from wbagentur.firms.forms import opts
from wbagentur.firms.models import Firm
from wbagentur.persons import access, bp, case_join, queries, rules, services
from wbagentur.persons.forms import PersonCreateForm, PersonEditForm, consent_form
from wbagentur.persons.models import (
    CONSENT_PURPOSES,
    EMPLOYMENT_STATUSES,
    GENDERS,
    ISCED_LEVELS,
    QUALIFICATIONS,
    Consent,
    Person,
)
from wbagentur.regions.models import District
from wbagentur.regions.queries import districts_in_order

PER_PAGE = 25
VIEWERS = ("advisor", "supervisor", "coordinator")
EDITORS = ("advisor", "supervisor")
EMPLOYER_LIMIT = 1000


def _prepare(form: Any, current_employer_id: int | None = None) -> None:
    firms = list(
        db.session.scalars(
            firms_visible_to(current_user).order_by(Firm.name_search, Firm.id).limit(EMPLOYER_LIMIT)
        )
    )
    choices = [(0, _("– kein Arbeitgeber erfasst –"))] + [
        (f.id, f"{f.name} ({f.city or f.district.name})") for f in firms
    ]
    if current_employer_id and current_employer_id not in {f.id for f in firms}:
        # Keep an employer the user can no longer see, without revealing more than its id.
        choices.append(
            (current_employer_id, _("bisheriger Arbeitgeber (Nr. %(id)s)", id=current_employer_id))
        )
    form.employer_id.choices = opts(choices)
    form.residence_district_id.choices = opts(
        [(0, _("– nicht erfasst –"))]
        + [(d.id, d.name) for d in db.session.scalars(districts_in_order())]
    )


def person_data(person: Person) -> dict[str, Any]:
    data = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    data["employer_id"] = person.employer_id or 0
    data["residence_district_id"] = person.residence_district_id or 0
    data["severely_disabled"] = {True: "ja", False: "nein"}.get(person.severely_disabled, "")  # type: ignore[arg-type]
    return data


def _display(name: str, value: Any) -> str:
    if (
        value is None
        or value == ""
        or value == 0
        and name in ("employer_id", "residence_district_id")
    ):
        return "–"
    if name == "employer_id":
        firm = db.session.scalar(firms_visible_to(current_user).where(Firm.id == value))
        return firm.name if firm else _("Unternehmen Nr. %(id)s", id=value)
    if name == "residence_district_id":
        district = db.session.get(District, value)
        return district.name if district else str(value)
    labels = {
        "gender": GENDERS,
        "employment_status": EMPLOYMENT_STATUSES,
        "qualification": QUALIFICATIONS,
        "isced_level": ISCED_LEVELS,
    }
    if name in labels:
        return labels[name].get(value, value)
    if name == "severely_disabled":
        return {"ja": _("ja"), "nein": _("nein")}.get(value, "–")
    if hasattr(value, "strftime"):
        return formatting.format_date(value)
    if isinstance(value, float):
        return numbers.format_number(value)
    return str(value)


def _comparison(
    form: PersonEditForm, mine: dict[str, Any], stored: dict[str, Any]
) -> list[dict[str, Any]]:
    rows = []
    for name in (*services.PERSON_FIELDS, "severely_disabled"):
        a, b = mine.get(name), stored.get(name)
        rows.append(
            {
                "label": form[name].label.text,
                "mine": _display(name, a),
                "stored": _display(name, b),
                "differs": a != b,
            }
        )
    return rows


@bp.route("/personen", methods=["GET", "POST"])
@requires_role(*VIEWERS)
def index() -> Any:
    values = request.form if request.method == "POST" else request.args
    sort = values.get("sortierung", queries.DEFAULT_SORT, type=str)
    if sort not in queries.SORTS:
        sort = queries.DEFAULT_SORT
    if request.method == "POST":  # the search form; the name stays out of the URL (WEB-05)
        return search.submit("persons", "persons.index", {"sortierung": sort})
    q, key = search.recall("persons")
    # Keyset pages and a bounded count, like the case lists: the page walks the list's
    # order on an index and tests the scope per row; no OFFSET, no count of the whole
    # scope (issue #22).
    pagination = keyset_page(
        queries.person_list(current_user, q=q, sort=sort), request.args, per_page=PER_PAGE
    )
    page_args = {"sortierung": sort, search.PARAM: key}
    return render_template(
        "persons/index.html",
        pagination=pagination,
        q=q,
        page_args={k: v for k, v in page_args.items() if v},
        sort=sort,
        can_create=current_user.role in EDITORS,
    )


@bp.route("/personen/neu", methods=["GET", "POST"])
@requires_role(*EDITORS)
def create() -> Any:
    form = PersonCreateForm()
    _prepare(form)
    if request.method == "GET":
        _prefill_create(form)
    token = form.submission_token.data or None
    if request.method == "POST" and (earlier := actions.repeated(token)):
        # Before validating: a resent form would meet its own person as a duplicate.
        return earlier
    duplicates: list[dict[str, Any]] = []
    if form.validate_on_submit():
        data = form.service_data()
        if not form.confirm_new.data:
            duplicates = _duplicate_list(services.find_duplicates(data))
        if not duplicates:
            target = _after_create_target(form.next.data)
            return actions.run(
                lambda: _create(form, data),
                then=lambda created: target or url_for("persons.detail", person_id=created[0].id),
                message=lambda created: _created_message(created[1]),
                token=token,
                refused=lambda exc: _form_again(form, exc, person=None),
            )
    return render_template(
        "persons/form.html",
        form=form,
        person=None,
        duplicates=duplicates,
        has_special_consent=False,
    )


def _create(form: PersonCreateForm, data: dict[str, Any]) -> tuple[Person, Any]:
    """The new person and the case it joined (if it was created from one)."""
    person = services.create_person(
        current_user,
        data,
        severely_disabled=form.special_value(),
        special_consent=bool(form.special_consent.data),
    )
    return person, _join_case(form.case_id.data, person)


def _form_again(
    form: Any, exc: DomainError, person: Person | None, has_special_consent: bool = False
) -> str:
    """A refused save: the message under its field, the form with the input again."""
    _field_for(form, exc).errors = [str(exc)]
    return render_template(
        "persons/form.html",
        form=form,
        person=person,
        duplicates=[],
        has_special_consent=has_special_consent,
    )


def _prefill_create(form: PersonCreateForm) -> None:
    """From a firm (``arbeitgeber``) or a firm case (``fall``): employer, way back, case."""
    form.submission_token.data = idempotency.new_token()
    form.next.data = request.args.get("next", "")
    employer = request.args.get("arbeitgeber", 0, type=parse_id)
    if employer and employer in {c.value for c in form.employer_id.choices}:
        form.employer_id.data = employer
        form.employment_status.data = "employed"
    case = _case_to_join(request.args.get("fall", 0, type=parse_id))
    if case is not None:
        form.case_id.data = str(case.id)
        form.next.data = url_for("cases.detail", case_id=case.id) + "#teilnehmende"


def _case_to_join(case_id: int | None) -> Any:
    """The firm case a new employee is created from, if the user may edit it."""
    if not case_id or case_id < 0:
        return None
    return case_join.case_to_join(current_user, case_id)


def _created_message(joined: Any) -> str:
    if joined is None:
        return _("Die Person wurde angelegt.")
    return _(
        "Die Person wurde angelegt und nimmt jetzt am Fall %(ref)s teil.", ref=joined.reference
    )


def _join_case(raw_case_id: str | None, person: Person) -> Any:
    """Add the new person to the case it was created from (issue #14.5)."""
    raw = (raw_case_id or "").strip()
    if not raw.isdigit() or len(raw) > 9:
        return None
    case = _case_to_join(int(raw))
    if case is None:
        return None
    case_join.join_case(current_user, case, [person.id])
    return case


def _field_for(form: Any, exc: DomainError) -> Any:
    return (
        form.residence_district_id if str(exc) == services.OUT_OF_SCOPE else form.severely_disabled
    )


def _after_create_target(next_value: str | None) -> str | None:
    """Follow ``next`` only to a safe local path (e.g. back to the firm page)."""
    if not next_value:
        return None
    return next_value if safe_next(next_value) == next_value else None


def _duplicate_list(matches: list[tuple[Person, tuple[str, ...]]]) -> list[dict[str, Any]]:
    if not matches:
        return []
    ids = [p.id for p, _r in matches]
    visible = set(
        db.session.scalars(
            sa.select(Person.id).where(access.person_scope(current_user), Person.id.in_(ids))
        )
    )
    return [{"person": p if p.id in visible else None, "reasons": r} for p, r in matches]


@bp.route("/personen/<int:person_id>")
@requires_role(*VIEWERS)
def detail(person_id: int) -> Any:
    from wbagentur.persons.recipients import recipient_label

    person = access.get_person_for(current_user, person_id)
    services.record_view(current_user, person)
    consents = db.session.scalars(queries.consents_of(person.id)).all()
    employer = None
    if person.employer_id:
        employer = db.session.scalar(
            firms_visible_to(current_user).where(Firm.id == person.employer_id)
        )
    return render_template(
        "persons/detail.html",
        person=person,
        consents=consents,
        employer=employer,
        can_edit=access.can_edit_person(current_user, person),
        consent_form=consent_form(),
        recipient_label=recipient_label,
        confirm_form=ConfirmForm(),
        purposes=CONSENT_PURPOSES,
        genders=GENDERS,
        statuses=EMPLOYMENT_STATUSES,
        qualifications=QUALIFICATIONS,
        isced=ISCED_LEVELS,
    )


@bp.route("/personen/<int:person_id>/bearbeiten", methods=["GET", "POST"])
@requires_role(*EDITORS)
def edit(person_id: int) -> Any:
    person = access.get_person_for(current_user, person_id, need="edit")
    if request.method == "GET":
        form = PersonEditForm(data={**person_data(person), "version": person.version})
    else:
        form = PersonEditForm()
    _prepare(form, person.employer_id)
    has_special = services.has_active_consent(person, rules.SPECIAL_CATEGORIES)
    if form.validate_on_submit():
        data = form.service_data()
        try:
            expected = int(form.version.data) if form.version.data else None
        except ValueError:
            abort(400)
        return actions.run(
            lambda: services.update_person(
                current_user,
                person,
                data,
                expected,
                severely_disabled=form.special_value(),
                special_consent=bool(form.special_consent.data),
            ),
            then=url_for("persons.detail", person_id=person.id),
            message=_("Die Änderungen wurden gespeichert."),
            conflict=lambda exc: _edit_conflict(form, data, person_id, exc),
            refused=lambda exc: _form_again(form, exc, person, has_special),
        )
    return render_template(
        "persons/form.html",
        form=form,
        person=person,
        duplicates=[],
        has_special_consent=has_special,
    )


def _edit_conflict(
    form: PersonEditForm, data: dict[str, Any], person_id: int, exc: ConflictError
) -> tuple[str, int]:
    """Somebody saved the person meanwhile: the input beside what is stored now."""
    person = access.get_person_for(current_user, person_id)
    mine = {
        **data,
        "employer_id": data["employer_id"] or 0,
        "residence_district_id": data["residence_district_id"] or 0,
        "severely_disabled": form.severely_disabled.data or "",
    }
    rows = _comparison(form, mine, person_data(person))
    return render_template("persons/conflict.html", person=person, rows=rows, message=str(exc)), 409


@bp.route("/personen/<int:person_id>/einwilligungen", methods=["POST"])
@requires_role(*EDITORS)
def consent_give(person_id: int) -> Any:
    from wbagentur.persons.recipients import give_share_consent

    person = access.get_person_for(current_user, person_id, need="edit")
    form = consent_form()
    back = _consents_url(person)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(back)

    def give() -> Any:
        if form.purpose.data == "share_partner":
            return give_share_consent(current_user, recipient=form.recipient.data, person=person)
        return services.give_consent(current_user, person, form.purpose.data)

    return actions.run(give, then=back, message=_("Die Einwilligung wurde erfasst."))


def _consents_url(person: Person) -> str:
    return url_for("persons.detail", person_id=person.id) + "#einwilligungen"


@bp.route("/personen/<int:person_id>/einwilligungen/<int:consent_id>/widerruf", methods=["POST"])
@requires_role(*EDITORS)
def consent_withdraw(person_id: int, consent_id: int) -> Any:
    person = access.get_person_for(current_user, person_id, need="edit")
    consent = db.session.scalar(
        sa.select(Consent).where(Consent.id == consent_id, Consent.person_id == person.id)
    )
    if consent is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if consent.purpose == rules.SPECIAL_CATEGORIES:
        message = _(
            "Die Einwilligung wurde widerrufen; die Angabe zur Schwerbehinderung wurde gelöscht."  # noqa: E501
        )
    else:
        message = _("Die Einwilligung wurde widerrufen.")
    return actions.run(
        lambda: services.withdraw_consent(current_user, person, consent),
        then=_consents_url(person),
        message=message,
    )
