"""Routes:
/personen/<id>/auskunft            privacy.access_report   supervisor, coordinator
/personen/<id>/auskunft/json       privacy.access_json     supervisor, coordinator
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, render_template
from flask_login import current_user

from wbagentur.core import actions
from wbagentur.core.access import requires_role
from wbagentur.persons.access import get_person_for
from wbagentur.privacy import bp
from wbagentur.privacy.services import access_export

ROLES = ("supervisor", "coordinator")


@bp.route("/personen/<int:person_id>/auskunft")
@requires_role(*ROLES)
def access_report(person_id: int) -> Any:
    person = get_person_for(current_user, person_id)
    # The export is recorded in the audit trail: it is committed before the answer.
    return actions.run(
        lambda: access_export(current_user, person),
        answer=lambda export: render_template(
            "privacy/access_report.html", person=person, export=export
        ),
    )


@bp.route("/personen/<int:person_id>/auskunft/json")
@requires_role(*ROLES)
def access_json(person_id: int) -> Any:
    person = get_person_for(current_user, person_id)
    return actions.run(
        lambda: access_export(current_user, person),
        answer=lambda export: Response(
            json.dumps(export, ensure_ascii=False, indent=2, default=str),
            mimetype="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="auskunft-person-{person.id}.json"'
            },
        ),
    )
