"""Who applies an inbound file, and whether they may.

Applying a file changes money and claims (an 835 posts payments, a 277CA rejects claims), so
it is done with someone's rights and in someone's name: the person who uploaded or processes
it, or the exchange itself for a file fetched from the clearinghouse mailbox. Storing a file
takes nothing but the right to upload; what applying it takes is the table
:data:`core.roles.INBOUND_PERMISSIONS`. A file whose bringer lacks a permission it needs is
kept, waiting for someone who may act on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import Actor
from core.roles import (
    DUTIES,
    INBOUND_PERMISSIONS,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    permissions_to_apply,
)
from core.tables import StoredFile, User

__all__ = ["EXCHANGE", "FileActor", "actor_for_file", "exchange_transport_of"]

#: The name effects of mailbox files are recorded under, before ":" and the transport.
EXCHANGE = "exchange"


@dataclass(frozen=True, slots=True)
class FileActor:
    """The person or exchange applying a file. ``name`` goes on every effect: claim history,
    remittance imported/posted by, the audit log."""

    name: str
    permissions: frozenset[Permission]
    user_id: int | None = None
    #: The role as words for messages ("biller"); empty for the exchange.
    role: str = ""
    route: str | None = None
    client: str | None = None

    @classmethod
    def person(cls, username: str, role: str, *, user_id: int | None = None,
               route: str | None = None, client: str | None = None,
               active: bool = True) -> FileActor:
        """A signed-in person, with exactly the rights of their role (none when inactive)."""
        try:
            granted = ROLE_PERMISSIONS[Role(role)] if active else frozenset()
        except ValueError:
            granted = frozenset()
        return cls(username, granted, user_id, role if active else f"{role}, inactive",
                   route, client)

    @classmethod
    def exchange(cls, transport: str) -> FileActor:
        """The clearinghouse exchange: it applies what the mailbox brings, and nothing else."""
        return cls(f"{EXCHANGE}:{transport}", frozenset(INBOUND_PERMISSIONS.values()))

    @property
    def audit_actor(self) -> Actor:
        return Actor(username=self.name, user_id=self.user_id, route=self.route,
                     client=self.client)

    def missing(self, kinds: Iterable[str]) -> frozenset[Permission]:
        """What applying a file of these kinds takes that this actor does not hold."""
        return permissions_to_apply(kinds) - self.permissions

    def refusal(self, kinds: Iterable[str]) -> str:
        """Why this actor may not apply a file of these kinds, in words; empty when it may."""
        missing = sorted(self.missing(kinds))
        if not missing:
            return ""
        duties = " and ".join(DUTIES[p] for p in missing)
        codes = ", ".join(p.value for p in missing)
        who = f"{self.name} ({self.role})" if self.role else self.name
        return f"waiting for someone who may {duties}; {who} may not ({codes})"


def exchange_transport_of(source_name: str) -> str:
    """The transport a mailbox file came through, from the source it was stored under
    (``<transport location>/<file name>``)."""
    if source_name.startswith("sftp://"):
        return "sftp"
    if source_name.startswith("memory/"):
        return "memory"
    return "folder"


def actor_for_file(session: Session, stored: StoredFile) -> FileActor:
    """Who a stored file is applied as when nobody in particular is processing it: the person
    who uploaded it, with their current rights, or the exchange for a mailbox file."""
    if stored.uploaded_by is not None:
        row = session.execute(select(User.username, User.role, User.active)
                              .where(User.id == stored.uploaded_by)).first()
        if row is None:
            return FileActor(f"user {stored.uploaded_by}", frozenset(), stored.uploaded_by,
                             "no such user")
        return FileActor.person(row.username, row.role, user_id=stored.uploaded_by,
                                active=row.active)
    if stored.source_name.startswith("upload:"):
        # An upload with no uploader on record: nobody's rights to apply it with.
        return FileActor("an unknown uploader", frozenset())
    return FileActor.exchange(exchange_transport_of(stored.source_name))
