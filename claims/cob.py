"""Coordination of benefits: turn a claim the primary payer settled into the next payer's claim.

The next payer (secondary, then tertiary) receives the same services with what every earlier
payer decided: loop 2320 with AMT*D and the claim-level CAS, 2330B with the payment date and
the payer's claim number, and per line a 2430 SVD/CAS/DTP*573 (x12-domain 3.3). The
remittance package builds :class:`~claims.model.PriorPayerAdjudication` values from 835s;
this module only rearranges the claim.
"""

from __future__ import annotations

from dataclasses import replace

from claims.model import Claim, OtherCoverage, Patient, PriorPayerAdjudication, Sex

__all__ = ["secondary_claim", "CoordinationError"]

_SEQUENCE = "PSTABCDEFGH"     # SBR01 payer responsibility order (x12-domain 3.1)


class CoordinationError(ValueError):
    """The claim cannot move on to another payer (none left, or the payment is not its)."""


def _next_coverage(claim: Claim) -> OtherCoverage:
    own = _SEQUENCE.find(claim.responsibility)
    waiting = [c for c in claim.other_coverages
               if c.adjudication is None and _SEQUENCE.find(c.responsibility) > own]
    if not waiting:
        raise CoordinationError(
            f"claim {claim.patient_control_number}: no other coverage after payer sequence "
            f"{claim.responsibility} is on file; add the next payer to other_coverages")
    return min(waiting, key=lambda c: _SEQUENCE.find(c.responsibility))


def secondary_claim(primary: Claim, adjudication: PriorPayerAdjudication, *,
                    next_coverage: OtherCoverage | None = None,
                    patient_control_number: str | None = None) -> Claim:
    """The claim for the next payer after ``primary``'s payer settled it as ``adjudication``.

    ``next_coverage`` defaults to the claim's earliest unpaid other coverage (S after P, T
    after S). The payer just settled becomes a 2320 other payer with its adjudication; the
    claim becomes an original (frequency 1) for a payer that has never seen it.
    """
    if adjudication.payer.payer_id != primary.payer.payer_id:
        raise CoordinationError(
            f"claim {primary.patient_control_number}: the payment is from payer "
            f"{adjudication.payer.payer_id}, but the claim was billed to "
            f"{primary.payer.payer_id}")
    target = next_coverage or _next_coverage(primary)
    # 2330A carries the other insured's name, id and address but no demographics.
    other_insured = replace(primary.subscriber, person=replace(
        primary.subscriber.person, birth_date=None, sex=Sex.UNKNOWN))
    settled = OtherCoverage(
        payer=primary.payer, subscriber=other_insured,
        responsibility=primary.responsibility,
        # 2320 SBR02: the patient's relationship to that payer's insured.
        relationship="18" if primary.patient is None else primary.patient.relationship,
        adjudication=adjudication)
    others = [settled] + [c for c in primary.other_coverages if c != target]
    patient_person = primary.patient_person
    if target.relationship == "18":
        # The patient is the insured of the next payer: 2000B carries the patient, with the
        # demographics the claim already holds for them.
        subscriber = replace(target.subscriber, person=patient_person)
        patient = None
    else:
        subscriber = target.subscriber
        patient = Patient(person=patient_person, relationship=target.relationship)
    return replace(
        primary, payer=target.payer, subscriber=subscriber, patient=patient,
        responsibility=target.responsibility, other_coverages=tuple(others),
        patient_control_number=patient_control_number or primary.patient_control_number,
        frequency="1", payer_claim_number="",
        # A prior authorization number belongs to the payer that issued it.
        prior_authorization="")
