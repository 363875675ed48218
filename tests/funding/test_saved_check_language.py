"""A saved check is stored in German; an English reader sees it in English only when the
engine, run again on the stored input, gives the same answer."""

from __future__ import annotations

import json

from flask_babel import force_locale

from tests.funding.conftest import create_firm_case
from tests.funding.helpers import EX1, doc
from wbagentur.accounts.models import User
from wbagentur.cases.models import Case
from wbagentur.extensions import db
from wbagentur.funding import services


def _saved_check(app, make_user):
    advisor = make_user("advisor", "SW")
    ids = create_firm_case(assigned_to_id=advisor.id)
    user = db.session.get(User, advisor.id)
    document = doc(EX1, top={"reference_date": "2026-11-21"})
    return services.save_check(user, db.session.get(Case, ids.case_id), document)


def _texts(result) -> str:
    return json.dumps(result["programmes"], ensure_ascii=False)


def test_german_reader_gets_the_stored_result(clean_app, make_user):
    with clean_app.app_context():
        check = _saved_check(clean_app, make_user)
        with clean_app.test_request_context():
            result, in_language = services.result_for_reader(check, "de")
        assert in_language
        assert result == check.result


def test_english_reader_gets_the_same_answer_in_english(clean_app, make_user):
    with clean_app.app_context():
        check = _saved_check(clean_app, make_user)
        stored = check.result
        with clean_app.test_request_context(), force_locale("en"):
            result, in_language = services.result_for_reader(check, "en")
        assert in_language
        assert [(p["programme"], p["status"]) for p in result["programmes"]] == [
            (p["programme"], p["status"]) for p in stored["programmes"]
        ]
        assert result["parameter_versions"] == stored["parameter_versions"]
        assert "Maßgeblich für die anzuwendende Fassung" in _texts(stored)
        assert "Maßgeblich für die anzuwendende Fassung" not in _texts(result)
        assert "decisive" in _texts(result).lower() or "applies" in _texts(result).lower()


def test_english_reader_gets_the_stored_german_when_today_would_answer_otherwise(
    clean_app, make_user
):
    with clean_app.app_context():
        check = _saved_check(clean_app, make_user)
        stored = check.result
        flipped = stored["programmes"][0]
        flipped["status"] = "not_eligible" if flipped["status"] == "eligible" else "eligible"
        check.result_json = json.dumps(stored, ensure_ascii=False)
        db.session.flush()
        with clean_app.test_request_context(), force_locale("en"):
            result, in_language = services.result_for_reader(check, "en")
        assert not in_language
        assert result == check.result
