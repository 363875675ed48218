"""Pages of transfers between regions (use cases in ``transfers``; routes in the table of
``views.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_login import current_user

from wbagentur.cases.access import get_case_for
from wbagentur.cases.models import Case
from wbagentur.core import actions, idempotency
from wbagentur.core.access import requires_role
from wbagentur.core.translation import gettext as _
from wbagentur.extensions import db
from wbagentur.referrals import bp, forms, queries, transfers
from wbagentur.referrals.access import get_transfer_for
from wbagentur.referrals.models import Transfer
from wbagentur.referrals.views import READERS, REGIONAL, conflict, render
from wbagentur.regions.models import Region


def _transfer_form(case: Case, formdata: Any = None) -> forms.TransferForm:
    form = forms.TransferForm(formdata)
    form.to_region_id.choices = [(0, _("Bitte wählen"))] + [
        (r.id, r.name)
        for r in db.session.scalars(
            sa.select(Region).where(Region.id != case.region_id).order_by(Region.name, Region.id)
        )
    ]
    if formdata is None:
        form.submission_token.data = idempotency.new_token()
    return form


@bp.route("/faelle/<int:case_id>/uebergeben", methods=["GET", "POST"])
@requires_role(*REGIONAL)
def case_transfer(case_id: int) -> Any:
    case = get_case_for(current_user, case_id, need="edit")
    if request.method == "GET":
        return render("referrals/transfer_new.html", case=case, form=_transfer_form(case))
    form = _transfer_form(case, request.form)
    if not form.validate():
        return render("referrals/transfer_new.html", case=case, form=form)
    return actions.run(
        lambda: transfers.request_transfer(
            current_user, case, to_region_id=form.to_region_id.data, reason=form.reason.data
        ),
        then=url_for("cases.detail", case_id=case.id),
        message=_("Die Übergabe wurde angefragt. Die empfangende Region muss sie annehmen."),
        token=form.submission_token.data,
        refused=lambda exc: render(
            "referrals/transfer_new.html", case=case, form=form, error=str(exc)
        ),
    )


@bp.route("/uebergaben", endpoint="transfers")
@requires_role(*READERS)
def transfers_page() -> Any:
    incoming = db.session.scalars(
        queries.region_transfers(current_user, incoming=True).limit(200)
    ).all()
    outgoing = (
        db.session.scalars(queries.region_transfers(current_user, incoming=False).limit(200)).all()
        if current_user.region_id is not None
        else []
    )
    return render(
        "referrals/transfers.html",
        incoming=incoming,
        outgoing=outgoing,
        form=forms.TransferDecisionForm(),
    )


def _version(form: forms.TransferDecisionForm) -> int | None:
    try:
        return int(form.version.data) if form.version.data else None
    except ValueError:
        return None


def _decide(
    transfer_id: int,
    decide: Callable[[Transfer, forms.TransferDecisionForm], Any],
    message: str,
) -> Any:
    transfer = get_transfer_for(current_user, transfer_id)
    form = forms.TransferDecisionForm()
    back = url_for("referrals.transfers")
    if not form.validate():
        flash(_("Bitte prüfen Sie Ihre Eingaben."), "error")
        return redirect(back)
    return actions.run(
        lambda: decide(transfer, form),
        then=back,
        message=message,
        conflict=lambda exc: conflict(str(exc), back),
    )


@bp.route("/uebergaben/<int:transfer_id>/annehmen", methods=["POST"])
@requires_role(*REGIONAL)
def transfer_accept(transfer_id: int) -> Any:
    return _decide(
        transfer_id,
        lambda t, f: transfers.accept_transfer(current_user, t, _version(f)),
        _("Der Fall wurde übernommen."),
    )


@bp.route("/uebergaben/<int:transfer_id>/ablehnen", methods=["POST"])
@requires_role(*REGIONAL)
def transfer_decline(transfer_id: int) -> Any:
    return _decide(
        transfer_id,
        lambda t, f: transfers.decline_transfer(current_user, t, f.reason.data or "", _version(f)),
        _("Die Übergabe wurde abgelehnt."),
    )


@bp.route("/uebergaben/<int:transfer_id>/zuruecknehmen", methods=["POST"])
@requires_role(*REGIONAL)
def transfer_cancel(transfer_id: int) -> Any:
    return _decide(
        transfer_id,
        lambda t, f: transfers.cancel_transfer(current_user, t, _version(f)),
        _("Die Übergabe wurde zurückgenommen."),
    )
