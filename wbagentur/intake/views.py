"""The public request form, the requester's status page, and the advisor's view of a request.

Routes:
  /beratung-anfragen                          GET, POST  intake.request_form  public
  /beratung-anfragen/danke                    GET        intake.thanks        public
  /datenschutz                                GET        intake.privacy       public
  (POST /beratung-anfragen: only accepted submissions count against the per-address and
  the global limit; a refused or failed submission shows the form again with the data.)
  /anfrage/<token>                            GET        intake.status        public
  /anfrage/<token>/dokumente                  POST       intake.upload        public
  /faelle/<int:case_id>/anfrage               GET        intake.review        advisor, supervisor
  /faelle/<int:case_id>/anfrage/unternehmen-verknuepfen
                                              POST       intake.link_firm     advisor, supervisor
  /faelle/<int:case_id>/anfrage/unternehmen-anlegen
                                              POST       intake.create_firm   advisor, supervisor

The status token is a secret: it is never logged, and status pages are ``no-store``.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from wbagentur.cases.access import get_case_for
from wbagentur.cases.models import TOPICS
from wbagentur.core import actions, idempotency
from wbagentur.core.access import public, requires_role
from wbagentur.core.errors import retry_after_seconds
from wbagentur.core.errors_domain import DomainError
from wbagentur.core.translation import gettext as _
from wbagentur.extensions import db, limiter
from wbagentur.intake import bp, prefill, rules, services, timeline
from wbagentur.intake.forms import (
    AdviceRequestForm,
    DocumentUploadForm,
    FirmCreateForm,
    FirmLinkForm,
)
from wbagentur.intake.models import HEADCOUNT_BANDS, PREFERRED_CHANNELS, AdviceRequest
from wbagentur.regions.models import District, Region

logger = logging.getLogger(__name__)

THANKS_KEY = "intake_reference"
FORM_FIELDS = (
    "firm_name",
    "contact_name",
    "email",
    "phone",
    "district_id",
    "headcount_band",
    "topics",
    "message",
    "preferred_channel",
    "status_mails",
)
ACCEPTED = "intake_accepted"


def _district_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(District.id, District.name, Region.name)
        .join(Region, District.region_id == Region.id)
        .order_by(District.name, District.id)
    ).all()
    return [("", _("Bitte wählen"))] + [(str(i), name) for i, name, _region in rows]


def _global_key() -> str:
    return "intake-all-clients"


def _accepted(_response: Any) -> bool:
    """Only accepted submissions count against the limits: a form shown again with errors,
    a time-trap answer or a request refused by a limit costs the sender nothing, so one
    address cannot use up the cap shared by all (issue #15)."""
    return bool(g.get(ACCEPTED))


@bp.route("/beratung-anfragen", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["INTAKE_RATE_LIMIT"], methods=["POST"], deduct_when=_accepted
)
@limiter.limit(
    lambda: current_app.config["INTAKE_GLOBAL_LIMIT"],
    methods=["POST"],
    key_func=_global_key,
    deduct_when=_accepted,
)
@public
def request_form() -> Any:
    form = AdviceRequestForm()
    form.district_id.choices = _district_choices()
    time_message = None
    if not form.is_submitted() and request.args.get("aus") == "kompass":
        prefill.apply_prefill(form)
    if form.is_submitted():
        if form.website.data:
            # Honeypot filled: look like success, keep nothing (no personal data in the log).
            logger.info("public request discarded: honeypot field filled")
            g.setdefault(ACCEPTED, True)
            session[THANKS_KEY] = ""
            return redirect(url_for("intake.thanks"), code=303)
        if (previous := actions.repeated(form.submission_token.data, code=303)) is not None:
            session.setdefault(THANKS_KEY, "")
            return previous
    if form.validate_on_submit():
        problem = services.form_time_problem(form.started.data)
        if problem == "too_fast":
            time_message = _(
                "Das ging sehr schnell. Bitte prüfen Sie Ihre Angaben und senden Sie das "
                "Formular noch einmal ab."
            )
        elif problem:
            time_message = _(
                "Das Formular war zu lange geöffnet. Bitte prüfen Sie Ihre Angaben und "
                "senden Sie es noch einmal ab."
            )
        else:
            return _submit(form)
        form.started.data = services.issue_form_timestamp()
    if not form.is_submitted() or not form.started.data:
        form.started.data = services.issue_form_timestamp()
    return _render_form(form, time_message)


def _render_form(form: AdviceRequestForm, message: str | None, status: int = 200) -> Any:
    if not form.submission_token.data:
        form.submission_token.data = idempotency.new_token()
    return (
        render_template(
            "intake/request_form.html", form=form, time_message=message, max_message=2000
        ),
        status,
    )


def _form_again(message: str, status: int, headers: dict[str, str] | None = None) -> Any:
    """The request form with everything the sender typed, and why it was not accepted."""
    form = AdviceRequestForm()
    form.district_id.choices = _district_choices()
    form.started.data = services.issue_form_timestamp()
    body, code = _render_form(form, message, status)
    return body, code, headers or {}


@bp.errorhandler(429)
def _too_many(error: Any) -> Any:
    retry = {"Retry-After": str(retry_after_seconds(error))}
    if request.endpoint == "intake.request_form":
        if getattr(getattr(error, "limit", None), "key_func", None) is _global_key:
            message = _(
                "Gerade gehen sehr viele Anfragen bei uns ein. Ihre Angaben stehen noch im "
                "Formular: Bitte senden Sie es in einigen Minuten noch einmal ab oder rufen Sie "
                "Ihre Kontaktstelle an."
            )
        else:
            message = _(
                "Von Ihrem Anschluss sind in der letzten Stunde schon mehrere Anfragen bei uns "
                "eingegangen. Ihre Angaben stehen noch im Formular: Bitte senden Sie es später "
                "noch einmal ab oder rufen Sie Ihre Kontaktstelle an."
            )
        return _form_again(message, 429, retry)
    if request.endpoint == "intake.upload":
        return _upload_refused(
            _(
                "Sie haben in der letzten Stunde schon viele Dokumente geschickt. Bitte "
                "versuchen Sie es später noch einmal."
            ),
            429,
            retry,
        )
    return _default_error(error)


@bp.errorhandler(413)
def _too_large(error: Any) -> Any:
    if request.endpoint == "intake.upload":
        return _upload_refused(_size_message(), 413)
    return _default_error(error)


@bp.errorhandler(CSRFError)
def _csrf_failed(error: Any) -> Any:
    if request.endpoint == "intake.request_form":
        return _form_again(
            _(
                "Das Formular war zu lange geöffnet. Bitte prüfen Sie Ihre Angaben und "
                "senden Sie es noch einmal ab."
            ),
            400,
        )
    return _default_error(error)


def _default_error(error: Any) -> Any:
    """Any other intake page: the application's own error page (core.errors)."""
    from wbagentur.core import errors as core_errors

    handler = getattr(core_errors, "_render_http_error", None)
    if handler is not None:
        return handler(error)
    code = getattr(error, "code", None) or 400
    return render_template("errors/generic.html", code=code, error=error), code


def _submit(form: AdviceRequestForm) -> Any:
    data = {name: getattr(form, name).data for name in FORM_FIELDS}
    # A repeat sent at the same moment as the first (double click) also lands on the
    # thanks page, whose reference only the first one knows.
    session.setdefault(THANKS_KEY, "")
    return actions.run(
        lambda: services.submit_request(None, data),
        then=url_for("intake.thanks"),
        token=form.submission_token.data or idempotency.new_token(),
        refused=lambda exc: _render_form(form, str(exc)),
        code=303,
        done=_accepted_submission,
    )


def _accepted_submission(submission: Any) -> None:
    g.setdefault(ACCEPTED, True)
    prefill.forget_prefill()
    session[THANKS_KEY] = submission.case.reference


@bp.route("/beratung-anfragen/danke")
@public
def thanks() -> Any:
    if THANKS_KEY not in session:
        return redirect(url_for("intake.request_form"))
    return render_template("intake/thanks.html", reference=session[THANKS_KEY])


@bp.route("/datenschutz")
@public
def privacy() -> Any:
    return render_template(
        "intake/privacy.html", link_days=current_app.config["INTAKE_STATUS_LINK_DAYS"]
    )


def _no_store(response: Any) -> Any:
    response.headers["Cache-Control"] = "no-store"
    return response


def _size_mb() -> int:
    return max(1, round(int(current_app.config["UPLOAD_MAX_BYTES"]) / (1024 * 1024)))


def _size_message() -> str:
    return _(
        "Die Datei ist zu groß. Bitte schicken Sie höchstens %(size)s MB auf einmal, zum "
        "Beispiel als kleinere PDF-Datei.",
        size=_size_mb(),
    )


def _status_page(
    advice_request: AdviceRequest,
    form: DocumentUploadForm,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Any:
    case = advice_request.case
    form.document.description = _("PDF, PNG oder JPEG, höchstens %(size)s MB.", size=_size_mb())
    response = current_app.make_response(
        (
            render_template(
                "intake/status.html",
                advice_request=advice_request,
                case=case,
                plain_status=rules.PLAIN_STATUS.get(case.status, case.status),
                contact_points=services.contact_points_of(case.region_id),
                steps=timeline.requester_steps(advice_request),
                documents=services.requester_documents(case),
                uploads_open=case.status != "closed",
                max_bytes=int(current_app.config["UPLOAD_MAX_BYTES"]),
                too_large_message=_size_message(),
                form=form,
            ),
            status,
            headers or {},
        )
    )
    return _no_store(response)


def _upload_refused(message: str, status: int, headers: dict[str, str] | None = None) -> Any:
    """The status page with the upload form showing why the file was not taken."""
    token = (request.view_args or {}).get("token", "")
    advice_request = services.request_for_token(token)
    if advice_request is None:
        return _invalid_link()
    form = DocumentUploadForm(formdata=None)
    form.document.errors = [message]
    return _status_page(advice_request, form, status, headers)


def _invalid_link() -> Any:
    response = current_app.make_response((render_template("intake/status_invalid.html"), 404))
    return _no_store(response)


@bp.route("/anfrage/<token>")
@public
def status(token: str) -> Any:
    advice_request = services.request_for_token(token)
    if advice_request is None:
        return _invalid_link()
    return _status_page(advice_request, DocumentUploadForm())


@bp.route("/anfrage/<token>/dokumente", methods=["POST"])
@limiter.limit(lambda: current_app.config["INTAKE_UPLOAD_RATE_LIMIT"])
@public
def upload(token: str) -> Any:
    advice_request = services.request_for_token(token)
    if advice_request is None:
        return _invalid_link()
    if advice_request.case.status == "closed":
        return _upload_refused(
            _(
                "Ihre Anfrage ist abgeschlossen. Unterlagen nehmen wir über diesen Link nicht "
                "mehr an; bitte wenden Sie sich an Ihre Kontaktstelle."
            ),
            409,
        )
    form = DocumentUploadForm()
    if not form.validate_on_submit():
        return _status_page(advice_request, form)
    return actions.run(
        lambda: services.add_requester_document(None, advice_request, form.document.data),
        then=url_for("intake.status", token=token),
        message=_("Vielen Dank. Ihr Dokument ist bei uns angekommen."),
        refused=lambda exc: _upload_again(advice_request, form, exc),
        code=303,
    )


def _upload_again(advice_request: AdviceRequest, form: Any, exc: DomainError) -> Any:
    """A refused file: why, under the field, with the HTTP status of the refusal."""
    form.document.errors = [str(exc)]
    return _status_page(advice_request, form, getattr(exc, "status", 400))


# --- staff --------------------------------------------------------------------------------


def _load(case_id: int) -> tuple[Any, AdviceRequest]:
    case = get_case_for(current_user, case_id, need="edit")
    advice_request = services.request_for_case(case)
    if advice_request is None:
        abort(404)
    return case, advice_request


@bp.route("/faelle/<int:case_id>/anfrage")
@requires_role("advisor", "supervisor")
def review(case_id: int) -> Any:
    case, advice_request = _load(case_id)
    candidates = [] if case.firm_id else services.firm_candidates(advice_request, case.region_id)
    return render_template(
        "intake/review.html",
        case=case,
        advice_request=advice_request,
        candidates=candidates,
        topics=[TOPICS.get(t, t) for t in case.topics],
        headcount_label=HEADCOUNT_BANDS.get(advice_request.headcount_band, ""),
        channel_label=PREFERRED_CHANNELS.get(advice_request.preferred_channel, ""),
        documents=services.requester_documents(case),
    )


def _conflict() -> Any:
    return render_template("errors/409.html", code=409), 409


def _after_firm(case_id: int) -> str:
    """Back where the firm was chosen: the case page's request panel (``zurueck=fall``,
    one page load less on the way from the request to the referral) or the request view."""
    if request.form.get("zurueck") == "fall":
        return url_for("cases.detail", case_id=case_id) + "#anfrage"
    return url_for("intake.review", case_id=case_id)


@bp.route("/faelle/<int:case_id>/anfrage/unternehmen-verknuepfen", methods=["POST"])
@requires_role("advisor", "supervisor")
def link_firm(case_id: int) -> Any:
    case, advice_request = _load(case_id)
    form = FirmLinkForm()
    if not form.validate_on_submit():
        flash(_("Bitte wählen Sie ein Unternehmen aus der Liste."), "danger")
        return redirect(_after_firm(case.id), code=303)
    return actions.run(
        lambda: services.link_firm(
            current_user, advice_request, int(form.firm_id.data), _version(form.version.data)
        ),
        then=_after_firm(case.id),
        message=_("Das Unternehmen ist jetzt mit dem Fall verknüpft."),
        conflict=lambda exc: _conflict(),
        code=303,
    )


@bp.route("/faelle/<int:case_id>/anfrage/unternehmen-anlegen", methods=["POST"])
@requires_role("advisor", "supervisor")
def create_firm(case_id: int) -> Any:
    case, advice_request = _load(case_id)
    form = FirmCreateForm()
    if not form.validate_on_submit():
        abort(400)
    return actions.run(
        lambda: services.create_firm(current_user, advice_request, _version(form.version.data)),
        then=_after_firm(case.id),
        message=_("Das Unternehmen wurde aus der Anfrage angelegt und mit dem Fall verknüpft."),
        conflict=lambda exc: _conflict(),
        code=303,
    )


def _version(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
