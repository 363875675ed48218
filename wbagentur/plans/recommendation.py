"""The per-employee Förderempfehlung of a saved funding check: the plan letter for the one
row of the check, so print view and tagged PDF share one template with the plan's letter.

The routes keep the funding blueprint's names and URLs (they hang below the check), but
live here: the letter is the plan's, and funding does not import plans (plans builds on
funding; tests/test_import_graph.py).

Routes (B = advisor of the case's region, S = supervisor, C = coordinator):
  /faelle/<id>/foerdercheck/<id>/empfehlung             funding.recommendation       B, S, C
  /faelle/<id>/foerdercheck/<id>/empfehlung/pdf         funding.recommendation_pdf   B, S, C
"""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask_login import current_user

from wbagentur.cases.access import get_case_for
from wbagentur.cases.models import Case
from wbagentur.core.access import requires_role
from wbagentur.core.timezone import to_local
from wbagentur.extensions import db
from wbagentur.funding import bp
from wbagentur.funding.models import FundingCheck
from wbagentur.funding.views import _check_or_404
from wbagentur.persons.models import Person
from wbagentur.plans.letter import letter_context, plan_from_check
from wbagentur.plans.views import pdf_response


def _check_letter(case: Case, check: FundingCheck) -> dict[str, Any]:
    """The per-employee Förderempfehlung: the plan letter (templates/plans/_letter.html) for
    the one row of a saved check, so print view and tagged PDF share one template."""
    person = db.session.get(Person, check.person_id) if check.person_id else None
    plan = plan_from_check(case, check, to_local(check.created_at).date())
    return letter_context(case, plan, case.assigned_to or check.created_by, person=person)


@bp.route("/faelle/<int:case_id>/foerdercheck/<int:check_id>/empfehlung")
@requires_role("advisor", "supervisor", "coordinator")
def recommendation(case_id: int, check_id: int) -> Any:
    case = get_case_for(current_user, case_id)
    check = _check_or_404(case, check_id)
    return render_template(
        "plans/letter.html",
        case=case,
        letter=_check_letter(case, check),
        back_url=url_for("funding.case_check_result", case_id=case.id, check_id=check.id),
        pdf_url=url_for("funding.recommendation_pdf", case_id=case.id, check_id=check.id),
    )


@bp.route("/faelle/<int:case_id>/foerdercheck/<int:check_id>/empfehlung/pdf")
@requires_role("advisor", "supervisor", "coordinator")
def recommendation_pdf(case_id: int, check_id: int) -> Any:
    case = get_case_for(current_user, case_id)
    check = _check_or_404(case, check_id)
    html = render_template("plans/letter_pdf.html", letter=_check_letter(case, check))
    return pdf_response(html, f"foerderempfehlung-{case.reference}.pdf")
