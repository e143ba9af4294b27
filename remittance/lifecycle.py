"""Moving posted claims and lines along the claims package's lifecycle tables, in bulk.

The transition tables in :mod:`claims.lifecycle` decide what is allowed; this module reads
them as data and writes the status changes for a whole remittance with set-based statements
(the per-claim helper there flushes once per claim, too slow for a 10,000-claim payment). Every
change still gets its :class:`~claims.db.tables.ClaimStatusChange` row with who, when and why.
A transition the table refuses (for example a payment on a closed claim) is not forced: the
claim keeps its status and the change is noted on the claim payment's reasons by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimLineRecord, ClaimRecord, ClaimStatusChange
from claims.lifecycle import (
    CLAIM_TRANSITIONS,
    LINE_TRANSITIONS,
    ClaimEvent,
    ClaimStatus,
    LineEvent,
    LineStatus,
)
from core.tables import utcnow
from remittance.bulk import insert_rows, key_chunks, matching, update_rows
from remittance.codes import carc_label
from remittance.posting import ClaimPosting

__all__ = ["PostedClaim", "PostedLine", "apply_postings", "claim_event", "line_event",
           "posted_claim"]


@dataclass(frozen=True, slots=True)
class PostedLine:
    line_id: int
    paid: Decimal
    open_amount: Decimal         # denied or held, still on the payer


@dataclass(frozen=True, slots=True)
class PostedClaim:
    """What the lifecycle needs of one posted claim payment (from a plan or from storage)."""

    claim_id: int
    patient_control_number: str
    payer_claim_number: str
    status_code: str             # CLP02
    charge: Decimal
    paid: Decimal
    split: bool
    lines: tuple[PostedLine, ...]
    reason: str

    @property
    def is_reversal(self) -> bool:
        return self.status_code == "22"

    @property
    def open_amount(self) -> Decimal:
        return sum((line.open_amount for line in self.lines), Decimal(0))


def posted_claim(posting: ClaimPosting) -> PostedClaim:
    pay = posting.payment
    reason = f"835 CLP02 {pay.status}, paid {pay.paid:,.2f} of {pay.charge:,.2f}"
    denied = [e for line in posting.lines for e in line.entries if e.kind in ("denied", "held")]
    if denied:
        top = max(denied, key=lambda e: e.amount)
        reason += f"; {top.group} {top.reason} {carc_label(top.reason)}"
    lines = tuple(PostedLine(line.line_id, line.paid, line.open_amount)
                  for line in posting.lines if line.line_id is not None)
    return PostedClaim(posting.claim.claim_id if posting.claim else 0,
                       pay.patient_control_number, pay.payer_claim_number, pay.status,
                       pay.charge, pay.paid, posting.is_split, lines, reason)


def claim_event(posted: PostedClaim) -> ClaimEvent:
    if posted.is_reversal:
        return ClaimEvent.REVERSED
    if posted.status_code == "4" or (posted.paid == 0 and posted.open_amount > 0):
        return ClaimEvent.DENIED
    # A split claim (MA15, RFI 1076) has lines still to come on another remittance.
    partial = posted.open_amount > 0 or posted.split
    return ClaimEvent.PARTLY_PAID if partial else ClaimEvent.PAID


def line_event(line: PostedLine, reversal: bool) -> LineEvent:
    if reversal:
        return LineEvent.REOPEN
    if line.open_amount > 0:
        return LineEvent.DENIED if line.paid == 0 else LineEvent.PARTLY_PAID
    return LineEvent.PAID


def apply_postings(session: Session, postings: Sequence[PostedClaim], *, actor: str,
                   stored_file_id: int | None = None) -> list[str]:
    """Apply the claim and line transitions for posted claim payments, in file order.

    Returns the refusals in words (an empty list when every move was allowed).
    """
    matched = [p for p in postings if p.claim_id]
    if not matched:
        return []
    claim_ids = {p.claim_id for p in matched}
    status: dict[int, str] = {}
    icn: dict[int, str | None] = {}
    why: dict[int, str] = {}
    line_status: dict[int, str] = {}
    for chunk in key_chunks(session, claim_ids):
        for cid, st, number, reason in session.execute(
                select(ClaimRecord.id, ClaimRecord.status, ClaimRecord.payer_claim_number,
                       ClaimRecord.status_reason).where(matching(session, ClaimRecord.id, chunk))):
            status[cid], icn[cid], why[cid] = st, number, reason or ""
        for lid, st in session.execute(
                select(ClaimLineRecord.id, ClaimLineRecord.status)
                .where(matching(session, ClaimLineRecord.claim_id, chunk))):
            line_status[lid] = st
    now = utcnow()
    changes: list[dict[str, object]] = []
    claim_updates: dict[int, dict[str, object]] = {}
    line_updates: dict[int, dict[str, object]] = {}
    refused: list[str] = []
    for posting in matched:
        cid = posting.claim_id
        event = claim_event(posting)
        current = status[cid]
        target = CLAIM_TRANSITIONS.get(ClaimStatus(current), {}).get(event)
        reason = posting.reason
        if target is None:
            refused.append(f"claim {posting.patient_control_number} is "
                           f"{current.replace('_', ' ')}: the 835 cannot mark it {event}")
        else:
            status[cid] = str(target)
            if target is ClaimStatus.DENIED or event is ClaimEvent.PARTLY_PAID:
                why[cid] = reason
            if not icn[cid] and posting.payer_claim_number:
                icn[cid] = posting.payer_claim_number[:50]
            claim_updates[cid] = {"id": cid, "status": str(target), "status_reason": why[cid],
                                  "payer_claim_number": icn[cid], "updated_at": now}
            changes.append({"claim_id": cid, "line_id": None, "event": str(event),
                            "from_status": current, "to_status": str(target), "actor": actor,
                            "reason": reason, "stored_file_id": stored_file_id, "at": now})
        for line in posting.lines:
            lid = line.line_id
            if lid not in line_status:
                continue
            levent = line_event(line, posting.is_reversal)
            lcurrent = line_status[lid]
            ltarget = LINE_TRANSITIONS.get(LineStatus(lcurrent), {}).get(levent)
            if ltarget is None:
                continue
            line_status[lid] = str(ltarget)
            line_updates[lid] = {"id": lid, "status": str(ltarget),
                                 "status_reason": reason if ltarget is LineStatus.DENIED else ""}
            changes.append({"claim_id": cid, "line_id": lid, "event": str(levent),
                            "from_status": lcurrent, "to_status": str(ltarget), "actor": actor,
                            "reason": reason, "stored_file_id": stored_file_id, "at": now})
    update_rows(session, ClaimRecord.__table__, list(claim_updates.values()))
    update_rows(session, ClaimLineRecord.__table__, list(line_updates.values()))
    insert_rows(session, ClaimStatusChange.__table__, changes)
    return refused
