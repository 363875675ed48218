"""ESF+ pages (routes below /esf; the survey link is public).

/esf/faelle/<case>                                   GET   case_page        R
/esf/faelle/<case>/personen/<person>/eintritt        GET/POST entry        W
/esf/teilnahmen/<id>/austritt                        GET/POST exit         W
/esf/teilnahmen/<id>/begruendung                     POST  missing_reason   W
/esf/vollstaendigkeit                                GET   completeness     advisor, supervisor
/esf/kennzahlen                                      GET   indicators       -> /uebersicht/esf
/esf/export/teilnehmende.<csv|xlsx>                  GET   export           supervisor, coordinator
/esf/umfrage/<token>                                 GET/POST survey        public
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wbagentur.accounts.models import User
from wbagentur.cases.access import can_edit_case, get_case_for
from wbagentur.core import actions, audit
from wbagentur.core.access import public, requires_role
from wbagentur.core.errors_domain import ConflictError, DomainError, check_version
from wbagentur.core.timezone import local_today
from wbagentur.core.translation import gettext as _
from wbagentur.esf import bp, forms, rules, services
from wbagentur.esf.models import EsfParticipation
from wbagentur.extensions import db, limiter
from wbagentur.regions.models import Region

REGIONAL = ("advisor", "supervisor")
REPORTING = ("supervisor", "coordinator")


def _participation(participation_id: int) -> EsfParticipation:
    participation = db.session.get(EsfParticipation, participation_id)
    if participation is None:
        abort(404)
    case = get_case_for(current_user, participation.case_id, need="view")
    if not can_edit_case(current_user, case):
        abort(403)
    return participation


def _changed_meanwhile(target: str) -> Any:
    """The answer to a concurrent change of a participation: warn and load the form again."""

    def answer(exc: ConflictError) -> Any:
        flash(
            _("Die Teilnahme wurde gleichzeitig geändert. Bitte prüfen Sie die Angaben."),
            "danger",
        )
        return redirect(target)

    return answer


def _version(form: Any) -> int | None:
    try:
        return int(form.version.data) if form.version.data else None
    except (TypeError, ValueError):
        return None


@bp.route("/esf/faelle/<int:case_id>")
@requires_role(*REGIONAL)
def case_page(case_id: int) -> Any:
    case = get_case_for(current_user, case_id)
    people = []
    for person in services.case_persons(case):
        participation = services.participation_of(case, person)
        people.append(
            (
                person,
                participation,
                services.missing_for(participation, closing=True),
            )
        )
    return render_template(
        "esf/case.html",
        case=case,
        people=people,
        editable=can_edit_case(current_user, case),
        counts=services.case_is_participation(case),
        reason_form=forms.MissingReasonForm(),
    )


@bp.route("/esf/faelle/<int:case_id>/personen/<int:person_id>/eintritt", methods=["GET", "POST"])
@requires_role(*REGIONAL)
def entry(case_id: int, person_id: int) -> Any:
    case = get_case_for(current_user, case_id, need="edit")
    person = next((p for p in services.case_persons(case) if p.id == person_id), None)
    if person is None:
        abort(404)
    participation = services.participation_of(case, person)
    if participation is not None:
        values = {
            name: getattr(participation, name)
            for name in ("entry_date", "employment_status", "age_at_entry", "isced_level")
        }
        values.update(gender=participation.gender, postcode=participation.postcode or "")
        for name in (*services.ENTRY_FIELDS[6:], *services.SPECIAL_FIELDS):
            values[name] = forms.tri_state_value(getattr(participation, name))
        form = forms.EntryForm(
            data=values, survey_consent=participation.survey_consent_at is not None
        )
    else:
        birth = person.birth_date
        form = forms.EntryForm(
            entry_date=local_today(),
            age_at_entry=rules.age_at(birth, local_today()),
            gender=person.gender if person.gender in ("weiblich", "maennlich", "divers") else "",
            isced_level=person.isced_level or "",
        )
    esf_consent, special_consent = services.active_consents(person.id)
    duplicates: list[EsfParticipation] = []

    def page() -> Any:
        status = 422 if request.method == "POST" else 200
        return (
            render_template(
                "esf/entry.html",
                case=case,
                person=person,
                form=form,
                duplicates=duplicates,
                special_allowed=rules.special_categories_allowed(esf_consent, special_consent),
            ),
            status,
        )

    if form.validate_on_submit():
        duplicates = services.find_duplicates(person, form.postcode.data or None)
        if duplicates and not form.confirm_duplicate.data:
            form.confirm_duplicate.errors = [
                _(
                    "Möglicher Doppeleintrag: Bitte prüfen Sie die Teilnahmen unten "
                    "und bestätigen Sie."
                )
            ]
        else:

            def work() -> None:
                if participation is not None:
                    check_version(participation, _version(form), _("Die Teilnahme"))
                services.save_entry(
                    current_user,
                    case,
                    person,
                    form.data_dict(),
                    survey_consent=bool(form.survey_consent.data),
                    participation=participation,
                )

            def refused(exc: DomainError) -> Any:
                form.employment_status.errors = [str(exc)]
                return page()

            return actions.run(
                work,
                then=url_for("esf.case_page", case_id=case.id),
                message=_("Der Eintrittsfragebogen wurde gespeichert."),
                refused=refused,
                conflict=_changed_meanwhile(
                    url_for("esf.entry", case_id=case.id, person_id=person.id)
                ),
            )
    elif request.method == "GET" and participation is not None:
        form.version.data = str(participation.version)

    return page()


@bp.route("/esf/teilnahmen/<int:participation_id>/austritt", methods=["GET", "POST"])
@requires_role(*REGIONAL)
def exit_record(participation_id: int) -> Any:
    participation = _participation(participation_id)
    form = forms.ExitForm(obj=participation)
    if request.method == "GET":
        form.version.data = str(participation.version)

    def page() -> Any:
        status = 422 if request.method == "POST" else 200
        return (
            render_template("esf/exit.html", participation=participation, form=form),
            status,
        )

    if form.validate_on_submit():

        def work() -> None:
            check_version(participation, _version(form), _("Die Teilnahme"))
            services.save_exit(
                current_user,
                participation,
                {
                    "exit_date": form.exit_date.data,
                    "exit_situation": form.exit_situation.data,
                    "results_on": form.results_on.data,
                    **{name: form[name].data for name in services.RESULT_FIELDS},
                },
            )

        def refused(exc: DomainError) -> Any:
            form.exit_date.errors = [str(exc)]
            return page()

        return actions.run(
            work,
            then=url_for("esf.case_page", case_id=participation.case_id),
            message=_("Der Austritt wurde gespeichert."),
            refused=refused,
            conflict=_changed_meanwhile(
                url_for("esf.exit_record", participation_id=participation_id)
            ),
        )

    return page()


@bp.route("/esf/teilnahmen/<int:participation_id>/begruendung", methods=["POST"])
@requires_role(*REGIONAL)
def missing_reason(participation_id: int) -> Any:
    participation = _participation(participation_id)
    form = forms.MissingReasonForm()
    back = url_for("esf.case_page", case_id=participation.case_id)
    if form.validate_on_submit():
        return actions.run(
            lambda: services.record_missing_reason(current_user, participation, form.reason.data),
            then=back,
            message=_("Die Begründung wurde gespeichert."),
        )
    flash(form.reason.errors[0] if form.reason.errors else _("Ungültige Eingabe."), "danger")
    return redirect(back)


@bp.route("/esf/vollstaendigkeit")
@requires_role(*REGIONAL)
def completeness() -> Any:
    advisors = list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_(REGIONAL), User.is_active.is_(True))
            .order_by(User.display_name)
        )
    )
    advisors = [u for u in advisors if u.region_id == current_user.region_id]
    chosen: int | None = current_user.id
    if current_user.role == "supervisor":
        raw = request.args.get("berater", "")
        chosen = int(raw) if raw.isdigit() and any(u.id == int(raw) for u in advisors) else None
    gaps = services.incomplete_for(current_user, chosen)
    return render_template("esf/completeness.html", gaps=gaps, advisors=advisors, chosen=chosen)


def _period() -> tuple[forms.PeriodForm, date, date, int | None]:
    form = forms.PeriodForm(request.args)
    regions = list(db.session.scalars(sa.select(Region).order_by(Region.name)))
    form.region.choices = [("", _("alle Regionen"))] + [(str(r.id), r.name) for r in regions]
    form.validate()
    end = form.bis.data if not form.bis.errors and form.bis.data else local_today()
    start = (
        form.von.data
        if not form.von.errors and form.von.data
        else end - timedelta(days=int(current_app.config["REPORT_DEFAULT_DAYS"]))
    )
    if start > end or (end - start).days > int(current_app.config["REPORT_MAX_DAYS"]):
        start = end - timedelta(days=int(current_app.config["REPORT_DEFAULT_DAYS"]))
    region_id: int | None
    if current_user.role == "coordinator":
        raw = form.region.data or ""
        region_id = int(raw) if raw.isdigit() and any(r.id == int(raw) for r in regions) else None
    else:
        region_id = current_user.region_id
        if region_id is None:
            abort(403)
    return form, start, end, region_id


@bp.route("/esf/kennzahlen")
@requires_role(*REPORTING)
def indicators() -> Any:
    """The indicator table lives on the one ESF+ overview (/uebersicht/esf, reports.esf),
    which counts these participations through ``services.indicator_counts``; old links
    and bookmarks land there with their filters."""
    form = forms.PeriodForm(request.args)
    form.region.choices = [("", "")] + [
        (str(r), str(r)) for r in db.session.scalars(sa.select(Region.id))
    ]
    form.validate()
    keep: dict[str, Any] = {}
    for field in (form.von, form.bis):
        if field.data and not field.errors:
            keep[field.name] = field.data.isoformat()  # the overview's filter takes ISO dates
    if current_user.role == "coordinator" and form.region.data and not form.region.errors:
        keep["region"] = form.region.data
    return redirect(url_for("reports.esf", **keep))


@bp.route("/esf/export/<filename>")
@requires_role(*REPORTING)
def export(filename: str) -> Any:
    fmt = {"teilnehmende.csv": "csv", "teilnehmende.xlsx": "xlsx"}.get(filename)
    if fmt is None:
        abort(404)
    _form, start, end, region_id = _period()
    rows = services.export_rows(region_id, start, end)
    from wbagentur.core.exports import content_disposition
    from wbagentur.esf.export import to_csv, to_xlsx

    if fmt == "csv":
        body = to_csv(services.EXPORT_COLUMNS, rows)
        mimetype = "text/csv; charset=utf-8"
    else:
        body = to_xlsx(services.EXPORT_COLUMNS, rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(
        f"wba-esf-teilnehmende-{start.isoformat()}-{end.isoformat()}.{fmt}"
    )
    response.headers["Cache-Control"] = "no-store"
    # The export is handed out only once its audit entry is committed.
    return actions.run(
        lambda: audit.record(
            current_user,
            "esf.export",
            None,
            None,
            format=fmt,
            rows=len(rows),
            region_id=region_id,
            start=start.isoformat(),
            end=end.isoformat(),
        ),
        answer=lambda _: response,
    )


@bp.route("/esf/umfrage/<token>", methods=["GET", "POST"])
@public
@limiter.limit("30 per minute")
def survey(token: str) -> Any:
    participation = services.survey_by_token(token)
    if participation is None:
        return render_template("esf/survey_gone.html"), 404
    form = forms.SurveyForm()
    if form.validate_on_submit():
        return actions.run(
            lambda: services.answer_survey(
                token, form.employed.data == "ja", form.improved.data == "ja"
            ),
            answer=lambda done: (
                render_template("esf/survey_done.html")
                if done
                else (render_template("esf/survey_gone.html"), 404)
            ),
        )
    status = 422 if request.method == "POST" else 200
    return render_template("esf/survey.html", form=form), status
