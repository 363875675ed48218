"""Reassignment: timeline and audit entries, reason required, region checks, stale versions."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa


def _case(app, case_id):
    from wbagentur.cases.models import Case
    from wbagentur.extensions import db

    with app.app_context():
        case = db.session.get(Case, case_id)
        return case.assigned_to_id, case.version


def _post(client, dataset, keys, target, reason="Urlaubsvertretung", versions=None):
    values = []
    for key in keys:
        case_id = dataset.cases[key] if key in dataset.cases else key
        version = (versions or {}).get(key, 1)
        values.append(f"{case_id}:{version}")
    return client.post(
        "/uebersicht/umverteilen",
        data={"cases": values, "target_id": str(target), "reason": reason},
    )


@pytest.fixture
def sup(client, auth, dataset):
    auth.login(dataset.users["sup"])
    return dataset


def test_reassign_moves_cases_with_timeline_and_audit(client, clean_app, sup):
    from wbagentur.cases.models import TimelineEntry
    from wbagentur.core.audit import AuditEvent
    from wbagentur.extensions import db

    a1, a2 = sup.users["a1"].id, sup.users["a2"].id
    page = client.get(f"/uebersicht/umverteilen?berater={a1}")
    assert page.status_code == 200
    response = _post(client, sup, ["c1", "c2"], a2)
    assert response.status_code == 302
    for key in ("c1", "c2"):
        assert _case(clean_app, sup.cases[key])[0] == a2
    with clean_app.app_context():
        entries = db.session.scalars(
            sa.select(TimelineEntry).where(
                TimelineEntry.case_id.in_([sup.cases["c1"], sup.cases["c2"]]),
                TimelineEntry.kind == "assignment",
            )
        ).all()
        assert len(entries) == 2
        assert {e.body for e in entries} == {"Urlaubsvertretung"}
        assert all(json.loads(e.data) == {"assignee_id": a2, "previous_id": a1} for e in entries)
        audits = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "case.reassign")
        ).all()
        assert sorted(a.object_id for a in audits) == sorted([sup.cases["c1"], sup.cases["c2"]])
        assert all("Urlaub" not in a.details for a in audits)
    follow = client.get(f"/uebersicht/umverteilen?berater={a1}")
    assert "2 Fälle wurden umverteilt." in follow.get_data(as_text=True)


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Bitte geben Sie einen Grund für die Umverteilung an."),
        ("   ", "Bitte geben Sie einen Grund für die Umverteilung an."),
        ("x" * 2001, "Höchstens 2.000 Zeichen."),
        ("Grund\x00", "Bitte keine Steuerzeichen verwenden."),
    ],
)
def test_reassign_bad_reason_shows_message_and_changes_nothing(
    client, clean_app, sup, reason, message
):
    response = _post(client, sup, ["c1"], sup.users["a2"].id, reason=reason)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _case(clean_app, sup.cases["c1"])[0] == sup.users["a1"].id


@pytest.mark.parametrize("target", ["ot", "coord", "missing", "abc"])
def test_reassign_target_outside_region_refused(client, clean_app, sup, target):
    target_id = {"missing": 999999, "abc": "abc"}.get(target) or sup.users[target].id
    response = _post(client, sup, ["c1"], target_id)
    assert response.status_code == 200
    assert "Bitte wählen Sie einen Eintrag aus der Liste." in response.get_data(as_text=True)
    assert _case(clean_app, sup.cases["c1"])[0] == sup.users["a1"].id


def test_reassign_without_selection_or_bad_value_refused(client, clean_app, sup):
    response = client.post(
        "/uebersicht/umverteilen", data={"target_id": str(sup.users["a2"].id), "reason": "x"}
    )
    assert "Bitte wählen Sie mindestens einen Fall aus." in response.get_data(as_text=True)
    response = client.post(
        "/uebersicht/umverteilen",
        data={"cases": ["1;drop"], "target_id": str(sup.users["a2"].id), "reason": "x"},
    )
    assert "Die Auswahl ist ungültig." in response.get_data(as_text=True)


def test_reassign_stale_version_skipped_and_reported(client, clean_app, sup):
    a2 = sup.users["a2"].id
    response = _post(client, sup, ["c1", "c2"], a2, versions={"c1": 7})
    assert response.status_code == 302
    assert _case(clean_app, sup.cases["c1"])[0] == sup.users["a1"].id
    assert _case(clean_app, sup.cases["c2"])[0] == a2
    text = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Inzwischen geändert" in text
    assert "T-0000" in text


def test_reassign_other_region_or_closed_case_ignored(client, clean_app, sup):
    response = _post(client, sup, ["o1", "c6"], sup.users["a2"].id)
    assert response.status_code == 302
    assert _case(clean_app, sup.cases["o1"])[0] == sup.users["ot"].id
    assert _case(clean_app, sup.cases["c6"])[0] == sup.users["a1"].id


def test_reassign_coordinator_and_advisor_refused(client, auth, dataset):
    auth.login(dataset.users["coord"])
    assert client.get("/uebersicht/umverteilen").status_code == 403
    auth.logout()
    auth.login(dataset.users["a1"])
    assert client.get("/uebersicht/umverteilen").status_code == 403
