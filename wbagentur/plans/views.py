"""Qualification plan of a firm case and its Förderempfehlung letter.

Routes (B = advisor of the case's region, S = supervisor, C = coordinator):
  /faelle/<id>/qualifizierungsplan                            plan            B, S, C
  /faelle/<id>/qualifizierungsplan/lehrgang             G/P   course_new      B, S (edit)
  /faelle/<id>/qualifizierungsplan/lehrgang/<id>        G/P   course_edit     B, S (edit)
  /faelle/<id>/qualifizierungsplan/lehrgang/<id>/loeschen POST course_delete B, S (edit)
  /faelle/<id>/qualifizierungsplan/empfehlung                 letter          B, S, C
  /faelle/<id>/qualifizierungsplan/empfehlung/pdf             letter_pdf      B, S, C
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user

from wbagentur.cases.access import get_case_for
from wbagentur.cases.models import Case
from wbagentur.core import actions
from wbagentur.core.access import requires_role
from wbagentur.core.forms import ConfirmForm
from wbagentur.core.tagged_pdf import html_to_pdf
from wbagentur.core.timezone import local_today
from wbagentur.core.translation import gettext as _
from wbagentur.extensions import db
from wbagentur.persons.models import Person
from wbagentur.plans import bp, services
from wbagentur.plans.forms import PlanCourseForm
from wbagentur.plans.letter import letter_context
from wbagentur.plans.models import PlanCourse


def case_persons(case: Case) -> list[Person]:
    persons: list[Person] = []
    if case.person is not None:
        persons.append(case.person)
    persons += [p for p in case.participants if case.person is None or p.id != case.person.id]
    return persons


def _course_or_404(case: Case, course_id: int) -> PlanCourse:
    course = db.session.get(PlanCourse, course_id)
    if course is None or course.case_id != case.id:
        abort(404)
    return course


@bp.route("/faelle/<int:case_id>/qualifizierungsplan")
@requires_role("advisor", "supervisor", "coordinator")
def plan(case_id: int) -> Any:
    case = get_case_for(current_user, case_id)
    return render_template(
        "plans/plan.html",
        case=case,
        plan=services.build_plan(case, local_today()),
        persons=case_persons(case),
        delete_form=ConfirmForm(),
    )


def _course_form(case: Case, course: PlanCourse | None) -> Any:
    persons = case_persons(case)
    if request.method == "POST":
        form = PlanCourseForm()
    elif course is not None:
        form = PlanCourseForm(
            formdata=None,
            data={
                "title": course.title,
                "provider": course.provider,
                "hours": course.hours,
                "hours_unit": course.hours_unit,
                "fees": course.fees_cents,
                "start_date": course.start_date,
                "end_date": course.end_date,
                "azav": ""
                if course.azav_approved is None
                else ("yes" if course.azav_approved else "no"),
                "persons": [p.person_id for p in course.participants],
            },
        )
    else:
        form = PlanCourseForm(formdata=None, data={"persons": [p.id for p in persons]})
    form.set_person_choices([(p.id, p.full_name) for p in persons])
    if form.validate_on_submit():
        return actions.run(
            lambda: services.save_course(
                current_user, case, form.values(), form.persons.data, local_today(), course
            ),
            then=url_for("plans.plan", case_id=case.id),
            message=_("Der Lehrgang wurde im Qualifizierungsplan gespeichert."),
            done=_flash_changes,
        )
    return render_template(
        "plans/course_form.html", case=case, form=form, course=course, persons=persons
    )


def _flash_changes(saved: tuple[PlanCourse, list[str]]) -> None:
    """What the plan changed on its own (e.g. a participant no longer on the case)."""
    for change in saved[1]:
        flash(change, "warning")


@bp.route("/faelle/<int:case_id>/qualifizierungsplan/lehrgang", methods=["GET", "POST"])
@requires_role("advisor", "supervisor")
def course_new(case_id: int) -> Any:
    case = get_case_for(current_user, case_id, need="edit")
    return _course_form(case, None)


@bp.route(
    "/faelle/<int:case_id>/qualifizierungsplan/lehrgang/<int:course_id>",
    methods=["GET", "POST"],
)
@requires_role("advisor", "supervisor")
def course_edit(case_id: int, course_id: int) -> Any:
    case = get_case_for(current_user, case_id, need="edit")
    return _course_form(case, _course_or_404(case, course_id))


@bp.route(
    "/faelle/<int:case_id>/qualifizierungsplan/lehrgang/<int:course_id>/loeschen",
    methods=["POST"],
)
@requires_role("advisor", "supervisor")
def course_delete(case_id: int, course_id: int) -> Any:
    case = get_case_for(current_user, case_id, need="edit")
    course = _course_or_404(case, course_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("plans.plan", case_id=case.id))
    return actions.run(
        lambda: services.delete_course(current_user, case, course),
        then=url_for("plans.plan", case_id=case.id),
        message=_("Der Lehrgang wurde aus dem Qualifizierungsplan entfernt."),
    )


def _letter(case: Case) -> dict[str, Any]:
    person_id = request.args.get("person", type=int)
    person = None
    if person_id is not None:
        person = next((p for p in case_persons(case) if p.id == person_id), None)
        if person is None:
            abort(404)
    plan = services.build_plan(case, local_today(), person_id=person_id)
    advisor = case.assigned_to or current_user
    return letter_context(case, plan, advisor, person=person)


@bp.route("/faelle/<int:case_id>/qualifizierungsplan/empfehlung")
@requires_role("advisor", "supervisor", "coordinator")
def letter(case_id: int) -> Any:
    case = get_case_for(current_user, case_id)
    person_id = request.args.get("person", type=int)
    return render_template(
        "plans/letter.html",
        case=case,
        letter=_german_letter(case),
        back_url=url_for("plans.plan", case_id=case.id),
        pdf_url=url_for("plans.letter_pdf", case_id=case.id, person=person_id),
    )


def _german_letter(case: Any) -> dict[str, Any]:
    """The letter's content (amounts, dates) written the German way, whatever the UI shows."""
    with force_locale("de"):
        return _letter(case)


def pdf_response(html: str, filename: str) -> Response:
    return Response(
        html_to_pdf(html, "letter.css"),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/faelle/<int:case_id>/qualifizierungsplan/empfehlung/pdf")
@requires_role("advisor", "supervisor", "coordinator")
def letter_pdf(case_id: int) -> Any:
    case = get_case_for(current_user, case_id)
    view = _german_letter(case)
    services.record_letter(current_user, case, len(view["summary"]))
    # Not a state change but an export of personal data: its audit entry is in the chain
    # before the file leaves the server (a GET, so actions.run with its redirect does not fit).
    db.session.commit()
    # The letter goes to a German firm: German amounts, dates and labels in any UI language.
    with force_locale("de"):
        html = render_template("plans/letter_pdf.html", letter=view)
    return pdf_response(html, f"foerderempfehlung-{case.reference}.pdf")
