"""Answers the advisor has not seen yet: kept on the referral as the audit trail grows.

A referral needs its creator's attention when someone else (the partner through the link,
or a colleague) recorded an answer – accepted, declined, Rückfrage, completed – and the
creator has not opened the referral or its case since. The trail orders entries by id
(its timestamps have whole seconds only): an answer is seen once a later entry records
the creator's view.

Derived from the trail on every navigation badge, this walked all of an advisor's
referrals and probed the trail twice for each (about 1,000 referrals an advisor; 1–12 ms
a page on PostgreSQL depending on the trail's size and plan, issue #22). Instead
``Referral.answer_unseen_id`` holds the newest unseen answer's entry id, set and cleared
here as entries are appended – in the transaction of the answer, and for views when the
worker appends the spooled reads (``core.audit.ingest_reads``), as the trail itself.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wbagentur.core import audit
from wbagentur.extensions import db
from wbagentur.referrals.models import Referral

ANSWER_ACTIONS = ("referral.accept", "referral.decline", "referral.return", "referral.complete")
# The views that count as having seen a referral's answers: the referral's page, its case's.
VIEWS = {("referral", "referral.view"), ("case", "case.view")}


def answered_unseen(referral: Any = Referral) -> sa.ColumnElement[bool]:
    """SQL condition: the referral (or an alias of it) has an answer its creator has not
    seen."""
    return referral.answer_unseen_id.is_not(None)  # type: ignore[no-any-return]


def track(events: list[Any]) -> None:
    """Listener of the audit trail (``core.audit.register_entry_listener``)."""
    for event in events:
        if event.object_type == "referral" and event.action in ANSWER_ACTIONS:
            _answered(event)
    views = [
        e
        for e in events
        if e.actor_id is not None and e.object_id is not None and (e.object_type, e.action) in VIEWS
    ]
    if views:
        _seen(views)


def _answered(event: Any) -> None:
    by_someone_else = (
        sa.true()
        if event.actor_id is None
        else sa.or_(Referral.created_by_id.is_(None), Referral.created_by_id != event.actor_id)
    )
    db.session.execute(
        sa.update(Referral)
        .where(Referral.id == event.object_id, by_someone_else)
        .values(answer_unseen_id=event.id)
        .execution_options(synchronize_session=False)
    )


def _seen(views: list[Any]) -> None:
    # The viewers' referrals with an unseen answer: few, found on a partial index.
    pending = db.session.execute(
        sa.select(
            Referral.id, Referral.case_id, Referral.created_by_id, Referral.answer_unseen_id
        ).where(
            Referral.answer_unseen_id.is_not(None),
            Referral.created_by_id.in_({v.actor_id for v in views}),
        )
    ).all()
    for ref in pending:
        if any(
            view.actor_id == ref.created_by_id
            and view.id > ref.answer_unseen_id
            and view.object_id == (ref.id if view.object_type == "referral" else ref.case_id)
            for view in views
        ):
            # Only that answer: a newer one recorded meanwhile stays unseen.
            db.session.execute(
                sa.update(Referral)
                .where(Referral.id == ref.id, Referral.answer_unseen_id == ref.answer_unseen_id)
                .values(answer_unseen_id=None)
                .execution_options(synchronize_session=False)
            )


def register() -> None:
    """Keep the unseen answers as the trail grows (at app creation)."""
    audit.register_entry_listener("referrals.answer_unseen", track)
