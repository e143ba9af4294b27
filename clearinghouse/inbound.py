"""Inbound files: store first, then route by ST01 and apply, exactly once.

The order that makes this safe (the edge, :mod:`worker.tasks`, owns the commits):

1. fetch a file from the transport and :func:`receive_file` it: stored by SHA-256 before
   anything acts on it; the same bytes again are recognised and change nothing;
2. commit, and only then take the file out of the mailbox, so a crash can never lose a file;
3. :func:`process_file` locks the stored row, routes it and applies it, and marks it
   processed in the same transaction as its effects. A crash before that commit leaves the
   file ``received``: :func:`unprocessed_file_ids` hands it back on the next poll and it is
   processed then, once. A re-delivered task finds it processed and does nothing.

Besides the SHA-256, the sender's ISA13 is a key: a clearinghouse that sends the same
acknowledgment again with a new timestamp (new bytes) is recognised as a duplicate interchange.

Routing (ST01): 999, TA1 and 277 (277CA) are applied to submissions, claims and lines; 835 is
posted by ``remittance.import_era``; anything else (271 for now) is kept with status
``unhandled`` and the reason, to be processed when a handler arrives.

Size: a stored file is never read whole to be routed. It is surveyed in one streaming pass
over its stored copy (:func:`core.archive.open_content`, SHA-256 checked as each pass ends),
and an 835 is posted from a re-openable stream of that copy, so an ERA of any size is posted
in bounded memory. The other kinds answer our own batches (a few hundred bytes per claim):
their handlers get the text whole, and a file of those kinds over :data:`WHOLE_TEXT_BYTES`
is refused in words. A file some of whose interchanges were received before (a resent
acknowledgment) is also cut to its fresh interchanges as a whole text, under the same limit.

Who: a file is applied with the rights, and in the name, of the person who uploaded or
processes it, or of the exchange for a mailbox file (:mod:`clearinghouse.acting`). A file its
bringer may not apply is kept ``waiting`` for someone who may.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session

from claims.acknowledgments import AppliedAcknowledgment, apply_277ca, apply_999, apply_ta1
from clearinghouse.acting import FileActor, actor_for_file
from clearinghouse.interchanges import fresh_text, register_interchanges, survey
from clearinghouse.responses import read_277ca, read_999, read_ta1
from core import audit
from core.archive import (
    Direction,
    FileStatus,
    claim_for_processing,
    mark_failed,
    mark_processed,
    open_content,
    pending_files,
    store_file,
    store_stream,
)
from core.tables import StoredFile, utcnow
from remittance import EraSource, PostingRules, era_from_bytes_chunks, era_from_text, import_era

__all__ = ["DUPLICATE", "UNHANDLED", "WAITING", "WHOLE_TEXT_BYTES", "ProcessOutcome",
           "Received", "process_file", "receive_file", "record_failure", "unprocessed_file_ids"]

#: Stored-file statuses added by the exchange, beside received / processed / failed.
UNHANDLED = "unhandled"     # a kind we cannot act on yet (271 ...): kept, processed later
DUPLICATE = "duplicate"     # an interchange (sender + ISA13) we had already received
#: Stored, but whoever brought it may not apply it (a biller's 835): kept for someone who may.
WAITING = str(FileStatus.WAITING)
#: The largest file read as one text: acknowledgments of any kind, and files cut to their
#: fresh interchanges. An 835 is streamed whatever its size.
WHOLE_TEXT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Received:
    file_id: int
    created: bool
    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class ProcessOutcome:
    """What processing one stored file did; ``summary`` is for people."""

    file_id: int
    status: str
    kinds: tuple[str, ...] = ()
    summary: str = ""
    applied: tuple[AppliedAcknowledgment, ...] = ()


def receive_file(session: Session, content: bytes | IO[bytes], *, name: str, source: str,
                 archive_dir: Path | None = None,
                 large_dir: Path | None = None) -> Received:
    """Store one inbound file (step 1), its bytes or a stream of them (copied in chunks);
    ``created`` is False for bytes already stored. ``large_dir``: where a file too large for
    a database row goes when there is no archive directory (core.archive)."""
    if isinstance(content, bytes):
        stored, created = store_file(session, content, direction=Direction.IN,
                                     source_name=f"{source}/{name}", archive_dir=archive_dir,
                                     large_dir=large_dir)
    else:
        stored, created = store_stream(session, content, direction=Direction.IN,
                                       source_name=f"{source}/{name}",
                                       archive_dir=archive_dir, large_dir=large_dir)
    return Received(stored.id, created, stored.kind, name)


def unprocessed_file_ids(session: Session, limit: int = 500) -> list[int]:
    """Inbound files stored but not yet processed, oldest first (the restart queue)."""
    return [row.id for row in pending_files(session, Direction.IN, limit)]


def record_failure(session: Session, file_id: int, reason: str) -> None:
    """Mark a file failed with the reason, in a fresh transaction after the failed one."""
    stored = session.get(StoredFile, file_id)
    if stored is not None:
        mark_failed(session, stored, reason)


#: Each call of a file's text source reads the stored copy afresh (remittance.EraSource).
Handler = Callable[[Session, StoredFile, EraSource, FileActor, PostingRules | None], str]


def _whole(stored: StoredFile, text: EraSource, kind: str) -> str:
    if stored.size > WHOLE_TEXT_BYTES:
        raise ValueError(f"stored file {stored.source_name}: a {kind} file of {stored.size} "
                         f"bytes is larger than the {WHOLE_TEXT_BYTES} bytes an "
                         "acknowledgment is read in; nothing was applied")
    return "".join(text())


def _ta1(session: Session, stored: StoredFile, text: EraSource, actor: FileActor,
         _rules: PostingRules | None) -> str:
    results = [apply_ta1(session, verdict, stored_file_id=stored.id, actor=actor.name)
               for verdict in read_ta1(_whole(stored, text, "TA1"), stored.source_name)]
    return "; ".join(r.summary() for r in results) or "TA1: nothing to apply"


def _999(session: Session, stored: StoredFile, text: EraSource, actor: FileActor,
         _rules: PostingRules | None) -> str:
    verdicts = read_999(_whole(stored, text, "999"), stored.source_name)
    return apply_999(session, verdicts, stored_file_id=stored.id, actor=actor.name).summary()


def _277(session: Session, stored: StoredFile, text: EraSource, actor: FileActor,
         _rules: PostingRules | None) -> str:
    verdicts = read_277ca(_whole(stored, text, "277"), stored.source_name)
    return apply_277ca(session, verdicts, stored_file_id=stored.id, actor=actor.name).summary()


def _835(session: Session, stored: StoredFile, text: EraSource, actor: FileActor,
         rules: PostingRules | None) -> str:
    # Posting is idempotent on payer + TRN02 (remittance.importer), beside our SHA-256 check.
    result = import_era(session, text, source=stored.source_name, file_sha256=stored.sha256,
                        rules=rules, user=actor.name, stored_file_id=stored.id)
    parts = [f"{r.status} {r.payment_amount} from {r.payer} (trace {r.trace_number})"
             for r in result.remittances]
    return "835: " + ("; ".join(parts) or "no remittance in the file")


_HANDLERS: dict[str, Handler] = {"TA1": _ta1, "999": _999, "277": _277, "835": _835}


def process_file(session: Session, file_id: int, *, archive_dir: Path | None = None,
                 posting_rules: PostingRules | None = None,
                 actor: FileActor | None = None) -> ProcessOutcome:
    """Route and apply one stored inbound file, in the caller's transaction (step 3).

    ``posting_rules`` are the office's rules for 835s (the defaults when None). ``actor`` is
    who applies it (a person processing it by hand); when None, the person who uploaded it or,
    for a mailbox file, the exchange (:func:`~clearinghouse.acting.actor_for_file`). Every
    effect is recorded under that actor's name. When the actor lacks a permission one of the
    file's kinds needs (:data:`core.roles.INBOUND_PERMISSIONS`), nothing is applied: the file
    is left ``waiting`` with the reason, for someone who may.

    Raises on a file that cannot be read (the caller rolls back and calls
    :func:`record_failure`); returns ``skipped`` when the file is already done or another
    worker holds it.
    """
    stored = claim_for_processing(session, file_id)
    if stored is None:
        return ProcessOutcome(file_id, "skipped", summary="already processed or in progress")
    if stored.direction != Direction.IN:
        raise ValueError(f"stored file {stored.source_name} is an outbound file")
    text = _stored_text(session, stored, archive_dir)
    interchanges, found_kinds = survey(text(), stored.source_name)
    kinds = tuple(found_kinds)
    who = actor or actor_for_file(session, stored)
    refusal = who.refusal(kinds)
    if refusal:
        stored.status, stored.error = WAITING, refusal
        session.flush()
        return ProcessOutcome(file_id, WAITING, kinds, refusal)
    # Recorded once the work is done: SQLAlchemy runs before_commit at every savepoint too,
    # and an entry written there would hold the audit chain's lock (PostgreSQL: an advisory
    # lock, database-wide) through the rest of a long posting.
    began = utcnow()
    registration = register_interchanges(session, stored.id, interchanges)
    if registration.all_seen(len(interchanges)):
        duplicate = "; ".join(registration.notes)
        audit.record(session, who.audit_actor, audit.Action.UPDATE, "stored_file", stored.id,
                     at=began)
        mark_processed(session, stored)
        stored.status, stored.error = DUPLICATE, duplicate
        return ProcessOutcome(file_id, DUPLICATE, kinds, duplicate)
    apply_kinds = kinds
    if registration.notes:
        # Some interchanges were applied before: hand on only the others, as received.
        whole = _whole(stored, text, "partly resent")
        text = era_from_text(fresh_text(whole, interchanges, registration.fresh))
        apply_kinds = tuple(k for k in kinds
                            if any(k in interchanges[i].kinds for i in registration.fresh))
    summaries, unhandled = [], []
    for kind in apply_kinds or ("",):
        handler = _HANDLERS.get(kind)
        if handler is None:
            unhandled.append(kind or "(no transaction set)")
        else:
            summaries.append(handler(session, stored, text, who, posting_rules))
    audit.record(session, who.audit_actor, audit.Action.UPDATE, "stored_file", stored.id,
                 at=began)
    mark_processed(session, stored)
    status = "processed"
    if unhandled:
        note = (f"no handler for {', '.join(unhandled)} files yet; the file is kept and will "
                "be processed when one exists")
        summaries.append(note)
        if not summaries[:-1]:
            stored.status, stored.error, status = UNHANDLED, note, UNHANDLED
    summaries.extend(registration.notes)
    return ProcessOutcome(file_id, status, kinds, "; ".join(summaries))


def _stored_text(session: Session, stored: StoredFile, archive_dir: Path | None) -> EraSource:
    """The stored copy as text, decoded like core.archive.decode_x12, read afresh each call."""

    def chunks() -> Iterator[bytes]:
        return open_content(session, stored, archive_dir)

    return era_from_bytes_chunks(chunks)
