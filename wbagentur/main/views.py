"""Routes:
/                                   main.index            public (staff: work start page)
/start                              main.staff_start      staff
/sprache                   POST     main.set_language     public
/healthz                            main.healthz          public
/barrierefreiheit                   main.accessibility    public
/impressum                          main.imprint          public
/foerderkompass/kurzcheck  G/P      main.quick_check      public (POST 30/h/IP)
/verwaltung/kontaktstellen          main.contact_points   admin
/verwaltung/kontaktstellen/<id> G/P main.contact_point_edit  admin
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from wbagentur.accounts.views import safe_next
from wbagentur.core import actions
from wbagentur.core.access import public, requires_role
from wbagentur.core.errors import mark_database_unavailable
from wbagentur.core.forms import ConfirmForm
from wbagentur.core.timezone import local_today
from wbagentur.core.translation import gettext as _
from wbagentur.extensions import db, limiter
from wbagentur.funding import services as funding_services
from wbagentur.intake.prefill import PREFILL_KEY
from wbagentur.main import bp, quickcheck, workqueue
from wbagentur.main import services as main_services
from wbagentur.main.forms import ContactPointForm
from wbagentur.main.quickcheck import LayQuickCheckForm
from wbagentur.referrals.data import AWAITING_STATES
from wbagentur.referrals.data import STATES as REFERRAL_STATES
from wbagentur.regions.models import ContactPoint
from wbagentur.regions.queries import contact_points_in_order, districts_in_order


@bp.route("/")
@public
def index() -> Any:
    if current_user.is_authenticated:
        # The route is public for the start page; staff still pass the second-factor gate.
        totp_roles = tuple(current_app.config.get("TOTP_REQUIRED_ROLES") or ())
        if (
            current_user.role in totp_roles
            and not current_user.has_totp
            and session.get("auth_method") != "oidc"  # SSO: the provider's second factor
        ):
            return redirect(url_for("accounts.two_factor"))
        return _staff_start_page()
    return render_template(
        "main/public_index.html",
        contact_points=db.session.scalars(contact_points_in_order()).all(),
    )


@bp.route("/start")
@requires_role()
def staff_start() -> Any:
    """The staff start page under a staff-only address (``/`` shows it too when signed in)."""
    return _staff_start_page()


def _staff_start_page() -> str:
    sections = workqueue.work_queue(current_user, local_today())
    counts = workqueue.nav_counts_from(sections)
    if counts is not None:
        g.nav_counts = counts
    return render_template(
        "main/index.html",
        user=current_user,
        sections=sections,
        today=local_today(),
        labels={"states": REFERRAL_STATES},
        awaiting=AWAITING_STATES,
    )


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


@bp.route("/impressum")
@public
def imprint() -> Any:
    return render_template("main/imprint.html")


# --- the quick check for laypeople ----------------------------------------------------------


def _quick_limit() -> str:
    return str(current_app.config.get("FUNDING_QUICK_CHECK_RATELIMIT", "30 per hour"))


@bp.route("/foerderkompass/kurzcheck", methods=["GET", "POST"])
@limiter.limit(_quick_limit, methods=["POST"])
@public
def quick_check() -> Any:
    form = LayQuickCheckForm()
    form.set_district_choices([(d.key, d.name) for d in db.session.scalars(districts_in_order())])
    if form.validate_on_submit():
        answers = form.answers()
        today = local_today()
        try:
            result = funding_services.check_document(
                quickcheck.engine_document(answers, today), today
            )
        except funding_services.InvalidInput:
            # The engine refuses what is impossible; a layperson gets a plain hint, not its
            # field paths.
            refused = _(
                "Mit diesen Angaben können wir keine Einschätzung geben. Bitte prüfen Sie "
                "Alter, Stunden und Kosten."
            )
            form.age.errors = [*form.age.errors, refused]
            return render_template("main/quick_check.html", form=form)
        answer = quickcheck.present(result, round(answers["costs"] * 100))
        session[PREFILL_KEY] = quickcheck.request_prefill(answers, answer)
        return render_template("main/quick_result.html", answer=answer, answers=answers)
    return render_template("main/quick_check.html", form=form)


# --- contact points (administrator) ---------------------------------------------------------


@bp.route("/verwaltung/kontaktstellen")
@requires_role("admin")
def contact_points() -> Any:
    points = db.session.scalars(contact_points_in_order()).all()
    return render_template("main/contact_points.html", points=points)


@bp.route("/verwaltung/kontaktstellen/<int:point_id>", methods=["GET", "POST"])
@requires_role("admin")
def contact_point_edit(point_id: int) -> Any:
    point = db.session.get(ContactPoint, point_id)
    if point is None:
        abort(404)
    form = ContactPointForm(obj=point)
    if form.validate_on_submit():
        return actions.run(
            lambda: main_services.update_contact_point(current_user, point, form.values()),
            then=url_for("main.contact_points"),
            message=_("Die Angaben der Kontaktstelle sind gespeichert."),
            code=303,
        )
    return render_template("main/contact_point_form.html", form=form, point=point)


@bp.app_template_global("public_funding_result")
def _public_funding_result(result: dict[str, Any]) -> dict[str, Any]:
    """The expert quick check's result without field paths or parameter keys."""
    return quickcheck.public_result(result)


@bp.app_template_global("nav_counts")
def _nav_counts() -> dict[str, int]:
    """Counts for the staff navigation, computed once per request and only by the layout
    that shows the navigation (error pages never query for them)."""
    if "nav_counts" not in g:
        g.nav_counts = (
            workqueue.nav_counts(current_user, local_today())
            if current_user.is_authenticated
            else {}
        )
    return g.nav_counts  # type: ignore[no-any-return]


@bp.app_template_global("nav_count_text")
def _nav_count_text(endpoint: str, n: int | str) -> str:
    """The count of a navigation link as screen readers hear it: "Posteingang (3 neue)"."""
    if endpoint == "cases.inbox":
        return _("%(n)s neue", n=n)
    if endpoint == "cases.due":
        return _("%(n)s fällig", n=n)
    return _("%(n)s zu prüfen", n=n)
