"""The secondary claim from a posted primary remittance, through the claims COB builder.

The primary's 835 becomes a :class:`claims.model.PriorPayerAdjudication`: AMT*D is CLP04,
claim-level CAS go to 2320, each line's payment and CAS go to its 2430 (keyed by the line's
REF*6R), and the payment date is BPR16 (x12-domain.md 3.3). The COB balancing rule (billed =
paid + every adjustment) then holds by construction, because each 835 line balanced.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claims.cob import secondary_claim
from claims.db.tables import ClaimLineRecord, ClaimRecord, Patient, Policy
from claims.json_codec import claim_from_json
from claims.model import Adjustment, Claim, LineAdjudication, PriorPayerAdjudication
from remittance.errors import SecondaryClaimError
from remittance.tables import ClaimPaymentRecord, PostingRecord, RemittanceRecord

__all__ = ["SecondaryCandidate", "SecondaryClaimError", "claims_awaiting_secondary",
           "prior_payer_adjudication", "secondary_claim_from_era"]

ZERO = Decimal("0")


def prior_payer_adjudication(session: Session, claim_payment_id: int, claim: Claim
                             ) -> PriorPayerAdjudication:
    """The primary payer's decision on ``claim`` as its posted 835 told it."""
    payment = session.get(ClaimPaymentRecord, claim_payment_id)
    if payment is None:
        raise SecondaryClaimError(f"claim payment {claim_payment_id} does not exist")
    if payment.outcome != "posted" or payment.claim_id is None:
        raise SecondaryClaimError(
            f"claim payment {claim_payment_id} for {payment.patient_control_number} is "
            f"{payment.outcome}; only a posted payment can feed a secondary claim")
    if payment.status_code in ("22", "4", "23", "25"):
        raise SecondaryClaimError(
            f"claim payment {claim_payment_id}: CLP02 {payment.status_code} is not a payment "
            "a secondary payer can coordinate with")
    remit = session.get(RemittanceRecord, payment.remittance_id)
    assert remit is not None
    refs = dict(session.execute(select(ClaimLineRecord.id, ClaimLineRecord.line_control_number)
                                .where(ClaimLineRecord.claim_id == payment.claim_id)).all())
    by_ref = {line.line_control_number: line for line in claim.lines}
    claim_level: list[Adjustment] = []
    lines: dict[int, list] = defaultdict(lambda: [ZERO, []])
    for row in session.scalars(select(PostingRecord).where(
            PostingRecord.claim_payment_id == claim_payment_id).order_by(PostingRecord.id)):
        if row.kind == "payment":
            if row.line_id is not None and row.service_index >= 0:
                lines[row.line_id][0] += row.amount
            continue
        adj = Adjustment(row.group_code, row.reason_code, row.amount)
        if row.service_index < 0 or row.line_id is None:
            claim_level.append(adj)
        else:
            lines[row.line_id][1].append(adj)
    line_adjudications = []
    for line_id, (paid, adjustments) in lines.items():
        ref = refs.get(line_id, "")
        billed = by_ref.get(ref)
        line_adjudications.append(LineAdjudication(
            line_control_number=ref, procedure_code=billed.procedure_code if billed else "",
            paid_amount=paid, paid_units=billed.units if billed else Decimal(1),
            modifiers=billed.modifiers if billed else (), adjustments=tuple(adjustments)))
    return PriorPayerAdjudication(
        payer=claim.payer, paid_amount=payment.paid,
        paid_date=remit.payment_date or remit.imported_at.date() or dt.date.today(),
        claim_adjustments=tuple(claim_level), lines=tuple(line_adjudications),
        payer_claim_number=payment.payer_claim_number,
        patient_responsibility=payment.patient_responsibility)


def secondary_claim_from_era(session: Session, claim_payment_id: int) -> Claim:
    """The claim for the next payer, built from the stored claim and the posted primary 835."""
    payment = session.get(ClaimPaymentRecord, claim_payment_id)
    if payment is None or payment.claim_id is None:
        raise SecondaryClaimError(f"claim payment {claim_payment_id} is not matched to a claim")
    if payment.crossover_payer:
        raise SecondaryClaimError(
            f"claim {payment.patient_control_number} was crossed over to "
            f"{payment.crossover_payer} by the payer (NM1*TT); billing it again would be a "
            "duplicate")
    record = session.get(ClaimRecord, payment.claim_id)
    assert record is not None
    try:
        primary = claim_from_json(record.document)
    except ValueError as exc:
        raise SecondaryClaimError(
            f"claim {record.patient_control_number}: the stored claim cannot be read: {exc}"
        ) from exc
    adjudication = prior_payer_adjudication(session, claim_payment_id, primary)
    try:
        return secondary_claim(primary, adjudication)
    except ValueError as exc:
        raise SecondaryClaimError(str(exc)) from exc


@dataclass(frozen=True, slots=True)
class SecondaryCandidate:
    """A claim the primary settled, with patient responsibility a secondary payer may cover."""

    claim_payment_id: int
    claim_id: int
    patient_control_number: str
    patient_name: str
    primary_paid: Decimal
    patient_responsibility: Decimal
    primary_payer: str


def claims_awaiting_secondary(session: Session, *, limit: int = 200
                              ) -> tuple[SecondaryCandidate, ...]:
    """The "bill secondary" queue: primary payments posted with patient responsibility, for
    patients with a secondary policy on file, not crossed over by the payer (NM1*TT) and not
    yet paid by a secondary (CLP02 2 or 20)."""
    secondary_paid = select(ClaimPaymentRecord.claim_id).where(
        ClaimPaymentRecord.status_code.in_(("2", "20")),
        ClaimPaymentRecord.outcome == "posted", ClaimPaymentRecord.claim_id.is_not(None))
    has_secondary = select(Policy.patient_id).where(Policy.priority == "S")
    patient_owes = (select(func.coalesce(func.sum(PostingRecord.amount), 0))
                    .where(PostingRecord.claim_payment_id == ClaimPaymentRecord.id,
                           PostingRecord.kind.in_(("deductible", "coinsurance", "copay",
                                                   "patient_other")))
                    .scalar_subquery())
    rows = session.execute(
        select(ClaimPaymentRecord.id, ClaimPaymentRecord.claim_id,
               ClaimPaymentRecord.patient_control_number, Patient.first_name,
               Patient.last_name, ClaimPaymentRecord.paid, patient_owes,
               RemittanceRecord.payer_name)
        .join(ClaimRecord, ClaimRecord.id == ClaimPaymentRecord.claim_id)
        .join(Patient, Patient.id == ClaimRecord.patient_id)
        .join(RemittanceRecord, RemittanceRecord.id == ClaimPaymentRecord.remittance_id)
        .where(ClaimPaymentRecord.outcome == "posted",
               ClaimPaymentRecord.status_code.in_(("1", "4")),
               ClaimPaymentRecord.crossover_payer == "",
               ClaimRecord.patient_id.in_(has_secondary),
               ClaimPaymentRecord.claim_id.not_in(secondary_paid),
               patient_owes > 0)
        .order_by(ClaimPaymentRecord.id).limit(limit))
    return tuple(SecondaryCandidate(cp_id, claim_id, pcn, f"{first} {last}", paid,
                                    Decimal(owed), payer)
                 for cp_id, claim_id, pcn, first, last, paid, owed, payer in rows)
