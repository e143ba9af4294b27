"""Posted claims move along the claims lifecycle table, in bulk, with who, when and why."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimLineRecord, ClaimRecord, ClaimStatusChange
from claims.lifecycle import ClaimEvent, LineEvent
from remittance.lifecycle import (
    PostedClaim,
    PostedLine,
    apply_postings,
    claim_event,
    line_event,
)

D = Decimal


def posted(claim_id: int, code: str = "1", paid: str = "100", open_: str = "0",
           split: bool = False, lines: tuple[PostedLine, ...] = ()) -> PostedClaim:
    return PostedClaim(claim_id, "C", "ICN-9", code, D("100"), D(paid), split,
                       lines or (PostedLine(0, D(paid), D(open_)),), "835 CLP02 " + code)


def test_events() -> None:
    assert claim_event(posted(1)) is ClaimEvent.PAID
    assert claim_event(posted(1, open_="20", paid="80")) is ClaimEvent.PARTLY_PAID
    assert claim_event(posted(1, paid="0", open_="100")) is ClaimEvent.DENIED
    assert claim_event(posted(1, code="4", paid="0")) is ClaimEvent.DENIED
    assert claim_event(posted(1, code="22", paid="-100")) is ClaimEvent.REVERSED
    assert claim_event(posted(1, split=True)) is ClaimEvent.PARTLY_PAID
    # A claim paid nothing because it all went to the deductible is paid, not denied.
    assert claim_event(posted(1, paid="0")) is ClaimEvent.PAID
    assert line_event(PostedLine(1, D("0"), D("5")), False) is LineEvent.DENIED
    assert line_event(PostedLine(1, D("3"), D("5")), False) is LineEvent.PARTLY_PAID
    assert line_event(PostedLine(1, D("3"), D("0")), True) is LineEvent.REOPEN


def test_apply_writes_status_changes_and_refuses_what_the_table_forbids(
        session: Session, practice: dict[str, int]) -> None:
    cid = practice["C1003"]
    line_id = session.scalar(select(ClaimLineRecord.id).where(ClaimLineRecord.claim_id == cid))
    denied = posted(cid, code="4", paid="0", lines=(PostedLine(line_id, D("0"), D("200")),))
    assert apply_postings(session, [denied], actor="poster", stored_file_id=None) == []
    claim = session.get(ClaimRecord, cid)
    session.refresh(claim)
    assert (claim.status, claim.payer_claim_number) == ("denied", "ICN-9")
    changes = session.scalars(select(ClaimStatusChange).where(
        ClaimStatusChange.claim_id == cid).order_by(ClaimStatusChange.id)).all()
    assert [(c.line_id, c.from_status, c.to_status, c.actor) for c in changes] == [
        (None, "payer_accepted", "denied", "poster"), (line_id, "accepted", "denied", "poster")]
    claim.status = "closed"
    session.flush()
    refused = apply_postings(session, [posted(cid)], actor="poster")
    assert refused == ["claim C is closed: the 835 cannot mark it paid"]
