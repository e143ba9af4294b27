"""Set-based writes and key lookups that stay fast for a 10,000-claim remittance.

On PostgreSQL rows go in with COPY (ids taken from the table's sequence first when the
caller needs them) and updates are one UPDATE joined to the new values sent as arrays; key lookups
send one array parameter instead of thousands of bound values. Other databases (SQLite in
tests and the embedded default) get the portable executemany forms. All of it runs on the
session's own connection, inside its transaction: nothing is committed here. A key the
database refuses during a COPY raises SQLAlchemy's IntegrityError, as an INSERT would.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, String, Table, any_, bindparam, cast, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

__all__ = ["array_literal", "insert_rows", "key_chunks", "matching", "scalars_matching", "update_rows"]

_SQLITE_CHUNK = 900     # below SQLite's default limit of bound parameters


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _driver(session: Session) -> Any:
    return session.connection().connection.driver_connection


@contextmanager
def _driver_errors(session: Session, statement: str) -> Iterator[None]:
    # COPY goes through the driver's own cursor, past SQLAlchemy's error wrapping: wrap its
    # errors the same way, so callers catch IntegrityError whichever path wrote the rows.
    dialect = session.get_bind().dialect
    base = dialect.loaded_dbapi.Error
    try:
        yield
    except base as exc:
        raise DBAPIError.instance(statement, None, exc, base, hide_parameters=True,
                                  dialect=dialect) from exc


def key_chunks(session: Session, values: Iterable[Any]) -> list[list[Any]]:
    """``values`` (deduplicated, sorted, blanks dropped) in chunks one lookup can take."""
    ordered = sorted({v for v in values if v not in (None, "")})
    size = max(len(ordered), 1) if _is_postgres(session) else _SQLITE_CHUNK
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def array_literal(values: Iterable[Any]) -> str:
    """PostgreSQL's text form of a one-dimensional array of ``values`` (None is NULL).

    Every other value is sent quoted as its ``str``, which the element type reads back (ints,
    text, Decimal, ISO dates and timestamps, True/False). Built with joins, it costs a fraction
    of the driver's element-by-element array adaptation on thousands of values.
    """
    values = list(values)
    if not values:
        return "{}"
    if all(type(v) is int for v in values):
        return "{" + ",".join(map(str, values)) + "}"
    if all(type(v) is str for v in values):
        # NUL (which PostgreSQL text never holds) separates the values while all of them are
        # escaped in one pass; a value that carries one takes the general path and is refused
        # by the server as before.
        joined = "\0".join(values)
        if joined.count("\0") == len(values) - 1:
            body = joined.replace("\\", "\\\\").replace('"', '\\"').replace("\0", '","')
            return '{"' + body + '"}'
    return "{" + ",".join(
        "NULL" if v is None else
        '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def matching(session: Session, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``column = ANY(:array)``, a single parameter."""
    if _is_postgres(session):
        kind = String() if isinstance(column.type, NullType) else column.type
        # An untyped parameter cast straight to the array type: the server reads the text
        # as that array, and the plan is the one an array parameter gets.
        return column == any_(cast(bindparam(None, array_literal(values), type_=NullType()),
                                    ARRAY(kind)))
    return column.in_(values)


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]], *,
                returning_ids: bool = False) -> list[int]:
    """Insert ``rows`` (all with the same keys); the new ids in row order when asked."""
    if not rows:
        return []
    columns = list(rows[0])
    if not _is_postgres(session):
        if returning_ids:
            statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
            return list(session.execute(statement, list(rows)).scalars())
        session.execute(table.insert(), list(rows))
        return []
    # COPY skips the columns' Python-side defaults that an INSERT would apply: add them.
    defaults = {}
    for column in table.columns:
        default = column.default
        if column.name in columns or column.name == "id" or default is None:
            continue
        if default.is_scalar:
            defaults[column.name] = default.arg
        elif default.is_callable:
            defaults[column.name] = default.arg(None)
    if defaults:
        columns += list(defaults)
        extra = tuple(defaults.values())
        rows = [(*row.values(), *extra) for row in rows]  # type: ignore[misc]
    else:
        rows = [tuple(row.values()) for row in rows]  # type: ignore[misc]
    ids: list[int] = []
    if returning_ids:
        ids = list(session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) "
                 "FROM generate_series(1, :n)"), {"t": table.name, "n": len(rows)}).scalars())
        columns = ["id", *columns]
    names = ", ".join(f'"{c}"' for c in columns)
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    with _driver_errors(session, statement), _driver(session).cursor() as cursor, \
            cursor.copy(statement) as copy:
        if returning_ids:
            for new_id, row in zip(ids, rows, strict=True):
                copy.write_row((new_id, *row))
        else:
            for row in rows:
                copy.write_row(row)
    return ids


def update_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Update rows by ``id``: each row maps ``id`` and the columns to set (same keys)."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != "id"]
    if not _is_postgres(session):
        statement = table.update().where(table.c.id == bindparam("b_id")).values(
            {c: bindparam(f"b_{c}") for c in columns})
        session.execute(statement, [{f"b_{k}": v for k, v in row.items()} for row in rows])
        return
    # One UPDATE joined to the new values sent as one array per column (unnest), typed like
    # the table's columns: no temporary table to create per call, no second round trip.
    dialect = session.get_bind().dialect
    names = ["id", *columns]
    arrays = ", ".join(f"%s::{table.c[c].type.compile(dialect=dialect)}[]" for c in names)
    assignments = ", ".join(f'"{c}" = s."{c}"' for c in columns)
    quoted = ", ".join(f'"{c}"' for c in names)
    statement = (f'UPDATE "{table.name}" AS t SET {assignments} FROM unnest({arrays}) '
                 f"AS s({quoted}) WHERE t.id = s.id")
    with _driver_errors(session, statement), _driver(session).cursor() as cursor:
        cursor.execute(statement, [array_literal([row[c] for row in rows]) for c in names])


def scalars_matching(session: Session, column: Any, key: Any, values: Iterable[Any]
                     ) -> list[Any]:
    """``SELECT column WHERE key IN values``, chunked as the database needs."""
    out: list[Any] = []
    for chunk in key_chunks(session, values):
        out.extend(session.scalars(select(column).where(matching(session, key, chunk))))
    return out
