"""The audit log's integrity: an append-only, hash-chained table.

Every entry has a position in the chain (``seq``: 1, 2, 3 ... with no gaps) and stores
``chain_hash`` = SHA-256 of the previous entry's hash followed by the entry's own canonical
content. Changing, removing or inserting an entry anywhere breaks every hash after it, and
:func:`verify` names the first entry where the chain stops adding up.

Entries are appended under one lock so two writers never take the same position: on
PostgreSQL a transaction-level advisory lock taken only for the short insert (at commit), on
SQLite the database write lock the appending transaction holds. Database triggers refuse
UPDATE and DELETE on the table; they are created with the table (metadata ``create_all``) and
by the migration.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DDL, Table, bindparam, event, func, insert, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert

__all__ = ["CONTENT_COLUMNS", "GENESIS", "ChainReport", "append", "canonical", "link",
           "install_append_only_triggers", "trigger_ddl", "verify"]

#: The "previous hash" of the first entry.
GENESIS = "0" * 64

#: What an entry's hash covers, in this order (with its position, ``seq``).
CONTENT_COLUMNS = ("at", "actor", "user_id", "action", "entity_type", "entity_id",
                   "patient_id", "route", "client", "detail")

# Any fixed 64-bit number: the key of the PostgreSQL advisory lock that orders appends.
_PG_LOCK_KEY = 0x434C_4149_4D41_5544  # "CLAIMAUD"


def _timestamp(value: object) -> str:
    """The instant as stored: UTC, microseconds, no offset (SQLite keeps no zone; PostgreSQL
    returns it in the session's zone)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"audit entry time {value!r} is not a datetime")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="microseconds")


def canonical(seq: int, row: Mapping[str, Any]) -> bytes:
    """The bytes an entry's hash covers: its position and every content column, as JSON."""
    values: list[object] = [seq]
    for column in CONTENT_COLUMNS:
        value = row.get(column)
        if column == "at":
            value = _timestamp(value)
        elif column in ("user_id", "patient_id") and value is not None:
            value = int(value)
        values.append(value)
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def link(previous_hash: str, seq: int, row: Mapping[str, Any]) -> str:
    return hashlib.sha256(previous_hash.encode("ascii") + canonical(seq, row)).hexdigest()


def _head(connection: Connection, table: Table) -> tuple[int, str]:
    last = connection.execute(select(table.c.seq, table.c.chain_hash)
                              .order_by(table.c.seq.desc()).limit(1)).first()
    return (0, GENESIS) if last is None else (int(last.seq), str(last.chain_hash))


def append(connection: Connection, table: Table, rows: Iterable[Mapping[str, Any]]) -> int:
    """Append ``rows`` (content columns only) at the end of the chain, inside the transaction
    ``connection`` is in. Returns how many were written."""
    batch = list(rows)
    if not batch:
        return 0
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    seq, previous = _head(connection, table)
    values = []
    for row in batch:
        seq += 1
        previous = link(previous, seq, row)
        values.append({**{c: row.get(c) for c in CONTENT_COLUMNS}, "seq": seq,
                       "chain_hash": previous})
    if connection.dialect.name == "postgresql":
        # One statement whose text never changes with the batch size: a list page's fifty
        # entries are fifty rows of arrays, not a VALUES list of six hundred parameters that
        # is compiled and parsed anew for every page (bench/load_api.py).
        connection.execute(_unnest_insert(table), {
            f"{c}_list": [v[c] for v in values] for c in _STORED_COLUMNS})
    else:
        connection.execute(insert(table), values)
    return len(values)


_STORED_COLUMNS = (*CONTENT_COLUMNS, "seq", "chain_hash")
_UNNEST_INSERTS: dict[Table, Insert] = {}


def _unnest_insert(table: Table) -> Insert:
    """INSERT ... SELECT unnest(:at_list), unnest(:actor_list) ...: PostgreSQL walks the
    arrays in step, one row per position."""
    statement = _UNNEST_INSERTS.get(table)
    if statement is None:
        columns = [table.c[name] for name in _STORED_COLUMNS]
        statement = insert(table).from_select(_STORED_COLUMNS, select(*[
            func.unnest(bindparam(f"{c.name}_list", type_=ARRAY(c.type))).label(c.name)
            for c in columns]))
        _UNNEST_INSERTS[table] = statement
    return statement


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What :func:`verify` found: ``problem`` is None when the whole chain adds up."""

    entries: int
    head_seq: int
    head_hash: str
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _describe(row: Any) -> str:
    who = row.actor or "nobody"
    return (f"entry {row.seq} (id {row.id}, {_timestamp(row.at)} UTC, {who} {row.action} "
            f"{row.entity_type} {row.entity_id or ''})").replace(" )", ")")


def _walk(connection: Connection, table: Table, batch: int) -> Iterator[Any]:
    after = 0
    while True:
        rows = connection.execute(select(table).where(table.c.seq > after)
                                  .order_by(table.c.seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        after = int(rows[-1].seq)


def verify(connection: Connection, table: Table, *, batch: int = 5000) -> ChainReport:
    """Walk the whole chain in order and report the first entry that is missing or does not
    match its hash, in words."""
    expected_seq, previous, count = 1, GENESIS, 0
    for row in _walk(connection, table, batch):
        if row.seq != expected_seq:
            missing = (f"entry {expected_seq} is missing" if row.seq == expected_seq + 1
                       else f"entries {expected_seq} to {row.seq - 1} are missing")
            before = (f"after entry {expected_seq - 1}" if expected_seq > 1
                      else "at the start of the log")
            return ChainReport(count, expected_seq - 1, previous,
                               f"{missing} ({before}, before {_describe(row)}): "
                               "rows were deleted from the audit log")
        content = {c: getattr(row, c) for c in CONTENT_COLUMNS}
        if link(previous, row.seq, content) != row.chain_hash:
            return ChainReport(count, expected_seq - 1, previous,
                               f"{_describe(row)} does not match its hash: it, or the entry "
                               "before it, was changed after it was written")
        previous, count, expected_seq = row.chain_hash, count + 1, expected_seq + 1
    return ChainReport(count, expected_seq - 1, previous, None)


# --- append-only triggers ---------------------------------------------------------------

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN "
    "SELECT RAISE(ABORT, 'audit_log is append-only: an entry cannot be changed'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN "
    "SELECT RAISE(ABORT, 'audit_log is append-only: an entry cannot be deleted'); END",
)
_SQLITE_DROP = ("DROP TRIGGER IF EXISTS audit_log_no_update",
                "DROP TRIGGER IF EXISTS audit_log_no_delete")
_PG_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only: % of an entry refused', TG_OP; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
)
_PG_DROP = ("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
            "DROP FUNCTION IF EXISTS audit_log_append_only()")


def trigger_ddl(dialect: str, *, drop: bool = False) -> tuple[str, ...]:
    """The statements that create (or drop) the append-only triggers on ``dialect``."""
    if dialect == "postgresql":
        return _PG_DROP if drop else _PG_TRIGGERS
    if dialect == "sqlite":
        return _SQLITE_DROP if drop else _SQLITE_TRIGGERS
    raise ValueError(f"no append-only triggers for the {dialect} dialect")


def install_append_only_triggers(table: Table) -> None:
    """Have ``create_all`` add the triggers right after it creates ``table`` (and drop the
    PostgreSQL function with it), so every database built from the models refuses edits."""
    for dialect in ("sqlite", "postgresql"):
        for statement in trigger_ddl(dialect):
            event.listen(table, "after_create",
                         DDL(statement.replace("%", "%%")).execute_if(dialect=dialect))
    event.listen(table, "after_drop",
                 DDL(_PG_DROP[1]).execute_if(dialect="postgresql"))
