"""The head of the audit chain is anchored outside the database (issue #19 item 10):
deleting the newest entries leaves an intact but shorter chain, which only the anchor
reveals."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from wbagentur.core import audit
from wbagentur.core.audit import AuditEvent
from wbagentur.extensions import db


@pytest.fixture
def anchor_file(clean_app, tmp_path, monkeypatch):
    path = tmp_path / "anker" / "audit-anchor"
    monkeypatch.setitem(clean_app.config, "AUDIT_ANCHOR_FILE", str(path))
    return path


def _record(app, n: int) -> list[int]:
    with app.app_context():
        ids = [audit.record(None, "test.event", "case", i).id for i in range(n)]
        db.session.commit()
        return ids


def test_deleting_the_newest_entries_is_detected(runner, clean_app, anchor_file):
    ids = _record(clean_app, 30)
    made = runner.invoke(args=["audit", "anchor"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["id"] == ids[-1]
    assert anchor_file.stat().st_mode & 0o777 == 0o600
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert f"Anker bei Eintrag {ids[-1]}" in ok.output

    with clean_app.app_context():
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id.in_(ids[-20:])))
        db.session.commit()
        assert audit.verify_chain()[1] is None  # the shorter chain alone still looks intact
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert f"Eintrag {ids[-1]} aus dem Anker fehlt" in broken.output


def test_entries_after_the_anchor_keep_the_chain_valid(runner, clean_app, anchor_file):
    _record(clean_app, 3)
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    _record(clean_app, 5)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_forged_or_edited_anchor_is_refused(runner, clean_app, anchor_file):
    ids = _record(clean_app, 5)
    runner.invoke(args=["audit", "anchor"])
    anchor = json.loads(anchor_file.read_text())
    # An attacker who deleted entries rewrites the anchor to the new head: no key, no match.
    with clean_app.app_context():
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == ids[-1]))
        db.session.commit()
        new_head = db.session.scalar(sa.select(AuditEvent.hash).where(AuditEvent.id == ids[-2]))
    anchor.update(id=ids[-2], hash=new_head)
    anchor_file.write_text(json.dumps(anchor))
    forged = runner.invoke(args=["audit", "verify"])
    assert forged.exit_code == 1
    assert "Signatur" in forged.output
    anchor_file.write_text("kein json")
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1


def test_changed_anchored_entry_is_detected(runner, clean_app, anchor_file):
    ids = _record(clean_app, 2)
    runner.invoke(args=["audit", "anchor"])
    with clean_app.app_context():
        # Rebuild the newest entry with other content and a fitting hash: the chain is intact.
        event = db.session.get(AuditEvent, ids[-1])
        event.action = "test.other"
        event.hash = event.compute_hash()
        db.session.commit()
        assert audit.verify_chain()[1] is None
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "weicht vom Anker ab" in result.output


def test_verify_without_anchor_warns_and_can_be_required(runner, clean_app, anchor_file):
    _record(clean_app, 1)
    plain = runner.invoke(args=["audit", "verify"])
    assert plain.exit_code == 0
    assert "Kein Anker gefunden" in plain.output
    assert runner.invoke(args=["audit", "verify", "--require-anchor"]).exit_code == 1


def test_anchor_of_an_empty_trail_verifies(runner, clean_app, anchor_file):
    with clean_app.app_context():
        db.session.execute(sa.delete(AuditEvent))
        db.session.commit()
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
