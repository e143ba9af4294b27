"""Reassociating bank deposits with remittances, by TRN02 and amount.

The EFT's CCD+ addenda carries the 835's TRN segment (RFI 1874), so a deposit names its
remittance by trace number; the amount must then equal BPR02. A check deposit uses the check
number, which is TRN02 for BPR04 CHK. Deposits that find no remittance, or the wrong amount,
stay on the reconciliation list until someone looks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from remittance.tables import DepositRecord, RemittanceRecord

__all__ = ["DepositStatus", "ReconciliationResult", "reconcile_deposit",
           "unreconciled_remittances"]


class DepositStatus:
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    AMOUNT_MISMATCH = "amount_mismatch"


@dataclass(frozen=True, slots=True)
class ReconciliationResult:
    deposit_id: int
    status: str
    remittance_id: int | None
    difference: Decimal          # deposit minus remittance payment (0 when matched)
    message: str


def reconcile_deposit(session: Session, *, trace_number: str, amount: Decimal,
                      deposit_date: dt.date, bank_reference: str = "",
                      user: str = "") -> ReconciliationResult:
    """Record a deposit and tie it to the remittance with the same TRN02 and amount."""
    trace = trace_number.strip()
    candidates = list(session.scalars(select(RemittanceRecord).where(
        RemittanceRecord.trace_number == trace, RemittanceRecord.deposit_id.is_(None))))
    exact = [r for r in candidates if r.payment_amount == amount]
    deposit = DepositRecord(trace_number=trace, amount=amount, deposit_date=deposit_date,
                            bank_reference=bank_reference, created_by=user, status="")
    session.add(deposit)
    if exact:
        remit = exact[0]
        deposit.status = DepositStatus.MATCHED
        deposit.note = f"remittance {remit.id} from {remit.payer_name}"
        session.flush()
        remit.deposit_id = deposit.id
        return ReconciliationResult(deposit.id, deposit.status, remit.id, Decimal("0.00"),
                                    f"deposit {trace} of {amount:,.2f} matches the payment "
                                    f"from {remit.payer_name} dated {remit.payment_date}")
    if candidates:
        remit = candidates[0]
        difference = amount - remit.payment_amount
        deposit.status = DepositStatus.AMOUNT_MISMATCH
        deposit.note = (f"remittance {remit.id} says {remit.payment_amount:,.2f}; "
                        f"the bank says {amount:,.2f}")
        session.flush()
        return ReconciliationResult(deposit.id, deposit.status, remit.id, difference,
                                    f"deposit {trace}: the bank received {amount:,.2f} but "
                                    f"the remittance from {remit.payer_name} pays "
                                    f"{remit.payment_amount:,.2f} (difference "
                                    f"{difference:,.2f})")
    deposit.status = DepositStatus.UNMATCHED
    deposit.note = "no remittance with this trace number has arrived yet"
    session.flush()
    return ReconciliationResult(deposit.id, deposit.status, None, amount,
                                f"deposit {trace} of {amount:,.2f}: no remittance with this "
                                "trace number; it stays open until the 835 arrives")


def unreconciled_remittances(session: Session) -> tuple[tuple[int, str, str, Decimal], ...]:
    """(remittance id, payer, TRN02, amount) of payments no deposit has matched yet."""
    rows = session.execute(
        select(RemittanceRecord.id, RemittanceRecord.payer_name, RemittanceRecord.trace_number,
               RemittanceRecord.payment_amount)
        .where(RemittanceRecord.deposit_id.is_(None), RemittanceRecord.payment_amount != 0)
        .order_by(RemittanceRecord.id))
    return tuple((r[0], r[1], r[2], r[3]) for r in rows)
