"""Routes:
  /partner                         GET       index       D, C, S, A
  /partner/neu                     GET/POST  create      D
  /partner/<id>                    GET       detail      D, C, S, A
  /partner/<id>/bearbeiten         GET/POST  edit        D
  /partner/<id>/aktiv              POST      set_active  D
Endpoints in the blueprint 'partners'; roles: A advisor, S supervisor, C coordinator, D admin.

The directory holds no client data. What other packages know about a partner (referrals:
the referrals sent to it, visible to regional staff) reaches its page through
:func:`register_detail_panel`, so that this package imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_login import current_user

from wbagentur.core import actions, idempotency
from wbagentur.core.access import requires_role
from wbagentur.core.errors_domain import ConflictError
from wbagentur.core.translation import gettext as _
from wbagentur.extensions import db
from wbagentur.partners import bp, forms, queries, services
from wbagentur.partners.access import get_partner
from wbagentur.partners.data import PARTNER_KINDS, PROGRAMMES
from wbagentur.partners.models import Partner
from wbagentur.regions.models import District, Region

ALL_STAFF = ("admin", "coordinator", "supervisor", "advisor")
LABELS = {"kinds": PARTNER_KINDS, "programmes": PROGRAMMES}

# A panel gets the user and the partner and returns (template, context) or None (not shown).
Panel = Callable[[Any, Partner], tuple[str, dict[str, Any]] | None]
_DETAIL_PANELS: dict[str, Panel] = {}


def register_detail_panel(name: str, panel: Panel) -> None:
    """Add a section to every partner's page (wired in ``wbagentur._connect_packages``)."""
    _DETAIL_PANELS[name] = panel


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, labels=LABELS, **context), status


def _detail_url(partner: Partner) -> str:
    return url_for("partners.detail", partner_id=partner.id)


def _version(form: Any) -> int | None:
    return int(form.version.data) if (form.version.data or "").isdigit() else None


@bp.route("/partner")
@requires_role(*ALL_STAFF)
def index() -> Any:
    rows = db.session.scalars(queries.partners(include_inactive=current_user.role == "admin")).all()
    return _render("partners/index.html", partners=rows)


def _partner_form(formdata: Any = None, **data: Any) -> forms.PartnerForm:
    form = forms.PartnerForm(formdata, **data)
    form.kind.choices = [("", _("Bitte wählen"))] + [(k, _(v)) for k, v in PARTNER_KINDS.items()]
    form.region_id.choices = [(0, _("keine"))] + [
        (r.id, r.name)
        for r in db.session.scalars(sa.select(Region).order_by(Region.name, Region.id))
    ]
    form.district_ids.choices = [
        (d.id, f"{d.name} ({d.key})")
        for d in db.session.scalars(sa.select(District).order_by(District.name, District.id))
    ]
    form.programmes.choices = [(k, _(v)) for k, v in PROGRAMMES.items()]
    return form


def _partner_values(form: forms.PartnerForm) -> dict[str, Any]:
    return {
        "name": form.name.data,
        "kind": form.kind.data,
        "email": form.email.data,
        "phone": form.phone.data or None,
        "answer_days": form.answer_days.data,
        "region_id": form.region_id.data or None,
        "district_ids": form.district_ids.data or [],
        "programmes": form.programmes.data or [],
    }


@bp.route("/partner/neu", methods=["GET", "POST"])
@requires_role("admin")
def create() -> Any:
    if request.method == "GET":
        form = _partner_form(answer_days=10, submission_token=idempotency.new_token())
        return _render("partners/form.html", form=form, partner=None)
    form = _partner_form(request.form)
    if not form.validate():
        return _render("partners/form.html", form=form, partner=None)
    return actions.run(
        lambda: services.create_partner(current_user, code=form.code.data, **_partner_values(form)),
        then=_detail_url,
        message=_("Die Partnerstelle wurde angelegt."),
        token=form.submission_token.data,
        back=url_for("partners.index"),
        refused=lambda exc: _render("partners/form.html", form=form, partner=None, error=str(exc)),
    )


@bp.route("/partner/<int:partner_id>")
@requires_role(*ALL_STAFF)
def detail(partner_id: int) -> Any:
    partner = get_partner(partner_id)
    panels = [
        shown
        for panel in _DETAIL_PANELS.values()
        if (shown := panel(current_user, partner)) is not None
    ]
    return _render(
        "partners/detail.html",
        partner=partner,
        panels=panels,
        state_form=forms.PartnerStateForm(version=partner.version),
    )


def _edit_conflict(partner_id: int, error: ConflictError, values: dict[str, Any]) -> Any:
    """The stored and the submitted values side by side; nothing of the submission was kept."""
    fresh = db.session.get(Partner, partner_id)
    if fresh is None:
        abort(404)
    stored = {
        "name": fresh.name,
        "email": fresh.email,
        "phone": fresh.phone or "",
        "answer_days": fresh.answer_days,
        "kind": fresh.kind,
    }
    submitted = {k: values[k] or "" for k in stored}
    return _render(
        "partners/conflict.html",
        409,
        partner=fresh,
        message=str(error),
        stored=stored,
        submitted=submitted,
    )


@bp.route("/partner/<int:partner_id>/bearbeiten", methods=["GET", "POST"])
@requires_role("admin")
def edit(partner_id: int) -> Any:
    partner = get_partner(partner_id)
    if request.method == "GET":
        form = _partner_form(obj=partner, version=partner.version)
        form.region_id.data = partner.region_id or 0
        form.district_ids.data = [d.id for d in partner.districts]
        form.programmes.data = partner.programmes
        return _render("partners/form.html", form=form, partner=partner)
    form = _partner_form(request.form)
    form.code.data = partner.code  # the code is fixed once created
    if not form.validate():
        return _render("partners/form.html", form=form, partner=partner)
    values = _partner_values(form)
    return actions.run(
        lambda: services.update_partner(
            current_user, partner, expected_version=_version(form), **values
        ),
        then=_detail_url(partner),
        message=_("Die Partnerstelle wurde gespeichert."),
        conflict=lambda exc: _edit_conflict(partner_id, exc, values),
        refused=lambda exc: _render(
            "partners/form.html", form=form, partner=partner, error=str(exc)
        ),
    )


@bp.route("/partner/<int:partner_id>/aktiv", methods=["POST"])
@requires_role("admin")
def set_active(partner_id: int) -> Any:
    partner = get_partner(partner_id)
    form = forms.PartnerStateForm()
    active = request.form.get("active") == "1"
    return actions.run(
        lambda: services.set_partner_active(current_user, partner, active, _version(form)),
        then=_detail_url(partner),
        message=(
            _("Die Partnerstelle ist wieder aktiv.")
            if active
            else _("Die Partnerstelle wurde deaktiviert.")
        ),
    )
