"""Sign-in, sign-out, own password, and the admin's user list.

Routes:
  /anmelden                                   accounts.login          public
  /abmelden                          POST     accounts.logout         public
  /konto/passwort                             accounts.password       staff
  /konto/sitzung                     POST     accounts.extend_session staff
  /verwaltung/benutzer                        accounts.users          admin
  /verwaltung/benutzer/neu                    accounts.user_create    admin
  /verwaltung/benutzer/<id>/aktiv    POST     accounts.user_toggle    admin
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from wbagentur.accounts import bp, services
from wbagentur.accounts.forms import ConfirmForm, LoginForm, PasswordChangeForm, UserCreateForm
from wbagentur.accounts.models import User
from wbagentur.core.access import public, requires_role
from wbagentur.extensions import db, limiter, login_manager
from wbagentur.regions.queries import contact_points_in_order

SESSION_TOKEN_KEY = "sid"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = services.session_user(session.get(SESSION_TOKEN_KEY))
    if user is None or str(user.id) != user_id:
        return None
    return user


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login (security.md WEB-04)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and ":" not in target.split("?")[0]
    ):
        return target
    return url_for("main.index")


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
@public
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        try:
            result = services.authenticate(form.email.data, form.password.data)
        except services.AccountError as exc:
            db.session.commit()  # keep the failed attempt: it feeds the throttle
            error = str(exc)
        else:
            db.session.commit()
            lang = session.get("lang")
            session.clear()  # new session content on login (no fixation)
            if lang:
                session["lang"] = lang
            session[SESSION_TOKEN_KEY] = result.token
            login_user(result.user)
            return redirect(safe_next(form.next.data))
    status = 200 if error is None else (429 if "Zu viele" in error else 200)
    return render_template("accounts/login.html", form=form, error=error), status


@bp.route("/abmelden", methods=["POST"])
@public
def logout() -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    services.close_session(user, session.get(SESSION_TOKEN_KEY))
    db.session.commit()
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Sie haben sich abgemeldet."), "success")
    response = redirect(url_for("accounts.login"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/konto/passwort", methods=["GET", "POST"])
@requires_role()
def password() -> Any:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data,
                session.get(SESSION_TOKEN_KEY),
            )
        except services.PasswordRejected as exc:
            form.new_password.errors = list(exc.problems)
        except services.AccountError as exc:
            form.current_password.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Ihr Passwort wurde geändert. Andere Sitzungen wurden beendet."), "success")
            return redirect(url_for("main.index"))
    return render_template("accounts/password.html", form=form)


@bp.route("/konto/sitzung", methods=["POST"])
@requires_role()
def extend_session() -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    services.touch_session(session.get(SESSION_TOKEN_KEY, ""))
    db.session.commit()
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
        try:
            user = services.create_user(
                current_user,
                email=form.email.data,
                display_name=form.display_name.data,
                role=form.role.data,
                password=password,
                contact_point_id=form.contact_point_id.data or None,
            )
        except services.AccountError as exc:
            form.email.errors = [str(exc)]
        else:
            db.session.commit()
            return render_template("accounts/user_created.html", user=user, password=password)
    return render_template("accounts/user_create.html", form=form)


@bp.route("/verwaltung/benutzer/<int:user_id>/aktiv", methods=["POST"])
@requires_role("admin")
def user_toggle(user_id: int) -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    user = db.get_or_404(User, user_id)
    try:
        services.set_active(current_user, user, not user.is_active)
    except services.AccountError as exc:
        flash(str(exc), "danger")
    else:
        db.session.commit()
        if user.is_active:
            flash(_("Das Konto wurde aktiviert."), "success")
        else:
            flash(_("Das Konto wurde deaktiviert; seine Sitzungen sind beendet."), "success")
    return redirect(url_for("accounts.users"))
