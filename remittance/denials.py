"""Denial classification: category, recommended action, appeal deadline, dollars at stake.

Every denied or partly denied claim or line in a posting becomes a :class:`DenialFinding`. The
category comes from the CARC (group-specific rows first) through :data:`DENIAL_TABLE`, and a
RARC that changes the picture overrides it (MA130 unprocessable, MA15 split claim;
x12-domain.md 10.1). The action then depends on the claim: patient responsibility goes to the
secondary payer when there is one, and waits when the payer already crossed the claim over
(CLP02 19-21 with NM1*TT, 6.4). The appeal deadline is the remittance date plus the payer's
appeal window (payer rules as data; Medicare redetermination 120 days by default, 10.3), and
there is none when the remark says there are no appeal rights.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from remittance.codes import (
    DENIAL_TABLE,
    NOT_DENIALS,
    RARC_RULES,
    Action,
    DenialCategory,
    DenialRule,
    carc_label,
)
from remittance.posting import ClaimPosting, EntryKind, LinePosting

__all__ = ["DEFAULT_APPEAL_DAYS", "DenialFinding", "classify", "classify_adjustment",
           "denial_findings"]

DEFAULT_APPEAL_DAYS = 120
ZERO = Decimal("0")
_NO_APPEAL_REMARKS = frozenset({"MA130", "N211"})


@dataclass(frozen=True, slots=True)
class DenialFinding:
    """One denied claim or line, ready for the work queue."""

    line_id: int | None
    service_index: int               # -1 for the claim as a whole
    procedure_code: str
    category: DenialCategory
    action: Action
    group: str
    reason: str                      # the CARC with the most money behind it
    reasons: tuple[str, ...]         # every denying "GROUP CARC" on the line
    remarks: tuple[str, ...]
    amount_at_stake: Decimal
    appeal_deadline: dt.date | None
    explanation: str


def classify_adjustment(group: str, reason: str, remarks: tuple[str, ...] = ()
                        ) -> DenialRule:
    """Category and usual action for one CAS (group, CARC) with its remark codes."""
    for remark in remarks:
        if remark in RARC_RULES:
            return RARC_RULES[remark]
    rule = DENIAL_TABLE.get(f"{group}:{reason}") or DENIAL_TABLE.get(reason)
    if rule is None:
        return DenialRule(DenialCategory.PATIENT_RESPONSIBILITY, Action.BILL_PATIENT) \
            if group == "PR" else DenialRule(DenialCategory.OTHER, Action.REVIEW)
    return rule


def _action(rule: DenialRule, posting: ClaimPosting) -> Action:
    action = rule.action
    claim = posting.claim
    if action is Action.BILL_PATIENT and posting.crossover_payer:
        return Action.WAIT
    if action is Action.BILL_PATIENT and claim is not None and claim.has_secondary:
        return Action.BILL_SECONDARY
    return action


def classify(line: LinePosting, posting: ClaimPosting, remit_date: dt.date | None,
             appeal_days: int | None = None) -> DenialFinding | None:
    """The finding for one line posting, or ``None`` when nothing on it is denied."""
    denied: dict[tuple[str, str], Decimal] = {}
    for entry in line.entries:
        if entry.kind in (EntryKind.DENIED, EntryKind.HELD) and entry.amount > 0:
            key = (entry.group, entry.reason)
            denied[key] = denied.get(key, ZERO) + entry.amount
    zero_paid_claim = posting.payment.status == "4" and line.paid == 0 and line.charge > 0
    if not denied and not zero_paid_claim:
        return None
    denial_keys = [k for k in denied
                   if classify_adjustment(*k, line.remarks).category not in NOT_DENIALS]
    if not denial_keys and not zero_paid_claim:
        return None
    if denial_keys:
        group, reason = max(denial_keys, key=lambda k: denied[k])
        at_stake = sum((denied[k] for k in denial_keys), ZERO)
    else:
        group, reason = max(((e.group, e.reason) for e in line.entries if e.reason),
                            default=("", ""), key=lambda k: k[1])
        at_stake = line.charge
    rule = classify_adjustment(group, reason, line.remarks + posting.payment.remarks)
    action = _action(rule, posting)
    days = appeal_days if appeal_days is not None else (
        posting.claim.appeal_days if posting.claim else DEFAULT_APPEAL_DAYS)
    no_appeal = bool(_NO_APPEAL_REMARKS & set(line.remarks + posting.payment.remarks))
    deadline = None if (no_appeal or remit_date is None) else \
        remit_date + dt.timedelta(days=days)
    what = f"line {line.service_index + 1} {line.procedure_code}".strip() \
        if line.service_index >= 0 else "the claim"
    explanation = (f"{what}: {group} {reason} {carc_label(reason)}"
                   if reason else f"{what}: denied without an adjustment reason")
    if no_appeal:
        explanation += "; the payer gives no appeal rights"
    return DenialFinding(
        line_id=line.line_id, service_index=line.service_index,
        procedure_code=line.procedure_code, category=rule.category, action=action,
        group=group, reason=reason,
        reasons=tuple(f"{g} {r}" for g, r in (denial_keys or [(group, reason)])),
        remarks=line.remarks + posting.payment.remarks, amount_at_stake=at_stake,
        appeal_deadline=deadline, explanation=explanation)


def denial_findings(posting: ClaimPosting, remit_date: dt.date | None,
                    appeal_days: int | None = None) -> tuple[DenialFinding, ...]:
    """Findings for every line of a claim posting; none for reversals and split remainders."""
    if posting.is_reversal:
        return ()
    out = []
    for line in posting.lines:
        finding = classify(line, posting, remit_date, appeal_days)
        if finding is not None:
            out.append(finding)
    return tuple(out)
