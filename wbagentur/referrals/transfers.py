"""Transfers of a case between planning regions: the sending region offers the case, the
receiving region accepts (region and responsible advisor change, open follow-ups go with it)
or declines; the sender may take a pending offer back. Each decision is one conditional
UPDATE on ``state``, so of two people deciding at once exactly one wins.

Transfers stay in referrals rather than cases: like a referral to another contact point,
a transfer grants the receiving region read access to the case (``access.case_grants``,
registered with ``cases.access``), and the sending region keeps reading its history up to
the handover (``access.handover_cutoff``). Moving them into cases would make cases import
that grant logic back and close the cycle the registered grant broke.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wbagentur.accounts.models import User
from wbagentur.cases import services as case_services
from wbagentur.cases.models import Case
from wbagentur.core import audit
from wbagentur.core.database import rowcount
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.referrals.models import Transfer
from wbagentur.referrals.services import _base_url, _path, _queue_mail
from wbagentur.regions.models import ContactPoint, Region


def request_transfer(actor: Any, case: Case, *, to_region_id: int, reason: str) -> Transfer:
    """Offer the case to another region's contact point."""
    if db.session.get(Region, to_region_id) is None or to_region_id == case.region_id:
        raise DomainError("Bitte wählen Sie eine andere Region.")
    if not reason.strip():
        raise DomainError("Bitte geben Sie einen Grund für die Übergabe an.")
    pending = db.session.scalar(
        sa.select(Transfer.id).where(Transfer.case_id == case.id, Transfer.state == "pending")
    )
    if pending:
        raise DomainError("Für diesen Fall ist bereits eine Übergabe offen.")
    transfer = Transfer(
        case_id=case.id,
        from_region_id=case.region_id,
        to_region_id=to_region_id,
        reason=reason,
        requested_by_id=getattr(actor, "id", None),
    )
    db.session.add(transfer)
    db.session.flush()
    case_services.add_entry(
        case,
        actor,
        "transfer",
        body=f"Übergabe an {transfer.to_region.name} angefragt",
        transfer_id=transfer.id,
        to="pending",
    )
    audit.record(
        actor,
        "transfer.request",
        "transfer",
        transfer.id,
        case_id=case.id,
        from_region_id=case.region_id,
        to_region_id=to_region_id,
    )
    link = _base_url() + _path("referrals.transfers")
    for email in db.session.scalars(
        sa.select(User.email)
        .join(User.contact_point)
        .where(
            ContactPoint.region_id == to_region_id,
            User.role.in_(("advisor", "supervisor")),
            User.is_active.is_(True),
        )
        .order_by(User.id)
    ):
        _queue_mail(
            email,
            f"Neue Übergabe: Fall {case.reference}",
            f"Die Region {transfer.from_region.name} möchte Ihnen den Fall {case.reference} "
            f"übergeben.\n\n{link}\n",
            "transfer",
        )
    return transfer


def _decide_transfer(
    actor: Any, transfer: Transfer, new: str, expected_version: int | None, **values: Any
) -> None:
    if transfer.state != "pending":
        raise DomainError("Diese Übergabe ist nicht mehr offen.")
    if expected_version is not None and int(expected_version) != transfer.version:
        raise ConflictError("Die Übergabe wurde inzwischen geändert – bitte Seite neu laden.")
    result = db.session.execute(
        sa.update(Transfer)
        .where(Transfer.id == transfer.id, Transfer.state == "pending")
        .values(
            state=new,
            version=Transfer.version + 1,
            decided_by_id=getattr(actor, "id", None),
            decided_at=utcnow(),
            **values,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise ConflictError("Die Übergabe wurde inzwischen bearbeitet – bitte Seite neu laden.")
    db.session.refresh(transfer)


def accept_transfer(
    actor: Any, transfer: Transfer, expected_version: int | None = None
) -> Transfer:
    """The receiving region takes over: region and responsible advisor change, status stays."""
    if actor.role not in ("advisor", "supervisor") or actor.region_id != transfer.to_region_id:
        raise DomainError("Nur die empfangende Region kann die Übergabe annehmen.")
    _decide_transfer(actor, transfer, "accepted", expected_version)
    case = transfer.case
    db.session.refresh(case)
    case_services.add_entry(
        case,
        actor,
        "transfer",
        body=f"Übergabe an {transfer.to_region.name} angenommen",
        transfer_id=transfer.id,
        to="accepted",
    )
    db.session.flush()
    # Timeline entry first: it is the last one the sending region may still read.
    case.region_id = transfer.to_region_id
    case.assigned_to_id = actor.id
    db.session.flush()
    moved = _move_open_follow_ups(actor, case)
    audit.record(
        actor,
        "transfer.accept",
        "transfer",
        transfer.id,
        case_id=case.id,
        from_region_id=transfer.from_region_id,
        to_region_id=transfer.to_region_id,
        follow_ups_moved=moved,
    )
    if transfer.requested_by is not None and transfer.requested_by.is_active:
        _queue_mail(
            transfer.requested_by.email,
            f"Übergabe angenommen: Fall {case.reference}",
            f"{transfer.to_region.name} hat den Fall {case.reference} übernommen.\n",
            "transfer",
        )
    return transfer


def _move_open_follow_ups(actor: Any, case: Case) -> int:
    """Open follow-ups go with the case to the advisor who accepted it (issue #14.8): the
    sending region can no longer edit the case, so it could never complete them."""
    from wbagentur.cases.models import FollowUp

    open_ones = db.session.scalars(
        sa.select(FollowUp)
        .where(FollowUp.case_id == case.id, FollowUp.done_at.is_(None))
        .order_by(FollowUp.id)
    ).all()
    for follow_up in open_ones:
        follow_up.assignee_id = actor.id
    if open_ones:
        case_services.add_entry(
            case,
            actor,
            "follow_up",
            body=f"{len(open_ones)} offene Wiedervorlage(n) mit dem Fall übernommen",
            moved=[f.id for f in open_ones],
            assignee_id=actor.id,
        )
        db.session.flush()
    return len(open_ones)


def decline_transfer(
    actor: Any, transfer: Transfer, reason: str, expected_version: int | None = None
) -> Transfer:
    """The receiving region declines (with a reason); the case stays where it is."""
    if actor.role not in ("advisor", "supervisor") or actor.region_id != transfer.to_region_id:
        raise DomainError("Nur die empfangende Region kann die Übergabe ablehnen.")
    if not reason.strip():
        raise DomainError("Bitte geben Sie einen Grund für die Ablehnung an.")
    _decide_transfer(actor, transfer, "declined", expected_version, decline_reason=reason)
    case_services.add_entry(
        transfer.case,
        actor,
        "transfer",
        body=f"Übergabe abgelehnt: {reason}",
        transfer_id=transfer.id,
        to="declined",
    )
    db.session.flush()
    audit.record(actor, "transfer.decline", "transfer", transfer.id, case_id=transfer.case_id)
    if transfer.requested_by is not None and transfer.requested_by.is_active:
        _queue_mail(
            transfer.requested_by.email,
            f"Übergabe abgelehnt: Fall {transfer.case.reference}",
            f"{transfer.to_region.name} hat die Übergabe abgelehnt.\n",
            "transfer",
        )
    return transfer


def cancel_transfer(
    actor: Any, transfer: Transfer, expected_version: int | None = None
) -> Transfer:
    """The sending region takes back a pending transfer."""
    if actor.role not in ("advisor", "supervisor") or actor.region_id != transfer.from_region_id:
        raise DomainError("Nur die abgebende Region kann die Übergabe zurücknehmen.")
    _decide_transfer(actor, transfer, "cancelled", expected_version)
    case_services.add_entry(
        transfer.case,
        actor,
        "transfer",
        body="Übergabe zurückgenommen",
        transfer_id=transfer.id,
        to="cancelled",
    )
    db.session.flush()
    audit.record(actor, "transfer.cancel", "transfer", transfer.id, case_id=transfer.case_id)
    return transfer
