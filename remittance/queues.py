"""Work queues over stored remittances: denials, unmatched payments, held payments; releasing.

Services in the house style: they take a session, return frozen values and never commit. A
person releasing a held remittance (out of balance) or a held claim payment (a rule stopped it)
posts exactly what was planned at import: the postings flip to posted, the denials open, and
the claim moves along the lifecycle with the releasing user as the actor. A released payment
takes its turn under the posting key like any import (remittance.posting_keys): one posted
meanwhile from another remittance becomes a duplicate, and two people releasing at once
post it once.

    QueueError (remittance.errors)   the item does not exist or cannot change that way
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from core.tables import utcnow
from remittance.errors import QueueError
from remittance.lifecycle import PostedClaim, PostedLine, apply_postings
from remittance.posting_keys import PostingKeys, payment_key, retry_on_conflict
from remittance.tables import ClaimPaymentRecord, DenialRecord, PostingRecord, RemittanceRecord

__all__ = ["DenialItem", "HeldPayment", "QueueError", "ReleaseResult", "UnmatchedPayment",
           "held_payments", "list_denials", "release_claim_payment", "release_remittance",
           "resolve_denial", "unmatched_payments"]

ZERO = Decimal("0")
DENIAL_STATUSES = ("open", "appealed", "resubmitted", "written_off", "resolved")


@dataclass(frozen=True, slots=True)
class DenialItem:
    denial_id: int
    claim_id: int | None
    patient_control_number: str
    payer_claim_number: str
    patient_name: str
    payer_name: str
    procedure_code: str
    category: str
    action: str
    reasons: str
    remark_codes: str
    amount_at_stake: Decimal
    appeal_deadline: dt.date | None
    status: str
    explanation: str
    note: str


@dataclass(frozen=True, slots=True)
class UnmatchedPayment:
    claim_payment_id: int
    remittance_id: int
    patient_control_number: str
    payer_claim_number: str
    patient_name: str
    member_id: str
    charge: Decimal
    paid: Decimal
    service_from: dt.date | None
    payer_name: str
    trace_number: str


@dataclass(frozen=True, slots=True)
class HeldPayment:
    claim_payment_id: int
    remittance_id: int
    claim_id: int | None
    patient_control_number: str
    paid: Decimal
    hold_kind: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReleaseResult:
    released: int
    still_held: int
    problems: tuple[str, ...]


def list_denials(session: Session, *, status: str = "open", category: str | None = None,
                 action: str | None = None, payer: str | None = None,
                 due_by: dt.date | None = None, after_id: int = 0,
                 limit: int = 100) -> tuple[DenialItem, ...]:
    """The denial work queue, soonest appeal deadline first (keyset paging on id).

    ``payer`` keeps the denials whose remittance came from that payer: any part of the
    payer's name as the 835 gave it (N1*PR), or its payer identifier, case ignored.
    """
    query = (select(DenialRecord, ClaimPaymentRecord.patient_control_number,
                    ClaimPaymentRecord.payer_claim_number, ClaimPaymentRecord.patient_name,
                    RemittanceRecord.payer_name)
             .join(ClaimPaymentRecord, ClaimPaymentRecord.id == DenialRecord.claim_payment_id)
             .join(RemittanceRecord, RemittanceRecord.id == ClaimPaymentRecord.remittance_id)
             .where(DenialRecord.status == status, DenialRecord.id > after_id))
    if category:
        query = query.where(DenialRecord.category == category)
    if action:
        query = query.where(DenialRecord.action == action)
    if due_by:
        query = query.where(DenialRecord.appeal_deadline <= due_by)
    wanted = (payer or "").strip().lower()
    if wanted:
        # In SQL, so LIMIT counts only this payer's denials; autoescape keeps % and _ literal.
        query = query.where(or_(
            func.lower(RemittanceRecord.payer_name).contains(wanted, autoescape=True),
            func.lower(RemittanceRecord.payer_identifier) == wanted))
    query = query.order_by(DenialRecord.appeal_deadline.is_(None),
                           DenialRecord.appeal_deadline, DenialRecord.id).limit(limit)
    return tuple(DenialItem(
        d.id, d.claim_id, pcn, icn, patient, payer, d.procedure_code, d.category, d.action,
        d.reasons, d.remark_codes, d.amount_at_stake, d.appeal_deadline, d.status,
        d.explanation, d.note) for d, pcn, icn, patient, payer in session.execute(query))


def resolve_denial(session: Session, denial_id: int, *, status: str, user: str,
                   note: str = "") -> None:
    """Record what was done with a denial (appealed, resubmitted, written off, resolved)."""
    if status not in DENIAL_STATUSES:
        raise QueueError(f"denial status must be one of {', '.join(DENIAL_STATUSES)}, "
                         f"not {status!r}")
    denial = session.get(DenialRecord, denial_id)
    if denial is None:
        raise QueueError(f"denial {denial_id} does not exist")
    if denial.status == "held":
        raise QueueError(f"denial {denial_id} belongs to a held payment; release it first")
    denial.status = status
    denial.note = note or denial.note
    final = status in ("written_off", "resolved")
    denial.resolved_at = utcnow() if final else None
    denial.resolved_by = user if final else None


def unmatched_payments(session: Session, *, after_id: int = 0, limit: int = 100
                       ) -> tuple[UnmatchedPayment, ...]:
    """Claim payments for claims we did not bill (or could not find)."""
    rows = session.execute(
        select(ClaimPaymentRecord, RemittanceRecord.payer_name, RemittanceRecord.trace_number)
        .join(RemittanceRecord, RemittanceRecord.id == ClaimPaymentRecord.remittance_id)
        .where(ClaimPaymentRecord.outcome == "unmatched", ClaimPaymentRecord.id > after_id)
        .order_by(ClaimPaymentRecord.id).limit(limit))
    return tuple(UnmatchedPayment(
        c.id, c.remittance_id, c.patient_control_number, c.payer_claim_number, c.patient_name,
        c.member_id, c.charge, c.paid, c.service_from, payer, trace)
        for c, payer, trace in rows)


def held_payments(session: Session, *, remittance_id: int | None = None
                  ) -> tuple[HeldPayment, ...]:
    query = select(ClaimPaymentRecord).where(ClaimPaymentRecord.outcome == "held")
    if remittance_id is not None:
        query = query.where(ClaimPaymentRecord.remittance_id == remittance_id)
    return tuple(HeldPayment(c.id, c.remittance_id, c.claim_id, c.patient_control_number,
                             c.paid, c.hold_kind, tuple(c.reasons.splitlines()))
                 for c in session.scalars(query.order_by(ClaimPaymentRecord.id)))


def _take_turns(session: Session, payments: list[ClaimPaymentRecord]
                ) -> list[tuple[ClaimPaymentRecord, int]]:
    """Each held payment that may post now, with its turn under the posting key. One that
    another remittance has posted since becomes a duplicate."""
    keys = PostingKeys.load(session, {p.patient_control_number for p in payments})
    net = keys.net
    ready = []
    for p in payments:
        key = payment_key(p.patient_control_number, p.payer_claim_number)
        if p.status_code == "22":
            net[key] -= 1
        elif net[key] > 0:
            p.outcome, p.hold_kind = "duplicate", ""
            p.reasons = f"{p.reasons}\nposted meanwhile from another remittance".strip()
            session.execute(update(DenialRecord).where(DenialRecord.claim_payment_id == p.id)
                            .values(status="resolved", note="duplicate payment"))
            continue
        else:
            net[key] += 1
        ready.append((p, keys.take(key)))
    return ready


def _post_held(session: Session, payments: list[ClaimPaymentRecord], user: str,
               stored_file_id: int | None) -> tuple[int, list[str]]:
    """Post held payments as planned; returns how many posted and any refused moves."""
    ids = [p.id for p in payments]
    return retry_on_conflict(
        session, lambda: _post_held_once(session, ids, user, stored_file_id),
        what=f"claim payment(s) {', '.join(map(str, ids))}")


def _post_held_once(session: Session, payment_ids: list[int], user: str,
                    stored_file_id: int | None) -> tuple[int, list[str]]:
    # Read again inside the savepoint: a second attempt decides on what is committed now.
    held = list(session.scalars(
        select(ClaimPaymentRecord).where(ClaimPaymentRecord.id.in_(payment_ids),
                                         ClaimPaymentRecord.outcome == "held")
        .order_by(ClaimPaymentRecord.position, ClaimPaymentRecord.id)
        .execution_options(populate_existing=True)))
    turns = _take_turns(session, held)
    payments = [p for p, _ in turns]
    if not payments:
        return 0, []
    ids = [p.id for p in payments]
    lines: dict[int, dict[int, list[Decimal]]] = defaultdict(dict)
    for cp_id, line_id, kind, amount in session.execute(
            select(PostingRecord.claim_payment_id, PostingRecord.line_id, PostingRecord.kind,
                   PostingRecord.amount).where(PostingRecord.claim_payment_id.in_(ids))):
        if line_id is None:
            continue
        paid_open = lines[cp_id].setdefault(line_id, [ZERO, ZERO])
        if kind == "payment":
            paid_open[0] += amount
        elif kind in ("denied", "held"):
            paid_open[1] += amount
    now = utcnow()
    session.execute(update(PostingRecord).where(PostingRecord.claim_payment_id.in_(ids))
                    .values(posted=True))
    session.execute(update(DenialRecord).where(DenialRecord.claim_payment_id.in_(ids),
                                               DenialRecord.status == "held")
                    .values(status="open"))
    for p, turn in turns:
        p.outcome, p.hold_kind, p.posted_at, p.posted_by = "posted", "", now, user
        p.posting_sequence = turn
    session.flush()
    posted = [PostedClaim(
        p.claim_id or 0, p.patient_control_number, p.payer_claim_number, p.status_code,
        p.charge, p.paid, p.split_claim,
        tuple(PostedLine(lid, v[0], v[1]) for lid, v in lines[p.id].items()),
        f"835 CLP02 {p.status_code}, paid {p.paid:,.2f} of {p.charge:,.2f} "
        f"(released by {user})") for p in payments if p.claim_id]
    return len(payments), apply_postings(session, posted, actor=user,
                                         stored_file_id=stored_file_id)


def release_remittance(session: Session, remittance_id: int, *, user: str,
                       note: str = "") -> ReleaseResult:
    """A person accepts an out-of-balance remittance: post what only its imbalance held."""
    # Locked: a second person releasing at the same moment waits, then finds it released.
    remit = session.get(RemittanceRecord, remittance_id, with_for_update=True,
                        populate_existing=True)
    if remit is None:
        raise QueueError(f"remittance {remittance_id} does not exist")
    if remit.status != "held":
        raise QueueError(f"remittance {remittance_id} is {remit.status}, not held")
    if not note:
        raise QueueError("say why the remittance may be posted although it does not balance")
    payments = list(session.scalars(select(ClaimPaymentRecord).where(
        ClaimPaymentRecord.remittance_id == remittance_id,
        ClaimPaymentRecord.outcome == "held").order_by(ClaimPaymentRecord.position)))
    ready = [p for p in payments if p.hold_kind == "remittance"]
    released, problems = _post_held(session, ready, user, remit.stored_file_id)
    remit.status, remit.released_by, remit.released_at = "released", user, utcnow()
    remit.release_note = note
    return ReleaseResult(released, len(payments) - len(ready), tuple(problems))


def release_claim_payment(session: Session, claim_payment_id: int, *, user: str,
                          note: str = "") -> ReleaseResult:
    """A person reviewed a claim payment a rule held, and posts it as planned."""
    payment = session.get(ClaimPaymentRecord, claim_payment_id, with_for_update=True,
                          populate_existing=True)
    if payment is None:
        raise QueueError(f"claim payment {claim_payment_id} does not exist")
    if payment.outcome != "held":
        raise QueueError(f"claim payment {claim_payment_id} is {payment.outcome}, not held")
    remit = session.get(RemittanceRecord, payment.remittance_id)
    assert remit is not None
    if remit.status == "held":
        raise QueueError(f"remittance {remit.id} is out of balance: release it first")
    if note:
        payment.reasons = f"{payment.reasons}\nreleased by {user}: {note}".strip()
    released, problems = _post_held(session, [payment], user, remit.stored_file_id)
    return ReleaseResult(released, 0, tuple(problems))

