"""The stored-file archive: every inbound and outbound file, keyed by its SHA-256.

A file is stored *before* anything acts on it, in the caller's transaction, so a crash between
storing and processing leaves a ``received`` row that :func:`pending_files` hands back on restart,
and the processor marks it ``processed`` in the same transaction as its effects: it is acted on
exactly once. Storing the same bytes again returns the existing row with ``created=False`` and
changes nothing.

Content is kept in the database row by default (atomic with the transaction). With an archive
directory (``Settings.archive_dir``) it is written to ``<dir>/<ab>/<sha256>`` first, via a
temporary file and an atomic rename; a write whose transaction later rolls back leaves an
orphan file that the next store of the same bytes simply reuses.

Usage by the exchange and the worker::

    stored, created = store_file(session, data, direction="in", source_name="inbox/x.999")
    ...                          # commit, then enqueue processing with stored.id
    stored = claim_for_processing(session, file_id)   # None if already done
    ...                          # act on file_content(stored)
    mark_processed(session, stored)                  # same transaction as the effects
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, undefer

from core.tables import StoredFile, utcnow

__all__ = [
    "Direction",
    "FileStatus",
    "claim_for_processing",
    "decode_x12",
    "file_content",
    "find_file",
    "mark_failed",
    "mark_processed",
    "mark_sent",
    "pending_files",
    "sha256_hex",
    "sniff_kind",
    "store_file",
]


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class FileStatus(StrEnum):
    RECEIVED = "received"     # stored, not yet acted on (inbound) / built, not yet sent (out)
    PROCESSED = "processed"   # inbound: its effects are committed
    FAILED = "failed"         # inbound: processing raised; ``error`` says why
    SENT = "sent"             # outbound: the transport confirmed delivery
    #: inbound: stored, but whoever brought it may not apply it; ``error`` says who may
    WAITING = "waiting"


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sniff_kind(content: bytes) -> str:
    """ST01 of the first transaction set ("837", "999", "277", "835"...), "TA1" for an
    interchange acknowledgment alone, "" when the bytes are not an X12 interchange.

    Only a peek: the ISA is fixed width, element separator at offset 3 and segment terminator
    at offset 105 (x12-domain §2.1); full parsing is the X12 engine's job.
    """
    head = content[:4096].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \r\n\t")
    if not head.startswith("ISA") or len(head) < 106:
        return ""
    element, terminator = head[3], head[105]
    for raw in head[106:].split(terminator):
        tag, _, rest = raw.strip().partition(element)
        if tag == "ST":
            return rest.split(element, 1)[0][:10]
        if tag == "TA1":
            return "TA1"
    return ""


def decode_x12(content: bytes) -> str:
    """A stored file's bytes as text: UTF-8, or else byte for byte.

    X12's extended character set is single-byte; latin-1 keeps every byte as it came, so a
    file that is not UTF-8 still reads and its SHA-256 still names the same bytes.
    """
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def _write_archive(archive_dir: Path, digest: str, content: bytes) -> str:
    relative = f"{digest[:2]}/{digest}"
    target = archive_dir / relative
    if target.is_file() and target.stat().st_size == len(content):
        return relative
    # X12 files carry patient data: folders and files are the owner's alone (mkstemp: 0600).
    archive_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    target.parent.mkdir(mode=0o700, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return relative


def find_file(session: Session, sha256: str) -> StoredFile | None:
    return session.scalar(select(StoredFile).where(StoredFile.sha256 == sha256))


def store_file(session: Session, content: bytes, *, direction: str, source_name: str,
               kind: str | None = None, archive_dir: Path | None = None,
               uploaded_by: int | None = None) -> tuple[StoredFile, bool]:
    """Store ``content`` once. Returns ``(row, created)``; ``created`` is False when the same
    bytes were stored before (by anyone, in either direction), in which case nothing changes.

    ``kind`` defaults to :func:`sniff_kind`. Safe under concurrent stores of the same bytes:
    the loser of the unique-key race gets the winner's row.
    """
    direction = Direction(direction)
    digest = sha256_hex(content)
    existing = find_file(session, digest)
    if existing is not None:
        return existing, False
    row = StoredFile(sha256=digest, direction=str(direction),
                     kind=sniff_kind(content) if kind is None else kind,
                     source_name=source_name[:500], size=len(content),
                     status=str(FileStatus.RECEIVED), received_at=utcnow(), attempts=0,
                     uploaded_by=uploaded_by)
    if archive_dir is not None:
        row.storage_path = _write_archive(archive_dir, digest, content)
    else:
        row.content = content
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        winner = find_file(session, digest)
        if winner is None:
            raise
        return winner, False
    return row, True


def file_content(session: Session, stored: StoredFile, archive_dir: Path | None = None) -> bytes:
    """The exact bytes of a stored file; checks them against the recorded SHA-256."""
    if stored.storage_path:
        if archive_dir is None:
            raise ValueError(f"stored file {stored.source_name} is in the archive directory, "
                             "but no archive directory was given")
        content = (archive_dir / stored.storage_path).read_bytes()
    else:
        content = session.scalar(select(StoredFile.content).where(StoredFile.id == stored.id))
        if content is None:
            raise ValueError(f"stored file {stored.source_name} has no content")
    if sha256_hex(content) != stored.sha256:
        raise ValueError(f"stored file {stored.source_name} does not match its SHA-256: "
                         "the archive copy is damaged")
    return content


def pending_files(session: Session, direction: str = Direction.IN,
                  limit: int = 100) -> Sequence[StoredFile]:
    """Files stored but not yet acted on, oldest first (the restart queue)."""
    return session.scalars(
        select(StoredFile)
        .where(StoredFile.status == FileStatus.RECEIVED,
               StoredFile.direction == Direction(direction))
        .order_by(StoredFile.received_at, StoredFile.id).limit(limit)).all()


def claim_for_processing(session: Session, file_id: int) -> StoredFile | None:
    """Lock the file row for this transaction and return it, or None when it is already
    processed (a re-delivered task) or another worker holds it (PostgreSQL SKIP LOCKED).
    A file waiting for someone with the right to apply it is returned too: the caller
    checks who is acting."""
    stmt = (select(StoredFile).options(undefer(StoredFile.content))
            .where(StoredFile.id == file_id,
                   StoredFile.status.in_((FileStatus.RECEIVED, FileStatus.FAILED,
                                          FileStatus.WAITING)))
            .with_for_update(skip_locked=True))
    row = session.scalar(stmt)
    if row is not None:
        row.attempts = (row.attempts or 0) + 1
    return row


def mark_processed(session: Session, stored: StoredFile) -> None:
    stored.status = str(FileStatus.PROCESSED)
    stored.processed_at = utcnow()
    stored.error = None
    session.flush()


def mark_failed(session: Session, stored: StoredFile, error: str) -> None:
    """Record why processing failed. Call in a fresh transaction after rolling back the
    failed one, so none of the failed attempt's effects are kept."""
    stored.status = str(FileStatus.FAILED)
    stored.processed_at = utcnow()
    stored.error = error[:4000]
    session.flush()


def mark_sent(session: Session, stored: StoredFile) -> None:
    stored.status = str(FileStatus.SENT)
    stored.processed_at = utcnow()
    session.flush()
