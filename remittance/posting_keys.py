"""The posting key: a claim payment (CLP01 + CLP07) is posted exactly once, whatever runs at once.

Every posted claim payment takes the next turn under its key (``claim_payments.posting_sequence``
0, 1, 2 ...) and the database keeps (CLP01, CLP07, turn) unique. A poster reads the key's state
(:class:`PostingKeys`: how many postings net, which turn is next), decides, and takes the next
turn. Two posters that read the same state at the same moment (two processes, two workers, a
request and a worker) take the same turn, and the database refuses the second: it rolls back
to its savepoint and plans again (:func:`retry_on_conflict`), and now sees the winner's posting.

A reversal (CLP02 22) cancels one earlier posting and takes a turn of its own; a correction
after it is new money under the same key and takes the turn after that (RFI 2150). Held
payments take no turn until a person releases them, and then take it the same way.

On PostgreSQL (READ COMMITTED) the refused insert waits for the winner to commit, so the next
statement sees it. On SQLite writers are serialized by the database lock: a conflict never
reaches here, and a writer that read an older state is refused as "database is locked" at its
first write; that is the edge's to retry with a fresh transaction.

    PostingConflict (remittance.errors)   still refused after every retry
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from remittance.bulk import key_chunks, matching
from remittance.errors import PostingConflict
from remittance.tables import ClaimPaymentRecord

__all__ = ["PaymentKey", "PostingConflict", "PostingKeys", "is_conflict", "next_turn",
           "payment_key", "retry_on_conflict"]

#: (CLP01, CLP07) as stored: the columns' widths.
PaymentKey = tuple[str, str]

T = TypeVar("T")

#: PostgreSQL's deadlock and serialization failures: nothing was wrong, the order was.
_RETRY_STATES = frozenset({"40P01", "40001"})
_UNIQUE_VIOLATION = "23505"
_SQLITE_UNIQUE = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})


def payment_key(patient_control_number: str, payer_claim_number: str) -> PaymentKey:
    return patient_control_number[:38], payer_claim_number[:50]


@dataclass(slots=True)
class PostingKeys:
    """The posted state of some keys, advanced as a plan posts; one per unit of work."""

    net: Counter[PaymentKey] = field(default_factory=Counter)
    _next: dict[PaymentKey, int] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, pcns: Iterable[str],
             remittance_id: int | None = None) -> PostingKeys:
        """The keys under these CLP01s: net postings (originals minus reversals) and the next
        turn. Only posted payments hold a turn.

        With ``remittance_id``, the payments of that remittance held so far count in the net
        as well: a remittance posted in batches then decides each batch exactly as if it had
        kept one counter from its first claim payment on.
        """
        keys = cls()
        column = ClaimPaymentRecord.patient_control_number
        counted = ClaimPaymentRecord.posting_sequence.is_not(None)
        if remittance_id is not None:
            counted = counted | ((ClaimPaymentRecord.remittance_id == remittance_id)
                                 & (ClaimPaymentRecord.outcome == "held"))
        for chunk in key_chunks(session, {p[:38] for p in pcns}):
            rows = session.execute(
                select(column, ClaimPaymentRecord.payer_claim_number,
                       ClaimPaymentRecord.status_code, ClaimPaymentRecord.posting_sequence)
                .where(matching(session, column, chunk), counted))
            for pcn, icn, code, turn in rows:
                key = (pcn, icn)
                keys.net[key] += -1 if code == "22" else 1
                if turn is not None:
                    keys._next[key] = max(keys._next.get(key, 0), turn + 1)
        return keys

    def take(self, key: PaymentKey) -> int:
        """The next turn under ``key``, for a payment about to be posted."""
        turn = self._next.get(key, 0)
        self._next[key] = turn + 1
        return turn


def next_turn(session: Session, key: PaymentKey) -> int:
    """The next turn under one key, read from the database."""
    last = session.scalar(select(func.max(ClaimPaymentRecord.posting_sequence)).where(
        ClaimPaymentRecord.patient_control_number == key[0],
        ClaimPaymentRecord.payer_claim_number == key[1]))
    return 0 if last is None else last + 1


def is_conflict(exc: BaseException) -> bool:
    """A unique key refused a row another transaction wrote first, or PostgreSQL broke a
    deadlock between two posters: planning again on what is committed now settles it. Any
    other refusal (a foreign key, a check) is a fault to report, not to retry."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if isinstance(exc, IntegrityError):
        state = getattr(orig, "sqlstate", None)
        if state is not None:
            return bool(state == _UNIQUE_VIOLATION)
        return str(getattr(orig, "sqlite_errorname", "")) in _SQLITE_UNIQUE or \
            "UNIQUE constraint failed" in str(orig)
    return getattr(orig, "sqlstate", None) in _RETRY_STATES


def retry_on_conflict(session: Session, work: Callable[[], T], *, what: str,
                      attempts: int = 5) -> T:
    """Run ``work`` inside a savepoint; on a key conflict roll back to it and run it again.

    ``work`` must read what it decides on inside the call, so a second run decides on the
    winner's committed rows. ``what`` names the item for the error after the last attempt.
    """
    for attempt in range(1, attempts + 1):
        try:
            with session.begin_nested():
                return work()
        except DBAPIError as exc:
            if not is_conflict(exc):
                raise
            if attempt == attempts:
                raise PostingConflict(
                    f"{what}: another posting of the same payment kept colliding with this "
                    f"one ({attempts} attempts); nothing of it was posted, try again") from exc
    raise AssertionError("unreachable")
