"""Firms and their contact persons.

Routes (V = advisor, supervisor, coordinator; E = advisor, supervisor):
  /unternehmen                                          GET/POST  firms.index                V
                                                        (POST: search form, 303 to ?suche=<key>)
  /unternehmen/neu                                      GET/POST  firms.create               E
  /unternehmen/kreis-vorschlag?plz=98527                GET JSON  firms.district_suggestion  V
  /unternehmen/<int:firm_id>                            GET       firms.detail               V
  /unternehmen/<int:firm_id>/bearbeiten                 GET/POST  firms.edit                 E
  /unternehmen/<int:firm_id>/kontakte/neu               GET/POST  firms.contact_create       E
  /unternehmen/<int:firm_id>/kontakte/<int:contact_id>/bearbeiten
                                                        GET/POST  firms.contact_edit         E
  /unternehmen/<int:firm_id>/kontakte/<int:contact_id>/loeschen
                                                        GET (confirmation)/POST
                                                                  firms.contact_delete       E
  /unternehmen/<int:firm_id>/einwilligungen             POST      firms.consent_give         E
  /unternehmen/<int:firm_id>/einwilligungen/<int:consent_id>/widerruf
                                                        POST      firms.consent_withdraw     E
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from wbagentur.core import actions, idempotency, numbers, search
from wbagentur.core.access import requires_role
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.core.forms import ConfirmForm
from wbagentur.core.pagination import keyset_page
from wbagentur.core.translation import gettext as _
from wbagentur.extensions import db
from wbagentur.firms import access, bp, postcodes, queries, rules, services, wz
from wbagentur.firms.forms import (
    ContactConsentForm,
    ContactForm,
    FirmCreateForm,
    FirmEditForm,
    district_choices,
    grouped,
    opts,
)
from wbagentur.firms.models import Firm
from wbagentur.regions.models import District
from wbagentur.regions.queries import districts_in_order

PER_PAGE = 25
VIEWERS = ("advisor", "supervisor", "coordinator")
EDITORS = ("advisor", "supervisor")


def _districts() -> list[District]:
    return list(db.session.scalars(districts_in_order()))


def _prepare(form: Any, keep: str | None = None) -> None:
    """District choices; ``keep``: the edited firm's own district, allowed even if it lies
    in another region (the firm of a case handed over to this region)."""
    districts = _districts()
    form.district_key.choices = district_choices(districts)
    form.allowed_district_keys = {d.key for d in districts if d.region_id == current_user.region_id}
    if keep:
        form.allowed_district_keys.add(keep)


def firm_data(firm: Firm) -> dict[str, Any]:
    """Stored values in the shape of ``FirmForm.service_data``."""
    data = {name: getattr(firm, name) for name in services.FIRM_FIELDS}
    data["district_key"] = firm.district.key
    return data


def _display(name: str, value: Any, districts: dict[str, str]) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nein")
    if name.endswith("_cents"):
        return numbers.format_money(value)
    if name == "district_key":
        return districts.get(value, value)
    if name == "wz_code":
        return wz.describe(value) or value
    return str(value)


def _comparison(
    form: FirmEditForm, mine: dict[str, Any], stored: dict[str, Any]
) -> list[dict[str, Any]]:
    districts = {d.key: d.name for d in _districts()}
    labels = {
        "turnover_cents": form.turnover.label.text,
        "balance_sheet_cents": form.balance_sheet.label.text,
    }
    rows = []
    for name in (
        "name",
        "legal_form",
        "register_number",
        "wz_code",
        "street",
        "postcode",
        "city",
        "district_key",
        "email",
        "phone",
        "staff_over_30h",
        "staff_up_to_30h",
        "staff_up_to_20h",
        "staff_up_to_10h",
        "group_headcount",
        "turnover_cents",
        "balance_sheet_cents",
        "has_collective_agreement_training",
        "has_works_agreement_training",
        "has_works_council",
        "seat_in_thuringia",
    ):
        label = labels.get(name) or form[name].label.text
        rows.append(
            {
                "label": label,
                "mine": _display(name, mine.get(name), districts),
                "stored": _display(name, stored.get(name), districts),
                "differs": mine.get(name) != stored.get(name),
            }
        )
    return rows


@bp.route("/unternehmen", methods=["GET", "POST"])
@requires_role(*VIEWERS)
def index() -> Any:
    values = request.form if request.method == "POST" else request.args
    districts = _districts()
    district_key = values.get("kreis", "", type=str)
    if district_key not in {d.key for d in districts}:
        district_key = ""
    sort = values.get("sortierung", queries.DEFAULT_SORT, type=str)
    if sort not in queries.SORTS:
        sort = queries.DEFAULT_SORT
    if request.method == "POST":  # the search form; the name stays out of the URL (WEB-05)
        return search.submit("firms", "firms.index", {"kreis": district_key, "sortierung": sort})
    q, key = search.recall("firms")
    # Keyset pages and a bounded count, like the case lists: the page walks the list's
    # order on an index and tests the scope per row; no OFFSET, no count of the whole
    # scope (issue #22).
    pagination = keyset_page(
        queries.firm_list(current_user, q=q, district_key=district_key or None, sort=sort),
        request.args,
        per_page=PER_PAGE,
    )
    page_args = {"kreis": district_key, "sortierung": sort, search.PARAM: key}
    return render_template(
        "firms/index.html",
        pagination=pagination,
        q=q,
        page_args={k: v for k, v in page_args.items() if v},
        district_key=district_key,
        sort=sort,
        districts=districts,
        can_create=current_user.role in EDITORS,
    )


@bp.route("/unternehmen/kreis-vorschlag")
@requires_role(*VIEWERS)
def district_suggestion() -> Any:
    key = postcodes.suggest_district_key(request.args.get("plz", "", type=str))
    if key is None:
        return jsonify({})
    district = db.session.scalar(sa.select(District).where(District.key == key))
    if district is None:
        return jsonify({})
    return jsonify({"district_key": district.key, "district_name": district.name})


@bp.route("/unternehmen/neu", methods=["GET", "POST"])
@requires_role(*EDITORS)
def create() -> Any:
    form = FirmCreateForm()
    _prepare(form)
    if request.method == "GET":
        form.submission_token.data = idempotency.new_token()
        if not form.district_key.data:
            own = sorted(form.allowed_district_keys)
            form.district_key.data = own[0] if len(own) == 1 else ""
    token = form.submission_token.data or None
    if request.method == "POST" and (earlier := actions.repeated(token)):
        # Before validating: a resent form would meet its own firm as a duplicate.
        return earlier
    duplicates: list[dict[str, Any]] = []
    if form.validate_on_submit():
        data = form.service_data()
        if not form.confirm_new.data:
            duplicates = _duplicate_list(services.find_duplicates(data))
        if not duplicates:
            return actions.run(
                lambda: services.create_firm(current_user, data),
                then=lambda firm: url_for("firms.detail", firm_id=firm.id),
                message=_("Das Unternehmen wurde angelegt."),
                token=token,
                refused=lambda exc: _form_again(form, exc, firm=None),
            )
    return render_template("firms/form.html", form=form, firm=None, duplicates=duplicates)


def _form_again(form: Any, exc: DomainError, firm: Firm | None) -> str:
    """A refused save (the district is out of the user's area): the form again."""
    form.district_key.errors = [str(exc)]
    return render_template("firms/form.html", form=form, firm=firm, duplicates=[])


def _duplicate_list(matches: list[tuple[Firm, tuple[str, ...]]]) -> list[dict[str, Any]]:
    """Candidates for the warning; firms outside the user's scope stay anonymous."""
    if not matches:
        return []
    ids = [f.id for f, _r in matches]
    visible = set(db.session.scalars(access.visible_firm_ids(current_user).where(Firm.id.in_(ids))))
    return [
        {"firm": firm if firm.id in visible else None, "reasons": reasons}
        for firm, reasons in matches
    ]


@bp.route("/unternehmen/<int:firm_id>")
@requires_role(*VIEWERS)
def detail(firm_id: int) -> Any:
    from wbagentur.firms.people import (
        consent_purposes,
        contact_consents,
        employees_of,
        recipient_label,
    )

    firm = access.get_firm_for(current_user, firm_id)
    sme = rules.classify_sme(
        firm.weighted_headcount, firm.group_headcount, firm.turnover_cents, firm.balance_sheet_cents
    )
    employees = db.session.scalars(employees_of(current_user, firm.id).limit(200)).all()
    consents = contact_consents([c.id for c in firm.contacts])
    return render_template(
        "firms/detail.html",
        firm=firm,
        sme=sme,
        wz_label=wz.describe(firm.wz_code),
        can_edit=access.can_edit_firm(current_user, firm),
        employees=employees,
        consents=consents,
        contact_names={c.id: c.name for c in firm.contacts},
        consent_form=_contact_consent_form(firm),
        recipient_label=recipient_label,
        purposes=consent_purposes(),
    )


def _contact_consent_form(firm: Firm) -> ContactConsentForm:
    from wbagentur.firms.people import recipient_choices

    form = ContactConsentForm()
    form.contact_id.choices = opts(
        [(0, _("– bitte wählen –"))] + [(c.id, c.name) for c in firm.contacts]
    )
    form.recipient.choices = grouped(_("– bitte wählen –"), recipient_choices())
    return form


@bp.route("/unternehmen/<int:firm_id>/einwilligungen", methods=["POST"])
@requires_role(*EDITORS)
def consent_give(firm_id: int) -> Any:
    """A firm contact consents to passing data on to a partner (share_partner)."""
    from wbagentur.firms.people import give_share_consent

    firm = access.get_firm_for(current_user, firm_id, need="edit")
    form = _contact_consent_form(firm)
    back = _consents_url(firm)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(back)
    contact = access.get_contact_for(current_user, firm, form.contact_id.data)
    return actions.run(
        lambda: give_share_consent(current_user, recipient=form.recipient.data, contact=contact),
        then=back,
        message=_("Die Einwilligung wurde erfasst."),
    )


def _consents_url(firm: Firm) -> str:
    return url_for("firms.detail", firm_id=firm.id) + "#einwilligungen"


@bp.route("/unternehmen/<int:firm_id>/einwilligungen/<int:consent_id>/widerruf", methods=["POST"])
@requires_role(*EDITORS)
def consent_withdraw(firm_id: int, consent_id: int) -> Any:
    from wbagentur.firms.people import contact_consent, withdraw_contact_consent

    firm = access.get_firm_for(current_user, firm_id, need="edit")
    consent = contact_consent(consent_id, [c.id for c in firm.contacts])
    if consent is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    contact = access.get_contact_for(current_user, firm, consent.firm_contact_id or 0)
    return actions.run(
        lambda: withdraw_contact_consent(current_user, contact, consent),
        then=_consents_url(firm),
        message=_("Die Einwilligung wurde widerrufen."),
    )


@bp.route("/unternehmen/<int:firm_id>/bearbeiten", methods=["GET", "POST"])
@requires_role(*EDITORS)
def edit(firm_id: int) -> Any:
    firm = access.get_firm_for(current_user, firm_id, need="edit")
    if request.method == "GET":
        stored = firm_data(firm)
        form = FirmEditForm(
            data={
                **stored,
                "turnover": firm.turnover_cents,
                "balance_sheet": firm.balance_sheet_cents,
                "version": firm.version,
            }
        )
    else:
        form = FirmEditForm()
    _prepare(form, keep=firm.district.key)
    if form.validate_on_submit():
        data = form.service_data()
        try:
            expected = int(form.version.data) if form.version.data else None
        except ValueError:
            abort(400)
        return actions.run(
            lambda: services.update_firm(current_user, firm, data, expected),
            then=url_for("firms.detail", firm_id=firm.id),
            message=_("Die Änderungen wurden gespeichert."),
            conflict=lambda exc: _edit_conflict(form, data, firm_id, exc),
            refused=lambda exc: _form_again(form, exc, firm),
        )
    return render_template("firms/form.html", form=form, firm=firm, duplicates=[])


def _edit_conflict(
    form: FirmEditForm, data: dict[str, Any], firm_id: int, exc: ConflictError
) -> tuple[str, int]:
    """Somebody saved the firm meanwhile: the input beside what is stored now."""
    firm = access.get_firm_for(current_user, firm_id)
    rows = _comparison(form, data, firm_data(firm))
    return render_template("firms/conflict.html", firm=firm, rows=rows, message=str(exc)), 409


@bp.route("/unternehmen/<int:firm_id>/kontakte/neu", methods=["GET", "POST"])
@requires_role(*EDITORS)
def contact_create(firm_id: int) -> Any:
    firm = access.get_firm_for(current_user, firm_id, need="edit")
    form = ContactForm()
    if request.method == "GET":
        form.submission_token.data = idempotency.new_token()
    if form.validate_on_submit():
        return actions.run(
            lambda: services.add_contact(current_user, firm, form.service_data()),
            then=url_for("firms.detail", firm_id=firm.id),
            message=_("Die Ansprechperson wurde hinzugefügt."),
            token=form.submission_token.data or None,
        )
    return render_template("firms/contact_form.html", form=form, firm=firm, contact=None)


@bp.route(
    "/unternehmen/<int:firm_id>/kontakte/<int:contact_id>/bearbeiten", methods=["GET", "POST"]
)
@requires_role(*EDITORS)
def contact_edit(firm_id: int, contact_id: int) -> Any:
    firm = access.get_firm_for(current_user, firm_id, need="edit")
    contact = access.get_contact_for(current_user, firm, contact_id)
    form = ContactForm(obj=contact) if request.method == "GET" else ContactForm()
    if form.validate_on_submit():
        return actions.run(
            lambda: services.update_contact(current_user, contact, form.service_data()),
            then=url_for("firms.detail", firm_id=firm.id),
            message=_("Die Ansprechperson wurde gespeichert."),
        )
    return render_template("firms/contact_form.html", form=form, firm=firm, contact=contact)


@bp.route("/unternehmen/<int:firm_id>/kontakte/<int:contact_id>/loeschen", methods=["GET", "POST"])
@requires_role(*EDITORS)
def contact_delete(firm_id: int, contact_id: int) -> Any:
    firm = access.get_firm_for(current_user, firm_id, need="edit")
    contact = access.get_contact_for(current_user, firm, contact_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        return actions.run(
            lambda: services.remove_contact(current_user, contact),
            then=url_for("firms.detail", firm_id=firm.id),
            message=_("Die Ansprechperson wurde entfernt."),
        )
    return render_template("firms/contact_delete.html", form=form, firm=firm, contact=contact)
