"""835 balancing (SNIP type 3, TR3 1.10.2.1), with the findings in words.

Three equations must hold to the penny (x12-domain.md 6.3):

* line:        SVC02 - sum(line CAS) = SVC03
* claim:       CLP03 - sum(claim CAS) - sum(line CAS) = CLP04 (line-level only when 2110 exists)
* transaction: sum(CLP04) - sum(PLB amounts) = BPR02

A remittance failing any of them is held for a person and never posted on its own. CLP05 that
differs from the sum of PR adjustments is only a warning (RFI 2548), as is interest in AMT*I
that PLB L6 does not carry (RFI 2123).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from edi.parsers.remit835 import ClaimPayment, Remittance
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path

__all__ = ["BalanceTally", "BalanceVerdict", "check_balance", "check_claim_balance"]

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class BalanceVerdict:
    balanced: bool
    defects: tuple[Defect, ...]

    @property
    def summary(self) -> str:
        if self.balanced:
            return "balanced"
        errors = [d for d in self.defects if d.is_error]
        return f"out of balance ({len(errors)} problem{'s' if len(errors) != 1 else ''})"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _defect(remit: Remittance, loop: str, segment: str, position: int, element: int,
            message: str, severity: Severity = Severity.ERROR) -> Defect:
    path = X12Path(loop=loop, segment=segment, element=element,
                   transaction=remit.control_number, file_position=position,
                   segment_position=max(0, position - remit.position + 1))
    return Defect(severity, DefectLevel.BALANCING, "3", path, message)


def check_claim_balance(remit: Remittance, claim: ClaimPayment) -> list[Defect]:
    """Line and claim equations for one 2100 loop."""
    out: list[Defect] = []
    pcn = claim.patient_control_number
    line_total = ZERO
    for n, svc in enumerate(claim.services, 1):
        adjusted = sum((a.amount for a in svc.adjustments), ZERO)
        line_total += adjusted
        if svc.charge - adjusted != svc.paid:
            out.append(_defect(
                remit, "2110", "SVC", svc.position, 3,
                f"claim {pcn} line {n} ({svc.procedure.code}): charge {_money(svc.charge)} "
                f"less adjustments {_money(adjusted)} is {_money(svc.charge - adjusted)}, "
                f"but the payer paid {_money(svc.paid)}"))
    claim_adjusted = sum((a.amount for a in claim.adjustments), ZERO)
    expected = claim.charge - claim_adjusted - line_total
    if expected != claim.paid:
        out.append(_defect(
            remit, "2100", "CLP", claim.position, 4,
            f"claim {pcn}: charge {_money(claim.charge)} less claim adjustments "
            f"{_money(claim_adjusted)} and line adjustments {_money(line_total)} is "
            f"{_money(expected)}, but the claim payment is {_money(claim.paid)}"))
    if claim.services:
        line_charges = sum((s.charge for s in claim.services), ZERO)
        if line_charges != claim.charge and "MA15" not in claim.remarks:
            out.append(_defect(
                remit, "2100", "CLP", claim.position, 3,
                f"claim {pcn}: the lines' charges add up to {_money(line_charges)}, not the "
                f"claim charge {_money(claim.charge)}", Severity.WARNING))
    if claim.patient_responsibility is not None and not claim.is_reversal:
        pr = sum((a.amount for a in claim.all_adjustments if a.group == "PR"), ZERO)
        if pr != claim.patient_responsibility:
            out.append(_defect(
                remit, "2100", "CLP", claim.position, 5,
                f"claim {pcn}: patient responsibility {_money(claim.patient_responsibility)} "
                f"differs from the PR adjustments {_money(pr)}", Severity.WARNING))
    return out


class BalanceTally:
    """The transaction equation kept as claim payments stream by: sums and claim findings.

    Add each claim payment with its :func:`check_claim_balance` findings, then ask for the
    :meth:`verdict` once the remittance's end (PLB, BPR) is known.
    """

    __slots__ = ("defects", "paid", "interest", "claims")

    def __init__(self) -> None:
        self.defects: list[Defect] = []
        self.paid = ZERO
        self.interest = ZERO
        self.claims = 0

    def add(self, claim: ClaimPayment, found: list[Defect]) -> None:
        self.defects.extend(found)
        self.paid += claim.paid
        self.interest += claim.interest
        self.claims += 1

    def verdict(self, remit: Remittance) -> BalanceVerdict:
        """All three equations; ``remit`` gives the BPR, TRN and PLB (its claims unused)."""
        defects = list(self.defects)
        paid = self.paid
        plb = sum((p.amount for p in remit.provider_adjustments), ZERO)
        # BPR03 D: the payer debits the provider's account, so the net of the claims is
        # negative.
        total = -remit.payment.amount if remit.payment.credit_debit == "D" \
            else remit.payment.amount
        if paid - plb != total:
            defects.append(_defect(
                remit, "HEADER", "BPR", remit.position + 1, 2,
                f"payment {remit.trace.number or remit.control_number}: claim payments "
                f"{_money(paid)} less provider adjustments {_money(plb)} is "
                f"{_money(paid - plb)}, but the payment total (BPR02) is {_money(total)}"))
        interest = self.interest
        plb_interest = -sum((p.amount for p in remit.provider_adjustments
                             if p.reason == "L6"), ZERO)
        if interest and plb_interest and interest != plb_interest:
            defects.append(_defect(
                remit, "PLB", "PLB", 0, 3,
                f"claim interest (AMT*I) adds up to {_money(interest)} but PLB L6 carries "
                f"{_money(plb_interest)}", Severity.WARNING))
        balanced = not any(d.is_error for d in defects)
        return BalanceVerdict(balanced, tuple(defects))


def check_balance(remit: Remittance,
                  claim_defects: list[list[Defect]] | None = None) -> BalanceVerdict:
    """All three equations for one remittance (one ST..SE).

    ``claim_defects`` are the :func:`check_claim_balance` results per claim when the caller
    has them already.
    """
    if claim_defects is None:
        claim_defects = [check_claim_balance(remit, claim) for claim in remit.claims]
    tally = BalanceTally()
    for claim, found in zip(remit.claims, claim_defects, strict=True):
        tally.add(claim, found)
    return tally.verdict(remit)
