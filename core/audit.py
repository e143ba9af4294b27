"""The access audit log: who read or changed which patient's data, when, through which route.

HIPAA's audit-controls standard (45 CFR 164.312(b)) asks for a record of activity on systems
holding PHI; supervisors answer "who looked at this patient" from it. Entries are written in
the request's own transaction, so a read that fails to commit leaves no entry and a committed
read always has one. Entries hold ids, never the data itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Integer, String, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from core.tables import AuditEntry, utcnow

__all__ = ["Action", "Actor", "list_entries", "record", "record_many"]


class Action(StrEnum):
    READ = "read"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    TRANSITION = "transition"
    EXPORT = "export"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting and from where; built once per request by the API."""

    username: str
    user_id: int | None = None
    route: str | None = None
    client: str | None = None


def record(session: Session, actor: Actor, action: Action, entity_type: str,
           entity_id: object = None, *, patient_id: int | None = None,
           at: datetime | None = None) -> None:
    session.add(AuditEntry(at=at or utcnow(), actor=actor.username, user_id=actor.user_id,
                           action=str(action), entity_type=entity_type,
                           entity_id=None if entity_id is None else str(entity_id),
                           patient_id=patient_id, route=actor.route, client=actor.client))


_COLUMNS = ("at", "actor", "user_id", "action", "entity_type", "entity_id", "patient_id",
            "route", "client")
_TABLE = AuditEntry.__table__
# PostgreSQL: the whole page in one INSERT ... SELECT over two unnested arrays. The statement
# text never changes with the page size, so it is compiled once and PostgreSQL parses one
# statement instead of a VALUES list of ten parameters per row; this is the cheapest way to
# keep one entry per disclosure on every list page (bench/load_api.py).
_UNNEST_INSERT = insert(_TABLE).from_select(_COLUMNS, select(
    bindparam("at", type_=_TABLE.c.at.type), bindparam("actor", type_=String),
    bindparam("user_id", type_=Integer), bindparam("action", type_=String),
    bindparam("entity_type", type_=String),
    func.unnest(bindparam("entity_ids", type_=ARRAY(String))),
    func.unnest(bindparam("patient_ids", type_=ARRAY(Integer))),
    bindparam("route", type_=String), bindparam("client", type_=String)))


def record_many(session: Session, actor: Actor, action: Action, entity_type: str,
                items: Iterable[tuple[object, int | None]]) -> int:
    """One entry per (entity id, patient id): a list page that shows ten patients' claims is
    ten disclosures, each findable by patient. Written in one statement."""
    pairs = [(None if entity_id is None else str(entity_id), patient_id)
             for entity_id, patient_id in items]
    if not pairs:
        return 0
    now = utcnow()
    common = {"at": now, "actor": actor.username, "user_id": actor.user_id,
              "action": str(action), "entity_type": entity_type, "route": actor.route,
              "client": actor.client}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_UNNEST_INSERT, {**common, "entity_ids": [e for e, _ in pairs],
                                         "patient_ids": [p for _, p in pairs]})
    else:
        session.execute(insert(_TABLE), [{**common, "entity_id": entity_id,
                                          "patient_id": patient_id}
                                         for entity_id, patient_id in pairs])
    return len(pairs)


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
