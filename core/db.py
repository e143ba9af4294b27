"""Database plumbing: the declarative base, engines and sessions.

Services take a :class:`~sqlalchemy.orm.Session` and never commit; the edges (a request, a
task, a command) open one with :func:`session_scope`, which commits or rolls back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import MetaData, create_engine, event, make_url
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

__all__ = ["SQLITE_BEGIN_OPTION", "Base", "make_engine", "make_session_factory",
           "session_scope", "wrote_in_transaction"]

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=_NAMING)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_autocommit_driver(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # pysqlite opens and commits transactions on its own, around SAVEPOINT too, so a
    # rolled-back unit of work could keep rows written inside a savepoint. Turn its
    # handling off and let SQLAlchemy say BEGIN (the SQLAlchemy pysqlite docs' recipe).
    dbapi_connection.isolation_level = None


_CHANGES_AT_BEGIN = "claimhouse.changes_at_begin"
_WROTE = "claimhouse.wrote"
# Statements that never take SQLite's write lock; anything else counts as a write.
_READ_ONLY_KEYWORDS = frozenset({"SELECT", "VALUES", "EXPLAIN", "SAVEPOINT", "RELEASE",
                                 "ROLLBACK", "BEGIN", "COMMIT", "END"})

#: Execution option: ``connection.execution_options(sqlite_begin="IMMEDIATE")`` makes the
#: transaction take SQLite's write lock at BEGIN, waiting on the busy timeout for it, instead
#: of at its first write (where a reader that turns writer fails at once with SQLITE_BUSY if
#: someone else wrote meanwhile).
SQLITE_BEGIN_OPTION = "sqlite_begin"


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "")
    if mode not in ("", "DEFERRED", "IMMEDIATE"):
        raise ValueError(f"sqlite_begin must be DEFERRED or IMMEDIATE, not {mode!r}")
    connection.exec_driver_sql(f"BEGIN {mode}".rstrip())
    dbapi = connection.connection.dbapi_connection
    connection.info[_CHANGES_AT_BEGIN] = dbapi.total_changes
    connection.info[_WROTE] = mode == "IMMEDIATE"


def _sqlite_note_write(connection, _cursor, statement,  # type: ignore[no-untyped-def]
                       *_rest) -> None:
    words = statement.lstrip().split(None, 1)
    if words and words[0].upper() not in _READ_ONLY_KEYWORDS:
        connection.info[_WROTE] = True


def wrote_in_transaction(connection: Connection) -> bool:
    """Whether the transaction ``connection`` is in may hold SQLite's write lock: it ran a
    statement other than a read, or changed a row.

    Known on SQLite engines from :func:`make_engine`; anywhere else the answer is True, the
    safe assumption.
    """
    if connection.dialect.name != "sqlite":
        return True
    start = connection.info.get(_CHANGES_AT_BEGIN)
    if start is None or connection.info.get(_WROTE, True):
        return True
    return bool(connection.connection.dbapi_connection.total_changes != start)


def _owner_only_file(url: str) -> None:
    """Create the SQLite database file readable by its owner alone before SQLite opens it
    (it holds patient data); SQLite gives its -wal and -shm files the same mode."""
    parsed = make_url(url)
    name = parsed.database
    if not name or name == ":memory:" or name.startswith("file:") or parsed.query.get("uri"):
        return
    path = Path(name)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # An existing database is never opened here: closing any descriptor on a file drops
    # every POSIX lock this process holds on it, SQLite's included.
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on, WAL journaling, a busy timeout
    and a database file only its owner can read.

    Bound parameters are hidden from error messages: they hold patient data, and error
    messages end up in logs.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False})
        _owner_only_file(url)
    engine = create_engine(url, **kwargs)  # type: ignore[arg-type]
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", _sqlite_autocommit_driver)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "before_cursor_execute", _sqlite_note_write)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
