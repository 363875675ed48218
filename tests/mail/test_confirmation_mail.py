"""The confirmation of a public request goes to whatever address the sender typed, so it
quotes nothing the sender chose (issue #19 item 9): no firm, no contact name, no message;
only the reference, the district from the list and the status link."""

from __future__ import annotations

import sqlalchemy as sa

from wbagentur.cases.models import Case
from wbagentur.extensions import db
from wbagentur.mail.models import OutboxMessage

BAIT = "Ihr Konto wird gesperrt: https://evil.example/login"


def test_confirmation_mail_does_not_echo_free_text(client, clean_app, form_data):
    data = form_data(
        firm_name=f"Firma {BAIT}",
        contact_name=f"Erika {BAIT}",
        district="Wartburgkreis",
    )
    assert client.post("/beratung-anfragen", data=data).status_code == 303
    with clean_app.app_context():
        message = db.session.scalar(sa.select(OutboxMessage))
        reference = db.session.scalar(sa.select(Case.reference))
    assert message is not None
    for typed in (BAIT, "evil.example", "Firma", "Erika"):
        assert typed not in message.body
        assert typed not in message.subject
    assert message.body.startswith("Guten Tag,\n")
    assert reference in message.body
    assert "Landkreis: Wartburgkreis" in message.body
