"""Routes:
/                          main.index          staff
/sprache          POST     main.set_language   public
/healthz                   main.healthz        public
/barrierefreiheit          main.accessibility  public
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, redirect, render_template, request, session
from flask_login import current_user

from wbagentur.accounts.views import safe_next
from wbagentur.core.access import public, requires_role
from wbagentur.core.errors import mark_database_unavailable
from wbagentur.core.forms import ConfirmForm
from wbagentur.extensions import db
from wbagentur.main import bp


@bp.route("/")
@requires_role()
def index() -> Any:
    return render_template("main/index.html", user=current_user)


@bp.route("/sprache", methods=["POST"])
@public
def set_language() -> Any:
    form = ConfirmForm()
    lang = request.form.get("lang", "")
    if not form.validate_on_submit() or lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    return redirect(safe_next(request.form.get("next")))


@bp.route("/healthz")
@public
def healthz() -> Any:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        # Also forgets the signed-in user: loading it would fail again (issue #19).
        mark_database_unavailable()
        return {"status": "unavailable", "database": "unreachable"}, 503, {"Retry-After": "30"}
    return {"status": "ok", "database": "ok"}


@bp.route("/barrierefreiheit")
@public
def accessibility() -> Any:
    return render_template("main/accessibility.html")
