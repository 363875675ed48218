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
In transfer_views.py:
  /faelle/<id>/uebergeben                   GET/POST  case_transfer     A, S
  /uebergaben                               GET       transfers         A, S, C
  /uebergaben/<id>/annehmen                 POST      transfer_accept   A, S
  /uebergaben/<id>/ablehnen                 POST      transfer_decline  A, S
  /uebergaben/<id>/zuruecknehmen            POST      transfer_cancel   A, S
In partner_link.py (the partner's answer through its secret link, no account):
  /weiterleitung/<token>                    GET       partner_page      public (secret link)
  /weiterleitung/<token>/annehmen           POST      partner_accept    public (secret link)
  /weiterleitung/<token>/ablehnen           POST      partner_decline   public (secret link)
  /weiterleitung/<token>/rueckfrage         POST      partner_return    public (secret link)
  /weiterleitung/<token>/abschluss          POST      partner_complete  public (secret link)
  /weiterleitung-beantwortet                GET       partner_thanks    public
Endpoints in the blueprint 'referrals'; roles: A advisor, S supervisor, C coordinator.
The partner directory (/partner…) is the blueprint 'partners'.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import render_template, request, url_for
from flask_login import current_user

from wbagentur.cases.access import get_case_for
from wbagentur.cases.models import STATUSES as CASE_STATUSES
from wbagentur.cases.models import Case
from wbagentur.core import actions, audit, idempotency
from wbagentur.core.access import requires_role
from wbagentur.core.errors_domain import DomainError
from wbagentur.core.pagination import keyset_page
from wbagentur.core.timezone import local_today
from wbagentur.core.translation import gettext as _
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.extensions import db
from wbagentur.firms.forms import grouped, opts
from wbagentur.firms.models import FirmContact
from wbagentur.partners import rules as partner_rules
from wbagentur.partners import services as partner_services
from wbagentur.partners.data import PARTNER_KINDS, PROGRAMMES
from wbagentur.partners.data import TOPICS as NEEDS
from wbagentur.partners.models import Partner
from wbagentur.persons.models import Person
from wbagentur.referrals import bp, forms, queries, rules, services
from wbagentur.referrals.access import can_edit_referral, get_referral_for
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
    STATES,
    TRANSFER_STATES,
    VIA,
)
from wbagentur.referrals.models import Referral

REGIONAL = ("advisor", "supervisor")
READERS = ("advisor", "supervisor", "coordinator")
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


def render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, labels=LABELS, today=local_today(), **context), status


def is_overdue(referral: Referral) -> bool:
    return (
        referral.state in AWAITING_STATES
        and referral.due_date is not None
        and referral.due_date < local_today()
    )


def conflict(message: str, back: str) -> tuple[str, int]:
    """Somebody acted first; nothing of this submission was kept (``actions.run`` rolled back)."""
    return render("referrals/conflict.html", 409, message=message, back=back)


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
    infos = partner_services.partner_infos()
    suggested = partner_rules.suggest_partners(infos, _firm_district_key(case), need)
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
    return render(
        "referrals/new.html", case=case, form=form, suggested=suggested, needs=NEEDS, **extra
    )


def _consent_step(case: Case) -> Any:
    """ "Einwilligung jetzt erfassen": record it, then show the referral form again with
    everything typed so far and the new consent chosen."""
    consent_form = _consent_form(case, request.form)

    def again(error: DomainError | None = None) -> Any:
        if error is not None:
            consent_form.subject.errors = [str(error)]
        form, suggested = _referral_form(case, request.form)
        return _new_page(case, form, suggested, consent_form=consent_form, consent_open=True)

    def with_consent(consent: Any) -> Any:
        data = request.form.copy()
        data["consent_id"] = str(consent.id)
        form, suggested = _referral_form(case, data)
        saved = _("Die Einwilligung wurde erfasst und ist unten ausgewählt.")
        return _new_page(case, form, suggested, consent_saved=saved)

    if not consent_form.validate():
        return again()
    return actions.run(
        lambda: _record_inline_consent(case, consent_form),
        then=url_for("referrals.case_new", case_id=case.id),
        answer=with_consent,
        refused=again,
    )


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
    if not form.validate():
        return _new_page(case, form, suggested)
    send = request.form.get("action") != "draft"

    def refused(error: DomainError) -> Any:
        form.form_errors.append(str(error))
        return _new_page(case, form, suggested, error=str(error))

    return actions.run(
        lambda: services.create_referral(
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
        ),
        then=lambda referral: url_for("referrals.detail", referral_id=referral.id),
        message=_("Die Weiterleitung wurde gesendet.")
        if send
        else _("Der Entwurf wurde gespeichert."),
        token=form.submission_token.data,
        back=url_for("cases.detail", case_id=case.id),
        refused=refused,
    )


# ---------------------------------------------------------------- referral pages


@bp.route("/weiterleitungen")
@requires_role(*REGIONAL)
def mine() -> Any:
    flt = request.args.get("filter", "")
    if flt not in FILTERS:
        flt = ""
    stmt = queries.my_referrals(current_user, flt or None, local_today())
    page = keyset_page(stmt, request.args, per_page=PER_PAGE)
    return render("referrals/mine.html", page=page, flt=flt, filters=FILTERS, is_overdue=is_overdue)


@bp.route("/weiterleitungen/<int:referral_id>")
@requires_role(*READERS)
def detail(referral_id: int) -> Any:
    referral = get_referral_for(current_user, referral_id)
    audit.record_read(current_user, "referral.view", "referral", referral.id)
    return _detail(referral)


def answer_forms() -> dict[str, Any]:
    """The forms of an answer (accept, decline, return, complete), for staff and partner."""
    return {
        "note_form": forms.NoteForm(prefix="note"),
        "decline_form": forms.DeclineForm(prefix="decline"),
        "return_form": forms.ReturnForm(prefix="return"),
        "complete_form": forms.CompleteForm(prefix="complete"),
    }


def _detail(referral: Referral, status: int = 200, **overrides: Any) -> tuple[str, int]:
    context: dict[str, Any] = {
        "referral": referral,
        "events": db.session.scalars(queries.events(referral.id)).all(),
        "editable": can_edit_referral(current_user, referral),
        "overdue": is_overdue(referral),
        **answer_forms(),
    }
    context.update(overrides)
    return render("referrals/detail.html", status, **context)


def _staff_action(referral: Referral, work: Callable[[], Any], message: str) -> Any:
    back = url_for("referrals.detail", referral_id=referral.id)
    return actions.run(
        work, then=back, message=message, conflict=lambda exc: conflict(str(exc), back)
    )


def _edit_referral(referral_id: int) -> Referral:
    return get_referral_for(current_user, referral_id, need="edit")


@bp.route("/weiterleitungen/<int:referral_id>/senden", methods=["POST"])
@requires_role(*REGIONAL)
def send(referral_id: int) -> Any:
    referral = _edit_referral(referral_id)
    return _staff_action(
        referral,
        lambda: services.send_referral(current_user, referral),
        _("Die Weiterleitung wurde gesendet."),
    )


@bp.route("/weiterleitungen/<int:referral_id>/zurueckziehen", methods=["POST"])
@requires_role(*REGIONAL)
def withdraw(referral_id: int) -> Any:
    referral = _edit_referral(referral_id)
    form = forms.NoteForm(prefix="note")
    if not form.validate():
        return _detail(referral, note_form=form)
    return _staff_action(
        referral,
        lambda: services.withdraw_referral(current_user, referral, form.note.data or None),
        _("Die Weiterleitung wurde zurückgezogen."),
    )


@bp.route("/weiterleitungen/<int:referral_id>/antwort/annehmen", methods=["POST"])
@requires_role(*REGIONAL)
def record_accept(referral_id: int) -> Any:
    referral = _edit_referral(referral_id)
    form = forms.NoteForm(prefix="note")
    if not form.validate():
        return _detail(referral, note_form=form)
    return _staff_action(
        referral,
        lambda: services.accept_referral(
            current_user, referral, via="staff", note=form.note.data or None
        ),
        _("Die Annahme wurde erfasst."),
    )


@bp.route("/weiterleitungen/<int:referral_id>/antwort/ablehnen", methods=["POST"])
@requires_role(*REGIONAL)
def record_decline(referral_id: int) -> Any:
    referral = _edit_referral(referral_id)
    form = forms.DeclineForm(prefix="decline")
    if not form.validate():
        return _detail(referral, decline_form=form)
    return _staff_action(
        referral,
        lambda: services.decline_referral(
            current_user,
            referral,
            via="staff",
            reason=form.reason.data,
            note=form.note.data or None,
        ),
        _("Die Ablehnung wurde erfasst."),
    )


@bp.route("/weiterleitungen/<int:referral_id>/antwort/rueckfrage", methods=["POST"])
@requires_role(*REGIONAL)
def record_return(referral_id: int) -> Any:
    referral = _edit_referral(referral_id)
    form = forms.ReturnForm(prefix="return")
    if not form.validate():
        return _detail(referral, return_form=form)
    return _staff_action(
        referral,
        lambda: services.return_referral(current_user, referral, via="staff", note=form.note.data),
        _("Die Rückfrage wurde erfasst."),
    )


def complete_values(form: forms.CompleteForm) -> dict[str, Any]:
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
    referral = _edit_referral(referral_id)
    form = forms.CompleteForm(prefix="complete")
    if not form.validate():
        return _detail(referral, complete_form=form)
    return _staff_action(
        referral,
        lambda: services.complete_referral(
            current_user, referral, via="staff", **complete_values(form)
        ),
        _("Das Ergebnis wurde erfasst."),
    )


# ---------------------------------------------------------------- on other pages


def partner_history_panel(user: Any, partner: Partner) -> tuple[str, dict[str, Any]] | None:
    """The referrals sent to ``partner`` within the user's scope, for the partner's page
    (registered with ``partners.views``). Administrators see no client data."""
    if user.role == "admin":
        return None
    history = list(db.session.scalars(queries.partner_referrals(user, partner.id).limit(200)))
    counts = dict(db.session.execute(queries.partner_state_counts(user, partner.id)).tuples().all())
    pairs = [
        (r.sent_at.date(), r.answered_at.date())
        for r in db.session.scalars(queries.partner_referrals(user, partner.id))
        if r.sent_at and r.answered_at
    ]
    return "referrals/_partner_history.html", {
        "history": history,
        "counts": counts,
        "median": rules.median_working_days(pairs),
        "labels": LABELS,
        "is_overdue": is_overdue,
    }


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
        "referral_overdue": is_overdue,
    }
