"""Sign-in (password, then TOTP code), sign-out, own password and second factor,
password reset by e-mail, and the admin's user list.

Routes:
  /anmelden                                   accounts.login              public
  /anmelden/code                              accounts.login_code         public
  /anmelden/sso                               accounts.sso_start          public
  /anmelden/sso/rueckkehr                     accounts.sso_callback       public
  /abmelden                          POST     accounts.logout             public
  /passwort-vergessen                         accounts.password_forgot    public
  /passwort-neu/<token>                       accounts.password_reset     public
  /konto/passwort                             accounts.password           staff
  /konto/zwei-faktor                          accounts.two_factor         staff
  /konto/zwei-faktor/neu             POST     accounts.two_factor_renew   staff
  /konto/zwei-faktor/aus             POST     accounts.two_factor_disable staff
  /konto/sitzung                     POST     accounts.extend_session     staff
  /verwaltung/benutzer                        accounts.users              admin
  /verwaltung/benutzer/neu                    accounts.user_create        admin
  /verwaltung/benutzer/<id>/aktiv    POST     accounts.user_toggle        admin
  /verwaltung/benutzer/<id>/zwei-faktor POST  accounts.user_reset_2fa     admin
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta
from typing import Any

import requests
import sqlalchemy as sa
from authlib.integrations.base_client import OAuthError
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from joserfc.errors import JoseError

from wbagentur.accounts import bp, mfa, oidc, services
from wbagentur.accounts.forms import (
    LoginCodeForm,
    LoginForm,
    PasswordChangeForm,
    PasswordForgotForm,
    PasswordResetForm,
    ReauthForm,
    TotpConfirmForm,
    UserCreateForm,
)
from wbagentur.accounts.models import User
from wbagentur.core import actions, audit
from wbagentur.core.access import public, requires_role
from wbagentur.core.forms import ConfirmForm
from wbagentur.core.models import utcnow
from wbagentur.core.security import safe_redirect_target
from wbagentur.core.translation import gettext as _
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.extensions import db, limiter, login_manager
from wbagentur.regions.queries import contact_points_in_order

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - the name of a session key, not a secret
# Signed-cookie keys of the multi-step flows (no secrets: the TOTP set-up secret is
# derived on the server from the nonce, see mfa.setup_secret).
PENDING_LOGIN_KEY = "login_pending"
SETUP_KEY = "mfa_setup"
REAUTH_KEY = "mfa_reauth_at"
REAUTH_VALID = timedelta(minutes=10)
SETUP_VALID = timedelta(minutes=15)
# How the session was opened: "oidc" for single sign-on (core.access skips the TOTP gate:
# the identity provider is responsible for the second factor), absent for passwords.
AUTH_METHOD_KEY = "auth_method"
SSO_NEXT_KEY = "sso_next"
PASSWORDS_OFF = _l(
    "Die Anmeldung mit Passwort ist abgeschaltet. Bitte melden Sie sich mit Single Sign-on an."
)
#: actions.run options for a sign-in or password attempt: the accounts services refuse with
#: AccountError, and a failed attempt is committed all the same because it feeds the throttle.
ATTEMPT: dict[str, Any] = {"refusals": (services.AccountError,), "keep_refused": True}


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    token = session.get(SESSION_TOKEN_KEY)
    user = services.session_user(token)
    if user is None or str(user.id) != user_id:
        return None
    # Only sessions opened by single sign-on are checked with the provider (the flag is set
    # at that sign-in, in the signed cookie); password sessions cost no extra query.
    if session.get(AUTH_METHOD_KEY) == "oidc" and not oidc.revalidate_session(token):
        # The provider no longer confirms the sign-in: the session is gone on the server.
        session.pop(SESSION_TOKEN_KEY, None)
        session.pop(AUTH_METHOD_KEY, None)
        flash(str(oidc.SESSION_ENDED), "warning")
        return None
    return user


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login (security.md WEB-04);
    the check itself is ``core.security.safe_redirect_target``."""
    return safe_redirect_target(target, url_for("main.index"))


def _fresh_session() -> None:
    """Drop everything from the cookie session except the language (no fixation)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _password_fingerprint(user: User) -> str:
    """Changes when the password changes, so a reset ends a half-finished login."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _now_ts() -> float:
    return utcnow().timestamp()


def _start_session(result: services.SignIn) -> None:
    _fresh_session()
    session[SESSION_TOKEN_KEY] = result.token
    login_user(result.user)


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
@public
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if not oidc.local_passwords_enabled():
        if request.method == "POST":
            return actions.run(
                lambda: audit.record(
                    None, "login.failure", "user", None, method="password", reason="off"
                ),
                answer=lambda _: _login_page(form, str(PASSWORDS_OFF), 403),
            )
        return _login_page(form, None, 200)
    if form.validate_on_submit():
        # Two transactions: the attempt is reserved and committed first, so no lock is held
        # while the password hash is checked (services.reserve_attempt).
        return actions.run(
            lambda: services.reserve_attempt(form.email.data),
            answer=lambda pending: _check_password(form, pending),
            refused=lambda exc: _login_refused(form, exc),
            **ATTEMPT,
        )
    return _login_page(form, None, 200)


def _login_refused(form: LoginForm, exc: Exception) -> Any:
    return _login_page(form, str(exc), 429 if isinstance(exc, services.LoginThrottled) else 200)


def _check_password(form: LoginForm, pending: services.PendingLogin) -> Any:
    def work() -> tuple[User, services.SignIn | None]:
        user = services.check_reserved_password(pending, form.password.data)
        # With a second factor only a rehashed password is stored here: no session yet.
        return user, None if user.has_totp else services.complete_login(user)

    return actions.run(
        work,
        answer=lambda done: _password_accepted(form, *done),
        refused=lambda exc: _login_refused(form, exc),
        **ATTEMPT,
    )


def _password_accepted(form: LoginForm, user: User, result: services.SignIn | None) -> Any:
    if result is None:
        _fresh_session()
        session[PENDING_LOGIN_KEY] = {
            "uid": user.id,
            "since": _now_ts(),
            "next": safe_next(form.next.data),
            "pw": _password_fingerprint(user),
        }
        return redirect(url_for("accounts.login_code"))
    _start_session(result)
    return redirect(safe_next(form.next.data))


def _login_page(form: LoginForm, error: str | None, status: int) -> Any:
    return (
        render_template(
            "accounts/login.html",
            form=form,
            error=error,
            sso=oidc.is_enabled(),
            local_passwords=oidc.local_passwords_enabled(),
            next_target=form.next.data or "",
        ),
        status,
    )


def _require_local_passwords() -> None:
    """Password pages answer 404 when local passwords are switched off."""
    if not oidc.local_passwords_enabled():
        abort(404)


@bp.route("/anmelden/sso")
@public
def sso_start() -> Any:
    """Send the browser to the identity provider (authorisation code flow with PKCE)."""
    if not oidc.is_enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    session[SSO_NEXT_KEY] = safe_next(request.args.get("next"))
    from wbagentur.mail.links import external_url

    try:
        return oidc.client().authorize_redirect(external_url("accounts.sso_callback"))
    except (requests.RequestException, ValueError) as exc:
        current_app.logger.warning("OIDC discovery failed: %s", type(exc).__name__)
        flash(str(oidc.UNREACHABLE), "danger")
        return redirect(url_for("accounts.login"))


@bp.route("/anmelden/sso/rueckkehr")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
@public
def sso_callback() -> Any:
    """The provider sends the browser back with a code: check it, provision, sign in."""
    if not oidc.is_enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    target = safe_next(session.get(SSO_NEXT_KEY))
    # A refusal keeps its audit entry (recorded by oidc.sign_in_from_claims or _sso_sign_in).
    return actions.run(
        _sso_sign_in,
        answer=lambda result: _sso_signed_in(result, target),
        back=url_for("accounts.login"),
        **ATTEMPT,
    )


def _sso_sign_in() -> services.SignIn:
    """Check the provider's answer, provision the account and open the session row."""
    try:
        token = oidc.client().authorize_access_token()
        claims = oidc.claims_of(token)
        user = oidc.sign_in_from_claims(claims, current_app.config)
    except OAuthError as exc:
        reason = "access_denied" if exc.error == "access_denied" else "oauth_error"
        audit.record(None, "login.failure", "user", None, method="oidc", reason=reason)
        raise services.AccountError(
            str(oidc.CANCELLED if reason == "access_denied" else oidc.FAILED)
        ) from exc
    except (JoseError, ValueError) as exc:
        audit.record(None, "login.failure", "user", None, method="oidc", reason="id_token")
        raise services.AccountError(str(oidc.FAILED)) from exc
    except requests.RequestException as exc:
        raise services.AccountError(str(oidc.UNREACHABLE)) from exc
    result = services.complete_login(user, method="oidc")
    oidc.attach_tokens(result.token, token)
    return result


def _sso_signed_in(result: services.SignIn, target: str) -> Any:
    _start_session(result)
    session[AUTH_METHOD_KEY] = "oidc"
    return redirect(target)


def _pending_login() -> tuple[User, str] | None:
    """The user waiting for the code step and the target after login, if still valid."""
    data = session.get(PENDING_LOGIN_KEY)
    if not isinstance(data, dict):
        return None
    try:
        since = float(data["since"])
        user_id = int(data["uid"])
    except (KeyError, TypeError, ValueError):
        return None
    age = _now_ts() - since
    if age < -60 or age > current_app.config["LOGIN_CODE_TIMEOUT"].total_seconds():
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not user.has_totp:
        return None
    if data.get("pw") != _password_fingerprint(user):
        return None
    return user, safe_next(data.get("next"))


@bp.route("/anmelden/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
@public
def login_code() -> Any:
    _require_local_passwords()
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    pending = _pending_login()
    if pending is None:
        had_pending = PENDING_LOGIN_KEY in session
        session.pop(PENDING_LOGIN_KEY, None)
        if had_pending:
            flash(_("Die Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an."), "warning")
        return redirect(url_for("accounts.login"))
    user, target = pending
    form = LoginCodeForm()
    if form.validate_on_submit():

        def work() -> tuple[str, services.SignIn]:
            method = services.verify_second_factor(user, form.code.data)
            return method, services.complete_login(user, method)

        return actions.run(
            work,
            answer=lambda done: _code_accepted(user, target, *done),
            refused=lambda exc: _code_refused(form, exc),
            **ATTEMPT,
        )
    return render_template("accounts/login_code.html", form=form), 200


def _code_refused(form: LoginCodeForm, exc: Exception) -> Any:
    form.code.errors = [str(exc)]
    status = 429 if isinstance(exc, services.LoginThrottled) else 200
    return render_template("accounts/login_code.html", form=form), status


def _code_accepted(user: User, target: str, method: str, result: services.SignIn) -> Any:
    _start_session(result)
    if method == "recovery":
        left = services.recovery_codes_left(user)
        flash(
            _(
                "Sie haben einen Wiederherstellungscode verwendet. Es bleiben %(n)s Codes. "
                "Richten Sie die App bald neu ein.",
                n=left,
            ),
            "warning",
        )
    return redirect(target)


@bp.route("/abmelden", methods=["POST"])
@public
def logout() -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return actions.run(
        lambda: services.close_session(user, session.get(SESSION_TOKEN_KEY)),
        answer=lambda _: _logged_out(),
    )


def _logged_out() -> Any:
    logout_user()
    _fresh_session()
    flash(_("Sie haben sich abgemeldet."), "success")  # after the cookie session is emptied
    response = redirect(url_for("accounts.login"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/konto/passwort", methods=["GET", "POST"])
@requires_role()
def password() -> Any:
    _require_local_passwords()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        return actions.run(
            lambda: services.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                session.get(SESSION_TOKEN_KEY),
            ),
            then=url_for("main.index"),
            message=_("Ihr Passwort wurde geändert. Andere Sitzungen wurden beendet."),
            refusals=(services.AccountError,),
            refused=lambda exc: _password_refused(form, exc),
        )
    return render_template("accounts/password.html", form=form)


def _password_refused(form: PasswordChangeForm, exc: Exception) -> Any:
    if isinstance(exc, services.PasswordRejected):
        form.new_password.errors = list(exc.problems)
    else:
        form.current_password.errors = [str(exc)]
    return render_template("accounts/password.html", form=form)


@bp.route("/konto/sitzung", methods=["POST"])
@requires_role()
def extend_session() -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    return actions.run(
        lambda: services.touch_session(session.get(SESSION_TOKEN_KEY, "")),
        answer=lambda _: _session_expiry(),
    )


def _session_expiry() -> dict[str, str | None]:
    expires = services.session_expires_at(session.get(SESSION_TOKEN_KEY, ""))
    return {"expires_at": expires.isoformat() if expires else None}


@bp.route("/verwaltung/benutzer")
@requires_role("admin")
def users() -> Any:
    rows = db.session.scalars(sa.select(User).order_by(User.display_name, User.id)).all()
    return render_template("accounts/users.html", users=rows, form=ConfirmForm())


@bp.route("/verwaltung/benutzer/neu", methods=["GET", "POST"])
@requires_role("admin")
def user_create() -> Any:
    form = UserCreateForm()
    form.contact_point_id.choices = [(0, _("– keine –"))] + [
        (cp.id, cp.name) for cp in db.session.scalars(contact_points_in_order())
    ]
    if form.validate_on_submit():
        password = services.generate_password()
        return actions.run(
            lambda: services.create_user(
                current_user,
                email=form.email.data,
                display_name=form.display_name.data,
                role=form.role.data,
                password=password,
                contact_point_id=form.contact_point_id.data or None,
            ),
            # Shown once, in this response only.
            answer=lambda user: render_template(
                "accounts/user_created.html", user=user, password=password
            ),
            refusals=(services.AccountError,),
            refused=lambda exc: _user_create_refused(form, exc),
        )
    return render_template("accounts/user_create.html", form=form)


def _user_create_refused(form: UserCreateForm, exc: Exception) -> Any:
    form.email.errors = [str(exc)]
    return render_template("accounts/user_create.html", form=form)


@bp.route("/verwaltung/benutzer/<int:user_id>/aktiv", methods=["POST"])
@requires_role("admin")
def user_toggle(user_id: int) -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    user = db.get_or_404(User, user_id)
    activate = not user.is_active
    return actions.run(
        lambda: services.set_active(current_user, user, activate),
        then=url_for("accounts.users"),
        message=_("Das Konto wurde aktiviert.")
        if activate
        else _("Das Konto wurde deaktiviert; seine Sitzungen sind beendet."),
        refusals=(services.AccountError,),
    )


@bp.route("/verwaltung/benutzer/<int:user_id>/zwei-faktor", methods=["POST"])
@requires_role("admin")
def user_reset_2fa(user_id: int) -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    user = db.get_or_404(User, user_id)
    return actions.run(
        lambda: services.reset_second_factor(current_user, user),
        then=url_for("accounts.users"),
        message=_(
            "Die Zwei-Faktor-Anmeldung des Kontos wurde zurückgesetzt; seine Sitzungen "
            "sind beendet."
        ),
        refusals=(services.AccountError,),
    )


# --- Own second factor (TOTP) ---


def _reauth_fresh() -> bool:
    at: Any = session.get(REAUTH_KEY)
    try:
        age = _now_ts() - float(at)
    except (TypeError, ValueError):
        return False
    return -60 <= age <= REAUTH_VALID.total_seconds()


def _setup_secret(user: User) -> str:
    """The secret of the running set-up; a new one after SETUP_VALID or for another user."""
    data: Any = session.get(SETUP_KEY)
    valid = (
        isinstance(data, dict)
        and data.get("uid") == user.id
        and isinstance(data.get("nonce"), str)
        and isinstance(data.get("since"), (int, float))
        and 0 <= _now_ts() - data["since"] <= SETUP_VALID.total_seconds()
    )
    if not valid:
        data = {"uid": user.id, "nonce": secrets.token_urlsafe(16), "since": _now_ts()}
        session[SETUP_KEY] = data
    key = current_app.config["SECRET_KEY"].encode()
    return mfa.setup_secret(key, user.id, data["nonce"])


def _two_factor_status(renew_form: ReauthForm, disable_form: ReauthForm, status: int = 200) -> Any:
    return (
        render_template(
            "accounts/two_factor.html",
            renew_form=renew_form,
            disable_form=disable_form,
            codes_left=services.recovery_codes_left(current_user),
            required=services.totp_required(current_user),
        ),
        status,
    )


@bp.route("/konto/zwei-faktor", methods=["GET", "POST"])
@requires_role()
def two_factor() -> Any:
    user = current_user._get_current_object()
    if user.has_totp and not _reauth_fresh():
        return _two_factor_status(ReauthForm(prefix="renew"), ReauthForm(prefix="disable"))
    secret = _setup_secret(user)
    form = TotpConfirmForm()
    if form.validate_on_submit():
        return actions.run(
            lambda: services.enable_totp(user, secret, form.code.data),
            answer=_recovery_codes,
            refusals=(services.AccountError,),
            refused=lambda exc: _setup_refused(user, secret, form, exc),
        )
    return _setup_page(user, secret, form)


def _recovery_codes(codes: list[str]) -> Any:
    session.pop(SETUP_KEY, None)
    session.pop(REAUTH_KEY, None)
    # Shown once, in this response only; only hashes are stored.
    return render_template("accounts/recovery_codes.html", codes=codes)


def _setup_refused(user: User, secret: str, form: TotpConfirmForm, exc: Exception) -> Any:
    form.code.errors = [str(exc)]
    return _setup_page(user, secret, form)


def _setup_page(user: User, secret: str, form: TotpConfirmForm) -> Any:
    return render_template(
        "accounts/two_factor_setup.html",
        form=form,
        secret=mfa.format_secret(secret),
        qr=mfa.qr_data_uri(mfa.provisioning_uri(secret, user.email)),
        renewing=user.has_totp,
        required=services.totp_required(user),
    )


def _reauth_refused(exc: Exception, sent: ReauthForm, renewing: bool) -> Any:
    """The status page again, the refusal at the password field of the form sent."""
    sent.password.errors = [str(exc)]
    if renewing:
        return _two_factor_status(sent, ReauthForm(prefix="disable"))
    return _two_factor_status(ReauthForm(prefix="renew"), sent)


def _rotated_session() -> str:
    """A new session id after a re-authentication (no fixation)."""
    return services.rotate_session(current_user, session.get(SESSION_TOKEN_KEY))


@bp.route("/konto/zwei-faktor/neu", methods=["POST"])
@requires_role()
def two_factor_renew() -> Any:
    form = ReauthForm(prefix="renew")
    if not form.validate_on_submit():
        return _two_factor_status(form, ReauthForm(prefix="disable"))

    def work() -> str:
        services.reauthenticate(current_user, form.password.data)
        return _rotated_session()

    return actions.run(
        work,
        answer=_renew_allowed,
        refused=lambda exc: _reauth_refused(exc, form, renewing=True),
        **ATTEMPT,
    )


def _renew_allowed(token: str) -> Any:
    session[SESSION_TOKEN_KEY] = token
    session.pop(SETUP_KEY, None)
    session[REAUTH_KEY] = _now_ts()
    return redirect(url_for("accounts.two_factor"))


@bp.route("/konto/zwei-faktor/aus", methods=["POST"])
@requires_role()
def two_factor_disable() -> Any:
    form = ReauthForm(prefix="disable")
    if not form.validate_on_submit():
        return _two_factor_status(ReauthForm(prefix="renew"), form)

    def work() -> str:
        services.disable_totp(current_user, form.password.data)
        return _rotated_session()

    return actions.run(
        work,
        message=_("Die Zwei-Faktor-Anmeldung ist ausgeschaltet."),
        answer=_disabled,
        refused=lambda exc: _reauth_refused(exc, form, renewing=False),
        **ATTEMPT,
    )


def _disabled(token: str) -> Any:
    session[SESSION_TOKEN_KEY] = token
    return redirect(url_for("accounts.two_factor"))


# --- Password reset by e-mail ---


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_IP_LIMIT"], methods=["POST"])
@public
def password_forgot() -> Any:
    _require_local_passwords()
    form = PasswordForgotForm()
    if form.validate_on_submit():
        started = time.monotonic()
        return actions.run(
            lambda: services.request_password_reset(form.email.data),
            answer=lambda _: _reset_requested(started),
        )
    return render_template(
        "accounts/password_forgot.html", form=form, reset_hours=services.reset_link_hours()
    )


def _reset_requested(started: float) -> Any:
    """Same answer and about the same time whether or not the account exists."""
    elapsed = time.monotonic() - started
    pause = float(current_app.config["PASSWORD_RESET_MIN_SECONDS"]) - elapsed
    if pause > 0:
        time.sleep(pause)
    flash(_("Wenn ein Konto existiert, haben wir eine E-Mail geschickt."), "info")
    return redirect(url_for("accounts.password_forgot"))


def _reset_invalid(exc: services.ResetLinkInvalid) -> Any:
    return render_template("accounts/password_reset_invalid.html", message=str(exc)), exc.status


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_IP_LIMIT"], methods=["POST"])
@public
def password_reset(token: str) -> Any:
    _require_local_passwords()
    try:
        services.reset_token_row(token)
    except services.ResetLinkInvalid as exc:
        return _reset_invalid(exc)
    form = PasswordResetForm()
    if form.validate_on_submit():
        return actions.run(
            lambda: services.reset_password(token, form.new_password.data),
            answer=lambda _: _password_was_reset(),
            refusals=(services.PasswordRejected, services.ResetLinkInvalid),
            refused=lambda exc: _new_password_refused(form, token, exc),
        )
    return render_template("accounts/password_reset.html", form=form, token=token)


def _new_password_refused(form: PasswordResetForm, token: str, exc: Exception) -> Any:
    if isinstance(exc, services.ResetLinkInvalid):
        return _reset_invalid(exc)
    assert isinstance(exc, services.PasswordRejected)
    form.new_password.errors = list(exc.problems)
    return render_template("accounts/password_reset.html", form=form, token=token)


def _password_was_reset() -> Any:
    logout_user()
    _fresh_session()
    flash(  # after the cookie session is emptied
        _("Ihr Passwort wurde geändert. Bitte melden Sie sich mit dem neuen Passwort an."),
        "success",
    )
    return redirect(url_for("accounts.login"))
