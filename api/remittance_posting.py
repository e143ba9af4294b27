"""What the remittance routes and pages share: the office's posting rules (read once per app),
the translation of remittance errors into the API's error classes, and the two things done
with an uploaded 835: preview it in words, or store it by SHA-256 and post it.

Posting stores the file and imports it in the request's one transaction: a file that cannot be
read leaves nothing behind, and a posted file is always stored. The same bytes posted again
find the stored row already processed and post nothing; the same payment in new bytes (a
re-sent ERA) is recognised by payer + TRN02 inside :func:`remittance.import_era`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import archive
from core.errors import Conflict
from core.settings import Settings
from remittance import (
    PostingConflict,
    PostingRules,
    QueueError,
    RemittanceError,
    RemittanceSummary,
    describe_plan,
    import_era,
    load_posting_rules,
    plan_era,
)
from remittance.tables import RemittanceRecord

__all__ = ["MAX_ERA_BYTES", "PostOutcome", "PreviewedRemittance", "decode_era",
           "domain_errors", "post_era", "posting_rules_for", "preview_era"]

MAX_ERA_BYTES = 200 * 1024 * 1024
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
    if not content:
        raise ValueError(f"file {name}: the file is empty")
    if len(content) > MAX_ERA_BYTES:
        raise ValueError(f"file {name}: larger than {MAX_ERA_BYTES} bytes")
    return archive.decode_x12(content)


@dataclass(frozen=True, slots=True)
class PreviewedRemittance:
    trace_number: str
    payer: str
    payment_amount: Decimal
    balanced: bool
    held: bool
    posted_before: bool          # this payer + TRN02 is already stored: posting changes nothing
    lines: tuple[str, ...]       # the preview in words (remittance.describe_plan)


def preview_era(session: Session, content: bytes, *, name: str, rules: PostingRules
                ) -> tuple[tuple[PreviewedRemittance, ...], tuple[str, ...]]:
    """What posting the file would do, per remittance, without writing anything."""
    text = decode_era(content, name)
    with domain_errors():
        plans, problems = plan_era(session, text, source=name, rules=rules)
    out = []
    for plan in plans:
        remit = plan.remittance
        seen = bool(remit.trace.number) and session.scalar(
            select(RemittanceRecord.id).where(
                RemittanceRecord.payer_identifier == remit.payer_id[:80],
                RemittanceRecord.trace_number == remit.trace.number[:50])) is not None
        out.append(PreviewedRemittance(
            remit.trace.number, remit.payer.name or remit.payer_id, remit.payment.amount,
            plan.verdict.balanced, plan.held, seen, tuple(describe_plan(plan))))
    return tuple(out), problems


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


def post_era(session: Session, content: bytes, *, name: str, settings: Settings,
             rules: PostingRules, user: str, user_id: int | None) -> PostOutcome:
    """Store the file by SHA-256, then post it, exactly once; never commits."""
    text = decode_era(content, name)
    # Refuse a file of another kind before storing it: the exchange would route a stored
    # 999 or 837 as that kind, which is not what someone posting a remittance meant.
    kind = archive.sniff_kind(content)
    if kind != "835":
        found = f"a {kind} file" if kind else "not an X12 interchange"
        raise ValueError(f"{name}: not an 835 remittance ({found}); nothing was stored")
    stored, created = archive.store_file(
        session, content, direction=archive.Direction.IN, source_name=f"upload:{name}",
        kind="835", archive_dir=settings.archive_dir, uploaded_by=user_id)
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
    with domain_errors():
        result = import_era(session, text, source=stored.source_name,
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
