"""What the remittance routes and pages share: the office's posting rules (read once per app),
the translation of remittance errors into the API's error classes, and the two things done
with an uploaded 835: preview it in words, or store it by SHA-256 and post it.

An upload arrives spooled to a temporary file (Starlette keeps a file part in memory only up to
1 MiB), and is never read whole from there: it is measured and its head checked
(:func:`api.limits.measure_upload`), then handed to :mod:`remittance` as a re-openable stream
of chunks (:data:`remittance.EraSource`). The preview reads the temporary file and stores
nothing; posting copies it into the archive (:func:`core.archive.store_stream`, hashed as it
is copied) and posts from the stored copy, whose SHA-256 is checked as the stream ends.

Posting stores the file and imports it in the request's one transaction: a file that cannot be
read leaves nothing behind, and a posted file is always stored. The same bytes posted again
find the stored row already processed and post nothing; the same payment in new bytes (a
re-sent ERA) is recognised by payer + TRN02 inside :func:`remittance.import_era`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.limits import measure_upload
from core import archive
from core.errors import Conflict
from core.settings import Settings
from remittance import (
    EraPreview,
    PostingConflict,
    PostingRules,
    QueueError,
    RemittanceError,
    RemittanceSummary,
    era_from_bytes_chunks,
    import_era,
    load_posting_rules,
)
from remittance import preview_era as plan_preview
from remittance.tables import RemittanceRecord

__all__ = ["CLAIM_DETAIL_LIMIT", "PostOutcome", "decode_era", "domain_errors", "post_era",
           "posting_rules_for", "preview_era"]

#: Claims a preview describes line by line; the rest of each remittance is summed up.
CLAIM_DETAIL_LIMIT = 200
_lock = threading.Lock()


def posting_rules_for(app: FastAPI) -> PostingRules:
    """The rules CLAIMHOUSE_POSTING_RULES_PATH names, read on first use and kept on the app.

    A file that cannot be read raises RulesError (a ValueError: 422 naming the file) on every
    attempt, so nothing is ever posted by the defaults when the office meant its own rules.
    """
    with _lock:
        rules = getattr(app.state, "posting_rules", None)
        if rules is None:
            settings: Settings = app.state.settings
            rules = load_posting_rules(settings.posting_rules_path)
            app.state.posting_rules = rules
    return rules


@contextmanager
def domain_errors() -> Iterator[None]:
    """Remittance errors as the API's: a queue item in the wrong state, or a posting that kept
    colliding with another of the same payment, is a conflict (409); an unreadable file, a
    bad rule or a claim that cannot be built is bad input (422)."""
    try:
        yield
    except (QueueError, PostingConflict) as exc:
        raise Conflict(str(exc)) from exc
    except ValueError:
        raise
    except RemittanceError as exc:
        raise ValueError(str(exc)) from exc


def decode_era(content: bytes, name: str) -> str:
    """A stored 835's bytes as text, for the callers that need it whole (assigning one
    unmatched payment re-reads its file)."""
    if not content:
        raise ValueError(f"file {name}: the file is empty")
    return archive.decode_x12(content)


def _checked_835(upload: IO[bytes], name: str, max_bytes: int) -> None:
    """Empty, too large or not an 835: refused in words before anything is read or stored."""
    head = measure_upload(upload, name, max_bytes)
    kind = archive.sniff_kind(head)
    if kind != "835":
        # Refused before storing: the exchange would route a stored 999 or 837 as that kind,
        # which is not what someone posting a remittance meant.
        found = f"a {kind} file" if kind else "not an X12 interchange"
        raise ValueError(f"{name}: not an 835 remittance ({found}); nothing was stored")


def _chunks_of(upload: IO[bytes]) -> Callable[[], Iterator[bytes]]:
    def open_chunks() -> Iterator[bytes]:
        upload.seek(0)
        while chunk := upload.read(archive.CHUNK_BYTES):
            yield chunk

    return open_chunks


def preview_era(session: Session, upload: IO[bytes], *, name: str, rules: PostingRules,
                max_bytes: int) -> EraPreview:
    """What posting the uploaded file would do, per remittance, without writing anything: the
    first :data:`CLAIM_DETAIL_LIMIT` claims of each in words, totals for the rest."""
    _checked_835(upload, name, max_bytes)
    with domain_errors():
        return plan_preview(session, era_from_bytes_chunks(_chunks_of(upload)), source=name,
                            rules=rules, claim_detail_limit=CLAIM_DETAIL_LIMIT)


@dataclass(frozen=True, slots=True)
class PostOutcome:
    stored_file_id: int
    file_sha256: str
    created: bool                # False: these exact bytes were stored before
    already_processed: bool      # True: nothing was imported this time
    message: str
    remittances: tuple[RemittanceSummary, ...]
    file_problems: tuple[str, ...]


def _earlier(session: Session, stored_file_id: int, sha: str) -> tuple[RemittanceSummary, ...]:
    rows = session.scalars(select(RemittanceRecord).where(
        (RemittanceRecord.stored_file_id == stored_file_id)
        | (RemittanceRecord.file_sha256 == sha)).order_by(RemittanceRecord.id))
    return tuple(RemittanceSummary(
        r.id, r.payer_name, r.trace_number, r.payment_amount, "duplicate", r.balanced,
        (f"payment {r.trace_number} was imported before ({r.status}); nothing was posted "
         "again",), (), 0, Decimal("0")) for r in rows)


def post_era(session: Session, upload: IO[bytes], *, name: str, settings: Settings,
             rules: PostingRules, user: str, user_id: int | None) -> PostOutcome:
    """Store the uploaded file by SHA-256, then post it from the stored copy, exactly once;
    never commits."""
    _checked_835(upload, name, settings.max_upload_bytes)
    upload.seek(0)
    stored, created = archive.store_stream(
        session, upload, direction=archive.Direction.IN, source_name=f"upload:{name}",
        kind="835", archive_dir=settings.archive_dir,
        large_dir=archive.large_file_dir(settings), uploaded_by=user_id,
        max_bytes=settings.max_upload_bytes)
    # Lock the stored row: a worker processing the same upload waits or skips, never doubles.
    claimed = archive.claim_for_processing(session, stored.id)
    if claimed is None:
        if stored.status == archive.FileStatus.RECEIVED:
            # Another worker holds the row (PostgreSQL SKIP LOCKED): it is posting it now.
            message = (f"{name}: this file is being processed right now (stored as "
                       f"{stored.source_name}); it posts once, look again in a moment")
        else:
            message = (f"{name}: this file was stored before as {stored.source_name} and is "
                       f"{stored.status}; nothing was posted again")
        return PostOutcome(stored.id, stored.sha256, created, True, message,
                           _earlier(session, stored.id, stored.sha256), ())
    era = era_from_bytes_chunks(
        lambda: archive.open_content(session, claimed, settings.archive_dir))
    with domain_errors():
        result = import_era(session, era, source=stored.source_name,
                            file_sha256=stored.sha256, rules=rules, user=user,
                            stored_file_id=stored.id)
    archive.mark_processed(session, claimed)
    posted = sum(1 for r in result.remittances if r.status == "posted")
    held = sum(1 for r in result.remittances if r.status == "held")
    duplicate = sum(1 for r in result.remittances if r.status == "duplicate")
    message = (f"{name}: {posted} payment(s) posted, {held} held for review, "
               f"{duplicate} already imported before")
    return PostOutcome(stored.id, stored.sha256, created, False, message, result.remittances,
                       result.file_problems)
