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

from sqlalchemy import insert, select, update
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
from remittance.codes import carc_label
from remittance.posting import ClaimPosting, LinePosting

__all__ = ["apply_postings", "claim_event", "line_event"]


def claim_event(posting: ClaimPosting) -> ClaimEvent:
    if posting.is_reversal:
        return ClaimEvent.REVERSED
    open_amount = sum(line.open_amount for line in posting.lines)
    if posting.payment.status == "4" or (posting.payment.paid == 0 and open_amount > 0):
        return ClaimEvent.DENIED
    # A split claim (MA15, RFI 1076) has lines still to come on another remittance.
    partial = open_amount > 0 or posting.is_split
    return ClaimEvent.PARTLY_PAID if partial else ClaimEvent.PAID


def line_event(line: LinePosting, reversal: bool) -> LineEvent:
    if reversal:
        return LineEvent.REOPEN
    if line.open_amount > 0:
        return LineEvent.DENIED if line.paid == 0 else LineEvent.PARTLY_PAID
    return LineEvent.PAID


def _reason(posting: ClaimPosting) -> str:
    pay = posting.payment
    text = f"835 CLP02 {pay.status}, paid {pay.paid:,.2f} of {pay.charge:,.2f}"
    denied = [e for line in posting.lines for e in line.entries if e.kind in ("denied", "held")]
    if denied:
        top = max(denied, key=lambda e: e.amount)
        text += f"; {top.group} {top.reason} {carc_label(top.reason)}"
    return text


def _chunked_ids(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + 900] for i in range(0, len(ids), 900)]


def apply_postings(session: Session, postings: Sequence[ClaimPosting], *, actor: str,
                   stored_file_id: int | None = None) -> list[str]:
    """Apply the claim and line transitions for posted claim payments, in file order.

    Returns the refusals in words (an empty list when every move was allowed).
    """
    matched = [p for p in postings if p.claim is not None]
    if not matched:
        return []
    claim_ids = sorted({p.claim.claim_id for p in matched})  # type: ignore[union-attr]
    status: dict[int, str] = {}
    icn: dict[int, str | None] = {}
    line_status: dict[int, str] = {}
    for chunk in _chunked_ids(claim_ids):
        for cid, st, number in session.execute(
                select(ClaimRecord.id, ClaimRecord.status, ClaimRecord.payer_claim_number)
                .where(ClaimRecord.id.in_(chunk))):
            status[cid], icn[cid] = st, number
        for lid, st in session.execute(select(ClaimLineRecord.id, ClaimLineRecord.status)
                                       .where(ClaimLineRecord.claim_id.in_(chunk))):
            line_status[lid] = st
    now = utcnow()
    changes: list[dict[str, object]] = []
    claim_updates: dict[int, dict[str, object]] = {}
    line_updates: dict[int, dict[str, object]] = {}
    refused: list[str] = []
    for posting in matched:
        cid = posting.claim.claim_id  # type: ignore[union-attr]
        event = claim_event(posting)
        current = status[cid]
        target = CLAIM_TRANSITIONS.get(ClaimStatus(current), {}).get(event)
        reason = _reason(posting)
        if target is None:
            refused.append(f"claim {posting.payment.patient_control_number} is "
                           f"{current.replace('_', ' ')}: the 835 cannot mark it {event}")
        else:
            status[cid] = str(target)
            row = claim_updates.setdefault(cid, {"id": cid})
            row.update(status=str(target), updated_at=now)
            if target is ClaimStatus.DENIED or event is ClaimEvent.PARTLY_PAID:
                row["status_reason"] = reason
            if not icn[cid] and posting.payment.payer_claim_number:
                icn[cid] = posting.payment.payer_claim_number
                row["payer_claim_number"] = posting.payment.payer_claim_number[:50]
            changes.append({"claim_id": cid, "line_id": None, "event": str(event),
                            "from_status": current, "to_status": str(target), "actor": actor,
                            "reason": reason, "stored_file_id": stored_file_id, "at": now})
        for line in posting.lines:
            lid = line.line_id
            if lid is None or lid not in line_status:
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
    if claim_updates:
        session.execute(update(ClaimRecord), list(claim_updates.values()))
    if line_updates:
        session.execute(update(ClaimLineRecord), list(line_updates.values()))
    if changes:
        session.execute(insert(ClaimStatusChange), changes)
    return refused
