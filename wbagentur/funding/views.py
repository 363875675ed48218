"""Funding catalogue administration, public Förderkompass, JSON API and the in-case check.

Routes (A = admin, C = coordinator, S = supervisor, B = advisor of the case's region):
  /verwaltung/foerderprogramme                          programmes           A, C
  /verwaltung/foerderprogramme/<id>                     programme_detail     A, C
  /verwaltung/foerderprogramme/<id>/neue-fassung  G/P   version_propose      A
  /verwaltung/foerderprogramme/<id>/status        POST  programme_status     A, C
  /verwaltung/foerderprogramme/fassungen/<id>/freigeben  POST  version_approve  A, C
  /verwaltung/foerderprogramme/fassungen/<id>/ablehnen   POST  version_reject   A, C
  /foerderkompass                                       kompass              public
  /foerderkompass/schnellcheck                    G/P   quick_check          public (POST 30/h/IP)
  /foerderkompass/<slug>                                kompass_programme    public
  /api/foerdercheck                               POST  api_check            public, JSON, no CSRF
  /faelle/<id>/foerdercheck                       G/P   case_check           B, S (edit)
  /faelle/<id>/foerdercheck/<id>                        case_check_result    B, S, C
  /faelle/<id>/foerdercheck/<id>/empfehlung             recommendation       B, S, C
  /faelle/<id>/foerdercheck/<id>/empfehlung/pdf         recommendation_pdf   B, S, C
  (the two recommendation routes are the plan letter's: see plans/recommendation.py)
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user

from wbagentur.cases.access import get_case_for
from wbagentur.cases.models import Case
from wbagentur.core import actions, idempotency, numbers
from wbagentur.core.access import public, requires_role
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.core.timezone import local_today
from wbagentur.core.translation import gettext as _
from wbagentur.extensions import csrf, db, limiter
from wbagentur.funding import bp, catalogue, queries, rules, services, texts
from wbagentur.funding.engine.param_specs import label_of
from wbagentur.funding.forms import (
    CaseCheckForm,
    DecisionForm,
    QuickCheckForm,
    StatusForm,
    parse_german_date,
    propose_form_class,
)
from wbagentur.funding.models import FundingCheck, FundingProgramme, ParameterVersion
from wbagentur.persons.models import Person
from wbagentur.regions.queries import districts_in_order


def _quick_limit() -> str:
    return str(current_app.config.get("FUNDING_QUICK_CHECK_RATELIMIT", "30 per hour"))


def _api_limit() -> str:
    return str(current_app.config.get("FUNDING_API_RATELIMIT", "60 per hour"))


# --------------------------------------------------------------------------- formatting


@bp.app_template_filter("foerder_euro")
def euro_filter(cents: int | None) -> str:
    return numbers.format_money(cents)


@bp.app_template_filter("iso_datum")
def iso_date_filter(value: str | None) -> str:
    """'2027-01-10' → '10.01.2027' (English: the ISO date itself)."""
    return texts.iso_date(value)


#: Engine field paths → form fields (where the engine's plausibility refusals are shown).
FORM_FIELDS = {
    "person.birth_date": "birth_date",
    "person.vocational_qualification_year": "qualification_year",
    "person.employed_since": "employed_since",
    "person.working_days_per_week": "working_days",
    "course.start_date": "start_date",
    "course.end_date": "end_date",
    "course.application_date": "application_date",
    "course.award_date": "award_date",
    "course.hours": "hours",
}


def engine_errors_to_form(form: Any, exc: services.InvalidInput) -> None:
    """Show the engine's refusal (impossible facts) at the form fields, German part only."""
    for path, message in exc.fields.items():
        german = message.split(" / ")[0]
        name = FORM_FIELDS.get(path)
        field = form[name] if name and name in form else form["birth_date"]
        field.errors = [*field.errors, german]


def public_text(text: str) -> str:
    """An engine text without field paths and parameter keys (what a client may read)."""
    from wbagentur.funding.plain import plain_text

    return plain_text(text)


@bp.app_context_processor
def _funding_globals() -> dict[str, Any]:
    return {
        "funding_public_text": public_text,
        "funding_status_label": texts.status_label,
        "funding_amount_text": texts.amount_text,
        "funding_step_text": texts.step_text,
        "funding_working_day_note": texts.working_day_note,
        "funding_param_label": label_of,
        "funding_param_value": texts.param_value_text,
    }


def _districts() -> list[tuple[str, str]]:
    return [(d.key, d.name) for d in db.session.scalars(districts_in_order())]


# --------------------------------------------------------------------------- administration


@bp.route("/verwaltung/foerderprogramme")
@requires_role("admin", "coordinator")
def programmes() -> Any:
    rows = db.session.scalars(queries.programmes_in_order()).all()
    today = local_today()
    current = {p.id: catalogue.effective_version(p, today) for p in rows}
    pending = db.session.scalars(queries.pending_versions()).all()
    return render_template(
        "funding/programmes.html", programmes=rows, current=current, pending=pending
    )


def _programme_or_404(programme_id: int) -> FundingProgramme:
    return db.get_or_404(FundingProgramme, programme_id)


@bp.route("/verwaltung/foerderprogramme/<int:programme_id>")
@requires_role("admin", "coordinator")
def programme_detail(programme_id: int) -> Any:
    programme = _programme_or_404(programme_id)
    return _render_detail(programme, StatusForm(formdata=None, version=programme.version))


def _render_detail(programme: FundingProgramme, status_form: StatusForm, code: int = 200) -> Any:
    versions = db.session.scalars(queries.versions_of(programme.id)).all()
    current = catalogue.effective_version(programme, local_today())
    return render_template(
        "funding/programme_detail.html",
        programme=programme,
        versions=versions,
        current=current,
        status_form=status_form,
        decision_form=DecisionForm(formdata=None),
    ), code


@bp.route("/verwaltung/foerderprogramme/<int:programme_id>/neue-fassung", methods=["GET", "POST"])
@requires_role("admin")
def version_propose(programme_id: int) -> Any:
    programme = _programme_or_404(programme_id)
    base = catalogue.effective_version(programme, local_today()) or db.session.scalar(
        queries.versions_of(programme.id).where(ParameterVersion.state == "approved").limit(1)
    )
    if base is None:
        abort(404)
    form_class = propose_form_class(base.params)
    form = form_class(source=base.source, source_url=base.source_url)
    if request.method == "GET":
        form.submission_token.data = idempotency.new_token()

    def page() -> Any:
        return render_template(
            "funding/version_propose.html", programme=programme, base=base, form=form
        )

    if form.validate_on_submit():

        def refused(exc: DomainError) -> Any:
            form.valid_from.errors = list(form.valid_from.errors) + [str(exc)]
            return page()

        return actions.run(
            lambda: services.propose_version(
                current_user,
                programme,
                valid_from=parse_german_date(form.valid_from.data),
                source=form.source.data,
                source_url=form.source_url.data or None,
                params=form.params(),
            ),
            then=url_for("funding.programme_detail", programme_id=programme.id),
            message=lambda version: _(
                "Die Fassung %(key)s wurde vorgeschlagen. Sie gilt erst nach Freigabe durch "
                "eine zweite Person.",
                key=version.version_key,
            ),
            token=form.submission_token.data or None,
            refused=refused,
        )
    return page()


def _decision(version_id: int, approve: bool) -> Any:
    version = db.get_or_404(ParameterVersion, version_id)
    form = DecisionForm()
    target = url_for("funding.programme_detail", programme_id=version.programme_id)
    if not form.validate_on_submit():
        flash(form.note.errors[0] if form.note.errors else _("Ungültige Anfrage."), "danger")
        return redirect(target)
    if approve:
        return actions.run(
            lambda: services.approve_version(current_user, version, form.note.data),
            then=target,
            message=lambda notified: _(
                "Die Fassung wurde freigegeben und gilt ab sofort. Benachrichtigte Beratende: "
                "%(n)d.",
                n=notified,
            ),
        )
    return actions.run(
        lambda: services.reject_version(current_user, version, form.note.data),
        then=target,
        message=_("Die Fassung wurde abgelehnt und wird nicht verwendet."),
    )


@bp.route("/verwaltung/foerderprogramme/fassungen/<int:version_id>/freigeben", methods=["POST"])
@requires_role("admin", "coordinator")
def version_approve(version_id: int) -> Any:
    return _decision(version_id, approve=True)


@bp.route("/verwaltung/foerderprogramme/fassungen/<int:version_id>/ablehnen", methods=["POST"])
@requires_role("admin", "coordinator")
def version_reject(version_id: int) -> Any:
    return _decision(version_id, approve=False)


@bp.route("/verwaltung/foerderprogramme/<int:programme_id>/status", methods=["POST"])
@requires_role("admin", "coordinator")
def programme_status(programme_id: int) -> Any:
    programme = _programme_or_404(programme_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _render_detail(programme, form)

    def conflict(exc: ConflictError) -> Any:
        stored = db.session.get(FundingProgramme, programme_id)
        return render_template(
            "funding/conflict.html",
            message=str(exc),
            programme=stored,
            mine={"status": form.status.data, "reason": form.reason.data},
        ), 409

    def refused(exc: DomainError) -> Any:
        form.status.errors = [str(exc)]
        return _render_detail(_programme_or_404(programme_id), form)

    return actions.run(
        lambda: services.change_programme_status(
            current_user,
            programme,
            form.status.data,
            form.reason.data,
            int(form.version.data) if (form.version.data or "").isdigit() else None,
        ),
        then=url_for("funding.programme_detail", programme_id=programme.id),
        message=lambda notified: _(
            "Der Status wurde geändert. Benachrichtigte Beratende: %(n)d.", n=notified
        ),
        refused=refused,
        conflict=conflict,
    )


# --------------------------------------------------------------------------- public


@bp.route("/foerderkompass")
@public
def kompass() -> Any:
    rows = db.session.scalars(queries.programmes_in_order()).all()
    return render_template("funding/kompass.html", programmes=rows)


@bp.route("/foerderkompass/schnellcheck", methods=["GET", "POST"])
@limiter.limit(_quick_limit, methods=["POST"])
@public
def quick_check() -> Any:
    form = QuickCheckForm()
    form.set_district_choices(_districts())
    if form.validate_on_submit():
        try:
            case_input = services.parse_input(form.to_document())
        except services.InvalidInput as exc:
            engine_errors_to_form(form, exc)
            return render_template("funding/quick_check.html", form=form)
        result = services.run_check(case_input, local_today()).to_dict()
        programmes_by_code = {p.code: p for p in db.session.scalars(queries.programmes_in_order())}
        return render_template(
            "funding/quick_result.html", form=form, result=result, programmes=programmes_by_code
        )
    return render_template("funding/quick_check.html", form=form)


@bp.route("/foerderkompass/<slug>")
@public
def kompass_programme(slug: str) -> Any:
    programme = db.session.scalar(
        sa.select(FundingProgramme).where(FundingProgramme.code == slug.replace("-", "_"))
    )
    if programme is None:
        abort(404)
    current = catalogue.effective_version(programme, local_today())
    return render_template("funding/kompass_programme.html", programme=programme, current=current)


@bp.route("/api/foerdercheck", methods=["POST"])
@csrf.exempt
@limiter.limit(_api_limit)
@public
def api_check() -> Any:
    if not request.is_json:
        return {
            "error": "unsupported_media_type",
            "message": "Bitte senden Sie JSON (Content-Type: application/json).",
        }, 415
    try:
        doc = services.load_json(request.get_data(cache=False))
    except services.InvalidInput as exc:
        return {"error": "invalid_json", "message": str(exc), "fields": []}, 400
    try:
        result = services.check_document(doc, local_today())
    except services.InvalidInput as exc:
        return {
            "error": "invalid_input",
            "message": str(exc),
            "fields": sorted(exc.fields),
            "errors": [{"field": k, "message": v} for k, v in sorted(exc.fields.items())],
        }, 400
    return Response(json.dumps(result, ensure_ascii=False), mimetype="application/json")


# --------------------------------------------------------------------------- in the case


def _case_persons(case: Case) -> list[Person]:
    from wbagentur.cases.cockpit import case_people

    return case_people(case)


@bp.route("/faelle/<int:case_id>/foerdercheck", methods=["GET", "POST"])
@requires_role("advisor", "supervisor")
def case_check(case_id: int) -> Any:
    case = get_case_for(current_user, case_id, need="edit")
    persons = _case_persons(case)
    wanted = request.values.get("person", type=int)
    person = next((p for p in persons if p.id == wanted), persons[0] if persons else None)
    if request.method == "POST":
        form = CaseCheckForm()
    else:
        form = CaseCheckForm(formdata=None, data=rules.prefill(case, person))
        form.submission_token.data = idempotency.new_token()
    form.set_district_choices(_districts())
    result = None
    if form.validate_on_submit():
        entered = rules.case_document(form.to_document(), case, person)
        doc: dict[str, Any] | None = entered
        try:
            services.parse_input(entered)
        except services.InvalidInput as exc:
            engine_errors_to_form(form, exc)
            doc = None
        if doc is not None and request.form.get("action") == "save":
            saved = doc
            return actions.run(
                lambda: services.save_check(
                    current_user,
                    case,
                    saved,
                    person_id=person.id if person else None,
                    today=local_today(),
                ),
                then=lambda check: url_for(
                    "funding.case_check_result", case_id=case.id, check_id=check.id
                ),
                message=_("Die Förderprüfung wurde im Fall gespeichert."),
                token=form.submission_token.data or None,
                back=url_for("funding.case_check", case_id=case.id),
            )
        if doc is not None:
            result = services.run_check(services.parse_input(doc), local_today()).to_dict()
    checks = db.session.scalars(queries.checks_of_case(case.id)).all()
    return render_template(
        "funding/case_check.html",
        case=case,
        form=form,
        persons=persons,
        person=person,
        result=result,
        checks=checks,
    )


def _check_or_404(case: Case, check_id: int) -> FundingCheck:
    check = db.session.get(FundingCheck, check_id)
    if check is None or check.case_id != case.id:
        abort(404)
    return check


@bp.route("/faelle/<int:case_id>/foerdercheck/<int:check_id>")
@requires_role("advisor", "supervisor", "coordinator")
def case_check_result(case_id: int, check_id: int) -> Any:
    case = get_case_for(current_user, case_id)
    check = _check_or_404(case, check_id)
    person = db.session.get(Person, check.person_id) if check.person_id else None
    checked = set(
        db.session.scalars(
            sa.select(FundingCheck.person_id).where(
                FundingCheck.case_id == case.id, FundingCheck.person_id.is_not(None)
            )
        )
    )
    result, in_language = services.result_for_reader(check, str(get_locale() or "de"))
    return render_template(
        "funding/case_check_result.html",
        case=case,
        check=check,
        result=result,
        result_in_german=not in_language,
        person=person,
        # The case's people without a saved check yet: the next one is one click away.
        unchecked=[p for p in _case_persons(case) if p.id not in checked],
    )
