"""core.actions.run: the one way a state-changing view commits and answers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import flash, get_flashed_messages
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tests.factories import SubmissionTokenFactory, make_firm
from wbagentur.core import actions, idempotency
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.extensions import db
from wbagentur.firms.models import Firm

TOKEN = "a" * 32


def _firms() -> list[str]:
    db.session.rollback()  # see only what was committed
    return list(db.session.scalars(sa.select(Firm.name).order_by(Firm.name)))


def _post(app):
    return app.test_request_context("/", method="POST")


def test_success_commits_once_flashes_and_redirects(clean_app):
    with _post(clean_app):
        response = actions.run(
            lambda: make_firm("Erfolg GmbH"),
            then="/firmen",
            message=lambda firm: f"{firm.name} gespeichert",
        )
        assert response.status_code == 302
        assert response.location == "/firmen"
        assert get_flashed_messages(with_categories=True) == [
            ("success", "Erfolg GmbH gespeichert")
        ]
        assert _firms() == ["Erfolg GmbH"]


def test_refused_use_case_keeps_nothing_and_flashes_its_message(clean_app):
    def work():
        make_firm("Halb GmbH")
        raise DomainError("Das geht so nicht.")

    with _post(clean_app):
        response = actions.run(work, then="/ziel", back="/zurueck")
        assert response.status_code == 302
        assert response.location == "/zurueck"
        assert get_flashed_messages(with_categories=True) == [("danger", "Das geht so nicht.")]
        assert _firms() == []


def test_refused_answer_can_be_the_form_again(clean_app):
    def work():
        raise DomainError("Bitte ein anderes Datum.")

    with _post(clean_app):
        answer = actions.run(work, then="/ziel", refused=lambda exc: (f"Formular: {exc}", 200))
        assert answer == ("Formular: Bitte ein anderes Datum.", 200)


def test_conflict_rolls_back_and_shows_the_409_page_with_a_way_back(clean_app):
    def work():
        make_firm("Konflikt GmbH")
        raise ConflictError("Der Fall wurde inzwischen geändert.")

    with _post(clean_app):
        body, status = actions.run(work, then="/faelle/7")
        assert status == 409
        assert "Der Fall wurde inzwischen geändert." in body
        assert 'href="/faelle/7"' in body
        assert _firms() == []


def test_stale_data_is_a_conflict_not_a_server_error(clean_app):
    def work():
        raise StaleDataError("UPDATE statement on table expected to update 1 row(s); 0 matched")

    with _post(clean_app):
        seen = []
        answer = actions.run(work, then="/x", conflict=lambda exc: seen.append(str(exc)) or "409")
        assert answer == "409"
        assert seen == ["Die Angaben wurden gleichzeitig von jemand anderem geändert."]


def test_a_repeated_submission_runs_nothing_and_goes_where_the_first_went(clean_app):
    calls = []

    def work():
        calls.append(1)
        return make_firm(f"Doppelklick {len(calls)} GmbH")

    for _ in range(2):
        with _post(clean_app):
            response = actions.run(work, then="/firmen/1", token=TOKEN)
            assert response.location == "/firmen/1"
    with clean_app.app_context():
        assert _firms() == ["Doppelklick 1 GmbH"]
    assert len(calls) == 1


def test_a_repeat_of_a_create_goes_to_what_the_first_one_created(clean_app):
    calls = []

    def work():
        calls.append(1)
        return make_firm("Neu GmbH")

    locations = []
    for _ in range(2):
        with _post(clean_app):
            response = actions.run(work, then=lambda firm: f"/firmen/{firm.id}", token=TOKEN)
            locations.append(response.location)
    assert len(calls) == 1
    assert locations[0] == locations[1]
    with clean_app.app_context():
        firm_id = db.session.scalar(sa.select(Firm.id))
        assert locations[0] == f"/firmen/{firm_id}"
        assert idempotency.already_processed(TOKEN) == locations[0]


def test_a_refused_submission_can_be_sent_again_with_the_same_token(clean_app):
    attempts = []

    def work():
        attempts.append(1)
        if len(attempts) == 1:
            raise DomainError("Bitte korrigieren.")
        return make_firm("Zweiter Versuch GmbH")

    for _ in range(2):
        with _post(clean_app):
            actions.run(work, then="/firmen", token=TOKEN)
    with clean_app.app_context():
        assert _firms() == ["Zweiter Versuch GmbH"]
    assert len(attempts) == 2


def test_answer_replaces_the_redirect_after_the_commit(clean_app):
    with _post(clean_app):
        seen = []
        answer = actions.run(
            lambda: make_firm("Einmalig GmbH"),
            message="Gespeichert.",
            answer=lambda firm: seen.append(_firms()) or (f"Seite für {firm.name}", 200),
        )
        assert answer == ("Seite für Einmalig GmbH", 200)
        assert seen == [["Einmalig GmbH"]]  # committed before the answer is built
        assert get_flashed_messages() == ["Gespeichert."]


class AttemptFailed(Exception):
    """Not a DomainError, like the accounts services' AccountError."""


def test_other_refusal_classes_can_be_kept_to_feed_a_throttle(clean_app):
    def work():
        make_firm("Fehlversuch GmbH")  # stands for the recorded failed attempt
        raise AttemptFailed("Falsches Passwort.")

    with _post(clean_app):
        answer = actions.run(
            work,
            answer=lambda result: "angemeldet",
            refusals=(AttemptFailed,),
            keep_refused=True,
            refused=lambda exc: (str(exc), 200),
        )
        assert answer == ("Falsches Passwort.", 200)
        assert _firms() == ["Fehlversuch GmbH"]


def test_a_refusal_of_another_class_is_not_caught_unless_named(clean_app):
    def work():
        make_firm("Unbekannt GmbH")
        raise AttemptFailed("Falsches Passwort.")

    with _post(clean_app):
        with pytest.raises(AttemptFailed):
            actions.run(work, then="/x")


def test_run_needs_a_target_or_an_answer(clean_app):
    with _post(clean_app), pytest.raises(TypeError):
        actions.run(lambda: None)


def _same_key_twice() -> None:
    """A unique key filled twice, as when a concurrent save wrote it first."""
    SubmissionTokenFactory(token="b" * 32)
    SubmissionTokenFactory(token="b" * 32)


def test_with_a_race_message_a_unique_key_collision_is_a_conflict(clean_app):
    def work():
        make_firm("Verloren GmbH")
        _same_key_twice()

    with _post(clean_app):
        seen = []
        answer = actions.run(
            work,
            then="/x",
            race="Der Fall wurde gleichzeitig geändert.",
            conflict=lambda exc: seen.append(str(exc)) or "409",
        )
        assert answer == "409"
        assert seen == ["Der Fall wurde gleichzeitig geändert."]
        assert _firms() == []


def test_without_a_race_message_a_unique_key_collision_goes_to_the_409_handler(clean_app):
    with _post(clean_app):
        with pytest.raises(IntegrityError):
            actions.run(_same_key_twice, then="/x", conflict=lambda exc: "409")


def test_a_stale_row_is_reported_with_the_race_message(clean_app):
    def work():
        raise StaleDataError("0 matched")

    with _post(clean_app):
        body, status = actions.run(work, then="/faelle/3", race="Gleichzeitig geändert.")
        assert status == 409
        assert "Gleichzeitig geändert." in body


def test_done_runs_after_the_commit_with_the_result_and_after_the_message(clean_app):
    events = []

    def done(firm):
        events.append(("done", firm.name, _firms()))
        flash("Hinweis danach", "warning")

    with _post(clean_app):
        response = actions.run(
            lambda: make_firm("Fertig GmbH"),
            then="/firmen",
            message="Gespeichert",
            done=done,
            code=303,
        )
        assert response.status_code == 303
        assert events == [("done", "Fertig GmbH", ["Fertig GmbH"])]
        assert get_flashed_messages(with_categories=True) == [
            ("success", "Gespeichert"),
            ("warning", "Hinweis danach"),
        ]


def test_done_is_not_called_when_the_use_case_is_refused(clean_app):
    calls = []

    def work():
        raise DomainError("Nein.")

    with _post(clean_app):
        response = actions.run(work, then="/ziel", done=calls.append, code=303)
        assert response.status_code == 303
        assert response.location == "/ziel"
        assert calls == []


def test_repeated_knows_an_earlier_submission_and_nothing_else(clean_app):
    with _post(clean_app):
        assert actions.repeated(TOKEN) is None
        assert actions.repeated("") is None
        actions.run(lambda: make_firm("Erst GmbH"), then="/firmen/9", token=TOKEN)
    with _post(clean_app):
        response = actions.repeated(TOKEN, code=303)
        assert response is not None
        assert (response.status_code, response.location) == (303, "/firmen/9")
