"""A posting preview in words: what posting a remittance would do, for a payment poster.

Pure: a :class:`~remittance.posting.RemittancePlan` in, lines of text out. The command line
prints it for ``claimhouse remit read``; the same text suits a review screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal

from edi.parsers.remit835 import Remittance
from remittance.balancing import BalanceVerdict
from remittance.codes import PLB_REASONS, DenialCategory, rarc_label
from remittance.denials import denial_findings
from remittance.posting import ClaimPosting, EntryKind, Outcome, RemittancePlan

__all__ = ["describe_adjustments", "describe_claim", "describe_header", "describe_plan",
           "describe_totals"]

_KIND_WORDS = {
    EntryKind.CONTRACTUAL: "written off (contractual)",
    EntryKind.DEDUCTIBLE: "to patient: deductible",
    EntryKind.COINSURANCE: "to patient: coinsurance",
    EntryKind.COPAY: "to patient: copay",
    EntryKind.PATIENT_OTHER: "to patient",
    EntryKind.OTHER_ADJUSTMENT: "written off (other adjustment)",
    EntryKind.DENIED: "denied, kept open",
    EntryKind.HELD: "held for review",
}


def _m(value: Decimal) -> str:
    return f"{value:,.2f}"


def _claim(cp: ClaimPosting, remit_date: dt.date | None) -> Iterator[str]:
    pay = cp.payment
    who = pay.patient.display_name if pay.patient else "unknown patient"
    status = {"1": "paid as primary", "2": "paid as secondary", "3": "paid as tertiary",
              "4": "denied", "19": "paid as primary, forwarded", "20": "paid as secondary, "
              "forwarded", "21": "paid as tertiary, forwarded", "22": "REVERSAL of an earlier "
              "payment", "23": "not our claim, forwarded", "25": "predetermination only"
              }.get(pay.status, f"status {pay.status}")
    yield (f"  Claim {pay.patient_control_number} ({who}), payer claim "
           f"{pay.payer_claim_number or '-'}: {status}; charge {_m(pay.charge)}, "
           f"paid {_m(pay.paid)}")
    if cp.outcome is Outcome.UNMATCHED:
        yield "    NOT MATCHED to any claim of ours: goes to the unmatched queue"
    elif cp.claim is not None and cp.method != "clp01":
        yield f"    matched to our claim {cp.claim.patient_control_number} by {cp.method}"
    for line in cp.lines:
        if line.service_index < 0:
            if not line.entries or all(e.kind is EntryKind.PAYMENT for e in line.entries):
                continue
            head = (f"    Claim level: charge {_m(line.charge)}, paid {_m(line.paid)}"
                    if pay.services or line.charge else "    Claim level")
        else:
            head = (f"    Line {line.service_index + 1} {line.procedure_code}"
                    f"{' ' + ':'.join(line.modifiers) if line.modifiers else ''}: "
                    f"charge {_m(line.charge)}, paid {_m(line.paid)}")
            svc = pay.services[line.service_index]
            if svc.submitted_procedure is not None:
                head += f" (the payer changed the code to {svc.procedure.code})"
            if line.line_id is None and cp.claim is not None:
                head += " (no matching billed line)"
            elif line.method not in ("ref_6r", "claim_level") and cp.claim is not None:
                head += f" (matched by {line.method.replace('_', ' ')})"
        yield head
        for entry in line.entries:
            if entry.kind is EntryKind.PAYMENT:
                continue
            yield (f"      {_m(entry.amount):>10}  {_KIND_WORDS[entry.kind]}  "
                   f"[{entry.description}]")
        if line.remarks:
            yield "      remarks: " + "; ".join(f"{r} {rarc_label(r)}" for r in line.remarks)
    if pay.interest:
        yield f"    interest paid on this claim: {_m(pay.interest)}"
    if cp.crossover_payer:
        yield f"    crossed over by the payer to {cp.crossover_payer}: do not bill it again"
    if cp.is_split:
        yield "    split claim (MA15): the remaining lines come on another remittance"
    patient = cp.patient_amount
    if patient:
        yield f"    patient responsibility: {_m(patient)}"
    for finding in denial_findings(cp, remit_date) if cp.claim else ():
        deadline = finding.appeal_deadline.isoformat() if finding.appeal_deadline else "none"
        yield (f"    DENIAL {finding.category.replace('_', ' ')}: "
               f"{finding.action.replace('_', ' ')}, {_m(finding.amount_at_stake)} at stake, "
               f"appeal by {deadline}")
        if finding.category is DenialCategory.TIMELY_FILING:
            # Posting decides from the claim's acceptance history (remittance.timely_filing).
            yield ("      posting keeps the appeal only with a 999/277CA acceptance within the "
                   "payer's filing limit on file; otherwise it is written off")
    if cp.outcome is Outcome.HELD:
        for reason in cp.reasons:
            yield f"    HELD: {reason}"


def describe_header(remit: Remittance) -> str:
    """The first line: whose payment, how much, how and when."""
    pay = remit.payment
    method = {"ACH": "EFT", "CHK": "check", "NON": "no payment", "BOP": "EFT or check",
              "FWT": "wire"}.get(pay.method, pay.method or "payment")
    return (f"Payment {remit.trace.number or '(no trace number)'} from "
            f"{remit.payer.name or remit.payer_id} to {remit.payee.name or '-'}: "
            f"{_m(pay.amount)} by {method} on {remit.payment_date or 'an unknown date'}")


def describe_totals(remit: Remittance, verdict: BalanceVerdict, claims: int,
                    counts: Mapping[str, int]) -> Iterator[str]:
    """What only the whole remittance tells: the outcome counts, balancing, reading problems.

    ``counts`` maps an :class:`Outcome` to the claim payments planned with it.
    """
    yield (f"  {claims} claim payment(s): {counts.get(Outcome.POSTED, 0)} to post, "
           f"{counts.get(Outcome.HELD, 0)} held, {counts.get(Outcome.UNMATCHED, 0)} unmatched")
    if not verdict.balanced:
        yield "  OUT OF BALANCE: nothing will be posted until a person releases it"
    for defect in verdict.defects:
        yield f"  {'problem' if defect.is_error else 'note'}: {defect.message}"
    for defect in remit.defects:
        yield f"  reading problem: {defect}"


def describe_claim(cp: ClaimPosting, remit_date: dt.date | None) -> Iterator[str]:
    """One planned claim payment: its lines, adjustments, denials and holds."""
    return _claim(cp, remit_date)


def describe_adjustments(remit: Remittance) -> Iterator[str]:
    """The provider adjustments (PLB) of a remittance."""
    for adj in remit.provider_adjustments:
        effect = "reduces" if adj.amount > 0 else "adds to"
        label = PLB_REASONS.get(adj.reason, f"reason {adj.reason}")
        yield (f"  Provider adjustment {adj.reason} ({label}) {adj.reference}: "
               f"{_m(adj.amount)} {effect} the payment")


def describe_plan(plan: RemittancePlan) -> Iterator[str]:
    """The preview of one remittance, line by line."""
    remit = plan.remittance
    yield describe_header(remit)
    counts = {o: plan.count(o) for o in (Outcome.POSTED, Outcome.HELD, Outcome.UNMATCHED)}
    yield from describe_totals(remit, plan.verdict, len(remit.claims), counts)
    for cp in plan.claims:
        yield from _claim(cp, remit.payment_date)
    yield from describe_adjustments(remit)
