"""/api/v1/funding-check and /api/v1/cases/{id}/funding-check: the funding engine through
its public entry points (``funding.services.check_document`` / ``save_check``), the second
with the firm and person data of the case filled in as in the UI."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from wbagentur.api import bp
from wbagentur.api.errors import N_, ApiError
from wbagentur.api.helpers import field_error, json_body, load, requires_scope
from wbagentur.api.spec import operation, path_id
from wbagentur.cases.access import get_case_for
from wbagentur.core.timezone import local_today
from wbagentur.extensions import db
from wbagentur.funding import services

FUNDING_ERRORS = ("400", "401", "403")


def _invalid(exc: services.InvalidInput) -> ApiError:
    fields = {name: [message] for name, message in sorted(exc.fields.items())}
    if not fields:
        fields = {"_": [str(exc)]}
    return ApiError("validation_failed", extra={"fields": fields})


def _document() -> Any:
    if not request.is_json:
        raise ApiError("unsupported_media_type")
    try:
        return services.load_json(request.get_data(cache=True))
    except services.InvalidInput:
        raise ApiError("invalid_json") from None


@bp.post("/funding-check")
@requires_scope("funding:check")
@operation(
    "/funding-check",
    "Run the funding check for an input document (no personal data stored)",
    "funding:check",
    "FundingCheckResult",
    method="post",
    body="FundingCheckInput",
    errors=FUNDING_ERRORS,
)
def funding_check() -> ResponseReturnValue:
    doc = _document()
    if not isinstance(doc, dict):
        raise ApiError("invalid_json")
    try:
        result = services.check_document(doc, local_today())
    except services.InvalidInput as exc:
        raise _invalid(exc) from None
    db.session.rollback()
    return jsonify(result)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` over ``base``, section by section (firm, person, course …)."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@bp.post("/cases/<int:case_id>/funding-check")
@requires_scope("funding:check")
@operation(
    "/cases/{case_id}/funding-check",
    "Funding check for the case's person or a participant, with the case's data filled in",
    "funding:check",
    "CaseFundingCheckResult",
    [path_id("case_id")],
    method="post",
    body="CaseFundingCheckInput",
    errors=("400", "401", "403", "404", "422"),
)
def case_funding_check(case_id: int) -> ResponseReturnValue:
    # The UI's own prefill (firm and person data of the case); imported here because the
    # funding views import much of the application.
    from wbagentur.funding import rules
    from wbagentur.funding.forms import CaseCheckForm
    from wbagentur.funding.views import _case_persons

    user = g.api_user
    case = load(get_case_for, user, case_id, need="edit")
    body = json_body("CaseFundingCheckInput")
    person = next((p for p in _case_persons(case) if p.id == body["person_id"]), None)
    if person is None:
        raise field_error("person_id", N_("Die Person gehört nicht zu diesem Fall."))
    form = CaseCheckForm(formdata=None, data=rules.prefill(case, person), meta={"csrf": False})
    doc = rules.case_document(form.to_document(), case, person)
    doc = _merge(doc, body.get("input") or {})
    try:
        if body.get("save"):
            check = services.save_check(user, case, doc, person_id=person.id, today=local_today())
            result, check_id = check.result, check.id
        else:
            result, check_id = services.check_document(doc, local_today()), None
    except services.InvalidInput as exc:
        db.session.rollback()
        raise _invalid(exc) from None
    db.session.commit()
    return jsonify(
        {"case_id": case.id, "person_id": person.id, "check_id": check_id, "result": result}
    )
