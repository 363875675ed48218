"""Follow-up survey: only with consent, due six months after leaving, reminder, expiry,
non-response, and a link answered twice or after expiry changes nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa
import time_machine

from tests.esf.conftest import ENTRY, give_consent, new_case, user
from wbagentur.esf.models import EsfParticipation

EXIT = date(2026, 5, 1)


def _participation(world, consent: bool, esf_consent: bool = True, email="tn@test.example"):
    from wbagentur.esf import services

    case, person = new_case(world, email=email)
    if esf_consent:
        give_consent(person.id, "esf_reporting")
    p = services.save_entry(
        user(world.advisor),
        case,
        person,
        dict(ENTRY, entry_date=date(2026, 3, 1)),
        survey_consent=consent,
    )
    p.exit_date = EXIT
    p.exit_situation = "employed"
    return p


def _outbox():
    from wbagentur.extensions import db
    from wbagentur.mail.models import OutboxMessage

    return list(
        db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "esf_survey"))
    )


def _token(message) -> str:
    return re.search(r"/esf/umfrage/(\S+)", message.body).group(1)


def test_no_survey_without_consent_and_not_before_due(clean_app, world):
    from wbagentur.esf import services
    from wbagentur.extensions import db

    with clean_app.app_context():
        consenting = _participation(world, consent=True)
        refused = _participation(world, consent=False)
        withdrawn = _participation(world, consent=True, esf_consent=False)
        db.session.flush()
        # one day before the six months: nothing
        with time_machine.travel("2026-10-30 10:00:00+01:00", tick=False):
            report = services.send_due_surveys()
        assert (report.sent, report.no_consent) == (0, 0)
        with time_machine.travel("2026-11-01 10:00:00+01:00", tick=False):
            report = services.send_due_surveys()
        assert (report.sent, report.no_consent) == (1, 2)
        mails = _outbox()
        assert [m.recipient for m in mails] == ["tn@test.example"]
        assert consenting.survey_state == "sent"
        assert refused.survey_state == withdrawn.survey_state == "no_consent"
        # a second run sends nothing again
        with time_machine.travel("2026-11-02 10:00:00+01:00", tick=False):
            assert services.send_due_surveys().sent == 0
        assert len(_outbox()) == 1
        assert "Muster" not in mails[0].body
        assert "Anna" not in mails[0].body


def test_answer_lands_once_and_second_answer_changes_nothing(clean_app, world):
    from wbagentur.esf import services
    from wbagentur.extensions import db

    with clean_app.app_context():
        p = _participation(world, consent=True)
        db.session.flush()
        with time_machine.travel("2026-11-01 10:00:00+01:00", tick=False):
            services.send_due_surveys()
        token = _token(_outbox()[0])
        with time_machine.travel("2026-11-05 10:00:00+01:00", tick=False):
            assert services.answer_survey(token, employed=True, improved=False)
            assert not services.answer_survey(token, employed=False, improved=True)
        db.session.refresh(p)
        assert (p.survey_state, p.longterm_employment, p.longterm_improved) == (
            "answered",
            True,
            False,
        )


def test_reminder_then_expiry_counts_as_no_response_and_late_answer_changes_nothing(
    clean_app, world
):
    from wbagentur.esf import services
    from wbagentur.extensions import db

    with clean_app.app_context():
        p = _participation(world, consent=True)
        db.session.flush()
        with time_machine.travel("2026-11-01 10:00:00+01:00", tick=False):
            services.send_due_surveys()
        first = _token(_outbox()[0])
        with time_machine.travel("2026-11-16 10:00:00+01:00", tick=False):
            assert services.send_due_surveys().reminded == 1
        second = _token(_outbox()[1])
        assert first != second
        with time_machine.travel("2026-11-16 11:00:00+01:00", tick=False):
            assert not services.answer_survey(first, True, True)  # replaced by the reminder
        with time_machine.travel("2026-11-29 10:00:01+01:00", tick=False):
            assert services.send_due_surveys().no_response == 1
            assert not services.answer_survey(second, True, True)
        db.session.refresh(p)
        assert p.survey_state == "no_response"
        assert p.longterm_employment is None


def test_survey_page_public_form_and_bad_input(client, clean_app, world):
    from wbagentur.esf import services
    from wbagentur.extensions import db

    with clean_app.app_context():
        p = _participation(world, consent=True)
        db.session.flush()
        services.send_due_surveys(now=services.utcnow() + timedelta(days=400))
        db.session.commit()
        token = _token(_outbox()[0])
        pid = p.id
    page = client.get(f"/esf/umfrage/{token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Muster" not in text
    assert "ESF-Test" not in text
    bad = client.post(f"/esf/umfrage/{token}", data={"employed": "vielleicht"})
    assert bad.status_code == 422
    ok = client.post(f"/esf/umfrage/{token}", data={"employed": "ja", "improved": "nein"})
    assert ok.status_code == 200
    again = client.post(f"/esf/umfrage/{token}", data={"employed": "nein", "improved": "ja"})
    assert again.status_code == 404
    assert client.get("/esf/umfrage/erfunden").status_code == 404
    with clean_app.app_context():
        stored = db.session.get(EsfParticipation, pid)
        assert (stored.longterm_employment, stored.longterm_improved) == (True, False)


def test_cli_command_and_audit_only_when_something_happened(runner, clean_app, world):
    from wbagentur.core.audit import AuditEvent
    from wbagentur.extensions import db

    def audits():
        with clean_app.app_context():
            return db.session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "esf.surveys")
            )

    result = runner.invoke(args=["esf", "surveys"])
    assert result.exit_code == 0
    assert "versandt: 0" in result.output
    assert audits() == 0
    with clean_app.app_context():
        _participation(world, consent=False)
        db.session.commit()
    with time_machine.travel("2026-11-01 10:00:00+01:00", tick=False):
        result = runner.invoke(args=["esf", "surveys"])
    assert "ohne Einwilligung: 1" in result.output
    assert audits() == 1
