"""Catalogue services without HTTP: four-eyes approval, history, resolution, status, notices."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.funding.conftest import create_firm_case
from tests.funding.helpers import EX1, EX3, EX6, EX8, doc
from wbagentur.accounts.models import User
from wbagentur.cases.models import TimelineEntry
from wbagentur.core.audit import AuditEvent
from wbagentur.core.errors_domain import DomainError
from wbagentur.extensions import db
from wbagentur.funding import catalogue, services
from wbagentur.funding.catalogue import Candidate, resolve_periods
from wbagentur.funding.engine import DEFAULT_PARAMETER_SETS, evaluate_document
from wbagentur.funding.models import FundingProgramme, ParameterVersion
from wbagentur.mail.models import OutboxMessage


def _programme(code: str) -> FundingProgramme:
    return db.session.scalar(sa.select(FundingProgramme).where(FundingProgramme.code == code))


def _user(persona) -> User:
    return db.session.get(User, persona.id)


def _params_with(code: str, key: str, value) -> dict:
    current = catalogue.effective_version(_programme(code), date(2026, 11, 21))
    params = current.params
    params[key] = {**params[key], "value": value}
    return params


def _aez_075_to_080() -> dict:
    params = _params_with("sgb3_82", "bands", None)
    bands = [
        dict(b)
        for b in catalogue.effective_version(_programme("sgb3_82"), date(2026, 11, 21)).params[
            "bands"
        ]["value"]
    ]
    bands[0]["aez_rate"] = 0.8
    params["bands"]["value"] = bands
    return params


def _wage_subsidy(result: dict) -> int:
    p = next(p for p in result["programmes"] if p["programme"] == "sgb3_82")
    return next(a["cents"] for a in p["amounts"] if a["code"] == "wage_subsidy")


@pytest.mark.parametrize("example", [EX1, EX3, EX6, EX8], ids=["ex1", "ex3", "ex6", "ex8"])
def test_check_document_seeded_catalogue_equals_engine_defaults(clean_app, example):
    with clean_app.app_context():
        assert services.check_document(example) == evaluate_document(example)


def test_catalogue_seed_holds_every_default_set_as_approved(clean_app):
    with clean_app.app_context():
        keys = set(
            db.session.scalars(
                sa.select(ParameterVersion.version_key).where(ParameterVersion.state == "approved")
            )
        )
        effective = {ps.version for ps in catalogue.get_catalogue().sets}
    defaults = {ps.version for ps in DEFAULT_PARAMETER_SETS}
    # The seed (045bc1cda6bc) plus the engine-2.0 corrections (f17a00000001, '<key>.2') and the
    # AFBG income allowances (funding00000001, '<key>.3' / '.2'), each shadowing older rows of
    # the same period: the catalogue in effect is exactly the default sets.
    assert effective == defaults
    assert defaults <= keys

    def base(key: str) -> str:
        return re.sub(r"\.\d+$", "", key)

    assert {base(k) for k in keys - defaults} <= {base(k) for k in defaults}


def test_propose_version_has_no_effect_until_approved(clean_app, make_user):
    admin, coordinator = make_user("admin"), make_user("coordinator")
    with clean_app.app_context():
        version = services.propose_version(
            _user(admin),
            _programme("sgb3_82"),
            valid_from=date(2026, 1, 1),
            source="Testquelle",
            source_url=None,
            params=_aez_075_to_080(),
        )
        assert version.state == "proposed"
        assert _wage_subsidy(services.check_document(EX1)) == 750000
        services.approve_version(_user(coordinator), version, "passt")
        db.session.commit()
        result = services.check_document(EX1)
        assert _wage_subsidy(result) == 800000
        assert result["parameter_versions"]["sgb3_82"] == "sgb3_82@2026-01-01"
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "funding.version_propose" in actions
    assert "funding.version_approve" in actions


def test_approve_version_by_proposer_is_refused(clean_app, make_user):
    admin = make_user("admin")
    with clean_app.app_context():
        version = services.propose_version(
            _user(admin),
            _programme("sgb3_82"),
            valid_from=date(2026, 1, 1),
            source="Testquelle",
            source_url=None,
            params=_aez_075_to_080(),
        )
        with pytest.raises(DomainError, match="zweiten Person"):
            services.approve_version(_user(admin), version)
        assert version.state == "proposed"


def test_propose_version_by_coordinator_is_refused(clean_app, make_user):
    coordinator = make_user("coordinator")
    with clean_app.app_context():
        with pytest.raises(DomainError, match="Administration"):
            services.propose_version(
                _user(coordinator),
                _programme("sgb3_82"),
                valid_from=date(2026, 1, 1),
                source="Testquelle",
                source_url=None,
                params=_aez_075_to_080(),
            )


def test_approve_version_by_second_admin_is_allowed_but_only_once(clean_app, make_user):
    admin, other = make_user("admin"), make_user("admin")
    with clean_app.app_context():
        version = services.propose_version(
            _user(admin),
            _programme("sgb3_82"),
            valid_from=date(2026, 1, 1),
            source="Testquelle",
            source_url=None,
            params=_aez_075_to_080(),
        )
        services.approve_version(_user(other), version)
        assert version.decided_by_id == other.id
        assert version.decided_at is not None
        with pytest.raises(DomainError, match="bereits entschieden"):
            services.reject_version(_user(other), version)


def test_rejected_version_is_never_used(clean_app, make_user):
    admin, coordinator = make_user("admin"), make_user("coordinator")
    with clean_app.app_context():
        version = services.propose_version(
            _user(admin),
            _programme("sgb3_82"),
            valid_from=date(2026, 1, 1),
            source="Testquelle",
            source_url=None,
            params=_aez_075_to_080(),
        )
        services.reject_version(_user(coordinator), version, "Quelle fehlt")
        db.session.commit()
        result = services.check_document(EX1)
    assert _wage_subsidy(result) == 750000
    assert result["parameter_versions"]["sgb3_82"] == "sgb3_82@2024-04-01.2"


def test_history_rows_unchanged_after_new_version(clean_app, make_user):
    admin, coordinator = make_user("admin"), make_user("coordinator")
    cols = (
        ParameterVersion.id,
        ParameterVersion.version_key,
        ParameterVersion.valid_from,
        ParameterVersion.valid_to,
        ParameterVersion.parameters,
        ParameterVersion.state,
        ParameterVersion.decided_at,
    )
    with clean_app.app_context():
        before = db.session.execute(sa.select(*cols).order_by(ParameterVersion.id)).all()
        version = services.propose_version(
            _user(admin),
            _programme("sgb3_82"),
            valid_from=date(2024, 4, 1),
            source="Korrektur",
            source_url=None,
            params=_aez_075_to_080(),
        )
        services.approve_version(_user(coordinator), version)
        db.session.commit()
        after = db.session.execute(
            sa.select(*cols).where(ParameterVersion.id != version.id).order_by(ParameterVersion.id)
        ).all()
        assert version.version_key == "sgb3_82@2024-04-01.3"
    assert after == before


def test_overlapping_versions_newest_approved_wins(clean_app, make_user):
    admin, coordinator = make_user("admin"), make_user("coordinator")
    with clean_app.app_context():
        # Approved later but valid from earlier: it shadows the seed 2024 version from 2023 on.
        version = services.propose_version(
            _user(admin),
            _programme("sgb3_82"),
            valid_from=date(2023, 1, 1),
            source="Rückwirkende Korrektur",
            source_url=None,
            params=_aez_075_to_080(),
        )
        services.approve_version(_user(coordinator), version)
        db.session.commit()
        cat = catalogue.get_catalogue()
        assert cat.select("sgb3_82", date(2022, 12, 31)).version == "sgb3_82@2019-01-01.2"
        assert cat.select("sgb3_82", date(2022, 12, 31)).valid_to == date(2022, 12, 31)
        assert cat.select("sgb3_82", date(2023, 1, 1)).version == "sgb3_82@2023-01-01"
        assert cat.select("sgb3_82", date(2027, 1, 11)).version == "sgb3_82@2023-01-01"


def test_resolve_periods_cuts_bounded_newer_version_out_of_older_one():
    from wbagentur.funding.engine import ParameterSet

    def ps(key: str) -> ParameterSet:
        return ParameterSet("x", key, date(2000, 1, 1), None, "", None, {})

    old = Candidate(0, date(2020, 1, 1), None, ps("old"))
    new = Candidate(1, date(2021, 1, 1), date(2021, 6, 30), ps("new"))
    out = [(s.version, s.valid_from, s.valid_to) for s in resolve_periods([old, new])]
    assert out == [
        ("old", date(2020, 1, 1), date(2020, 12, 31)),
        ("new", date(2021, 1, 1), date(2021, 6, 30)),
        ("old", date(2021, 7, 1), None),
    ]


def test_closed_programme_is_not_eligible_with_reason(clean_app, make_user):
    admin = make_user("admin")
    with clean_app.app_context():
        services.change_programme_status(_user(admin), _programme("sgb3_82"), "closed", "Ende")
        result = services.check_document(EX1)
    p = next(p for p in result["programmes"] if p["programme"] == "sgb3_82")
    assert p["status"] == "not_eligible"
    assert p["amounts"] == []
    assert any("Programm derzeit geschlossen" in r["text"] for r in p["reasons"])
    assert any("Programm derzeit geschlossen" in w for w in result["warnings"])
    assert result["routing"]["recommended"] != "sgb3_82"


def test_paused_programme_needs_information_with_reason(clean_app, make_user):
    coordinator = make_user("coordinator")
    with clean_app.app_context():
        programme = _programme("esf_weiterbildungsscheck")
        services.change_programme_status(_user(coordinator), programme, "paused", "Mittel weg")
        result = services.check_document(EX1)
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    p = next(p for p in result["programmes"] if p["programme"] == "esf_weiterbildungsscheck")
    assert p["status"] == "needs_information"
    assert any("Programm derzeit ausgesetzt" in r["text"] for r in p["reasons"])
    assert "funding.status" in actions


def test_change_status_by_advisor_is_refused(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        with pytest.raises(DomainError):
            services.change_programme_status(_user(advisor), _programme("afbg"), "closed", "x")


def test_notifications_only_for_advisors_with_open_cases_relying_on_programme(clean_app, make_user):
    admin = make_user("admin")
    relying, closed_case_advisor, other = (
        make_user("advisor", "SW"),
        make_user("advisor", "SW"),
        make_user("advisor", "SW"),
    )
    with clean_app.app_context():
        eligible_82 = doc(EX1, top={"reference_date": "2026-11-21"})
        not_82 = doc(EX1, course={"hours": 80})
        ids = create_firm_case(assigned_to_id=relying.id)
        closed = create_firm_case(assigned_to_id=closed_case_advisor.id)
        unrelated = create_firm_case(assigned_to_id=other.id)
        from wbagentur.cases.models import Case

        for case_id, document in (
            (ids.case_id, eligible_82),
            (closed.case_id, eligible_82),
            (unrelated.case_id, not_82),
        ):
            services.save_check(_user(relying), db.session.get(Case, case_id), document)
        closed_case = db.session.get(Case, closed.case_id)
        closed_case.status, closed_case.outcome = "closed", "other"
        from wbagentur.core.models import utcnow

        closed_case.closed_at = utcnow()
        db.session.commit()
        notified = services.change_programme_status(
            _user(admin), _programme("sgb3_82"), "paused", "Haushaltssperre"
        )
        db.session.commit()
        recipients = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
        body = db.session.scalar(sa.select(OutboxMessage.body))
        entries = db.session.scalars(
            sa.select(TimelineEntry).where(
                TimelineEntry.kind == "catalogue", TimelineEntry.data.contains('"programme"')
            )
        ).all()
    assert notified == 1
    assert recipients == [relying.email]
    assert ids.reference in body
    assert unrelated.reference not in body
    assert [e.case_id for e in entries] == [ids.case_id]
    assert json.loads(entries[0].data)["programme"] == "sgb3_82"
