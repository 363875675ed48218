"""Append-only, hash-chained audit trail of who did what to which object.

Entries hold ids and action names only, never personal data values. Each entry stores
the SHA-256 of its predecessor's hash plus its own content, so an edited or deleted
entry breaks the chain; ``flask audit verify`` reports the first break. The newest entry
is anchored outside the database (``flask audit anchor``), so removing the newest entries
is detected too.

Reads (a case, person or referral viewed) do not write to the database on the request
path (issue #22): ``record_read`` appends the entry as one JSON line to a spool file of
the process (no SQL, no lock shared between requests, no commit) before the page is sent,
and ``ingest_reads`` (the worker, every few seconds, and ``flask audit ingest``) appends
the spooled entries to the chain in batches. Why that stays complete: docs/data-protection.md.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column

from wbagentur.core.models import utcnow
from wbagentur.extensions import db

GENESIS = "0" * 64
AUDIT_LOCK_KEY = 7_311_001

logger = logging.getLogger(__name__)


class AuditEvent(db.Model):  # type: ignore[name-defined]
    """One audited action."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    actor_role: Mapped[str | None] = mapped_column(sa.String(20))
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[int | None] = mapped_column(sa.Integer)
    details: Mapped[str] = mapped_column(sa.Text, default="{}")
    request_id: Mapped[str | None] = mapped_column(sa.String(32))
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)

    def compute_hash(self) -> str:
        payload = json.dumps(
            [
                self.prev_hash,
                self.at.isoformat(),
                self.actor_id,
                self.actor_role,
                self.action,
                self.object_type,
                self.object_id,
                self.details,
            ],
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()


def _lock_chain_head() -> str:
    """Take the chain's append lock (PostgreSQL; SQLite has one writer anyway) and return
    the hash of the newest entry; the lock is released at commit/rollback."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Serialise appends so two transactions never chain onto the same predecessor.
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
    last = db.session.execute(
        sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar()
    return last or GENESIS


def _request_id() -> str | None:
    return request.environ.get("wbagentur.request_id") if has_request_context() else None


def record(
    actor: Any,
    action: str,
    object_type: str | None = None,
    object_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Append an audit entry in the current transaction and return it.

    ``details`` must hold ids, codes and counts only — no names, e-mail addresses or
    free text about people.
    """
    event = AuditEvent(
        at=utcnow().replace(microsecond=0),
        actor_id=getattr(actor, "id", None),
        actor_role=getattr(actor, "role", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=json.dumps(details, sort_keys=True, default=str),
        request_id=_request_id(),
        prev_hash=_lock_chain_head(),
    )
    event.hash = event.compute_hash()
    db.session.add(event)
    db.session.flush()
    _notify([event])
    return event


# Modules that keep state derived from the trail (the referrals' unseen answers) register a
# listener at app creation; it runs in the transaction that appends the entries, after they
# have their ids – for entries written directly and for spooled reads alike.
_ENTRY_LISTENERS: dict[str, Callable[[list[AuditEvent]], None]] = {}


def register_entry_listener(name: str, listener: Callable[[list[AuditEvent]], None]) -> None:
    """Call ``listener`` with every batch of entries appended to the trail (idempotent by
    ``name``)."""
    _ENTRY_LISTENERS[name] = listener


def _notify(events: list[AuditEvent]) -> None:
    for listener in _ENTRY_LISTENERS.values():
        listener(events)


# Where the chain may start besides GENESIS: the module that removes old entries (the
# retention runs) registers a provider at app creation, so core imports no domain module.
_ANCHOR_PROVIDERS: dict[str, Callable[[], set[str]]] = {}


def register_chain_anchors(name: str, provider: Callable[[], set[str]]) -> None:
    """Register ``provider``: the hashes of the newest entries a run removed."""
    _ANCHOR_PROVIDERS[name] = provider


# --- Reads: spooled on the request path, chained by the worker (issue #22) ------------
# One file per process (``reads-<host>-<pid>.jsonl``), one ``write`` per entry with
# O_APPEND under a *shared* flock: requests never wait for each other. The ingester
# renames a file away and takes the *exclusive* flock on it, so a writer that opened the
# file before the rename has finished; a writer that finds its path renamed reopens.


def spool_dir() -> Path:
    configured = current_app.config.get("AUDIT_SPOOL_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit-spool"


def _spool_path(directory: Path) -> Path:
    return directory / f"reads-{socket.gethostname()}-{os.getpid()}.jsonl"


def _append_line(line: bytes) -> None:
    directory = spool_dir()
    path = _spool_path(directory)
    for _attempt in range(10):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except FileNotFoundError:
            directory.mkdir(parents=True, exist_ok=True)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            try:
                current = os.stat(path).st_ino
            except FileNotFoundError:
                current = None
            if current != os.fstat(fd).st_ino:
                continue  # the ingester took this file away in between: write a new one
            os.write(fd, line)
            if current_app.config.get("AUDIT_SPOOL_FSYNC"):
                os.fsync(fd)
            return
        finally:
            os.close(fd)  # releases the flock
    raise OSError(f"Audit-Spool {path} nicht beschreibbar")


def record_read(
    actor: Any,
    action: str,
    object_type: str | None = None,
    object_id: int | None = None,
    **details: Any,
) -> None:
    """Record that ``actor`` read an object, without a database write (see module doc).

    The entry is in the spool before the page leaves the server; it joins the hash chain
    when the worker ingests the spool (``ingest_reads``) with the time of the read.
    """
    entry = {
        "at": utcnow().replace(microsecond=0).isoformat(),
        "actor_id": getattr(actor, "id", None),
        "actor_role": getattr(actor, "role", None),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "details": json.dumps(details, sort_keys=True, default=str),
        "request_id": _request_id(),
    }
    _append_line((json.dumps(entry, separators=(",", ":")) + "\n").encode())


def _parse(lines: Iterable[bytes], source: Path) -> list[dict[str, Any]]:
    entries = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
            entry["at"] = datetime.fromisoformat(entry["at"])
        except (ValueError, KeyError, TypeError):
            logger.error("Audit-Spool %s: Zeile %d unlesbar, übersprungen", source.name, number)
            continue
        entries.append(entry)
    return entries


def append_entries(entries: list[dict[str, Any]]) -> int:
    """Chain ``entries`` onto the trail in the current transaction (one lock, one head
    query for the whole batch); the caller commits."""
    if not entries:
        return 0
    prev = _lock_chain_head()
    events = []
    for entry in entries:
        event = AuditEvent(prev_hash=prev, **entry)
        event.hash = prev = event.compute_hash()
        events.append(event)
    db.session.add_all(events)
    db.session.flush()
    _notify(events)
    return len(events)


def pending_reads() -> int:
    """Read entries in the spool that are not in the chain yet."""
    directory = spool_dir()
    if not directory.is_dir():
        return 0
    count = 0
    for path in directory.iterdir():
        if path.suffix in (".jsonl", ".ingesting"):
            try:
                count += path.read_bytes().count(b"\n")
            except FileNotFoundError:
                continue
    return count


def ingest_reads() -> int:
    """Move every spooled read into the chain (one transaction per spool file); return the
    number of entries. Safe to run in several processes at once."""
    directory = spool_dir()
    if not directory.is_dir():
        return 0
    for path in sorted(directory.glob("reads-*.jsonl")):
        claimed = path.with_name(f"{path.stem}.{uuid.uuid4().hex}.ingesting")
        try:
            os.replace(path, claimed)
        except FileNotFoundError:
            continue  # another ingester was faster
    total = 0
    for path in sorted(directory.glob("*.ingesting")):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            # Waits for writers that opened the file before it was renamed, and for
            # another ingester working on the same file.
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_nlink == 0:
                continue  # already ingested and removed by another process
            with os.fdopen(os.dup(fd), "rb") as stream:
                entries = _parse(stream, path)
            try:
                total += append_entries(entries)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            # Removed only after the commit: a crash in between ingests the file again
            # (a read recorded twice, never one lost).
            path.unlink()
        finally:
            os.close(fd)
    return total


def _retention_anchors() -> set[str]:
    """Hashes of the newest entries removed by retention runs (the chain starts there)."""
    anchors: set[str] = set()
    for provider in _ANCHOR_PROVIDERS.values():
        anchors |= provider()
    return anchors


def verify_chain() -> tuple[int, int | None]:
    """Check the whole chain; return (entries checked, id of the first broken entry).

    After retention removed old entries the chain starts at the hash recorded by that
    run; any other start is a break.
    """
    prev: str | None = None
    count = 0
    for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        count += 1
        if prev is None:
            if event.prev_hash != GENESIS and event.prev_hash not in _retention_anchors():
                return count, event.id
        elif event.prev_hash != prev:
            return count, event.id
        if event.compute_hash() != event.hash:
            return count, event.id
        prev = event.hash
    return count, None


# --- Anchor of the chain's head -------------------------------------------------------
# The chain proves that nothing *inside* it was changed, but deleting the newest entries
# leaves a shorter chain that is still intact (issue #19 item 10). ``write_anchor`` signs
# the current head (id and hash) with an HMAC key the database does not hold and stores
# it outside the database (a file; operators also copy its line off the host);
# ``verify_anchor`` then fails when the anchored entry is gone or differs.

ANCHOR_VERSION = 1


class AnchorError(Exception):
    """The anchor is missing, unreadable, forged, or the chain no longer reaches it."""


def _anchor_key() -> bytes:
    from flask import current_app

    configured = current_app.config.get("AUDIT_ANCHOR_KEY")
    if configured:
        return str(configured).encode()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"wbagentur-audit-anchor", hashlib.sha256).digest()


def anchor_path() -> Path:
    from flask import current_app

    configured = current_app.config.get("AUDIT_ANCHOR_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit-anchor"


def _signature(body: dict[str, Any]) -> str:
    message = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(_anchor_key(), message, hashlib.sha256).hexdigest()


def make_anchor() -> dict[str, Any]:
    """The signed head of the chain: id and hash of the newest entry."""
    head = db.session.execute(
        sa.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    body: dict[str, Any] = {
        "v": ANCHOR_VERSION,
        "id": head.id if head else 0,
        "hash": head.hash if head else GENESIS,
        "at": utcnow().replace(microsecond=0).isoformat(),
    }
    return {**body, "sig": _signature(body)}


def write_anchor(path: Path | None = None) -> dict[str, Any]:
    """Write the signed head to ``path`` (atomically, mode 0600) and return it."""
    anchor = make_anchor()
    target = path or anchor_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(json.dumps(anchor, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, target)
    return anchor


def read_anchor(text: str) -> dict[str, Any]:
    """Parse and authenticate an anchor line; ``AnchorError`` if it is not genuine."""
    try:
        anchor = json.loads(text)
        body = {k: anchor[k] for k in ("v", "id", "hash", "at")}
        signature = str(anchor["sig"])
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorError("Der Anker ist unlesbar.") from exc
    if not hmac.compare_digest(signature, _signature(body)):
        raise AnchorError(
            "Die Signatur des Ankers stimmt nicht (gefälscht oder anderer Schlüssel)."
        )
    return anchor


def verify_anchor(anchor: dict[str, Any]) -> None:
    """The anchored entry must still be in the (already verified) chain with its hash.

    Entries up to the anchor cannot be removed without detection: the chain runs from
    its start up to the anchored entry. Only entries written after the last anchor are
    unprotected, so the anchor is renewed often (docs/operations.md).
    """
    anchored_id, anchored_hash = int(anchor["id"]), str(anchor["hash"])
    if anchored_id == 0:
        return  # anchored while the trail was empty
    stored = db.session.scalar(sa.select(AuditEvent.hash).where(AuditEvent.id == anchored_id))
    if stored == anchored_hash:
        return
    if stored is None:
        oldest = db.session.scalar(sa.select(sa.func.min(AuditEvent.id)))
        if oldest is not None and anchored_id < oldest and _retention_anchors():
            return  # retention has removed it since (it records where the chain starts)
        raise AnchorError(
            f"Eintrag {anchored_id} aus dem Anker fehlt: neuere Einträge wurden gelöscht."
        )
    raise AnchorError(f"Eintrag {anchored_id} weicht vom Anker ab.")
