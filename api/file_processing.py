"""Storing an uploaded X12 file, and applying a stored inbound file on a person's word, for
the JSON route and the screens.

A file is applied in a transaction of its own (the exchange's unit of work), with the rights
and in the name of the person asking; a file whose kinds need a permission their role lacks
stays waiting and the request is refused in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import Principal, settings_of
from api.limits import measure_upload
from api.remittance_posting import posting_rules_for
from clearinghouse import WAITING, FileActor, ProcessOutcome, process_stored_file
from core import archive
from core.errors import Conflict, NotFound, PermissionDenied
from core.roles import INBOUND_PERMISSIONS
from core.tables import StoredFile, User

__all__ = ["WaitingFile", "apply_stored_file", "outcome_words", "process_as", "store_upload",
           "waiting_files"]


def store_upload(request: Request, session: Session, file: UploadFile,
                 user: Principal) -> tuple[StoredFile, bool]:
    """Store an uploaded file as it was spooled, copied in chunks and hashed on the way (a
    large one to the archive directory, never whole in memory); empty or over the upload
    limit is refused in words and nothing is stored."""
    settings = settings_of(request)
    name = file.filename or "unnamed"
    measure_upload(file.file, name, settings.max_upload_bytes)
    return archive.store_stream(
        session, file.file, direction=archive.Direction.IN, source_name=f"upload:{name}",
        archive_dir=settings.archive_dir, large_dir=archive.large_file_dir(settings),
        uploaded_by=user.user_id, max_bytes=settings.max_upload_bytes)


def apply_stored_file(request: Request, file_id: int,
                      user: Principal | None) -> ProcessOutcome:
    """Process a stored file in its own transaction, as ``user`` (None: as its uploader, or
    the exchange for a mailbox file)."""
    actor = None if user is None else FileActor.person(
        user.username, user.role, user_id=user.user_id, route=user.actor.route,
        client=user.actor.client)
    settings = settings_of(request)
    return process_stored_file(request.app.state.session_factory, file_id,
                               archive_dir=settings.archive_dir,
                               posting_rules=posting_rules_for(request.app), actor=actor)


def outcome_words(outcome: ProcessOutcome) -> str:
    return f"{outcome.status}: {outcome.summary}" if outcome.summary else outcome.status


def process_as(request: Request, session: Session, file_id: int,
               user: Principal) -> tuple[StoredFile, ProcessOutcome]:
    """Apply a stored inbound file (waiting, received or failed) in ``user``'s name.

    Raises :class:`NotFound`, :class:`Conflict` (an outbound file; already processed or
    being processed) or :class:`PermissionDenied` (the file's kinds need a permission the
    user's role lacks: it stays waiting). Commits ``session`` (a read) before the file's own
    transaction takes its row."""
    stored = session.get(StoredFile, file_id)
    if stored is None:
        raise NotFound(f"no stored file with id {file_id}")
    if stored.direction != archive.Direction.IN:
        raise Conflict(f"stored file {file_id} ({stored.source_name}) is an outbound file; "
                       "there is nothing to apply")
    session.commit()
    outcome = apply_stored_file(request, file_id, user)
    if outcome.status == WAITING:
        raise PermissionDenied(f"stored file {file_id} ({stored.source_name}) is still "
                               f"{outcome.summary}")
    if outcome.status == "skipped":
        raise Conflict(f"stored file {file_id} ({stored.source_name}) is "
                       f"{stored.status}, or someone is processing it right now")
    session.refresh(stored)     # the processing transaction recorded the audit entry
    return stored, outcome


@dataclass(frozen=True, slots=True)
class WaitingFile:
    """A stored file left for someone who may apply it, as the screens list it."""

    id: int
    name: str
    kind: str
    received_at: dt.datetime
    uploaded_by: str
    reason: str

    @property
    def takes(self) -> str:
        """The permission applying it takes (by its first kind), for the screens' buttons."""
        needed = INBOUND_PERMISSIONS.get(self.kind)
        return needed.value if needed else ""


def waiting_files(session: Session, kinds: Sequence[str],
                  limit: int = 50) -> list[WaitingFile]:
    """Inbound files of these kinds waiting for someone who may apply them, oldest first."""
    rows = session.execute(
        select(StoredFile.id, StoredFile.source_name, StoredFile.kind, StoredFile.received_at,
               StoredFile.error, User.username)
        .outerjoin(User, User.id == StoredFile.uploaded_by)
        .where(StoredFile.status == archive.FileStatus.WAITING,
               StoredFile.direction == archive.Direction.IN,
               StoredFile.kind.in_(list(kinds)))
        .order_by(StoredFile.received_at, StoredFile.id).limit(limit))
    return [WaitingFile(row.id, row.source_name.removeprefix("upload:"), row.kind,
                        row.received_at, row.username or "", row.error or "")
            for row in rows]
