"""/import: upload a file, see the dry run, confirm. Advisors and supervisors, own region."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from wbagentur.core import actions
from wbagentur.core.access import requires_role
from wbagentur.core.translation import gettext as _
from wbagentur.imports import bp, services
from wbagentur.imports.forms import ConfirmForm, UploadForm

IMPORTERS = ("advisor", "supervisor")


@bp.route("/import", methods=["GET", "POST"])
@requires_role(*IMPORTERS)
def upload() -> Any:
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        try:
            plan = services.plan_import(
                current_user, form.kind.data, upload.filename or "", content
            )
        except services.ImportFileError as exc:
            form.file.errors = [str(exc)]
        else:
            token = services.keep_upload(current_user, plan.kind, upload.filename or "", content)
            return render_template(
                "imports/dry_run.html", plan=plan, confirm=ConfirmForm(token=token)
            )
    status = 400 if form.errors else 200
    return render_template("imports/upload.html", form=form), status


@bp.post("/import/bestaetigen")
@requires_role(*IMPORTERS)
def confirm() -> Any:
    form = ConfirmForm()
    kept = services.load_upload(current_user, form.token.data or "") if form.validate() else None
    if kept is None:
        flash(
            _("Diese Datei ist schon importiert oder abgelaufen. Bitte laden Sie sie erneut hoch."),
            "warning",
        )
        return redirect(url_for("imports.upload"))
    kind, content = kept
    suffix = ".xlsx" if (form.token.data or "").endswith(".xlsx") else ".csv"
    plan = services.plan_import(current_user, kind, f"import{suffix}", content)
    token = form.token.data or ""
    return actions.run(
        lambda: services.apply_plan(current_user, plan),
        then=url_for("firms.index" if kind == "firms" else "persons.index"),
        message=lambda counts: _(
            "Import abgeschlossen: %(created)s angelegt, %(updated)s aktualisiert, "
            "%(duplicates)s Dubletten und %(errors)s fehlerhafte Zeilen nicht übernommen.",
            created=counts["created"],
            updated=counts["updated"],
            duplicates=counts["duplicate"],
            errors=counts["error"],
        ),
        # The kept file goes only once the rows are stored: a failed import can be confirmed again.
        done=lambda _counts: services.discard_upload(token),
    )
