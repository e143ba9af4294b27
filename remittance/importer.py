"""Importing an 835: read, balance, match, post, queue denials; all in the caller's session.

:func:`import_era` never commits. Everything it writes goes through the caller's session, so
the edge that commits (a request, a task, the command line) makes an import all or nothing: a
crash leaves nothing half-posted. Idempotency is on the payment's natural key, payer + TRN02
(x12-domain.md 11.7): a remittance seen before is reported as a duplicate and not touched; a
claim payment already posted from another remittance (same CLP01 + CLP07, not since reversed)
is stored as a duplicate and not posted again.

Both keys are unique in the database, so they hold when two imports run at once. Each
remittance is stored inside a savepoint; when the database refuses one because another
transaction stored the same payment first, it is rolled back and planned again on what is
committed now, and reported as the duplicate it is (remittance.posting_keys).

Rows are written with set-based inserts and updates, never one flush per row, so a 10,000-claim
payment posts in seconds (bench/bench_posting.py).

    UnreadableEra            the file cannot be read as an 835 at all (remittance.errors)
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimRecord
from core.tables import utcnow
from edi.errors import X12Error
from edi.parsers.remit835 import Remittance, read_835
from remittance.bulk import insert_rows
from remittance.denials import denial_findings
from remittance.errors import UnreadableEra
from remittance.lifecycle import apply_postings, posted_claim
from remittance.lookup import load_claim_index
from remittance.matching import ClaimIndex
from remittance.posting import ClaimPosting, Outcome, RemittancePlan, plan_remittance
from remittance.posting_keys import PostingKeys, payment_key, retry_on_conflict
from remittance.rules import DEFAULT_RULES, PostingRules
from remittance.sources import EraSource
from remittance.tables import (
    ClaimPaymentRecord,
    DenialRecord,
    PostingRecord,
    ProviderAdjustmentRecord,
    RemittanceRecord,
)
from remittance.timely_filing import (
    FilingHistory,
    judge_findings,
    load_filing_history,
    needs_filing_history,
)

__all__ = ["ImportResult", "RemittanceSummary", "denial_rows",
           "import_era", "plan_era", "posting_rows"]

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class RemittanceSummary:
    remittance_id: int | None
    payer: str
    trace_number: str
    payment_amount: Decimal
    status: str                  # posted | held | duplicate
    balanced: bool
    problems: tuple[str, ...]
    outcomes: tuple[tuple[str, int], ...]   # (outcome, count)
    denials: int
    posted_amount: Decimal

    def count(self, outcome: Outcome | str) -> int:
        return dict(self.outcomes).get(str(outcome), 0)


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: str
    file_sha256: str
    remittances: tuple[RemittanceSummary, ...]
    file_problems: tuple[str, ...] = ()

    @property
    def duplicate(self) -> bool:
        return bool(self.remittances) and all(r.status == "duplicate" for r in self.remittances)


def plan_era(session: Session | None, text: str, *, source: str,
             rules: PostingRules | None = None) -> tuple[list[RemittancePlan], tuple[str, ...]]:
    """Read and plan without writing anything: the posting preview.

    Without a session nothing can match: every claim payment plans as unmatched.
    """
    try:
        era = read_835(text, source)
    except X12Error as exc:
        raise UnreadableEra(f"{source}: not a readable 835: {exc}") from exc
    if not era.remittances:
        why = "; ".join(d.message for d in era.defects)
        raise UnreadableEra(f"{source}: no 835 remittance in the file ({why})")
    index = load_claim_index(session, era.remittances) if session else ClaimIndex(())
    plans = [plan_remittance(r, index, rules or DEFAULT_RULES) for r in era.remittances]
    return plans, tuple(str(d) for d in era.defects)


def _trace_key(remit: Remittance, file_sha256: str) -> str:
    # Without TRN02 there is no natural key; the file and ST02 stand in for it.
    return (remit.trace.number or f"ST{remit.control_number}:{file_sha256[:16]}")[:50]


def _store(session: Session, plan: RemittancePlan, *, sha: str, source: str, user: str,
           stored_file_id: int | None, era_held: bool) -> RemittanceSummary:
    remit = plan.remittance
    problems = [d.message for d in plan.verdict.defects] + [str(d) for d in remit.defects]
    record = RemittanceRecord(
        stored_file_id=stored_file_id, file_sha256=sha, source=source[:500],
        control_number=remit.control_number[:50], payer_identifier=remit.payer_id[:80],
        trace_number=_trace_key(remit, sha), payer_name=remit.payer.name[:60],
        payee_name=remit.payee.name[:60], payee_identifier=remit.payee.identifier[:80],
        payment_amount=remit.payment.amount, credit_debit=remit.payment.credit_debit[:1],
        payment_method=remit.payment.method[:3], handling=remit.payment.handling[:2],
        payment_date=remit.payment_date, claim_count=len(remit.claims),
        status="held" if era_held else "posted", balanced=plan.verdict.balanced,
        problems=problems, imported_by=user)
    session.add(record)
    session.flush()
    keys = PostingKeys.load(session, {c.payment.patient_control_number
                                      for c in plan.claims if c.claim})
    net = keys.net
    now = utcnow()
    outcomes: list[Outcome] = []
    payment_rows = []
    for cp in plan.claims:
        outcome = cp.outcome
        key = payment_key(cp.payment.patient_control_number, cp.payment.payer_claim_number)
        reasons = list(cp.reasons)
        if outcome is not Outcome.UNMATCHED:
            # A reversal cancels one earlier posting of the same CLP01 + CLP07 (RFI 2150);
            # a correction after it is new money, even under the same payer claim number.
            if cp.is_reversal:
                if net[key] <= 0 and outcome is Outcome.POSTED:
                    # Reversing money we never posted would leave a negative payment behind.
                    outcome = Outcome.HELD
                    reasons.append(f"reversal of payer claim {key[1] or '(none)'}, which was "
                                   "never posted here")
                net[key] -= 1
            elif net[key] > 0:
                outcome = Outcome.DUPLICATE
                reasons.insert(0, "already posted from an earlier remittance")
            else:
                net[key] += 1
        hold_kind = "claim" if outcome is Outcome.HELD else ""
        if era_held and outcome is Outcome.POSTED:
            outcome, hold_kind = Outcome.HELD, "remittance"
            reasons.append("the remittance is out of balance and waits for review")
        outcomes.append(outcome)
        pay = cp.payment
        patient = pay.patient
        start, end = pay.statement_period
        dates = [s.service_date for s in pay.services if s.service_date]
        payment_rows.append({
            "remittance_id": record.id, "claim_id": cp.claim.claim_id if cp.claim else None,
            "patient_control_number": pay.patient_control_number[:38],
            "payer_claim_number": pay.payer_claim_number[:50], "status_code": pay.status[:2],
            "charge": pay.charge, "paid": pay.paid,
            "patient_responsibility": pay.patient_responsibility, "interest": pay.interest,
            "filing_indicator": pay.filing_indicator[:2],
            "patient_name": (patient.display_name if patient else "")[:120],
            "member_id": (patient.identifier if patient else "")[:80],
            "service_from": start or (min(dates) if dates else None),
            "service_to": end or (max(dates) if dates else None),
            "outcome": str(outcome), "match_method": str(cp.method), "hold_kind": hold_kind,
            "reasons": "\n".join(reasons), "crossover_payer": cp.crossover_payer[:60],
            "split_claim": cp.is_split, "remarks": " ".join(pay.remarks)[:200],
            "position": pay.position,
            "posted_at": now if outcome is Outcome.POSTED else None,
            "posted_by": user if outcome is Outcome.POSTED else "",
            "posting_sequence": keys.take(key) if outcome is Outcome.POSTED else None})
    ids = insert_rows(session, ClaimPaymentRecord.__table__, payment_rows, returning_ids=True)
    # Proof of timely filing is loaded only for the few claims denied for it (CARC 29).
    histories = load_filing_history(session, {cp.claim.claim_id for cp in plan.claims
                                              if cp.claim and needs_filing_history(cp)})
    all_postings: list[dict[str, object]] = []
    all_denials: list[dict[str, object]] = []
    for cp, outcome, cp_id in zip(plan.claims, outcomes, ids, strict=True):
        if outcome is Outcome.DUPLICATE:
            continue
        posted = outcome is Outcome.POSTED
        all_postings += posting_rows(cp, cp_id, posted)
        if outcome is not Outcome.UNMATCHED:
            all_denials += denial_rows(cp, cp_id, remit.payment_date, posted,
                                       histories=histories)
    denials = len(all_denials)
    insert_rows(session, PostingRecord.__table__, all_postings)
    insert_rows(session, DenialRecord.__table__, all_denials)
    _store_provider_adjustments(session, plan, record.id)
    posted_claims = [(cp, cp_id) for cp, outcome, cp_id in zip(plan.claims, outcomes, ids,
                                                                strict=True)
                     if outcome is Outcome.POSTED]
    refused = apply_postings(session, [posted_claim(cp) for cp, _ in posted_claims],
                             actor=user or "835", stored_file_id=stored_file_id)
    if refused:
        record.problems = problems + refused
    tally = Counter(str(o) for o in outcomes)
    return RemittanceSummary(
        remittance_id=record.id, payer=remit.payer.name, trace_number=record.trace_number,
        payment_amount=remit.payment.amount, status=record.status,
        balanced=plan.verdict.balanced, problems=tuple(problems),
        outcomes=tuple(sorted(tally.items())), denials=denials,
        posted_amount=sum((cp.payment.paid for cp, _ in posted_claims), ZERO))


def posting_rows(cp: ClaimPosting, cp_id: int, posted: bool) -> list[dict[str, object]]:
    """The ``postings`` rows of one planned claim payment."""
    claim_id = cp.claim.claim_id if cp.claim else None
    rows: list[dict[str, object]] = []
    for line in cp.lines:
        for entry in line.entries:
            if entry.kind == "payment" and not entry.amount and line.service_index < 0:
                continue
            rows.append({
                "claim_payment_id": cp_id, "claim_id": claim_id, "line_id": line.line_id,
                "service_index": line.service_index,
                "procedure_code": line.procedure_code[:48], "line_charge": line.charge,
                "kind": str(entry.kind), "group_code": entry.group[:2],
                "reason_code": entry.reason[:5],
                "remark_codes": " ".join(entry.remarks)[:200], "amount": entry.amount,
                "posted": posted})
    return rows


def denial_rows(cp: ClaimPosting, cp_id: int, remit_date: dt.date | None,
                posted: bool, *, histories: Mapping[int, FilingHistory]
                ) -> list[dict[str, object]]:
    """The ``denials`` rows (work queue items) of one planned claim payment.

    ``histories`` is the filing history (:func:`load_filing_history`) of each claim whose
    payment :func:`needs_filing_history`: timely-filing denials are judged on it.
    """
    claim_id = cp.claim.claim_id if cp.claim else None
    findings = judge_findings(denial_findings(cp, remit_date), cp.claim, histories)
    return [{
        "claim_payment_id": cp_id, "claim_id": claim_id, "line_id": f.line_id,
        "service_index": f.service_index, "procedure_code": f.procedure_code[:48],
        "category": str(f.category), "action": str(f.action), "group_code": f.group[:2],
        "reason_code": f.reason[:5], "reasons": ", ".join(f.reasons)[:200],
        "remark_codes": " ".join(f.remarks)[:200], "amount_at_stake": f.amount_at_stake,
        "appeal_deadline": f.appeal_deadline, "explanation": f.explanation,
        "status": "open" if posted else "held"} for f in findings]


def _store_provider_adjustments(session: Session, plan: RemittancePlan, remit_id: int) -> None:
    items = plan.remittance.provider_adjustments
    if not items:
        return
    refs = {p.reference for p in items if p.reference}
    by_ref: dict[str, int] = {}
    if refs:
        for cid, pcn, icn in session.execute(
                select(ClaimRecord.id, ClaimRecord.patient_control_number,
                       ClaimRecord.payer_claim_number)
                .where(ClaimRecord.patient_control_number.in_(refs)
                       | ClaimRecord.payer_claim_number.in_(refs))):
            by_ref[pcn] = cid
            if icn:
                by_ref[icn] = cid
    insert_rows(session, ProviderAdjustmentRecord.__table__, [
        {"remittance_id": remit_id, "provider_identifier": p.provider_id[:50],
         "fiscal_period": p.fiscal_period, "reason_code": p.reason[:2],
         "reference": p.reference[:50], "amount": p.amount, "claim_id": by_ref.get(p.reference)}
        for p in items])


def import_era(session: Session, era: str | EraSource, *, source: str, file_sha256: str,
               rules: PostingRules | None = None, user: str | None = None,
               stored_file_id: int | None = None) -> ImportResult:
    """Read an 835 (its text, or a re-openable :data:`~remittance.sources.EraSource`) and post
    it; idempotent on payer + TRN02; never commits."""
    text = era if isinstance(era, str) else "".join(era())
    with _collector_paused():
        return _import(session, text, source=source, file_sha256=file_sha256, rules=rules,
                       user=user, stored_file_id=stored_file_id)


@contextmanager
def _collector_paused() -> Iterator[None]:
    # An import allocates a few objects per segment and creates no cycles worth collecting;
    # pausing the cyclic collector roughly halves the time of a large remittance.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import_one(session: Session, plan: RemittancePlan, *, source: str, file_sha256: str,
                user: str, stored_file_id: int | None) -> RemittanceSummary:
    remit = plan.remittance
    existing = session.scalar(select(RemittanceRecord.id).where(
        RemittanceRecord.payer_identifier == remit.payer_id[:80],
        RemittanceRecord.trace_number == _trace_key(remit, file_sha256)))
    if existing is not None:
        return RemittanceSummary(
            existing, remit.payer.name, remit.trace.number, remit.payment.amount,
            "duplicate", plan.verdict.balanced,
            (f"payment {remit.trace.number} from {remit.payer.name or remit.payer_id} "
             "was imported before; nothing was posted again",), (), 0, ZERO)
    era_held = plan.held or any(d.is_error for d in remit.defects)
    return _store(session, plan, sha=file_sha256, source=source, user=user,
                  stored_file_id=stored_file_id, era_held=era_held)


def _import(session: Session, text: str, *, source: str, file_sha256: str,
            rules: PostingRules | None, user: str | None,
            stored_file_id: int | None) -> ImportResult:
    plans, file_problems = plan_era(session, text, source=source, rules=rules)
    summaries = []
    for plan in plans:
        remit = plan.remittance
        what = f"{source}: payment {remit.trace.number or remit.control_number}"
        summaries.append(retry_on_conflict(session, partial(
            _import_one, session, plan, source=source, file_sha256=file_sha256,
            user=user or "", stored_file_id=stored_file_id), what=what))
    return ImportResult(source, file_sha256, tuple(summaries), file_problems)

