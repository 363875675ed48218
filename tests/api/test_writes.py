"""Writes through /api/v1 (issue #21): the UI's forms and services decide (region, format,
duplicates, consent), optimistic locking with ETag/If-Match (428 without, 412 stale), write
scopes (403 without), 404 outside the region as in the UI, audit as in the UI, referrals
and the funding check, and the one error shape in German and English."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from tests.factories import make_person
from tests.funding.helpers import EX1
from tests.personas import create_persona
from wbagentur.accounts.models import User
from wbagentur.api import tokens
from wbagentur.cases.models import TimelineEntry
from wbagentur.core.audit import AuditEvent, ingest_reads
from wbagentur.extensions import db
from wbagentur.firms.models import Firm
from wbagentur.partners.models import Partner
from wbagentur.persons.models import Person
from wbagentur.referrals.models import Referral

pytestmark = pytest.mark.usefixtures("fixed_clock")

ALL = sorted(tokens.SCOPES)
READ = [s for s in ALL if s.endswith(":read")]


@pytest.fixture
def world(clean_app):
    """An SW advisor with an all-scope and a read-only token; objects in SW and NT; an NT
    advisor's token."""
    with clean_app.app_context():
        advisor = create_persona("advisor", "SW")
        user = db.session.get(User, advisor.id)
        _, write = tokens.create_token(None, user, "Alles", ALL, 30)
        _, read = tokens.create_token(None, user, "Lesen", READ, 30)
        nt_advisor = db.session.get(User, create_persona("advisor", "NT").id)
        _, nt_write = tokens.create_token(None, nt_advisor, "Nord", ALL, 30)
        coordinator = db.session.get(User, create_persona("coordinator").id)
        _, coord = tokens.create_token(None, coordinator, "Land", ALL, 30)
        sw_firm = create_firm("Suhler Stahl GmbH", "16054")
        nt_firm = create_firm("Nordhäuser Korn GmbH", "16062")
        sw_case = create_case(firm=sw_firm)
        nt_case = create_case(firm=nt_firm)
        sw_person = make_person("Erika", "Suhler", "16054", employer_id=sw_firm.id)
        sw_case.participants.append(sw_person)
        partner = db.session.scalar(
            sa.select(Partner).where(Partner.is_active.is_(True)).order_by(Partner.id)
        )
        db.session.commit()
        return {
            "user_id": advisor.id,
            "write": write,
            "read": read,
            "nt_write": nt_write,
            "coord": coord,
            "sw_firm": sw_firm.id,
            "nt_firm": nt_firm.id,
            "sw_case": sw_case.id,
            "nt_case": nt_case.id,
            "sw_person": sw_person.id,
            "partner": partner.id,
        }


def call(client, method, path, secret, json=None, **headers):
    headers["Authorization"] = f"Bearer {secret}"
    return client.open(f"/api/v1{path}", method=method, json=json, headers=headers)


def audit_actions(app, object_type=None):
    """The audit trail's actions, reads included: reads are spooled on the request path
    and chained by the worker (issue #22), here at once."""
    with app.app_context():
        ingest_reads()
        stmt = sa.select(AuditEvent.action)
        if object_type:
            stmt = stmt.where(AuditEvent.object_type == object_type)
        return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


# ---------------------------------------------------------------- firms


def test_firm_created_through_the_ui_rules_and_audited(client, clean_app, world):
    response = call(
        client,
        "POST",
        "/firms",
        world["write"],
        {
            "name": "Zella-Mehliser Werkzeugbau GmbH",
            "district_key": "16066",
            "register_number": "hrb  501234",
            "email": " info@werkzeug-zm.de ",
            "turnover_cents": 1_464_000,
            "staff_over_30h": 12,
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["register_number"] == "HRB 501234"  # normalised by the service, as in the UI
    assert body["email"] == "info@werkzeug-zm.de"
    assert body["turnover_cents"] == 1_464_000
    assert body["district"]["key"] == "16066"
    assert response.headers["Location"] == f"/api/v1/firms/{body['id']}"
    assert response.headers["ETag"] == f'"firm-{body["id"]}-v1"'
    assert "firm.create" in audit_actions(clean_app, "firm")


def test_firm_outside_the_own_region_is_refused_like_the_ui(client, world):
    response = call(
        client, "POST", "/firms", world["write"], {"name": "Korn AG", "district_key": "16062"}
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert error["fields"]["district_key"] == [
        "Bitte wählen Sie einen Kreis Ihrer Planungsregion. Unternehmen anderer Regionen "
        "legt die dortige Kontaktstelle an."
    ]


@pytest.mark.parametrize(
    ("body", "field", "german", "english"),
    [
        (
            {"name": "X GmbH", "district_key": "16054", "postcode": "985"},
            "postcode",
            "Bitte geben Sie eine fünfstellige Postleitzahl ein, z. B. 98527.",
            "Please enter a five-digit postcode, e.g. 98527.",
        ),
        (
            {"name": "", "district_key": "16054"},
            "name",
            "Bitte geben Sie den Namen des Unternehmens ein.",
            None,
        ),
        (
            {"name": "X", "district_key": "16054", "staff_over_30h": "zwölf"},
            "staff_over_30h",
            "Falscher Typ.",
            "Wrong type.",
        ),
        (
            {"name": "X", "district_key": "16054", "colour": "blau"},
            "colour",
            "Unbekanntes Feld.",
            "Unknown field.",
        ),
        ({"district_key": "16054"}, "name", "Pflichtfeld.", "Required."),
    ],
)
def test_bad_firm_input_is_400_with_field_errors_in_both_languages(
    client, clean_app, world, body, field, german, english
):
    with clean_app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(Firm.id)))
    response = call(client, "POST", "/firms", world["write"], body)
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"][field] == [german]
    if english:
        response = call(client, "POST", "/firms", world["write"], body, **{"Accept-Language": "en"})
        error = response.get_json()["error"]
        assert error["fields"][field] == [english]
        assert error["message"] == "Please check the fields listed."
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Firm.id))) == before


def test_duplicate_firm_is_409_until_confirmed(client, world):
    body = {"name": "Suhler Stahl GmbH", "district_key": "16054"}
    response = call(client, "POST", "/firms", world["write"], body)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "duplicate"
    assert error["duplicates"][0]["id"] == world["sw_firm"]
    assert error["duplicates"][0]["reasons"]
    again = call(client, "POST", "/firms", world["write"], {**body, "confirm_new": True})
    assert again.status_code == 201


def test_firm_update_needs_if_match_and_refuses_a_stale_version(client, clean_app, world):
    path = f"/firms/{world['sw_firm']}"
    etag = call(client, "GET", path, world["write"]).headers["ETag"]
    missing = call(client, "PATCH", path, world["write"], {"city": "Suhl"})
    assert missing.status_code == 428
    assert missing.get_json()["error"]["code"] == "precondition_required"
    star = call(client, "PATCH", path, world["write"], {"city": "Suhl"}, **{"If-Match": "*"})
    assert star.status_code == 428

    ok = call(client, "PATCH", path, world["write"], {"city": "Suhl"}, **{"If-Match": etag})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["city"] == "Suhl"
    assert ok.get_json()["name"] == "Suhler Stahl GmbH"  # fields not sent stay
    assert ok.headers["ETag"] != etag

    stale = call(client, "PATCH", path, world["write"], {"city": "Zella"}, **{"If-Match": etag})
    assert stale.status_code == 412
    english = call(
        client,
        "PATCH",
        path,
        world["write"],
        {"city": "Zella"},
        **{"If-Match": etag, "Accept-Language": "en"},
    )
    assert english.get_json()["error"]["message"].startswith("The record has changed")
    with clean_app.app_context():
        assert db.session.get(Firm, world["sw_firm"]).city == "Suhl"
    assert "firm.update" in audit_actions(clean_app, "firm")


def test_write_without_the_write_scope_is_403(client, clean_app, world):
    response = call(
        client, "POST", "/firms", world["read"], {"name": "X GmbH", "district_key": "16054"}
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == (
        "Dem Token fehlt die Berechtigung „firms:write“."
    )
    path = f"/cases/{world['sw_case']}/timeline"
    assert call(client, "POST", path, world["read"], {"body": "Notiz"}).status_code == 403
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Firm)) == 2


def test_other_region_gets_404_on_writes_like_the_ui(client, world):
    firm = f"/firms/{world['sw_firm']}"
    assert (
        call(client, "PATCH", firm, world["nt_write"], {}, **{"If-Match": '"x"'}).status_code == 404
    )
    case = f"/cases/{world['sw_case']}"
    assert call(client, "GET", case, world["nt_write"]).status_code == 404
    assert (
        call(client, "PATCH", case, world["nt_write"], {}, **{"If-Match": '"x"'}).status_code == 404
    )
    note = call(client, "POST", f"{case}/timeline", world["nt_write"], {"body": "Hallo"})
    assert note.status_code == 404
    assert note.get_json()["error"]["message"] == "Nicht gefunden."


def test_coordinator_reads_but_may_not_write(client, world):
    path = f"/firms/{world['nt_firm']}"
    read = call(client, "GET", path, world["coord"])
    assert read.status_code == 200
    patch = call(client, "PATCH", path, world["coord"], {}, **{"If-Match": read.headers["ETag"]})
    assert patch.status_code == 403
    assert patch.get_json()["error"]["code"] == "read_only"


# ---------------------------------------------------------------- persons


def test_person_create_update_and_audit(client, clean_app, world):
    created = call(
        client,
        "POST",
        "/persons",
        world["write"],
        {
            "first_name": "Jana",
            "last_name": "Köhler",
            "birth_date": "1985-04-12",
            "residence_district": "16054",
            "weekly_hours": 38.5,
            "employer_id": world["sw_firm"],
        },
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["weekly_hours"] == 38.5
    assert body["employer_id"] == world["sw_firm"]
    assert "severely_disabled" not in body
    path = f"/persons/{body['id']}"
    etag = created.headers["ETag"]
    changed = call(
        client, "PATCH", path, world["write"], {"phone": "03681 1234"}, **{"If-Match": etag}
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["phone"] == "03681 1234"
    assert changed.get_json()["weekly_hours"] == 38.5
    call(client, "GET", path, world["write"])
    actions = audit_actions(clean_app, "person")
    assert {"person.create", "person.update", "person.view"} <= set(actions)


def test_person_out_of_reach_and_bad_dates_are_refused(client, world):
    outside = call(
        client,
        "POST",
        "/persons",
        world["write"],
        {"first_name": "Nora", "last_name": "Nord", "residence_district": "16062"},
        **{"Accept-Language": "en"},
    )
    assert outside.status_code == 422
    assert outside.get_json()["error"]["message"].startswith("Please give a residence district")
    future = call(
        client,
        "POST",
        "/persons",
        world["write"],
        {"first_name": "Nora", "last_name": "Nord", "birth_date": "2090-01-01"},
    )
    assert future.status_code == 400
    assert "birth_date" in future.get_json()["error"]["fields"]
    foreign_employer = call(
        client,
        "POST",
        "/persons",
        world["write"],
        {"first_name": "Nora", "last_name": "Nord", "employer_id": world["nt_firm"]},
    )
    assert foreign_employer.status_code == 400
    assert "employer_id" in foreign_employer.get_json()["error"]["fields"]


# ---------------------------------------------------------------- cases and timeline


def test_case_opened_in_own_region_with_note_and_locked_update(client, clean_app, world):
    opened = call(
        client,
        "POST",
        "/cases",
        world["write"],
        {
            "kind": "firm",
            "title": "Schweißkurs",
            "channel": "phone",
            "topics": ["digital"],
            "firm_id": world["sw_firm"],
        },
    )
    assert opened.status_code == 201, opened.get_json()
    case = opened.get_json()
    assert case["region"] == "SW"
    assert case["status"] == "in_advice"
    assert case["reference"].startswith("WBA-SW-")
    path = f"/cases/{case['id']}"

    etag = call(client, "GET", path, world["write"]).headers["ETag"]
    note = call(client, "POST", f"{path}/timeline", world["write"], {"body": "Rückruf vereinbart"})
    assert note.status_code == 201
    assert note.get_json()["kind"] == "note"
    # The note changed the case's representation (its timeline): the old ETag is stale.
    stale = call(client, "PATCH", path, world["write"], {"priority": "high"}, **{"If-Match": etag})
    assert stale.status_code == 412
    etag = call(client, "GET", path, world["write"]).headers["ETag"]
    ok = call(client, "PATCH", path, world["write"], {"priority": "high"}, **{"If-Match": etag})
    assert ok.status_code == 200
    assert ok.get_json()["priority"] == "high"
    assert ok.get_json()["title"] == "Schweißkurs"

    timeline = call(client, "GET", f"{path}/timeline?kind=note", world["write"]).get_json()
    assert [e["body"] for e in timeline["items"]] == ["Rückruf vereinbart"]
    assert timeline["total"] == 1
    assert {"case.create", "case.note", "case.update"} <= set(audit_actions(clean_app, "case"))


def test_case_needs_a_visible_client_and_valid_topics(client, world):
    foreign = call(
        client,
        "POST",
        "/cases",
        world["write"],
        {
            "kind": "firm",
            "title": "X",
            "channel": "phone",
            "topics": ["digital"],
            "firm_id": world["nt_firm"],
        },
    )
    assert foreign.status_code == 404
    no_firm = call(
        client,
        "POST",
        "/cases",
        world["write"],
        {"kind": "firm", "title": "X", "channel": "phone", "topics": ["digital"]},
    )
    assert no_firm.status_code == 422
    assert no_firm.get_json()["error"]["message"] == (
        "Eine Unternehmensberatung braucht ein Unternehmen."
    )
    bad_topic = call(
        client,
        "POST",
        "/cases",
        world["write"],
        {"kind": "firm", "title": "X", "channel": "phone", "topics": ["kochen"]},
    )
    assert bad_topic.status_code == 400
    assert bad_topic.get_json()["error"]["fields"]["topics"] == ["Kein erlaubter Wert."]
    empty_note = call(
        client, "POST", f"/cases/{world['sw_case']}/timeline", world["write"], {"body": "   "}
    )
    assert empty_note.status_code == 400
    assert "body" in empty_note.get_json()["error"]["fields"]


def test_lists_filter_and_page_consistently(client, world):
    listing = call(client, "GET", "/cases?kind=firm&per_page=1&page=1", world["write"]).get_json()
    assert listing["per_page"] == 1
    assert listing["total"] == 1
    assert call(client, "GET", "/cases?status=unsinn", world["write"]).status_code == 400
    assert call(client, "GET", "/cases?firm_id=x", world["write"]).status_code == 400
    firms = call(client, "GET", "/firms?district=16054", world["write"]).get_json()
    assert [f["name"] for f in firms["items"]] == ["Suhler Stahl GmbH"]
    employees = call(client, "GET", f"/persons?employer_id={world['sw_firm']}", world["write"])
    assert [p["last_name"] for p in employees.get_json()["items"]] == ["Suhler"]
    assert call(client, "GET", "/persons?employer_id=0", world["write"]).status_code == 400


# ---------------------------------------------------------------- referrals


def test_referral_needs_consent_or_legal_basis_then_moves_through_states(client, clean_app, world):
    body = {
        "case_id": world["sw_case"],
        "partner_id": world["partner"],
        "purpose": "Beratung zum Bildungsgutschein",
        "data_categories": ["contact"],
        "send": False,
    }
    refused = call(client, "POST", "/referrals", world["write"], body, **{"Accept-Language": "en"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["message"].startswith("Nothing may be passed on")
    created = call(
        client, "POST", "/referrals", world["write"], {**body, "legal_basis": "§ 35 SGB III"}
    )
    assert created.status_code == 201, created.get_json()
    referral = created.get_json()
    assert referral["state"] == "draft"
    assert referral["basis"] == "legal_basis"
    path = f"/referrals/{referral['id']}"

    # Another region does not see it (its case is not theirs): 404 like the UI.
    assert call(client, "GET", path, world["nt_write"]).status_code == 404
    etag = call(client, "GET", path, world["write"]).headers["ETag"]
    state = f"{path}/state"
    assert call(client, "POST", state, world["write"], {"state": "sent"}).status_code == 428
    sent = call(client, "POST", state, world["write"], {"state": "sent"}, **{"If-Match": etag})
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["state"] == "sent"
    assert sent.get_json()["due_date"]
    etag = sent.headers["ETag"]
    wrong = call(
        client, "POST", state, world["write"], {"state": "completed"}, **{"If-Match": etag}
    )
    assert wrong.status_code == 409
    declined = call(
        client,
        "POST",
        state,
        world["write"],
        {"state": "declined", "reason": "not_responsible"},
        **{"If-Match": etag},
    )
    assert declined.status_code == 200
    assert declined.get_json()["decline_reason"] == "not_responsible"
    listing = call(client, "GET", "/referrals?state=declined", world["write"]).get_json()
    assert [r["id"] for r in listing["items"]] == [referral["id"]]
    actions = audit_actions(clean_app, "referral")
    assert {"referral.create", "referral.send", "referral.decline", "referral.view"} <= set(actions)
    with clean_app.app_context():
        assert db.session.get(Referral, referral["id"]).state == "declined"


# ---------------------------------------------------------------- funding check


def test_funding_check_for_a_case_participant_saved_in_the_timeline(client, clean_app, world):
    path = f"/cases/{world['sw_case']}/funding-check"
    stranger = call(client, "POST", path, world["write"], {"person_id": 999999})
    assert stranger.status_code == 400
    assert "person_id" in stranger.get_json()["error"]["fields"]
    response = call(
        client, "POST", path, world["write"], {"person_id": world["sw_person"], "save": True}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["check_id"]
    assert body["result"]["programmes"]
    with clean_app.app_context():
        kinds = db.session.scalars(
            sa.select(TimelineEntry.kind).where(TimelineEntry.case_id == world["sw_case"])
        ).all()
    assert "funding_check" in kinds
    assert "funding.check_save" in audit_actions(clean_app, "case")


# The worked example of funding-rules.md § 9 (docs/funding-check.md § 8.1).
EXAMPLE_DOCUMENT = EX1


def test_funding_check_document_gives_the_public_endpoints_answer(client, world):
    response = call(client, "POST", "/funding-check", world["write"], EXAMPLE_DOCUMENT)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["routing"]["recommended"] == "sgb3_82"
    public = client.post("/api/foerdercheck", json=EXAMPLE_DOCUMENT)
    assert response.get_json() == public.get_json()


def test_case_check_takes_the_course_from_the_input(client, world):
    response = call(
        client,
        "POST",
        f"/cases/{world['sw_case']}/funding-check",
        world["write"],
        {"person_id": world["sw_person"], "input": {"course": EXAMPLE_DOCUMENT["course"]}},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["check_id"] is None
    assert {p["programme"] for p in body["result"]["programmes"]} >= {"sgb3_82"}


def test_funding_check_document_runs_the_engine(client, world):
    bad = call(client, "POST", "/funding-check", world["write"], {"firm": {"staff": "viele"}})
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "validation_failed"
    assert call(client, "POST", "/funding-check", world["read"], {}).status_code == 403


# ---------------------------------------------------------------- errors


def test_unknown_url_and_wrong_method_answer_json(client, world):
    unknown = client.get("/api/v1/gibt-es-nicht", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404
    assert unknown.get_json() == {
        "error": {"status": 404, "code": "not_found", "message": "Not found."}
    }
    wrong = call(client, "DELETE", f"/firms/{world['sw_firm']}", world["write"])
    assert wrong.status_code == 405
    assert wrong.get_json()["error"]["code"] == "method_not_allowed"
    assert "PATCH" in wrong.headers["Allow"]
    assert client.put("/api/v1/firms").status_code == 405
    not_json = client.post(
        "/api/v1/firms",
        data="name=x",
        headers={
            "Authorization": f"Bearer {world['write']}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert not_json.status_code == 415
    # Outside /api/v1 the HTML pages stay.
    assert client.get("/gibt-es-nicht").content_type.startswith("text/html")


def test_unexpected_error_is_json_with_an_incident(client, clean_app, world, monkeypatch):
    from wbagentur.api import firms

    def boom(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(firms, "firm_json", boom)
    monkeypatch.setitem(clean_app.config, "PROPAGATE_EXCEPTIONS", False)
    response = call(client, "GET", f"/firms/{world['sw_firm']}", world["write"])
    assert response.status_code == 500
    error = response.get_json()["error"]
    assert error["code"] == "internal_error"
    assert "kaputt" not in error["message"]


def test_patch_keeps_special_categories_and_skips_restricted_persons(client, clean_app, world):
    from wbagentur.core.models import utcnow
    from wbagentur.persons import services as person_services
    from wbagentur.persons.rules import SPECIAL_CATEGORIES

    with clean_app.app_context():
        person = db.session.get(Person, world["sw_person"])
        person_services.give_consent(None, person, SPECIAL_CATEGORIES)
        person.severely_disabled = True
        restricted = make_person("Rita", "Gesperrt", "16054", restricted_at=utcnow())
        db.session.commit()
        restricted_id = restricted.id
    path = f"/persons/{world['sw_person']}"
    etag = call(client, "GET", path, world["write"]).headers["ETag"]
    response = call(
        client, "PATCH", path, world["write"], {"email": "e.s@example.org"}, **{"If-Match": etag}
    )
    assert response.status_code == 200, response.get_json()
    assert "severely_disabled" not in response.get_json()
    with clean_app.app_context():
        assert db.session.get(Person, world["sw_person"]).severely_disabled is True
    sealed = call(
        client, "PATCH", f"/persons/{restricted_id}", world["write"], {}, **{"If-Match": '"x"'}
    )
    assert sealed.status_code == 404


def test_document_covers_every_operation_with_bodies_and_errors(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    error = {"$ref": "#/components/schemas/Error"}
    lists = 0
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            assert op["security"], where
            assert {"400", "401", "403"} <= set(op["responses"]), where
            for status, answer in op["responses"].items():
                if status.startswith(("4", "5")):
                    assert answer["content"]["application/json"]["schema"] == error, where
            if method in ("post", "patch"):
                body = op["requestBody"]["content"]["application/json"]["schema"]
                assert body["$ref"].split("/")[-1] in spec["components"]["schemas"], where
                assert {"409", "415"} <= set(op["responses"]), where
            if method == "patch" or path.endswith("/state"):
                assert {"412", "428"} <= set(op["responses"]), where
                assert any(p["name"] == "If-Match" and p["required"] for p in op["parameters"])
            ok = op["responses"].get("200", op["responses"].get("201", {}))
            if (
                ok.get("content", {})
                .get("application/json", {})
                .get("schema", {})
                .get("$ref", "")
                .endswith("Page")
            ):
                names = {p["name"] for p in op["parameters"]}
                assert {"page", "per_page"} <= names, where
                lists += 1
    assert lists == 5


def test_database_outage_answers_json_503(tmp_path):
    """Nothing below /api/v1 answers HTML, not even the outage page (no table = no
    database to a request)."""
    from tests.conftest import app_without_schema

    app = app_without_schema(f"sqlite:///{tmp_path}/leer.sqlite")
    response = app.test_client().get(
        "/api/v1/firms",
        headers={"Authorization": "Bearer wba_" + "x" * 40, "Accept-Language": "en"},
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert response.get_json()["error"]["message"].startswith("Temporarily unavailable")


def test_create_sent_twice_with_one_idempotency_key_creates_once(client, clean_app, world):
    body = {"name": "Lauschaer Glas GmbH", "district_key": "16072"}
    key = {"Idempotency-Key": "firma-lauscha-0001"}
    first = call(client, "POST", "/firms", world["write"], body, **key)
    assert first.status_code == 201, first.get_json()
    again = call(client, "POST", "/firms", world["write"], body, **key)
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    note = f"/cases/{world['sw_case']}/timeline"
    note_key = {"Idempotency-Key": "notiz-rueckruf-0001"}
    assert (
        call(client, "POST", note, world["write"], {"body": "Eins"}, **note_key).status_code == 201
    )
    assert (
        call(client, "POST", note, world["write"], {"body": "Eins"}, **note_key).status_code == 303
    )
    # A key names one creation: sent with another request it still points to the first.
    assert call(client, "POST", note, world["write"], {"body": "Zwei"}, **key).status_code == 303
    # The key belongs to the token's user: another user's same key is another creation.
    other = call(
        client,
        "POST",
        "/firms",
        world["nt_write"],
        {"name": "Nordhäuser Glas GmbH", "district_key": "16062"},
        **key,
    )
    assert other.status_code == 201
    bad = call(client, "POST", "/firms", world["write"], body, **{"Idempotency-Key": "kurz"})
    assert bad.status_code == 400
    with clean_app.app_context():
        names = db.session.scalars(sa.select(Firm.name).where(Firm.name.like("%Glas%"))).all()
        notes = db.session.scalar(
            sa.select(sa.func.count(TimelineEntry.id)).where(
                TimelineEntry.case_id == world["sw_case"], TimelineEntry.kind == "note"
            )
        )
    assert sorted(names) == ["Lauschaer Glas GmbH", "Nordhäuser Glas GmbH"]
    assert notes == 1
