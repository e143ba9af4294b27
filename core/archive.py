"""The stored-file archive: every inbound and outbound file, keyed by its SHA-256.

A file is stored *before* anything acts on it, in the caller's transaction, so a crash between
storing and processing leaves a ``received`` row that :func:`pending_files` hands back on restart,
and the processor marks it ``processed`` in the same transaction as its effects: it is acted on
exactly once. Storing the same bytes again returns the existing row with ``created=False`` and
changes nothing.

Where the bytes live:

* With an archive directory (``Settings.archive_dir``) every file is written to
  ``<dir>/<ab>/<sha256>`` (``storage_path`` relative to it), via a temporary file in that
  directory, fsync and an atomic rename; a write whose transaction later rolls back leaves an
  orphan file that the next store of the same bytes simply reuses.
* Without one, a file of up to :data:`IN_ROW_BYTES` is kept in the database row (atomic with
  the transaction). A larger file cannot go into a row without being held whole, so
  :func:`store_stream` and :func:`store_path` write it to the *large-file directory* the
  entry point names (:func:`large_file_dir`: the archive directory, else
  ``<data_dir>/archive``), the same way, and record its absolute path. A large file with
  nowhere to go is refused in words, before any row is written. :func:`store_file` (bytes
  already in memory) follows the rule when given ``large_dir``; without it, the row (a large
  row, from it or from before the rule, is read back in slices).

Reading: :func:`open_content` yields a stored file in chunks and checks its SHA-256 as the
stream ends (a damaged copy raises in words, so the caller's transaction rolls back);
:func:`file_content` returns small files whole.

Usage: ``store_file`` / ``store_path`` / ``store_stream``, commit, enqueue with ``stored.id``;
then ``claim_for_processing`` (None if already done), act on ``open_content``, and
``mark_processed`` in the same transaction as the effects.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.tables import StoredFile, utcnow

if TYPE_CHECKING:
    from core.settings import Settings

__all__ = [
    "CHUNK_BYTES",
    "IN_ROW_BYTES",
    "Direction",
    "FileStatus",
    "claim_for_processing",
    "decode_x12",
    "file_content",
    "find_file",
    "large_file_dir",
    "mark_failed",
    "mark_processed",
    "mark_sent",
    "open_content",
    "pending_files",
    "sha256_hex",
    "sniff_kind",
    "store_file",
    "store_path",
    "store_stream",
]

#: The largest file kept in a database row when there is no archive directory; a larger one
#: is always written to disk (a row is written and read whole).
IN_ROW_BYTES = 8 * 1024 * 1024
#: What is read, hashed and written at a time when a file is copied or streamed.
CHUNK_BYTES = 1024 * 1024
_HEAD_BYTES = 4096


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


def large_file_dir(settings: Settings) -> Path:
    """Where an entry point keeps files too large for a row: the archive directory, else
    ``<data_dir>/archive`` (absolute, so the stored path does not depend on the cwd)."""
    return (settings.archive_dir or settings.data_dir / "archive").resolve()


def sniff_kind(content: bytes) -> str:
    """ST01 of the first transaction set ("837", "999", "277", "835"...), "TA1" for an
    interchange acknowledgment alone, "" when the bytes are not an X12 interchange (or a
    bare ST..SE set).

    Only a peek at the first 4 KiB: the ISA is fixed width, element separator at offset 3 and
    segment terminator at offset 105 (x12-domain §2.1); full parsing is the X12 engine's job.
    """
    head = content[:_HEAD_BYTES].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \r\n\t")
    if head.startswith("ST") and head[2:3] and not head[2].isalnum():
        # A bare ST..SE set (the TR3s' own examples), which the readers take leniently.
        kind = head[3:].split(head[2], 1)[0]
        return kind if len(kind) == 3 and kind.isdigit() else ""
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


def _place(temp: Path, directory: Path, digest: str, size: int) -> Path:
    """Move a finished temporary copy to ``<directory>/<ab>/<sha256>`` atomically (or drop
    it when that file is already there, whole)."""
    target = directory / digest[:2] / digest
    if target.is_file() and target.stat().st_size == size:
        temp.unlink(missing_ok=True)
        return target
    target.parent.mkdir(mode=0o700, exist_ok=True)
    os.replace(temp, target)
    return target


def _copy_to_temp(chunks: Callable[[], bytes], directory: Path, name: str,
                  max_bytes: int | None) -> tuple[Path, str, int, bytes]:
    """Copy ``chunks()`` (b"" at the end) to a temporary file in ``directory``, hashing as it
    goes; refuses in words once more than ``max_bytes`` have come. Returns the temporary
    path, the SHA-256, the size and the first bytes (for :func:`sniff_kind`)."""
    # X12 files carry patient data: folders and files are the owner's alone (mkstemp: 0600).
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".incoming-")
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with os.fdopen(fd, "wb") as handle:
            while chunk := chunks():
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise ValueError(f"file {name}: larger than {max_bytes} bytes; nothing "
                                     "was stored")
                if len(head) < _HEAD_BYTES:
                    head += chunk[:_HEAD_BYTES - len(head)]
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp), digest.hexdigest(), size, head


def _write_archive(archive_dir: Path, digest: str, content: bytes) -> str:
    target = archive_dir / digest[:2] / digest
    if not (target.is_file() and target.stat().st_size == len(content)):
        pieces = iter((content,))
        temp, *_ = _copy_to_temp(lambda: next(pieces, b""), archive_dir, digest, None)
        _place(temp, archive_dir, digest, len(content))
    return f"{digest[:2]}/{digest}"


def find_file(session: Session, sha256: str) -> StoredFile | None:
    return session.scalar(select(StoredFile).where(StoredFile.sha256 == sha256))


def _new_row(direction: str, digest: str, kind: str, source_name: str, size: int,
             uploaded_by: int | None) -> StoredFile:
    return StoredFile(sha256=digest, direction=str(Direction(direction)), kind=kind, size=size,
                      source_name=source_name[:500], status=str(FileStatus.RECEIVED),
                      received_at=utcnow(), attempts=0, uploaded_by=uploaded_by)


def _add(session: Session, row: StoredFile) -> tuple[StoredFile, bool]:
    # Safe under concurrent stores of the same bytes: the loser of the unique-key race gets
    # the winner's row.
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        winner = find_file(session, row.sha256)
        if winner is None:
            raise
        return winner, False
    return row, True


def store_file(session: Session, content: bytes, *, direction: str, source_name: str,
               kind: str | None = None, archive_dir: Path | None = None,
               uploaded_by: int | None = None,
               large_dir: Path | None = None) -> tuple[StoredFile, bool]:
    """Store ``content`` once. Returns ``(row, created)``; ``created`` is False when the same
    bytes were stored before (by anyone, in either direction), in which case nothing changes.

    ``kind`` defaults to :func:`sniff_kind`. For bytes already in memory; a file arriving as a
    stream or on disk goes through :func:`store_stream` / :func:`store_path`.
    """
    Direction(direction)
    digest = sha256_hex(content)
    existing = find_file(session, digest)
    if existing is not None:
        return existing, False
    row = _new_row(direction, digest, sniff_kind(content) if kind is None else kind,
                   source_name, len(content), uploaded_by)
    if archive_dir is not None:
        row.storage_path = _write_archive(archive_dir, digest, content)
    elif large_dir is not None and len(content) > IN_ROW_BYTES:
        row.storage_path = str(large_dir.resolve() / _write_archive(large_dir, digest, content))
    else:
        row.content = content
    return _add(session, row)


def store_stream(session: Session, stream: IO[bytes], *, direction: str, source_name: str,
                 kind: str | None = None, archive_dir: Path | None = None,
                 large_dir: Path | None = None, uploaded_by: int | None = None,
                 max_bytes: int | None = None) -> tuple[StoredFile, bool]:
    """Store what ``stream`` reads (from where it stands to its end) once, never holding it
    whole: it is copied :data:`CHUNK_BYTES` at a time to a temporary file while its SHA-256 is
    computed and its head kept for :func:`sniff_kind`. Same answer as :func:`store_file`.

    More than ``max_bytes`` is refused (ValueError, in words) as soon as it is read, and
    nothing is kept. The copy is staged in the archive directory, else ``large_dir``, else
    the system's temporary directory (then only a file that fits a row can be stored).
    """
    Direction(direction)
    staging = archive_dir or large_dir or Path(tempfile.gettempdir())
    temp, digest, size, head = _copy_to_temp(lambda: stream.read(CHUNK_BYTES), staging,
                                             source_name, max_bytes)
    try:
        existing = find_file(session, digest)
        if existing is not None:
            return existing, False
        row = _new_row(direction, digest, sniff_kind(head) if kind is None else kind,
                       source_name, size, uploaded_by)
        if archive_dir is not None:
            _place(temp, archive_dir, digest, size)
            row.storage_path = f"{digest[:2]}/{digest}"
        elif size <= IN_ROW_BYTES:
            row.content = temp.read_bytes()
        elif large_dir is not None:
            row.storage_path = str(_place(temp, large_dir, digest, size).resolve())
        else:
            raise ValueError(f"file {source_name} is {size} bytes; a file over {IN_ROW_BYTES} "
                             "bytes is kept in the archive directory, and none was given; "
                             "nothing was stored")
        return _add(session, row)
    finally:
        temp.unlink(missing_ok=True)


def store_path(session: Session, path: Path, *, source_name: str | None = None,
               **options: Any) -> tuple[StoredFile, bool]:
    """:func:`store_stream` of a file on disk (``source_name`` defaults to its path); the
    other keywords are :func:`store_stream`'s."""
    with path.open("rb") as handle:
        return store_stream(session, handle, source_name=source_name or str(path), **options)


def _disk_path(stored: StoredFile, archive_dir: Path | None) -> Path:
    path = Path(stored.storage_path or "")
    if path.is_absolute():
        return path
    if archive_dir is None:
        raise ValueError(f"stored file {stored.source_name} is in the archive directory, "
                         "but no archive directory was given")
    return archive_dir / path


def _damaged(stored: StoredFile, why: str) -> ValueError:
    return ValueError(f"stored file {stored.source_name} does not match its SHA-256 ({why}): "
                      "the archive copy is damaged; nothing was done with it")


def _row_chunks(session: Session, stored: StoredFile) -> Iterator[bytes]:
    step = 4 * CHUNK_BYTES
    if stored.size <= IN_ROW_BYTES:
        content = session.scalar(select(StoredFile.content).where(StoredFile.id == stored.id))
        if content is None:
            raise ValueError(f"stored file {stored.source_name} has no content")
        yield content
        return
    for start in range(1, stored.size + 1, step):
        part = session.scalar(select(func.substr(StoredFile.content, start, step))
                              .where(StoredFile.id == stored.id))
        if not part:
            return
        yield bytes(part)


def open_content(session: Session, stored: StoredFile, archive_dir: Path | None = None
                 ) -> Iterator[bytes]:
    """The exact bytes of a stored file, in chunks of at most a few MiB (one chunk for a small
    file kept in its row). The SHA-256 is checked as the stream ends: a damaged or truncated
    copy raises ValueError in words instead of ending quietly, so whatever the caller did
    with the chunks is rolled back with its transaction. Each call reads afresh."""
    digest, size = hashlib.sha256(), 0
    if stored.storage_path:
        path = _disk_path(stored, archive_dir)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise _damaged(stored, f"it is missing from {path.parent}") from None
        with handle:
            if os.fstat(handle.fileno()).st_size != stored.size:
                raise _damaged(stored, f"it is not {stored.size} bytes long")
            while chunk := handle.read(CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
                yield chunk
    else:
        for chunk in _row_chunks(session, stored):
            digest.update(chunk)
            size += len(chunk)
            yield chunk
    if size != stored.size or digest.hexdigest() != stored.sha256:
        raise _damaged(stored, "its bytes have changed")


def file_content(session: Session, stored: StoredFile, archive_dir: Path | None = None) -> bytes:
    """The exact bytes of a stored file, whole (for small files); checks the SHA-256."""
    return b"".join(open_content(session, stored, archive_dir))


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
    checks who is acting. The content stays deferred: read it with :func:`open_content`."""
    stmt = (select(StoredFile)
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
