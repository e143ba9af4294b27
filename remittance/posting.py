"""The posting engine: a remittance plus our claims in, per-line postings out (no database).

For every 2100 claim payment, :func:`plan_remittance` finds our claim, matches each 2110 line,
and turns each CAS amount into a :class:`PostingEntry` by the office's :mod:`posting rules
<remittance.rules>`. Every line posting balances to the penny: payment plus adjustments equals
the charge (TR3 1.10.2.1). Claim-level CAS are posted on a claim-level row whose charge is what
the lines do not account for (zero when they add up), so that row balances too.

Reversals (CLP02 22) carry the original amounts negated (RFI 1147, 1429): posting them as they
come restores the balance the original posting changed. A remittance that does not balance is
planned but marked held: nothing of it is posted until a person releases it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from edi.parsers.remit835 import Adjustment, ClaimPayment, ProviderAdjustment, Remittance
from edi.x12.defects import Defect
from remittance.balancing import BalanceVerdict, check_balance, check_claim_balance
from remittance.codes import carc_label
from remittance.matching import (
    ClaimIndex,
    ClaimSnapshot,
    LineMatch,
    MatchMethod,
    match_claim,
    match_lines,
    remittance_payer_keys,
)
from remittance.rules import DEFAULT_RULES, Disposition, PostingRules

__all__ = ["ClaimPosting", "EntryKind", "LinePosting", "Outcome", "PostingEntry",
           "RemittancePlan", "plan_claim", "plan_remittance"]

ZERO = Decimal("0")


class EntryKind(StrEnum):
    PAYMENT = "payment"
    CONTRACTUAL = "contractual"          # CO written off
    DEDUCTIBLE = "deductible"            # PR 1
    COINSURANCE = "coinsurance"          # PR 2
    COPAY = "copay"                      # PR 3
    PATIENT_OTHER = "patient_other"      # any other PR
    OTHER_ADJUSTMENT = "other_adjustment"  # OA / PI written off
    DENIED = "denied"                    # kept open on the payer for the denial queue
    HELD = "held"                        # an adjustment that stopped auto-posting


_PATIENT_KINDS = {"1": EntryKind.DEDUCTIBLE, "2": EntryKind.COINSURANCE, "3": EntryKind.COPAY}
PATIENT_KINDS = frozenset({EntryKind.DEDUCTIBLE, EntryKind.COINSURANCE, EntryKind.COPAY,
                           EntryKind.PATIENT_OTHER})


class Outcome(StrEnum):
    POSTED = "posted"
    HELD = "held"                  # a rule or a problem stopped auto-posting: a person decides
    UNMATCHED = "unmatched"        # a claim we did not bill (or cannot find)
    DUPLICATE = "duplicate"        # already posted from an earlier remittance


@dataclass(frozen=True, slots=True)
class PostingEntry:
    kind: EntryKind
    amount: Decimal
    group: str = ""
    reason: str = ""
    remarks: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        if self.kind is EntryKind.PAYMENT:
            return "payment"
        return f"{self.group} {self.reason} {carc_label(self.reason)}"


@dataclass(frozen=True, slots=True)
class LinePosting:
    """One billed line (or the claim-level row when ``service_index`` is -1)."""

    line_id: int | None
    service_index: int
    procedure_code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    paid: Decimal
    entries: tuple[PostingEntry, ...]
    method: MatchMethod
    allowed: Decimal | None = None
    remarks: tuple[str, ...] = ()

    def total(self, *kinds: EntryKind) -> Decimal:
        return sum((e.amount for e in self.entries if e.kind in kinds), ZERO)

    @property
    def adjustments(self) -> Decimal:
        return sum((e.amount for e in self.entries if e.kind is not EntryKind.PAYMENT), ZERO)

    @property
    def balanced(self) -> bool:
        return self.paid + self.adjustments == self.charge

    @property
    def patient_amount(self) -> Decimal:
        return self.total(*PATIENT_KINDS)

    @property
    def open_amount(self) -> Decimal:
        """What stays on the payer after posting: denied or held amounts."""
        return self.total(EntryKind.DENIED, EntryKind.HELD)


@dataclass(frozen=True, slots=True)
class ClaimPosting:
    payment: ClaimPayment
    claim: ClaimSnapshot | None
    method: MatchMethod
    outcome: Outcome
    lines: tuple[LinePosting, ...]
    reasons: tuple[str, ...] = ()       # why it is held or unmatched, in words

    @property
    def is_reversal(self) -> bool:
        return self.payment.is_reversal

    @property
    def crossover_payer(self) -> str:
        carrier = self.payment.crossover_carrier
        return carrier.name if carrier else ""

    @property
    def is_split(self) -> bool:
        return "MA15" in self.payment.remarks

    def total(self, *kinds: EntryKind) -> Decimal:
        return sum((line.total(*kinds) for line in self.lines), ZERO)

    @property
    def patient_amount(self) -> Decimal:
        return sum((line.patient_amount for line in self.lines), ZERO)


@dataclass(frozen=True, slots=True)
class RemittancePlan:
    remittance: Remittance
    verdict: BalanceVerdict
    claims: tuple[ClaimPosting, ...]

    @property
    def held(self) -> bool:
        return not self.verdict.balanced

    @property
    def provider_adjustments(self) -> tuple[ProviderAdjustment, ...]:
        return self.remittance.provider_adjustments

    def count(self, outcome: Outcome) -> int:
        return sum(1 for c in self.claims if c.outcome is outcome)


def _entries(adjustments: tuple[Adjustment, ...], remarks: tuple[str, ...],
             rules: PostingRules, reversal: bool) -> tuple[list[PostingEntry], list[str]]:
    out: list[PostingEntry] = []
    holds: list[str] = []
    for adj in adjustments:
        # A reversal repeats the original adjustments negated: apply them as they were.
        amount_for_rule = -adj.amount if reversal else adj.amount
        disposition = rules.disposition(adj.group, adj.reason, amount_for_rule)
        if disposition is Disposition.HOLD:
            kind = EntryKind.HELD
            holds.append(f"{adj.group} {adj.reason} ({carc_label(adj.reason)}) "
                         f"{adj.amount:,.2f} needs a person before posting")
        elif disposition is Disposition.PATIENT:
            kind = _PATIENT_KINDS.get(adj.reason, EntryKind.PATIENT_OTHER) \
                if adj.group == "PR" else EntryKind.PATIENT_OTHER
        elif disposition is Disposition.WRITE_OFF:
            kind = EntryKind.CONTRACTUAL if adj.group == "CO" else EntryKind.OTHER_ADJUSTMENT
        else:
            kind = EntryKind.DENIED
        out.append(PostingEntry(kind, adj.amount, adj.group, adj.reason, remarks))
    return out, holds


def _line(match: LineMatch, index: int, rules: PostingRules, reversal: bool
          ) -> tuple[LinePosting, list[str]]:
    svc = match.service
    remarks = svc.remarks           # a property that builds its tuple on each read
    entries, holds = _entries(svc.adjustments, remarks, rules, reversal)
    entries.insert(0, PostingEntry(EntryKind.PAYMENT, svc.paid))
    code = svc.billed_procedure
    return LinePosting(
        line_id=match.line.line_id if match.line else None, service_index=index,
        procedure_code=code.code, modifiers=code.modifiers, charge=svc.charge, paid=svc.paid,
        entries=tuple(entries), method=match.method, allowed=svc.allowed,
        remarks=remarks), holds


def plan_claim(remit: Remittance, payment: ClaimPayment, index: ClaimIndex,
               rules: PostingRules = DEFAULT_RULES,
               balance_defects: list[Defect] | None = None,
               assigned: ClaimSnapshot | None = None,
               payer_keys: frozenset[str] | None = None) -> ClaimPosting:
    """Plan one 2100 loop; ``assigned`` is the claim a person chose for it, if any.

    ``payer_keys`` is :func:`~remittance.matching.remittance_payer_keys` of ``remit``, for a
    caller that plans many claim payments of one remittance (worked out here when None).
    """
    if assigned is not None:
        claim, method = assigned, MatchMethod.ASSIGNED
    else:
        claim, method = match_claim(payment, index)
    reversal = payment.is_reversal
    reasons: list[str] = []
    lines: list[LinePosting] = []
    if payment.services:
        matches = match_lines(payment, claim) if claim else tuple(
            LineMatch(s, None, MatchMethod.NONE) for s in payment.services)
        for i, match in enumerate(matches):
            line, holds = _line(match, i, rules, reversal)
            lines.append(line)
            reasons.extend(holds)
            if claim is not None and match.line is None and rules.hold_unmatched_lines:
                reasons.append(f"line {i + 1} ({line.procedure_code} {line.charge:,.2f}) "
                               "matches none of the lines we billed")
    rest_charge = payment.charge - sum((s.charge for s in payment.services), ZERO)
    rest_paid = payment.paid - sum((s.paid for s in payment.services), ZERO)
    if payment.adjustments or not payment.services or rest_charge or rest_paid:
        entries, holds = _entries(payment.adjustments, payment.remarks, rules, reversal)
        reasons.extend(holds)
        entries.insert(0, PostingEntry(EntryKind.PAYMENT, rest_paid))
        only = claim.lines[0].line_id if claim and len(claim.lines) == 1 \
            and not payment.services else None
        lines.append(LinePosting(
            line_id=only, service_index=-1, procedure_code="", modifiers=(),
            charge=rest_charge, paid=rest_paid, entries=tuple(entries),
            method=MatchMethod.CLAIM_LEVEL, remarks=payment.remarks))
    if balance_defects is None:
        balance_defects = check_claim_balance(remit, payment)
    if (claim is not None and rules.hold_unknown_payer and claim.payer_keys
            and not claim.payer_keys & (payer_keys if payer_keys is not None
                                        else remittance_payer_keys(remit))):
        reasons.append(f"paid by {remit.payer.name or remit.payer_id}, a payer this claim was "
                       "not billed to and the patient has no coverage with on file")
    for problem in balance_defects:
        if problem.is_error:
            reasons.append(problem.message)
    if claim is None:
        outcome = Outcome.UNMATCHED
        reasons.insert(0, f"no claim of ours matches {payment.patient_control_number!r} "
                          f"(payer claim {payment.payer_claim_number or 'none'})")
    elif payment.status == "25":
        outcome = Outcome.HELD
        reasons.append("predetermination only (CLP02 25): nothing was paid")
    else:
        outcome = Outcome.HELD if reasons else Outcome.POSTED
    return ClaimPosting(payment, claim, method, outcome, tuple(lines), tuple(reasons))


def plan_remittance(remit: Remittance, index: ClaimIndex,
                    rules: PostingRules = DEFAULT_RULES) -> RemittancePlan:
    per_claim = [check_claim_balance(remit, payment) for payment in remit.claims]
    verdict = check_balance(remit, per_claim)
    claims = tuple(plan_claim(remit, payment, index, rules, found)
                   for payment, found in zip(remit.claims, per_claim, strict=True))
    return RemittancePlan(remit, verdict, claims)
