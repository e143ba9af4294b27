"""Patient balances after insurance, ready for statements.

What a patient owes on a claim is the patient responsibility (group PR) of the last payer that
settled it: after a secondary payment, the primary's deductible and coinsurance no longer count,
the secondary's PR does (x12-domain.md 6.2, 10.2 item 5). A reversal (CLP02 22) cancels the
posting it repeats, so the sums simply include it. A claim whose next payer has not paid yet
(a secondary on file, or the payer crossed it over with NM1*TT) is listed but not ready for a
statement.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimRecord, Patient, Policy
from remittance.posting import PATIENT_KINDS, EntryKind
from remittance.tables import ClaimPaymentRecord, PostingRecord

__all__ = ["ClaimBalance", "PatientBalance", "patient_balances"]

ZERO = Decimal("0")
_LEVEL = {"1": 1, "19": 1, "4": 1, "2": 2, "20": 2, "3": 3, "21": 3}


@dataclass(frozen=True, slots=True)
class ClaimBalance:
    claim_id: int
    patient_control_number: str
    service_from: dt.date
    charge: Decimal
    insurance_paid: Decimal
    written_off: Decimal
    deductible: Decimal
    coinsurance: Decimal
    copay: Decimal
    other_patient: Decimal
    ready_for_statement: bool
    waiting_for: str             # "" or why the patient is not billed yet

    @property
    def patient_owes(self) -> Decimal:
        return self.deductible + self.coinsurance + self.copay + self.other_patient


@dataclass(frozen=True, slots=True)
class PatientBalance:
    patient_id: int
    name: str
    address: tuple[str, ...]
    claims: tuple[ClaimBalance, ...]

    @property
    def total(self) -> Decimal:
        return sum((c.patient_owes for c in self.claims if c.ready_for_statement), ZERO)


def patient_balances(session: Session, *, patient_id: int | None = None,
                     small_balance: Decimal = ZERO) -> tuple[PatientBalance, ...]:
    """Balances per patient from posted remittances, only claims where the patient owes.

    A claim balance at or under ``small_balance`` is listed as not ready for a statement
    (offices write such balances off rather than mail them).
    """
    query = (select(ClaimPaymentRecord.id, ClaimPaymentRecord.claim_id,
                    ClaimPaymentRecord.status_code, ClaimPaymentRecord.payer_claim_number,
                    ClaimPaymentRecord.crossover_payer, ClaimPaymentRecord.paid)
             .where(ClaimPaymentRecord.outcome == "posted",
                    ClaimPaymentRecord.claim_id.is_not(None)))
    if patient_id is not None:
        query = query.join(ClaimRecord, ClaimRecord.id == ClaimPaymentRecord.claim_id).where(
            ClaimRecord.patient_id == patient_id)
    payments = session.execute(query.order_by(ClaimPaymentRecord.id)).all()
    if not payments:
        return ()
    level_of_icn: dict[str, int] = {}
    level: dict[int, int] = {}
    top: dict[int, int] = defaultdict(int)
    crossover: dict[int, str] = {}
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for cp_id, claim_id, code, icn, cross, amount in payments:
        lv = _LEVEL.get(code) or level_of_icn.get(icn, 1)
        level_of_icn.setdefault(icn, lv)
        level[cp_id] = lv
        top[claim_id] = max(top[claim_id], lv)
        paid[claim_id] += amount
        if cross:
            crossover[claim_id] = cross
    sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    ids = list(level)
    for i in range(0, len(ids), 900):
        for cp_id, claim_id, kind, amount in session.execute(
                select(PostingRecord.claim_payment_id, PostingRecord.claim_id,
                       PostingRecord.kind, PostingRecord.amount)
                .where(PostingRecord.claim_payment_id.in_(ids[i:i + 900]),
                       PostingRecord.posted.is_(True))):
            if kind in PATIENT_KINDS:
                if level[cp_id] == top[claim_id]:
                    sums[claim_id][kind] += amount
            elif kind != EntryKind.PAYMENT and kind not in ("denied", "held"):
                sums[claim_id]["written_off"] += amount
    claim_ids = sorted(sums)
    claims = session.execute(
        select(ClaimRecord.id, ClaimRecord.patient_control_number, ClaimRecord.patient_id,
               ClaimRecord.service_date_from, ClaimRecord.total_charge)
        .where(ClaimRecord.id.in_(claim_ids))).all()
    patients = {c.patient_id for c in claims}
    people = {p.id: p for p in session.scalars(select(Patient).where(Patient.id.in_(patients)))}
    coverage: dict[int, int] = defaultdict(int)
    for pid, priority in session.execute(select(Policy.patient_id, Policy.priority)
                                         .where(Policy.patient_id.in_(patients))):
        coverage[pid] = max(coverage[pid], {"P": 1, "S": 2, "T": 3}.get(priority, 1))
    by_patient: dict[int, list[ClaimBalance]] = defaultdict(list)
    for c in claims:
        s = sums[c.id]
        owed = sum((s[k] for k in PATIENT_KINDS), ZERO)
        if owed <= 0:
            continue
        waiting = ""
        if c.id in crossover:
            waiting = f"crossed over to {crossover[c.id]}"
        elif coverage[c.patient_id] > top[c.id]:
            waiting = "the next payer on file has not paid yet"
        elif owed <= small_balance:
            waiting = f"small balance (at most {small_balance:,.2f}): write off"
        by_patient[c.patient_id].append(ClaimBalance(
            c.id, c.patient_control_number, c.service_date_from, c.total_charge, paid[c.id],
            s["written_off"], s[EntryKind.DEDUCTIBLE], s[EntryKind.COINSURANCE],
            s[EntryKind.COPAY], s[EntryKind.PATIENT_OTHER], not waiting, waiting))
    out = []
    for pid in sorted(by_patient):
        p = people[pid]
        address = tuple(x for x in (p.address_line1, p.address_line2,
                                    f"{p.city} {p.state} {p.postal_code}".strip()) if x)
        out.append(PatientBalance(pid, f"{p.first_name} {p.last_name}", address,
                                  tuple(by_patient[pid])))
    return tuple(out)
