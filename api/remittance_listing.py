"""Read-side views the remittance screens need beyond the package's services: the list of
received payments with their verdicts, the denial queue (filtered by payer in the package's
query) with its dollars by category, and the patient behind each claim (for the audit log).
Read-only; never commits."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimRecord
from remittance import DenialItem, list_denials
from remittance.tables import ClaimPaymentRecord, RemittanceRecord

__all__ = ["ClaimPaymentRow", "DenialQueue", "RemittanceRow", "denial_queue",
           "list_remittances", "patients_of_claims", "remittance_detail"]

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class RemittanceRow:
    id: int
    payer_name: str
    payer_identifier: str
    trace_number: str
    payment_amount: Decimal
    payment_method: str
    payment_date: dt.date | None
    status: str
    balanced: bool
    problems: tuple[str, ...]
    claim_count: int
    outcomes: dict[str, int]
    imported_at: dt.datetime
    imported_by: str
    released_by: str | None
    release_note: str
    reconciled: bool


def _rows(session: Session, records: list[RemittanceRecord]) -> tuple[RemittanceRow, ...]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if records:
        for remit_id, outcome, n in session.execute(
                select(ClaimPaymentRecord.remittance_id, ClaimPaymentRecord.outcome,
                       func.count())
                .where(ClaimPaymentRecord.remittance_id.in_([r.id for r in records]))
                .group_by(ClaimPaymentRecord.remittance_id, ClaimPaymentRecord.outcome)):
            counts[remit_id][outcome] = n
    rows = tuple(RemittanceRow(
        r.id, r.payer_name, r.payer_identifier, r.trace_number, r.payment_amount,
        r.payment_method, r.payment_date, r.status, r.balanced, tuple(r.problems or ()),
        r.claim_count, dict(sorted(counts[r.id].items())), r.imported_at, r.imported_by,
        r.released_by, r.release_note, r.deposit_id is not None) for r in records)
    return rows


def list_remittances(session: Session, *, status: str | None = None,
                     before_id: int | None = None, limit: int = 50
                     ) -> tuple[tuple[RemittanceRow, ...], int | None]:
    """Newest first, one page; returns the rows and the ``before_id`` of the next page."""
    query = select(RemittanceRecord).order_by(RemittanceRecord.id.desc()).limit(limit + 1)
    if status:
        query = query.where(RemittanceRecord.status == status)
    if before_id is not None:
        query = query.where(RemittanceRecord.id < before_id)
    records = list(session.scalars(query))
    more = len(records) > limit
    records = records[:limit]
    return _rows(session, records), (records[-1].id if more else None)


@dataclass(frozen=True, slots=True)
class ClaimPaymentRow:
    """One claim payment (2100 loop) of a remittance, as stored, and what became of it."""

    id: int
    claim_id: int | None
    patient_control_number: str
    payer_claim_number: str
    status_code: str                 # CLP02
    patient_name: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    outcome: str                     # posted | held | unmatched | duplicate
    hold_kind: str
    match_method: str
    reasons: tuple[str, ...]
    crossover_payer: str


def remittance_detail(session: Session, remittance_id: int
                      ) -> tuple[RemittanceRow, tuple[ClaimPaymentRow, ...]] | None:
    """One remittance with its claim payments in file order, or None when there is none."""
    record = session.get(RemittanceRecord, remittance_id)
    if record is None:
        return None
    payments = session.scalars(select(ClaimPaymentRecord).where(
        ClaimPaymentRecord.remittance_id == remittance_id).order_by(
        ClaimPaymentRecord.position, ClaimPaymentRecord.id))
    return _rows(session, [record])[0], tuple(ClaimPaymentRow(
        p.id, p.claim_id, p.patient_control_number, p.payer_claim_number, p.status_code,
        p.patient_name, p.charge, p.paid, p.patient_responsibility, p.outcome, p.hold_kind,
        p.match_method, tuple(p.reasons.splitlines()), p.crossover_payer) for p in payments)


@dataclass(frozen=True, slots=True)
class DenialQueue:
    items: tuple[DenialItem, ...]
    total_at_stake: Decimal
    by_category: tuple[tuple[str, int, Decimal], ...]    # (category, count, dollars)

    def grouped(self) -> list[tuple[str, list[DenialItem], Decimal]]:
        """Items by category, the categories with the most dollars at stake first."""
        groups: dict[str, list[DenialItem]] = defaultdict(list)
        for item in self.items:
            groups[item.category].append(item)
        return [(cat, groups[cat], dollars) for cat, _, dollars in self.by_category]


def denial_queue(session: Session, *, status: str = "open", category: str | None = None,
                 action: str | None = None, payer: str | None = None,
                 due_by: dt.date | None = None, limit: int = 200) -> DenialQueue:
    """The denial work queue, soonest appeal deadline first, with dollars at stake."""
    items = list_denials(session, status=status, category=category or None,
                         action=action or None, payer=payer or None, due_by=due_by,
                         limit=limit)
    totals: dict[str, list] = defaultdict(lambda: [0, ZERO])
    for item in items:
        totals[item.category][0] += 1
        totals[item.category][1] += item.amount_at_stake
    by_category = tuple(sorted(((c, n, d) for c, (n, d) in totals.items()),
                               key=lambda t: (-t[2], t[0])))
    return DenialQueue(tuple(items), sum((i.amount_at_stake for i in items), ZERO),
                       by_category)


def patients_of_claims(session: Session, claim_ids: Iterable[int | None]) -> dict[int, int]:
    """claim id -> patient id, for writing the audit log of a list that shows patients."""
    ids = sorted({c for c in claim_ids if c is not None})
    if not ids:
        return {}
    return {claim_id: patient_id for claim_id, patient_id in session.execute(
        select(ClaimRecord.id, ClaimRecord.patient_id).where(ClaimRecord.id.in_(ids)))}
