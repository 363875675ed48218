"""/api/v1/referrals: list, detail, create (consent or legal basis checked by
``referrals.services`` as in the UI) and the staff's state changes (If-Match required)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import g
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from wbagentur.api import bp
from wbagentur.api.errors import N_, ApiError, language
from wbagentur.api.helpers import (
    audited_object,
    audited_page,
    choice_arg,
    created,
    domain_errors,
    etag_of,
    field_error,
    idempotency_key,
    int_arg,
    iso,
    json_body,
    load,
    page,
    replay,
    require_if_match,
    requires_scope,
    with_etag,
)
from wbagentur.api.spec import IF_MATCH, PAGING, operation, path_id, query
from wbagentur.cases.access import get_case_for
from wbagentur.core.translation import gettext
from wbagentur.extensions import db
from wbagentur.referrals import services
from wbagentur.referrals.access import get_referral_for, referral_scope
from wbagentur.referrals.data import STATES, TRANSITIONS
from wbagentur.referrals.models import Referral

MAX_ID = 2**31 - 1


def referral_json(referral: Referral) -> dict[str, Any]:
    partner = referral.partner
    return {
        "id": referral.id,
        "case_id": referral.case_id,
        "partner": {"id": partner.id, "name": partner.name, "kind": partner.kind},
        "programme": referral.programme,
        "purpose": referral.purpose,
        "data_categories": [c for c in referral.data_categories.split(",") if c],
        "basis": "consent" if referral.consent_id else "legal_basis",
        "consent_id": referral.consent_id,
        "legal_basis": referral.legal_basis,
        "state": referral.state,
        "due_days": referral.due_days,
        "due_date": iso(referral.due_date),
        "sent_at": iso(referral.sent_at),
        "answered_at": iso(referral.answered_at),
        "closed_at": iso(referral.closed_at),
        "decline_reason": referral.decline_reason,
        "outcome": referral.outcome,
        "amount_cents": referral.amount_cents,
        "created_at": referral.created_at.isoformat(),
        "version": referral.version,
    }


def _referral(referral_id: int, need: str = "view") -> Referral:
    found: Referral = load(get_referral_for, g.api_user, referral_id, need=need)
    return found


@bp.get("/referrals")
@requires_scope("referrals:read")
@operation(
    "/referrals",
    "Referrals of the cases the token's user may see, newest first",
    "referrals:read",
    "ReferralPage",
    [
        *PAGING,
        query("state", "state code", type="string", enum=list(STATES)),
        query("case_id", "referrals of this case", type="integer", minimum=1, maximum=MAX_ID),
    ],
)
def referrals() -> ResponseReturnValue:
    stmt = (
        sa.select(Referral)
        .where(referral_scope(g.api_user))
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    )
    if state := choice_arg("state", STATES):
        stmt = stmt.where(Referral.state == state)
    if case_id := int_arg("case_id", 0, 1, MAX_ID):
        stmt = stmt.where(Referral.case_id == case_id)
    items, paging = page(stmt)
    return audited_page("api.referrals.list", items, paging, referral_json)


@bp.get("/referrals/<int:referral_id>")
@requires_scope("referrals:read")
@operation(
    "/referrals/{referral_id}",
    "One referral (404 when its case is outside the region)",
    "referrals:read",
    "Referral",
    [path_id("referral_id")],
    etag=True,
)
def referral(referral_id: int) -> ResponseReturnValue:
    found = _referral(referral_id)
    return audited_object(
        "referral.view", "referral", found, referral_json(found), etag_of("referral", found)
    )


@bp.post("/referrals")
@requires_scope("referrals:write")
@operation(
    "/referrals",
    "Refer a case to a partner (sent at once unless send is false)",
    "referrals:write",
    "Referral",
    method="post",
    status=201,
    body="ReferralInput",
    etag=True,
    errors=("400", "401", "403", "404", "422"),
)
def referral_create() -> ResponseReturnValue:
    user = g.api_user
    key = idempotency_key()
    if (earlier := replay(key)) is not None:
        return earlier
    body = json_body("ReferralInput")
    case = load(get_case_for, user, body["case_id"], need="edit")
    with domain_errors():
        referral = services.create_referral(
            user,
            case,
            partner_id=body["partner_id"],
            programme=body.get("programme") or None,
            purpose=body["purpose"].strip(),
            data_categories=body["data_categories"],
            consent_id=body.get("consent_id") or None,
            legal_basis=(body.get("legal_basis") or "").strip() or None,
            due_days=body.get("due_days"),
            message=(body.get("message") or "").strip() or None,
            send=body.get("send", True),
        )
    location = f"/api/v1/referrals/{referral.id}"
    return created(referral_json(referral), location, key, etag_of("referral", referral))


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise field_error(name, N_("Ungültiges Datum.")) from None


def _required(body: dict[str, Any], name: str) -> Any:
    value = body.get(name)
    if value in (None, ""):
        raise field_error(name, N_("Pflichtfeld."))
    return value


@bp.post("/referrals/<int:referral_id>/state")
@requires_scope("referrals:write")
@operation(
    "/referrals/{referral_id}/state",
    "Change the state: send, withdraw, or record the partner's answer (If-Match required)",
    "referrals:write",
    "Referral",
    [path_id("referral_id"), IF_MATCH],
    method="post",
    body="ReferralStateInput",
    etag=True,
    errors=("400", "401", "403", "404", "409", "412", "422", "428"),
)
def referral_state(referral_id: int) -> ResponseReturnValue:
    user = g.api_user
    found = _referral(referral_id, need="edit")
    require_if_match(etag_of("referral", found))
    body = json_body("ReferralStateInput")
    new = body["state"]
    if new not in TRANSITIONS.get(found.state, ()):
        db.session.rollback()
        with force_locale(language()):
            detail = gettext(
                "Dieser Zustandswechsel ist nicht möglich: %(old)s → %(new)s.",
                old=found.state,
                new=new,
            )
        raise ApiError("conflict", detail=detail)
    note = (body.get("note") or "").strip() or None
    with domain_errors():
        if new == "sent":
            services.send_referral(user, found)
        elif new == "withdrawn":
            services.withdraw_referral(user, found, note)
        elif new == "accepted":
            services.accept_referral(user, found, via="staff", note=note)
        elif new == "declined":
            services.decline_referral(
                user, found, via="staff", reason=_required(body, "reason"), note=note
            )
        elif new == "returned":
            services.return_referral(user, found, via="staff", note=_required(body, "note"))
        else:
            services.complete_referral(
                user,
                found,
                via="staff",
                outcome=_required(body, "outcome"),
                amount_cents=body.get("amount_cents"),
                decision_date=_date(body.get("decision_date"), "decision_date"),
                course_start=_date(body.get("course_start"), "course_start"),
                voucher_issued=body.get("voucher_issued"),
                note=note,
            )
    db.session.commit()
    return with_etag(referral_json(found), etag_of("referral", found))
