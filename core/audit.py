"""The access audit log: who read or changed which patient's data, when, through which route.

HIPAA's audit-controls standard (45 CFR 164.312(b)) asks for a record of activity on systems
holding PHI; supervisors answer "who looked at this patient" from it. Entries hold ids, never
the data itself, and the log is append-only and hash-chained (:mod:`core.audit_chain`).

When entries are written. :func:`record` and :func:`record_many` collect a unit of work's
entries on its session; they are written when the session commits, never before:

- a unit of work that changed something writes its entries in its own transaction, so the
  change and its entries commit together or not at all;
- a read on SQLite writes its entries, right before its own (read-only) commit, in a fresh
  transaction that takes the write lock first and waits for it on the busy timeout. A
  deferred transaction that read first and writes last would instead fail at once whenever
  another person wrote in between, and an office of two would see reads fail;
- if the entries cannot be written, the commit fails, so a read that commits always has its
  entries. A unit of work that rolls back leaves none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Table, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import SingletonThreadPool, StaticPool

from core import audit_chain
from core.db import SQLITE_BEGIN_OPTION, wrote_in_transaction
from core.tables import AuditEntry, utcnow

__all__ = ["Action", "Actor", "export_entries", "list_entries", "record", "record_many",
           "verify_chain"]


class Action(StrEnum):
    READ = "read"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    TRANSITION = "transition"
    EXPORT = "export"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    #: A request turned away (401, 403, or 404 on a patient route): ``detail`` says why.
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting and from where; built once per request by the API."""

    username: str
    user_id: int | None = None
    route: str | None = None
    client: str | None = None


_PENDING = "claimhouse.audit.pending"
_TABLE: Table = AuditEntry.__table__  # type: ignore[assignment]


def _entry(actor: Actor, action: Action, entity_type: str, entity_id: object,
           patient_id: int | None, at: datetime, detail: str | None) -> dict[str, Any]:
    return {"at": at, "actor": actor.username[:64], "user_id": actor.user_id,
            "action": str(action), "entity_type": entity_type[:40],
            "entity_id": None if entity_id is None else str(entity_id)[:64],
            "patient_id": patient_id,
            "route": None if actor.route is None else actor.route[:200],
            "client": None if actor.client is None else actor.client[:64],
            "detail": None if detail is None else detail[:200]}


def record(session: Session, actor: Actor, action: Action, entity_type: str,
           entity_id: object = None, *, patient_id: int | None = None,
           at: datetime | None = None, detail: str | None = None) -> None:
    """Add one entry to the session's unit of work (written when it commits)."""
    _pending(session).append(_entry(actor, action, entity_type, entity_id, patient_id,
                                    at or utcnow(), detail))


def record_many(session: Session, actor: Actor, action: Action, entity_type: str,
                items: Iterable[tuple[object, int | None]]) -> int:
    """One entry per (entity id, patient id): a list page that shows ten patients' claims is
    ten disclosures, each findable by patient."""
    now = utcnow()
    entries = [_entry(actor, action, entity_type, entity_id, patient_id, now, None)
               for entity_id, patient_id in items]
    if entries:
        _pending(session).extend(entries)
    return len(entries)


def _pending(session: Session) -> list[dict[str, Any]]:
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        event.listen(session, "before_commit", _write_pending)
        event.listen(session, "after_transaction_end", _discard_pending)
    return pending  # type: ignore[no-any-return]


def _discard_pending(session: Session, transaction: Any) -> None:
    """A unit of work that ended without its commit writing them (a rollback, a close)
    leaves no entries behind for the next one."""
    if transaction.parent is None:      # the unit of work, not a savepoint
        session.info.get(_PENDING, []).clear()


def _shares_one_connection(engine: Engine) -> bool:
    """An in-memory SQLite database lives on one connection: no second one to write with."""
    return isinstance(engine.pool, (StaticPool, SingletonThreadPool))


def _write_pending(session: Session) -> None:
    pending: list[dict[str, Any]] = session.info.get(_PENDING, [])
    if not pending or session.in_nested_transaction():
        # SQLAlchemy runs before_commit when a savepoint is released too. Writing there would
        # take the chain's database-wide lock (PostgreSQL) or the write lock (SQLite) for the
        # rest of the unit of work: a long posting would hold up every audited request.
        return
    session.flush()          # the unit of work's own changes first: they decide the path
    entries = list(pending)
    pending.clear()
    connection = session.connection()
    bind = session.get_bind()
    if (not isinstance(bind, Engine) or wrote_in_transaction(connection)
            or _shares_one_connection(bind)):
        audit_chain.append(connection, _TABLE, entries)
        return
    # A read on SQLite: its own transaction, write lock first (waits on the busy timeout).
    with bind.connect() as own:
        own = own.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        with own.begin():
            audit_chain.append(own, _TABLE, entries)


def list_entries(session: Session, *, patient_id: int | None = None, actor: str | None = None,
                 before_id: int | None = None, limit: int = 100) -> Sequence[AuditEntry]:
    """Newest first; page with ``before_id`` (the last id of the previous page)."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(min(limit, 500))
    if patient_id is not None:
        stmt = stmt.where(AuditEntry.patient_id == patient_id)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if before_id is not None:
        stmt = stmt.where(AuditEntry.id < before_id)
    return session.scalars(stmt).all()


def export_entries(session: Session, *, patient_id: int | None = None,
                   since: datetime | None = None, until: datetime | None = None,
                   batch: int = 2000) -> Iterator[AuditEntry]:
    """Every entry for one patient and/or in [since, until), oldest first, read in batches
    (an export of a year does not sit in memory)."""
    after = 0
    while True:
        stmt = select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq)
        if patient_id is not None:
            stmt = stmt.where(AuditEntry.patient_id == patient_id)
        if since is not None:
            stmt = stmt.where(AuditEntry.at >= since)
        if until is not None:
            stmt = stmt.where(AuditEntry.at < until)
        rows = session.scalars(stmt.limit(batch)).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


def verify_chain(session: Session) -> audit_chain.ChainReport:
    """Walk the whole log and report the first entry that is missing or was changed."""
    return audit_chain.verify(session.connection(), _TABLE)
