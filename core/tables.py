"""Tables owned by core: users, their login sessions and failed logins, the audit log and the
stored-file archive.

Other packages reference these by table name (``users.id``, ``stored_files.id``); the
service functions that read and write them live in :mod:`core.users`, :mod:`core.sessions`,
:mod:`core.login_throttle`, :mod:`core.audit` and :mod:`core.archive`. Columns are only
ever added, never renamed: other packages build on them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.audit_chain import install_append_only_triggers
from core.db import Base

__all__ = ["AuditEntry", "LoginFailure", "LoginSession", "StoredFile", "User", "utcnow"]


def utcnow() -> datetime:
    """Timezone-aware now; every timestamp in the database is UTC."""
    return datetime.now(UTC)


class User(Base):
    """A person who signs in. ``role`` is a :class:`core.roles.Role` value."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who did what to which record, and when (HIPAA access log: 45 CFR 164.312(b)).

    ``patient_id`` is set whenever the action touched one patient's data, so "who looked at
    this patient" is one indexed query. It is deliberately not a foreign key: the audit log
    outlives the rows it mentions and core does not depend on the claims tables.

    Append-only and hash-chained (:mod:`core.audit_chain`): ``seq`` is the entry's position
    (1, 2, 3 ... without gaps), ``chain_hash`` covers the previous entry's hash and this
    entry's content, and triggers refuse UPDATE and DELETE. ``detail`` says more where the
    action needs it (why a request was refused, what range an export covered).
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    patient_id: Mapped[int | None] = mapped_column(Integer)
    route: Mapped[str | None] = mapped_column(String(200))
    client: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(200))
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    chain_hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_log_patient_at", "patient_id", "at"),
        Index("ix_audit_log_actor_at", "actor", "at"),
        Index("ix_audit_log_seq", "seq", unique=True),
    )


install_append_only_triggers(AuditEntry.__table__)  # type: ignore[arg-type]


class StoredFile(Base):
    """One inbound or outbound X12 file, stored before anything acts on it.

    The SHA-256 of the exact bytes is the identity: a file received twice is one row.
    ``status`` moves received -> processed | failed (outbound files are stored as ``sent``
    once the transport confirms them). The content lives in ``content`` or, when an archive
    directory is configured, on disk at ``storage_path`` relative to it.
    """

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    direction: Mapped[str] = mapped_column(String(3))           # "in" | "out"
    kind: Mapped[str] = mapped_column(String(10), default="")   # ST01: 837, 999, 277, 835...
    source_name: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(BigInteger)
    storage_path: Mapped[str | None] = mapped_column(String(500))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="received")
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        Index("ix_stored_files_status_direction", "status", "direction"),
        Index("ix_stored_files_received_at", "received_at"),
    )


class LoginSession(Base):
    """One sign-in. The login token carries a random session id; only its SHA-256 is kept
    here, so a copy of the table signs nobody in. A session ends at logout, password change,
    deactivation or an administrator's word (``ended_at``), after ``expires_at`` (absolute
    lifetime) or after too long without a request (``last_seen_at``)."""

    __tablename__ = "login_sessions"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(40))
    client: Mapped[str | None] = mapped_column(String(64))


class LoginFailure(Base):
    """A failed sign-in, counted per username and per client address to throttle guessing.
    The username is kept as typed (normalised), whether or not such a user exists."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_client_at", "client", "at"),
    )
