"""The partner's side of a referral: its page and answers behind the secret link (no account).
Routes in the table of ``views.py``.

The partner token is a secret: it is never logged, and partner pages are ``no-store``.
What the page shows of the case is decided by ``disclosure`` (DP-10 allowlist).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, make_response, redirect, render_template, url_for
from werkzeug.wrappers import Response

from wbagentur.cases.models import TimelineEntry
from wbagentur.core import actions, audit
from wbagentur.core.access import public
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.core.translation import gettext as _
from wbagentur.extensions import db
from wbagentur.persons.models import Consent
from wbagentur.referrals import bp, disclosure, forms, services
from wbagentur.referrals.models import Referral
from wbagentur.referrals.views import LABELS, answer_forms, complete_values


def _no_store(body: Any, status: int = 200) -> Response:
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _invalid_link(kind: str) -> Response:
    status = 410 if kind in ("expired", "closed") else 404
    html = render_template("referrals/partner_invalid.html", kind=kind)
    return _no_store(html, status)


def _latest_funding_check(referral: Referral) -> str | None:
    """The summary of the case's latest saved funding check (catalogue notices have their
    own kind); read only when the category is shared."""
    if "funding_check" not in referral.categories:
        return None
    entry = db.session.scalar(
        sa.select(TimelineEntry)
        .where(TimelineEntry.case_id == referral.case_id, TimelineEntry.kind == "funding_check")
        .order_by(TimelineEntry.at.desc(), TimelineEntry.id.desc())
        .limit(1)
    )
    return entry.body if entry is not None and entry.body else None


def shared_sections(referral: Referral) -> list[disclosure.Section]:
    """What the partner sees of the case: the rules of ``disclosure`` with this referral's
    chosen categories, its basis as it stands now, and the case's data."""
    consent = db.session.get(Consent, referral.consent_id) if referral.consent_id else None
    basis = disclosure.Basis(
        consent_active=consent is not None and consent.withdrawn_at is None,
        legal_basis=referral.legal_basis,
    )
    return disclosure.disclosed_data(
        referral.categories, basis, referral.case, _latest_funding_check(referral)
    )


def _partner_render(
    token: str, referral: Referral, status: int = 200, **overrides: Any
) -> Response:
    context = answer_forms()
    context.update(overrides)
    html = render_template(
        "referrals/partner_page.html",
        token=token,
        referral=referral,
        shared=shared_sections(referral),
        labels=LABELS,
        **context,
    )
    return _no_store(html, status)


@bp.route("/weiterleitung/<token>")
@public
def partner_page(token: str) -> Any:
    referral, status = services.referral_for_token(token)
    if referral is None or status != "ok":
        return _invalid_link(status)
    audit.record_read(
        None, "referral.partner_view", "referral", referral.id, partner_id=referral.partner_id
    )
    return _partner_render(token, referral)


def _linked_referral(token: str) -> Referral | Response:
    referral, status = services.referral_for_token(token)
    if referral is None or status != "ok":
        return _invalid_link(status)
    return referral


def _partner_answer(token: str, referral: Referral, work: Any, done: bool) -> Any:
    """Run the partner's answer; a final one ends on the thank-you page (303)."""

    def answered(_result: Any) -> Response:
        if done:
            return redirect(url_for("referrals.partner_thanks"), code=303)
        flash(_("Vielen Dank – Ihre Antwort wurde übermittelt."), "success")
        return redirect(url_for("referrals.partner_page", token=token), code=303)

    def conflict(error: ConflictError) -> Response:
        html = render_template(
            "referrals/partner_invalid.html", kind="conflict", message=str(error)
        )
        return _no_store(html, 409)

    def refused(error: DomainError) -> Response:
        return _partner_render(token, referral, 200, error=str(error))

    return actions.run(
        work,
        then=url_for("referrals.partner_page", token=token),
        answer=answered,
        conflict=conflict,
        refused=refused,
    )


@bp.route("/weiterleitung/<token>/annehmen", methods=["POST"])
@public
def partner_accept(token: str) -> Any:
    referral = _linked_referral(token)
    if isinstance(referral, Response):
        return referral
    form = forms.NoteForm(prefix="note")
    if not form.validate():
        return _partner_render(token, referral, note_form=form)
    return _partner_answer(
        token,
        referral,
        lambda: services.accept_referral(
            None, referral, via="partner_link", note=form.note.data or None
        ),
        done=False,
    )


@bp.route("/weiterleitung/<token>/ablehnen", methods=["POST"])
@public
def partner_decline(token: str) -> Any:
    referral = _linked_referral(token)
    if isinstance(referral, Response):
        return referral
    form = forms.DeclineForm(prefix="decline")
    if not form.validate():
        return _partner_render(token, referral, decline_form=form)
    return _partner_answer(
        token,
        referral,
        lambda: services.decline_referral(
            None, referral, via="partner_link", reason=form.reason.data, note=form.note.data or None
        ),
        done=True,
    )


@bp.route("/weiterleitung/<token>/rueckfrage", methods=["POST"])
@public
def partner_return(token: str) -> Any:
    referral = _linked_referral(token)
    if isinstance(referral, Response):
        return referral
    form = forms.ReturnForm(prefix="return")
    if not form.validate():
        return _partner_render(token, referral, return_form=form)
    return _partner_answer(
        token,
        referral,
        lambda: services.return_referral(None, referral, via="partner_link", note=form.note.data),
        done=True,
    )


@bp.route("/weiterleitung/<token>/abschluss", methods=["POST"])
@public
def partner_complete(token: str) -> Any:
    referral = _linked_referral(token)
    if isinstance(referral, Response):
        return referral
    form = forms.CompleteForm(prefix="complete")
    if not form.validate():
        return _partner_render(token, referral, complete_form=form)
    return _partner_answer(
        token,
        referral,
        lambda: services.complete_referral(
            None, referral, via="partner_link", **complete_values(form)
        ),
        done=True,
    )


@bp.route("/weiterleitung-beantwortet")
@public
def partner_thanks() -> Any:
    return _no_store(render_template("referrals/partner_thanks.html"))
