"""The claim lifecycle as a transition table, and the one function that applies it.

Rule 1: everything that decides whether a claim (or one of its lines) may change status lives in
the two tables below. Rule 2: applying a transition always writes a
:class:`~claims.db.tables.ClaimStatusChange` row with who, when and why, in the caller's session.

Theory of operation. A claim is built (draft), passes the scrubber (scrubbed), is released by a
biller (ready) and goes out in an 837 (submitted). Then responses arrive, in order but none
guaranteed (x12-domain §7.1): the 999 says whether the clearinghouse accepted the transaction
set, the 277CA says whether the payer accepted the claim into adjudication, the 835 says what was
paid. So every later response is allowed from every earlier "in flight" status: an 835 may land
on a claim whose 999 never came. Rejected claims never entered adjudication and go back to draft
to be fixed and resubmitted as a new original (§7.1); denied claims may be corrected (frequency 7),
appealed or closed (§10.2). An 835 reversal (CLP02 22) takes a paid or denied claim back to
payer-accepted until the corrected claim payment arrives (§6.4).

Lines have their own, smaller table: a 277CA can reject one line (2220D STC) while the claim's
other lines go on, and the 835 pays or denies line by line.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from claims.db.tables import ClaimLineRecord, ClaimRecord, ClaimStatusChange
from core.tables import utcnow

__all__ = [
    "CLAIM_TRANSITIONS",
    "LINE_TRANSITIONS",
    "ClaimEvent",
    "ClaimStatus",
    "IllegalTransition",
    "LineEvent",
    "LineStatus",
    "allowed_events",
    "apply_line_transition",
    "apply_transition",
    "can_apply",
]


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    SCRUBBED = "scrubbed"
    READY = "ready"
    SUBMITTED = "submitted"
    CLEARINGHOUSE_ACCEPTED = "clearinghouse_accepted"   # 999 IK5 A / E
    CLEARINGHOUSE_REJECTED = "clearinghouse_rejected"   # 999 IK5 R (or TA1 rejection)
    PAYER_ACCEPTED = "payer_accepted"                   # 277CA STC category A1 / A2, WQ
    PAYER_REJECTED = "payer_rejected"                   # 277CA STC category A3 / A6 / A7 / A8, U
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    DENIED = "denied"
    APPEALED = "appealed"
    CLOSED = "closed"


class ClaimEvent(StrEnum):
    EDIT = "edit"                        # any change to the claim before it goes out
    SCRUB_PASSED = "scrub_passed"        # scrubber found no errors
    MARK_READY = "mark_ready"            # a biller releases it for the next batch
    SUBMIT = "submit"                    # written into an 837 interchange
    ACK_ACCEPTED = "ack_accepted"        # 999
    ACK_REJECTED = "ack_rejected"        # 999 / TA1
    PAYER_ACCEPTED = "payer_accepted"    # 277CA
    PAYER_REJECTED = "payer_rejected"    # 277CA
    PAID = "paid"                        # 835 CLP, paid in full
    PARTLY_PAID = "partly_paid"          # 835 CLP, paid less than expected
    DENIED = "denied"                    # 835 CLP, nothing paid
    REVERSED = "reversed"                # 835 CLP02 22 reversal of a previous payment
    APPEAL = "appeal"
    CORRECT = "correct"                  # back to draft to fix and resubmit
    CLOSE = "close"


S, E = ClaimStatus, ClaimEvent

_ADJUDICATION = {E.PAID: S.PAID, E.PARTLY_PAID: S.PARTLY_PAID, E.DENIED: S.DENIED}

#: CLAIM_TRANSITIONS[status][event] -> new status. Anything missing is refused.
CLAIM_TRANSITIONS: dict[ClaimStatus, dict[ClaimEvent, ClaimStatus]] = {
    S.DRAFT: {E.EDIT: S.DRAFT, E.SCRUB_PASSED: S.SCRUBBED, E.CLOSE: S.CLOSED},
    S.SCRUBBED: {E.EDIT: S.DRAFT, E.SCRUB_PASSED: S.SCRUBBED, E.MARK_READY: S.READY,
                 E.CLOSE: S.CLOSED},
    S.READY: {E.EDIT: S.DRAFT, E.SUBMIT: S.SUBMITTED, E.CLOSE: S.CLOSED},
    S.SUBMITTED: {E.ACK_ACCEPTED: S.CLEARINGHOUSE_ACCEPTED,
                  E.ACK_REJECTED: S.CLEARINGHOUSE_REJECTED,
                  E.PAYER_ACCEPTED: S.PAYER_ACCEPTED, E.PAYER_REJECTED: S.PAYER_REJECTED,
                  **_ADJUDICATION},
    S.CLEARINGHOUSE_ACCEPTED: {E.PAYER_ACCEPTED: S.PAYER_ACCEPTED,
                               E.PAYER_REJECTED: S.PAYER_REJECTED, **_ADJUDICATION},
    S.CLEARINGHOUSE_REJECTED: {E.CORRECT: S.DRAFT, E.CLOSE: S.CLOSED},
    # A clearinghouse 277CA and then the payer's 277CA both accept: the second is a no-op move.
    S.PAYER_ACCEPTED: {E.PAYER_ACCEPTED: S.PAYER_ACCEPTED, E.PAYER_REJECTED: S.PAYER_REJECTED,
                       **_ADJUDICATION},
    S.PAYER_REJECTED: {E.CORRECT: S.DRAFT, E.CLOSE: S.CLOSED},
    S.PAID: {E.REVERSED: S.PAYER_ACCEPTED, E.CLOSE: S.CLOSED},
    S.PARTLY_PAID: {E.PAID: S.PAID, E.DENIED: S.DENIED, E.APPEAL: S.APPEALED,
                    E.CORRECT: S.DRAFT, E.REVERSED: S.PAYER_ACCEPTED, E.CLOSE: S.CLOSED},
    S.DENIED: {E.PAID: S.PAID, E.PARTLY_PAID: S.PARTLY_PAID, E.APPEAL: S.APPEALED,
               E.CORRECT: S.DRAFT, E.REVERSED: S.PAYER_ACCEPTED, E.CLOSE: S.CLOSED},
    S.APPEALED: {**_ADJUDICATION, E.APPEAL: S.APPEALED, E.CLOSE: S.CLOSED},
    S.CLOSED: {},
}


class LineStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"        # 277CA 2220D STC accepted
    REJECTED = "rejected"        # 277CA 2220D STC rejected
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    DENIED = "denied"


class LineEvent(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    DENIED = "denied"
    REOPEN = "reopen"            # the claim went back to draft for correction


L, LE = LineStatus, LineEvent
_LINE_ADJUDICATION = {LE.PAID: L.PAID, LE.PARTLY_PAID: L.PARTLY_PAID, LE.DENIED: L.DENIED}

#: LINE_TRANSITIONS[status][event] -> new status.
LINE_TRANSITIONS: dict[LineStatus, dict[LineEvent, LineStatus]] = {
    L.OPEN: {LE.ACCEPTED: L.ACCEPTED, LE.REJECTED: L.REJECTED, LE.REOPEN: L.OPEN,
             **_LINE_ADJUDICATION},
    L.ACCEPTED: {LE.REJECTED: L.REJECTED, LE.REOPEN: L.OPEN, **_LINE_ADJUDICATION},
    L.REJECTED: {LE.REOPEN: L.OPEN},
    L.PAID: {LE.REOPEN: L.OPEN, **_LINE_ADJUDICATION},
    L.PARTLY_PAID: {LE.REOPEN: L.OPEN, **_LINE_ADJUDICATION},
    L.DENIED: {LE.REOPEN: L.OPEN, **_LINE_ADJUDICATION},
}


class IllegalTransition(Exception):
    """The event is not allowed from the record's current status; nothing was changed."""

    def __init__(self, what: str, status: str, event: str, allowed: list[str]) -> None:
        self.status, self.event, self.allowed = status, event, allowed
        choices = ", ".join(allowed) if allowed else "none (the record is final)"
        super().__init__(f"{what} is {status.replace('_', ' ')}: cannot {event.replace('_', ' ')}"
                         f" it; allowed from here: {choices}")


def allowed_events(status: str) -> list[ClaimEvent]:
    """The events a claim in ``status`` accepts, in table order."""
    return list(CLAIM_TRANSITIONS[ClaimStatus(status)])


def can_apply(status: str, event: ClaimEvent) -> bool:
    return event in CLAIM_TRANSITIONS[ClaimStatus(status)]


def apply_transition(session: Session, claim: ClaimRecord, event: ClaimEvent, *, actor: str,
                     reason: str = "", stored_file_id: int | None = None,
                     at: datetime | None = None) -> ClaimStatusChange:
    """Move ``claim`` along the table for ``event`` and record the change.

    Raises :class:`IllegalTransition` (leaving the claim untouched) when the table has no such
    move. ``actor`` is a username, or a system name such as ``"999"`` for file-driven changes.
    """
    current = ClaimStatus(claim.status)
    target = CLAIM_TRANSITIONS[current].get(event)
    if target is None:
        raise IllegalTransition(f"claim {claim.patient_control_number}", current, event,
                                [str(e) for e in CLAIM_TRANSITIONS[current]])
    when = at or utcnow()
    change = ClaimStatusChange(claim_id=claim.id, line_id=None, event=str(event),
                               from_status=str(current), to_status=str(target), actor=actor,
                               reason=reason, stored_file_id=stored_file_id, at=when)
    claim.status = str(target)
    if reason and target in (S.CLEARINGHOUSE_REJECTED, S.PAYER_REJECTED, S.DENIED,
                             S.PARTLY_PAID, S.APPEALED):
        claim.status_reason = reason
    elif target is S.DRAFT:
        claim.status_reason = ""
    claim.updated_at = when
    session.add(change)
    if event is E.CORRECT:
        for line in claim.lines:
            if line.status != L.OPEN:
                apply_line_transition(session, line, LE.REOPEN, actor=actor,
                                      reason="claim reopened for correction", at=when)
    session.flush()
    return change


def apply_line_transition(session: Session, line: ClaimLineRecord, event: LineEvent, *,
                          actor: str, reason: str = "", stored_file_id: int | None = None,
                          at: datetime | None = None) -> ClaimStatusChange:
    """Move one line along :data:`LINE_TRANSITIONS` and record the change against its claim."""
    current = LineStatus(line.status)
    target = LINE_TRANSITIONS[current].get(event)
    if target is None:
        raise IllegalTransition(f"line {line.line_control_number}", current, event,
                                [str(e) for e in LINE_TRANSITIONS[current]])
    change = ClaimStatusChange(claim_id=line.claim_id, line_id=line.id, event=str(event),
                               from_status=str(current), to_status=str(target), actor=actor,
                               reason=reason, stored_file_id=stored_file_id,
                               at=at or utcnow())
    line.status = str(target)
    line.status_reason = reason if target in (L.REJECTED, L.DENIED) else ""
    session.add(change)
    return change
