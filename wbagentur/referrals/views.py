"""Routes:
  /weiterleitungen                          GET       mine              A, S
  /weiterleitungen/<id>                     GET       detail            A, S, C
  /weiterleitungen/<id>/senden              POST      send              A, S
  /weiterleitungen/<id>/zurueckziehen       POST      withdraw          A, S
  /weiterleitungen/<id>/antwort/annehmen    POST      record_accept     A, S
  /weiterleitungen/<id>/antwort/ablehnen    POST      record_decline    A, S
  /weiterleitungen/<id>/antwort/rueckfrage  POST      record_return     A, S
  /weiterleitungen/<id>/antwort/abschluss   POST      record_complete   A, S
  /faelle/<id>/weiterleiten                 GET/POST  case_new          A, S
  /faelle/<id>/uebergeben                   GET/POST  case_transfer     A, S
  /uebergaben                               GET       transfers         A, S, C
  /uebergaben/<id>/annehmen                 POST      transfer_accept   A, S
  /uebergaben/<id>/ablehnen                 POST      transfer_decline  A, S
  /uebergaben/<id>/zuruecknehmen            POST      transfer_cancel   A, S
  /partner                                  GET       partners          D, C, S, A
  /partner/neu                              GET/POST  partner_create    D
  /partner/<id>                             GET       partner_detail    D, C, S, A
  /partner/<id>/bearbeiten                  GET/POST  partner_edit      D
  /partner/<id>/aktiv                       POST      partner_active    D
  /weiterleitung/<token>                    GET       partner_page      public (secret link)
  /weiterleitung/<token>/annehmen           POST      partner_accept    public (secret link)
  /weiterleitung/<token>/ablehnen           POST      partner_decline   public (secret link)
  /weiterleitung/<token>/rueckfrage         POST      partner_return    public (secret link)
  /weiterleitung/<token>/abschluss          POST      partner_complete  public (secret link)
  /weiterleitung-beantwortet                GET       partner_thanks    public
Endpoints in the blueprint 'referrals'; roles: A advisor, S supervisor, C coordinator, D admin.

The partner token is a secret: it is never logged, and partner pages are ``no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user
from werkzeug.wrappers import Response

from wbagentur.cases.access import get_case_for
from wbagentur.cases.models import STATUSES as CASE_STATUSES
from wbagentur.cases.models import TOPICS, Case, TimelineEntry
from wbagentur.core import audit, idempotency, numbers
from wbagentur.core.access import public, requires_role
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.core.pagination import keyset_page
from wbagentur.core.timezone import local_today
from wbagentur.extensions import db
from wbagentur.firms.forms import grouped, opts
from wbagentur.firms.models import FirmContact
from wbagentur.persons.models import EMPLOYMENT_STATUSES, QUALIFICATIONS, Person
from wbagentur.referrals import bp, forms, queries, rules, services
from wbagentur.referrals.access import (
    can_edit_referral,
    get_partner,
    get_referral_for,
    get_transfer_for,
)
from wbagentur.referrals.consents import (
    give_share_consent,
    is_legacy,
    recipient_choices,
    recipient_label,
)
from wbagentur.referrals.data import (
    AWAITING_STATES,
    DATA_CATEGORIES,
    DECLINE_REASONS,
    OUTCOMES,
    PARTNER_KINDS,
    PROGRAMMES,
    STATES,
    TRANSFER_STATES,
    VIA,
)
from wbagentur.referrals.data import (
    TOPICS as NEEDS,
)
from wbagentur.referrals.models import Partner, Referral, Transfer
from wbagentur.regions.models import District, Region

REGIONAL = ("advisor", "supervisor")
READERS = ("advisor", "supervisor", "coordinator")
ALL_STAFF = ("admin", "coordinator", "supervisor", "advisor")
PER_PAGE = 25

LABELS = {
    "states": STATES,
    "kinds": PARTNER_KINDS,
    "programmes": PROGRAMMES,
    "categories": DATA_CATEGORIES,
    "decline_reasons": DECLINE_REASONS,
    "outcomes": OUTCOMES,
    "via": VIA,
    "transfer_states": TRANSFER_STATES,
    "needs": {k: v[0] for k, v in NEEDS.items()},
    "case_statuses": CASE_STATUSES,
}
FILTERS = {
    "": _l("alle"),
    "gesendet": _l("gesendet"),
    "offen": _l("wartet auf Antwort"),
    "ueberfaellig": _l("überfällig"),
    "beantwortet": _l("beantwortet"),
}


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, labels=LABELS, today=local_today(), **context), status


def _is_overdue(referral: Referral) -> bool:
    return (
        referral.state in AWAITING_STATES
        and referral.due_date is not None
        and referral.due_date < local_today()
    )


def _conflict(message: str, back: str) -> tuple[str, int]:
    db.session.rollback()
    return _render("referrals/conflict.html", 409, message=message, back=back)


# ---------------------------------------------------------------- referral from a case


def _firm_district_key(case: Case) -> str | None:
    if case.firm is not None:
        return case.firm.district.key
    if case.person is not None and case.person.residence_district is not None:
        return case.person.residence_district.key
    return None


def _partner_choices(
    case: Case, need: str | None
) -> tuple[dict[str, list[tuple[int, str]]], list[int]]:
    infos = services.partner_infos()
    suggested = rules.suggest_partners(infos, _firm_district_key(case), need)
    ids = [p.id for p in suggested]
    rest = [(p.id, p.name) for p in infos if p.id not in ids]
    choices: dict[str, list[tuple[int, str]]] = {}
    if suggested:
        choices[_("Vorschläge")] = [(p.id, p.name) for p in suggested]
    choices[_("Alle Partnerstellen")] = rest
    return choices, ids


def _consent_label(consent: Any) -> str:
    if consent.person_id:
        person = db.session.get(Person, consent.person_id)
        subject = person.full_name if person else "–"
    else:
        contact = db.session.get(FirmContact, consent.firm_contact_id)
        subject = contact.name if contact else "–"
    recipient = recipient_label(consent)
    given = f"{consent.given_at:%d.%m.%Y}"
    return f"{subject} – {recipient} ({_('Version')} {consent.text_version}, {given})"


def _consent_subjects(case: Case) -> list[tuple[str, str]]:
    """Who can consent for this case: its person, its participants, the firm's contacts."""
    people = {p.id: p for p in [case.person, *case.participants] if p is not None}
    subjects = [(f"person:{p.id}", p.full_name) for p in people.values()]
    if case.firm is not None:
        subjects += [
            (f"contact:{c.id}", _("%(name)s (Ansprechperson)", name=c.name))
            for c in case.firm.contacts
        ]
    return subjects


def _consent_form(
    case: Case, formdata: Any = None, partner_id: int | None = None
) -> forms.InlineConsentForm:
    form = forms.InlineConsentForm(formdata, prefix="einwilligung", meta={"csrf": False})
    form.subject.choices = opts([("", _("– bitte wählen –"))] + _consent_subjects(case))
    form.recipient.choices = grouped(_("– bitte wählen –"), recipient_choices())
    if formdata is None and partner_id:
        form.recipient.data = f"partner:{partner_id}"
    return form


def _record_inline_consent(case: Case, form: forms.InlineConsentForm) -> Any:
    kind, _sep, raw_id = (form.subject.data or "").partition(":")
    if kind == "person" and raw_id.isdigit():
        person = next(
            (p for p in [case.person, *case.participants] if p and p.id == int(raw_id)), None
        )
        if person is not None:
            return give_share_consent(current_user, recipient=form.recipient.data, person=person)
    if kind == "contact" and raw_id.isdigit() and case.firm is not None:
        contact = next((c for c in case.firm.contacts if c.id == int(raw_id)), None)
        if contact is not None:
            return give_share_consent(current_user, recipient=form.recipient.data, contact=contact)
    raise DomainError(_("Bitte wählen Sie, wer einwilligt."))


def _referral_form(case: Case, formdata: Any = None) -> tuple[forms.ReferralForm, list[int]]:
    form = forms.ReferralForm(formdata)
    need = request.args.get("bedarf") or (form.programme.data if formdata else None) or None
    if need not in PROGRAMMES and need not in NEEDS:
        need = None
    form.partner_id.choices, suggested = _partner_choices(case, need)
    form.programme.choices = [("", _("kein bestimmtes Programm"))] + [
        (k, _(v)) for k, v in PROGRAMMES.items()
    ]
    form.data_categories.choices = [(k, _(v)) for k, v in DATA_CATEGORIES.items()]
    form.consent_id.choices = [(0, _("keine – Rechtsgrundlage angeben"))] + [
        (c.id, _consent_label(c)) for c in services.usable_consents(case) if not is_legacy(c)
    ]
    if formdata is None:
        if need in PROGRAMMES:
            form.programme.data = need
        if suggested:
            form.partner_id.data = suggested[0]
        form.submission_token.data = idempotency.new_token()
    return form, suggested


def _new_page(case: Case, form: Any, suggested: list[int], **extra: Any) -> tuple[str, int]:
    if "consent_form" not in extra:
        extra["consent_form"] = _consent_form(case, partner_id=form.partner_id.data)
    return _render(
        "referrals/new.html", case=case, form=form, suggested=suggested, needs=NEEDS, **extra
    )


def _consent_step(case: Case) -> tuple[str, int]:
    """ "Einwilligung jetzt erfassen": record it, then show the referral form again with
    everything typed so far and the new consent chosen."""
    consent_form = _consent_form(case, request.form)
    if consent_form.validate():
        try:
            consent = _record_inline_consent(case, consent_form)
        except DomainError as error:
            db.session.rollback()
            consent_form.subject.errors = [str(error)]
        else:
            db.session.commit()
            data = request.form.copy()
            data["consent_id"] = str(consent.id)
            form, suggested = _referral_form(case, data)
            return _new_page(
                case,
                form,
                suggested,
                consent_saved=_("Die Einwilligung wurde erfasst und ist unten ausgewählt."),
            )
    form, suggested = _referral_form(case, request.form)
    return _new_page(case, form, suggested, consent_form=consent_form, consent_open=True)


@bp.route("/faelle/<int:case_id>/weiterleiten", methods=["GET", "POST"])
@requires_role(*REGIONAL)
def case_new(case_id: int) -> Any:
    case = get_case_for(current_user, case_id, need="edit")
    if request.method == "GET":
        form, suggested = _referral_form(case)
        return _new_page(case, form, suggested)
    if request.form.get("action") == "consent":
        return _consent_step(case)
    form, suggested = _referral_form(case, request.form)
    previous = idempotency.already_processed(form.submission_token.data)
    if previous:
        return redirect(previous)
    if not form.validate():
        return _new_page(case, form, suggested)
    send = request.form.get("action") != "draft"
    try:
        referral = services.create_referral(
            current_user,
            case,
            partner_id=form.partner_id.data,
            programme=form.programme.data or None,
            purpose=form.purpose.data,
            data_categories=form.data_categories.data,
            consent_id=form.consent_id.data or None,
            legal_basis=form.legal_basis.data or None,
            due_days=form.due_days.data,
            message=form.message.data or None,
            send=send,
        )
        target = url_for("referrals.detail", referral_id=referral.id)
        if form.submission_token.data:
            idempotency.claim(form.submission_token.data, target)
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _new_page(case, form, suggested, error=str(error))
    db.session.commit()
    flash(
        _("Die Weiterleitung wurde gesendet.") if send else _("Der Entwurf wurde gespeichert."),
        "success",
    )
    return redirect(target)


# ---------------------------------------------------------------- referral pages


@bp.route("/weiterleitungen")
@requires_role(*REGIONAL)
def mine() -> Any:
    flt = request.args.get("filter", "")
    if flt not in FILTERS:
        flt = ""
    stmt = queries.my_referrals(current_user, flt or None, local_today())
    page = keyset_page(stmt, request.args, per_page=PER_PAGE)
    return _render(
        "referrals/mine.html", page=page, flt=flt, filters=FILTERS, is_overdue=_is_overdue
    )


@bp.route("/weiterleitungen/<int:referral_id>")
@requires_role(*READERS)
def detail(referral_id: int) -> Any:
    referral = get_referral_for(current_user, referral_id)
    audit.record_read(current_user, "referral.view", "referral", referral.id)
    return _detail(referral)


def _detail(referral: Referral, status: int = 200, **overrides: Any) -> tuple[str, int]:
    decline_form = forms.DeclineForm(prefix="decline")
    decline_form.reason.choices = [("", _("Bitte wählen"))] + [
        (k, _(v)) for k, v in DECLINE_REASONS.items()
    ]
    complete_form = forms.CompleteForm(prefix="complete")
    complete_form.outcome.choices = [("", _("Bitte wählen"))] + [
        (k, _(v)) for k, v in OUTCOMES.items()
    ]
    context: dict[str, Any] = {
        "referral": referral,
        "events": db.session.scalars(queries.events(referral.id)).all(),
        "editable": can_edit_referral(current_user, referral),
        "overdue": _is_overdue(referral),
        "note_form": forms.NoteForm(prefix="note"),
        "decline_form": decline_form,
        "return_form": forms.ReturnForm(prefix="return"),
        "complete_form": complete_form,
    }
    context.update(overrides)
    return _render("referrals/detail.html", status, **context)


def _staff_action(referral_id: int, action: Callable[[Referral], Any], message: str) -> Any:
    referral = get_referral_for(current_user, referral_id, need="edit")
    back = url_for("referrals.detail", referral_id=referral.id)
    try:
        result = action(referral)
    except ConflictError as error:
        return _conflict(str(error), back)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    if isinstance(result, tuple):  # a form did not validate: re-render
        db.session.rollback()
        return _detail(referral, **result[0])
    db.session.commit()
    flash(message, "success")
    return redirect(back)


@bp.route("/weiterleitungen/<int:referral_id>/senden", methods=["POST"])
@requires_role(*REGIONAL)
def send(referral_id: int) -> Any:
    return _staff_action(
        referral_id,
        lambda r: services.send_referral(current_user, r),
        _("Die Weiterleitung wurde gesendet."),
    )


@bp.route("/weiterleitungen/<int:referral_id>/zurueckziehen", methods=["POST"])
@requires_role(*REGIONAL)
def withdraw(referral_id: int) -> Any:
    def act(referral: Referral) -> Any:
        form = forms.NoteForm(prefix="note")
        if not form.validate():
            return ({"note_form": form},)
        return services.withdraw_referral(current_user, referral, form.note.data or None)

    return _staff_action(referral_id, act, _("Die Weiterleitung wurde zurückgezogen."))


@bp.route("/weiterleitungen/<int:referral_id>/antwort/annehmen", methods=["POST"])
@requires_role(*REGIONAL)
def record_accept(referral_id: int) -> Any:
    def act(referral: Referral) -> Any:
        form = forms.NoteForm(prefix="note")
        if not form.validate():
            return ({"note_form": form},)
        return services.accept_referral(
            current_user, referral, via="staff", note=form.note.data or None
        )

    return _staff_action(referral_id, act, _("Die Annahme wurde erfasst."))


@bp.route("/weiterleitungen/<int:referral_id>/antwort/ablehnen", methods=["POST"])
@requires_role(*REGIONAL)
def record_decline(referral_id: int) -> Any:
    def act(referral: Referral) -> Any:
        form = forms.DeclineForm(prefix="decline")
        form.reason.choices = [("", _("Bitte wählen"))] + [
            (k, _(v)) for k, v in DECLINE_REASONS.items()
        ]
        if not form.validate():
            return ({"decline_form": form},)
        return services.decline_referral(
            current_user,
            referral,
            via="staff",
            reason=form.reason.data,
            note=form.note.data or None,
        )

    return _staff_action(referral_id, act, _("Die Ablehnung wurde erfasst."))


@bp.route("/weiterleitungen/<int:referral_id>/antwort/rueckfrage", methods=["POST"])
@requires_role(*REGIONAL)
def record_return(referral_id: int) -> Any:
    def act(referral: Referral) -> Any:
        form = forms.ReturnForm(prefix="return")
        if not form.validate():
            return ({"return_form": form},)
        return services.return_referral(current_user, referral, via="staff", note=form.note.data)

    return _staff_action(referral_id, act, _("Die Rückfrage wurde erfasst."))


def _complete_values(form: forms.CompleteForm) -> dict[str, Any]:
    amount = form.amount.data
    voucher = {"ja": True, "nein": False}.get(form.voucher_issued.data or "")
    return {
        "outcome": form.outcome.data,
        "amount_cents": amount if isinstance(amount, int) else None,
        "decision_date": form.decision_date.data,
        "course_start": form.course_start.data,
        "voucher_issued": voucher,
        "note": form.note.data or None,
    }


@bp.route("/weiterleitungen/<int:referral_id>/antwort/abschluss", methods=["POST"])
@requires_role(*REGIONAL)
def record_complete(referral_id: int) -> Any:
    def act(referral: Referral) -> Any:
        form = forms.CompleteForm(prefix="complete")
        form.outcome.choices = [("", _("Bitte wählen"))] + [(k, _(v)) for k, v in OUTCOMES.items()]
        if not form.validate():
            return ({"complete_form": form},)
        return services.complete_referral(
            current_user, referral, via="staff", **_complete_values(form)
        )

    return _staff_action(referral_id, act, _("Das Ergebnis wurde erfasst."))


# ---------------------------------------------------------------- transfers


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
        return _render("referrals/transfer_new.html", case=case, form=_transfer_form(case))
    form = _transfer_form(case, request.form)
    previous = idempotency.already_processed(form.submission_token.data)
    if previous:
        return redirect(previous)
    if not form.validate():
        return _render("referrals/transfer_new.html", case=case, form=form)
    try:
        services.request_transfer(
            current_user, case, to_region_id=form.to_region_id.data, reason=form.reason.data
        )
        target = url_for("cases.detail", case_id=case.id)
        if form.submission_token.data:
            idempotency.claim(form.submission_token.data, target)
    except DomainError as error:
        db.session.rollback()
        return _render("referrals/transfer_new.html", case=case, form=form, error=str(error))
    db.session.commit()
    flash(_("Die Übergabe wurde angefragt. Die empfangende Region muss sie annehmen."), "success")
    return redirect(target)


@bp.route("/uebergaben")
@requires_role(*READERS)
def transfers() -> Any:
    incoming = db.session.scalars(
        queries.region_transfers(current_user, incoming=True).limit(200)
    ).all()
    outgoing = (
        db.session.scalars(queries.region_transfers(current_user, incoming=False).limit(200)).all()
        if current_user.region_id is not None
        else []
    )
    return _render(
        "referrals/transfers.html",
        incoming=incoming,
        outgoing=outgoing,
        form=forms.TransferDecisionForm(),
    )


def _transfer_action(
    transfer_id: int, action: Callable[[Transfer, forms.TransferDecisionForm], Any], message: str
) -> Any:
    transfer = get_transfer_for(current_user, transfer_id)
    form = forms.TransferDecisionForm()
    back = url_for("referrals.transfers")
    if not form.validate():
        flash(_("Bitte prüfen Sie Ihre Eingaben."), "error")
        return redirect(back)
    try:
        action(transfer, form)
    except ConflictError as error:
        return _conflict(str(error), back)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    flash(message, "success")
    return redirect(back)


def _version(form: forms.TransferDecisionForm) -> int | None:
    try:
        return int(form.version.data) if form.version.data else None
    except ValueError:
        return None


@bp.route("/uebergaben/<int:transfer_id>/annehmen", methods=["POST"])
@requires_role(*REGIONAL)
def transfer_accept(transfer_id: int) -> Any:
    return _transfer_action(
        transfer_id,
        lambda t, f: services.accept_transfer(current_user, t, _version(f)),
        _("Der Fall wurde übernommen."),
    )


@bp.route("/uebergaben/<int:transfer_id>/ablehnen", methods=["POST"])
@requires_role(*REGIONAL)
def transfer_decline(transfer_id: int) -> Any:
    return _transfer_action(
        transfer_id,
        lambda t, f: services.decline_transfer(current_user, t, f.reason.data or "", _version(f)),
        _("Die Übergabe wurde abgelehnt."),
    )


@bp.route("/uebergaben/<int:transfer_id>/zuruecknehmen", methods=["POST"])
@requires_role(*REGIONAL)
def transfer_cancel(transfer_id: int) -> Any:
    return _transfer_action(
        transfer_id,
        lambda t, f: services.cancel_transfer(current_user, t, _version(f)),
        _("Die Übergabe wurde zurückgenommen."),
    )


# ---------------------------------------------------------------- partner directory


@bp.route("/partner")
@requires_role(*ALL_STAFF)
def partners() -> Any:
    rows = db.session.scalars(queries.partners(include_inactive=current_user.role == "admin")).all()
    return _render("referrals/partners.html", partners=rows)


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
def partner_create() -> Any:
    if request.method == "GET":
        form = _partner_form(answer_days=10, submission_token=idempotency.new_token())
        return _render("referrals/partner_form.html", form=form, partner=None)
    form = _partner_form(request.form)
    previous = idempotency.already_processed(form.submission_token.data)
    if previous:
        return redirect(previous)
    if not form.validate():
        return _render("referrals/partner_form.html", form=form, partner=None)
    try:
        partner = services.create_partner(
            current_user, code=form.code.data, **_partner_values(form)
        )
        target = url_for("referrals.partner_detail", partner_id=partner.id)
        if form.submission_token.data:
            idempotency.claim(form.submission_token.data, target)
    except DomainError as error:
        db.session.rollback()
        return _render("referrals/partner_form.html", form=form, partner=None, error=str(error))
    db.session.commit()
    flash(_("Die Partnerstelle wurde angelegt."), "success")
    return redirect(target)


@bp.route("/partner/<int:partner_id>")
@requires_role(*ALL_STAFF)
def partner_detail(partner_id: int) -> Any:
    partner = get_partner(partner_id)
    history: list[Referral] = []
    counts: dict[str, int] = {}
    median = None
    if current_user.role != "admin":  # administrators see no client data
        history = list(
            db.session.scalars(queries.partner_referrals(current_user, partner.id).limit(200))
        )
        counts = dict(
            db.session.execute(queries.partner_state_counts(current_user, partner.id))
            .tuples()
            .all()
        )
        pairs = [
            (r.sent_at.date(), r.answered_at.date())
            for r in db.session.scalars(queries.partner_referrals(current_user, partner.id))
            if r.sent_at and r.answered_at
        ]
        median = rules.median_working_days(pairs)
    return _render(
        "referrals/partner_detail.html",
        partner=partner,
        history=history,
        counts=counts,
        median=median,
        state_form=forms.PartnerStateForm(version=partner.version),
        is_overdue=_is_overdue,
    )


@bp.route("/partner/<int:partner_id>/bearbeiten", methods=["GET", "POST"])
@requires_role("admin")
def partner_edit(partner_id: int) -> Any:
    partner = get_partner(partner_id)
    if request.method == "GET":
        form = _partner_form(obj=partner, version=partner.version)
        form.region_id.data = partner.region_id or 0
        form.district_ids.data = [d.id for d in partner.districts]
        form.programmes.data = partner.programmes
        return _render("referrals/partner_form.html", form=form, partner=partner)
    form = _partner_form(request.form)
    form.code.data = partner.code  # the code is fixed once created
    if not form.validate():
        return _render("referrals/partner_form.html", form=form, partner=partner)
    values = _partner_values(form)
    try:
        expected = int(form.version.data) if (form.version.data or "").isdigit() else None
        services.update_partner(current_user, partner, expected_version=expected, **values)
    except ConflictError as error:
        db.session.rollback()
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
            "referrals/partner_conflict.html",
            409,
            partner=fresh,
            message=str(error),
            stored=stored,
            submitted=submitted,
        )
    except DomainError as error:
        db.session.rollback()
        return _render("referrals/partner_form.html", form=form, partner=partner, error=str(error))
    db.session.commit()
    flash(_("Die Partnerstelle wurde gespeichert."), "success")
    return redirect(url_for("referrals.partner_detail", partner_id=partner.id))


@bp.route("/partner/<int:partner_id>/aktiv", methods=["POST"])
@requires_role("admin")
def partner_active(partner_id: int) -> Any:
    partner = get_partner(partner_id)
    form = forms.PartnerStateForm()
    back = url_for("referrals.partner_detail", partner_id=partner.id)
    active = request.form.get("active") == "1"
    try:
        expected = int(form.version.data) if (form.version.data or "").isdigit() else None
        services.set_partner_active(current_user, partner, active, expected)
    except ConflictError as error:
        return _conflict(str(error), back)
    db.session.commit()
    flash(
        _("Die Partnerstelle ist wieder aktiv.")
        if active
        else _("Die Partnerstelle wurde deaktiviert."),
        "success",
    )
    return redirect(back)


# ---------------------------------------------------------------- partner link (no account)


def _no_store(body: Any, status: int = 200) -> Response:
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _invalid_link(kind: str) -> Response:
    status = 410 if kind in ("expired", "closed") else 404
    html = render_template("referrals/partner_invalid.html", kind=kind)
    return _no_store(html, status)


def _contact_rows(people: list[Person], firm: Any) -> list[tuple[str, str]]:
    rows = [(p.full_name, ", ".join(v for v in (p.email, p.phone) if v) or "–") for p in people]
    if firm is not None:
        rows += [
            (c.name, ", ".join(v for v in (c.function, c.email, c.phone) if v) or "–")
            for c in firm.contacts
        ]
    return rows


def _person_rows(code: str, people: list[Person]) -> list[tuple[str, str]]:
    """Employment or qualification of each person of the case."""
    rows: list[tuple[str, str]] = []
    for p in people:
        if code == "employment":
            status = EMPLOYMENT_STATUSES.get(p.employment_status or "", "–")
            hours = (
                f", {numbers.format_number(p.weekly_hours)} Std./Woche" if p.weekly_hours else ""
            )
            rows.append((p.full_name, f"{status}{hours}"))
        else:
            qual = QUALIFICATIONS.get(p.qualification or "", "–")
            year = f" ({p.qualification_year})" if p.qualification_year else ""
            rows.append((p.full_name, f"{qual}{year}"))
    return rows


def _funding_check_rows(case: Case) -> list[tuple[str, str]]:
    """The latest saved check's summary (catalogue notices have their own kind)."""
    entry = db.session.scalar(
        sa.select(TimelineEntry)
        .where(TimelineEntry.case_id == case.id, TimelineEntry.kind == "funding_check")
        .order_by(TimelineEntry.at.desc(), TimelineEntry.id.desc())
        .limit(1)
    )
    text = entry.body if entry and entry.body else _("keine Förderprüfung erfasst")
    return [(_("Förderprüfung"), text)]


def disclosed_data(referral: Referral) -> list[tuple[str, list[tuple[str, str]]]]:
    """Only the shared categories' content, for the partner page (DP-10 allowlist)."""
    case = referral.case
    firm = case.firm
    people = [p for p in [case.person, *case.participants] if p is not None]
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    for code in referral.categories:
        rows: list[tuple[str, str]] = []
        if code == "contact":
            rows = _contact_rows(people, firm)
        elif code == "firm" and firm is not None:
            rows += [
                (pgettext("firm, singular", "Unternehmen"), firm.name),
                (
                    _("Anschrift"),
                    " ".join(v for v in (firm.street, firm.postcode, firm.city) if v) or "–",
                ),
                (_("Landkreis"), firm.district.name),
                (_("Beschäftigte"), str(firm.headcount)),
            ]
        elif code in ("employment", "qualification"):
            rows = _person_rows(code, people)
        elif code == "planned_course":
            rows.append((_("Vorhaben"), case.title))
            topics = ", ".join(str(TOPICS[t]) for t in case.topics)
            if topics:
                rows.append((_("Themen"), topics))
        elif code == "funding_check":
            rows = _funding_check_rows(case)
        sections.append((DATA_CATEGORIES[code], rows))
    return sections


def _partner_forms() -> dict[str, Any]:
    decline_form = forms.DeclineForm(prefix="decline")
    decline_form.reason.choices = [("", _("Bitte wählen"))] + [
        (k, _(v)) for k, v in DECLINE_REASONS.items()
    ]
    complete_form = forms.CompleteForm(prefix="complete")
    complete_form.outcome.choices = [("", _("Bitte wählen"))] + [
        (k, _(v)) for k, v in OUTCOMES.items()
    ]
    return {
        "note_form": forms.NoteForm(prefix="note"),
        "decline_form": decline_form,
        "return_form": forms.ReturnForm(prefix="return"),
        "complete_form": complete_form,
    }


def _partner_render(
    token: str, referral: Referral, status: int = 200, **overrides: Any
) -> Response:
    context = _partner_forms()
    context.update(overrides)
    html = render_template(
        "referrals/partner_page.html",
        token=token,
        referral=referral,
        shared=disclosed_data(referral),
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


def _partner_action(token: str, action: Callable[[Referral], Any], done: bool) -> Any:
    referral, status = services.referral_for_token(token)
    if referral is None or status != "ok":
        return _invalid_link(status)
    try:
        result = action(referral)
    except ConflictError as error:
        db.session.rollback()
        return _no_store(
            render_template("referrals/partner_invalid.html", kind="conflict", message=str(error)),
            409,
        )
    except DomainError as error:
        db.session.rollback()
        return _partner_render(token, referral, 200, error=str(error))
    if isinstance(result, tuple):
        db.session.rollback()
        return _partner_render(token, referral, 200, **result[0])
    db.session.commit()
    if done:
        return redirect(url_for("referrals.partner_thanks"), code=303)
    flash(_("Vielen Dank – Ihre Antwort wurde übermittelt."), "success")
    return redirect(url_for("referrals.partner_page", token=token), code=303)


@bp.route("/weiterleitung/<token>/annehmen", methods=["POST"])
@public
def partner_accept(token: str) -> Any:
    def act(referral: Referral) -> Any:
        form = forms.NoteForm(prefix="note")
        if not form.validate():
            return ({"note_form": form},)
        return services.accept_referral(
            None, referral, via="partner_link", note=form.note.data or None
        )

    return _partner_action(token, act, done=False)


@bp.route("/weiterleitung/<token>/ablehnen", methods=["POST"])
@public
def partner_decline(token: str) -> Any:
    def act(referral: Referral) -> Any:
        form = forms.DeclineForm(prefix="decline")
        form.reason.choices = [("", _("Bitte wählen"))] + [
            (k, _(v)) for k, v in DECLINE_REASONS.items()
        ]
        if not form.validate():
            return ({"decline_form": form},)
        return services.decline_referral(
            None, referral, via="partner_link", reason=form.reason.data, note=form.note.data or None
        )

    return _partner_action(token, act, done=True)


@bp.route("/weiterleitung/<token>/rueckfrage", methods=["POST"])
@public
def partner_return(token: str) -> Any:
    def act(referral: Referral) -> Any:
        form = forms.ReturnForm(prefix="return")
        if not form.validate():
            return ({"return_form": form},)
        return services.return_referral(None, referral, via="partner_link", note=form.note.data)

    return _partner_action(token, act, done=True)


@bp.route("/weiterleitung/<token>/abschluss", methods=["POST"])
@public
def partner_complete(token: str) -> Any:
    def act(referral: Referral) -> Any:
        form = forms.CompleteForm(prefix="complete")
        form.outcome.choices = [("", _("Bitte wählen"))] + [(k, _(v)) for k, v in OUTCOMES.items()]
        if not form.validate():
            return ({"complete_form": form},)
        return services.complete_referral(
            None, referral, via="partner_link", **_complete_values(form)
        )

    return _partner_action(token, act, done=True)


@bp.route("/weiterleitung-beantwortet")
@public
def partner_thanks() -> Any:
    return _no_store(render_template("referrals/partner_thanks.html"))


def case_section_context(case: Case) -> dict[str, Any]:
    """Referrals and transfers of a case for ``_case_section.html``."""
    return {
        "case_referrals": db.session.scalars(queries.referrals_of_case(case.id)).all(),
        "case_transfers": db.session.scalars(queries.transfers_of_case(case.id)).all(),
    }


@bp.app_context_processor
def _section_helpers() -> dict[str, Any]:
    return {
        "referral_section": case_section_context,
        "referral_labels": LABELS,
        "referral_overdue": _is_overdue,
    }
