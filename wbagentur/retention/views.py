"""Routes (endpoints of the blueprint 'retention'):
/verwaltung/loeschfristen                       GET       rules           admin
/verwaltung/loeschfristen/<id>                  GET/POST  rule_edit       admin
/datenschutz/loeschantraege                     GET       requests        supervisor, coordinator
/datenschutz/loeschantraege/<id>/zuruecknehmen  POST      cancel_request  supervisor, coordinator
/personen/<id>/loeschung                        POST      request_person  supervisor, coordinator
/faelle/<id>/loeschung                          POST      request_case    supervisor
/personen/<id>/einschraenkung                   POST      restrict        supervisor, coordinator
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from wbagentur.cases.access import get_case_for
from wbagentur.core import actions, formatting
from wbagentur.core.access import requires_role
from wbagentur.core.errors_domain import DomainError
from wbagentur.core.forms import BaseForm, NoControlCharacters, NumberField
from wbagentur.core.timezone import to_local
from wbagentur.core.translation import gettext as _
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.extensions import db
from wbagentur.persons.access import get_person_for
from wbagentur.retention import bp, services
from wbagentur.retention.models import (
    ACTIONS,
    START_EVENTS,
    DeletionRequest,
    RetentionRule,
    RetentionRun,
)

DP_ROLES = ("supervisor", "coordinator")


class RuleForm(BaseForm):
    label = StringField(
        _l("Bezeichnung"),
        validators=[
            DataRequired(_l("Bitte geben Sie eine Bezeichnung ein.")),
            Length(max=160, message=_l("Höchstens 160 Zeichen.")),
            NoControlCharacters(),
        ],
    )
    period_days = NumberField(
        _l("Frist in Tagen"),
        whole=True,
        validators=[
            InputRequired(_l("Bitte geben Sie die Frist in Tagen an.")),
            NumberRange(min=1, max=7300, message=_l("Bitte 1 bis 7.300 Tage angeben.")),
        ],
    )
    legal_basis = StringField(
        _l("Rechtsgrundlage"),
        validators=[
            DataRequired(_l("Bitte geben Sie die Rechtsgrundlage an.")),
            Length(max=300, message=_l("Höchstens 300 Zeichen.")),
            NoControlCharacters(),
        ],
    )
    is_active = BooleanField(_l("Regel ist aktiv"))
    version = HiddenField()


class ReasonForm(BaseForm):
    reason = StringField(
        _l("Grund"),
        validators=[
            DataRequired(_l("Bitte geben Sie einen Grund an.")),
            Length(max=300, message=_l("Höchstens 300 Zeichen.")),
            NoControlCharacters(),
        ],
    )


@bp.route("/verwaltung/loeschfristen")
@requires_role("admin")
def rules() -> Any:
    rows = db.session.scalars(sa.select(RetentionRule).order_by(RetentionRule.id)).all()
    last_run = db.session.scalar(sa.select(RetentionRun).order_by(RetentionRun.id.desc()).limit(1))
    report = json.loads(last_run.report) if last_run else {}
    return render_template(
        "retention/rules.html",
        rules=rows,
        last_run=last_run,
        report=report,
        start_events=START_EVENTS,
        actions=ACTIONS,
    )


@bp.route("/verwaltung/loeschfristen/<int:rule_id>", methods=["GET", "POST"])
@requires_role("admin")
def rule_edit(rule_id: int) -> Any:
    rule = db.get_or_404(RetentionRule, rule_id)
    form = RuleForm(obj=rule if request.method == "GET" else None)
    if form.validate_on_submit():
        return actions.run(
            lambda: services.update_rule(
                current_user,
                rule,
                int(form.version.data or 0),
                label=form.label.data,
                period_days=form.period_days.data,
                legal_basis=form.legal_basis.data,
                is_active=form.is_active.data,
            ),
            then=url_for("retention.rules"),
            message=_("Die Löschregel wurde gespeichert."),
            refused=lambda exc: _rule_not_saved(rule_id, str(exc)),
            conflict=lambda exc: _rule_not_saved(rule_id, str(exc)),
        )
    return render_template(
        "retention/rule_edit.html", form=form, rule=rule, start_events=START_EVENTS, actions=ACTIONS
    )


def _rule_not_saved(rule_id: int, message: str) -> Any:
    flash(message, "danger")
    return redirect(url_for("retention.rule_edit", rule_id=rule_id)), 303


def _warn_back(back: str) -> Any:
    """A refused data-protection request: its reason as a warning, back to where it came from."""

    def answer(exc: DomainError) -> Any:
        flash(str(exc), "warning")
        return redirect(back)

    return answer


@bp.route("/datenschutz/loeschantraege")
@requires_role(*DP_ROLES)
def requests() -> Any:
    rows = db.session.scalars(
        sa.select(DeletionRequest)
        .where(DeletionRequest.executed_at.is_(None), DeletionRequest.cancelled_at.is_(None))
        .order_by(DeletionRequest.execute_after, DeletionRequest.id)
    ).all()
    visible = [r for r in rows if _visible(r)]
    return render_template("retention/requests.html", requests=visible)


def _visible(req: DeletionRequest) -> bool:
    from wbagentur.cases.access import cases_visible_to
    from wbagentur.persons.access import persons_visible_to
    from wbagentur.persons.models import Person

    if req.object_type == "person":
        return (
            db.session.scalar(persons_visible_to(current_user).where(Person.id == req.object_id))
            is not None
        )
    from wbagentur.cases.models import Case

    return (
        db.session.scalar(cases_visible_to(current_user).where(Case.id == req.object_id))
        is not None
    )


@bp.route("/datenschutz/loeschantraege/<int:request_id>/zuruecknehmen", methods=["POST"])
@requires_role(*DP_ROLES)
def cancel_request(request_id: int) -> Any:
    req = db.get_or_404(DeletionRequest, request_id)
    if not _visible(req) or not BaseForm().validate_on_submit():
        abort(404)
    back = url_for("retention.requests")
    return actions.run(
        lambda: services.cancel_deletion(current_user, req),
        then=back,
        message=_("Die Löschung wurde zurückgenommen."),
        refused=_warn_back(back),
    )


@bp.route("/personen/<int:person_id>/loeschung", methods=["POST"])
@requires_role(*DP_ROLES)
def request_person(person_id: int) -> Any:
    person = get_person_for(current_user, person_id)
    return _request("person", person.id, url_for("persons.detail", person_id=person.id))


@bp.route("/faelle/<int:case_id>/loeschung", methods=["POST"])
@requires_role("supervisor")
def request_case(case_id: int) -> Any:
    case = get_case_for(current_user, case_id, need="edit")
    return _request("case", case.id, url_for("cases.detail", case_id=case.id))


def _request(object_type: str, object_id: int, back: str) -> Any:
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(
            _("Bitte geben Sie einen Grund für die Löschung an (höchstens 300 Zeichen)."), "danger"
        )
        return redirect(back)
    return actions.run(
        lambda: services.request_deletion(current_user, object_type, object_id, form.reason.data),
        then=back,
        message=lambda req: _(
            "Die Löschung ist beantragt und wird am %(d)s ausgeführt. Bis dahin kann sie "
            "zurückgenommen werden.",
            d=formatting.format_date(to_local(req.execute_after).date()),
        ),
        refused=_warn_back(back),
    )


@bp.route("/personen/<int:person_id>/einschraenkung", methods=["POST"])
@requires_role(*DP_ROLES)
def restrict(person_id: int) -> Any:
    person = get_person_for(current_user, person_id)
    back = url_for("persons.detail", person_id=person.id)
    if request.form.get("aufheben"):
        if not BaseForm().validate_on_submit():
            abort(400)
        return actions.run(
            lambda: services.lift_restriction(current_user, person),
            then=back,
            message=_("Die Einschränkung wurde aufgehoben."),
        )
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(
            _("Bitte geben Sie einen Grund für die Einschränkung an (höchstens 300 Zeichen)."),
            "danger",
        )
        return redirect(back)
    return actions.run(
        lambda: services.restrict_person(current_user, person, form.reason.data),
        then=back,
        message=_("Die Verarbeitung ist eingeschränkt (Art. 18 DSGVO)."),
    )
