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
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction

from claims.db.tables import ClaimRecord
from core.tables import utcnow
from edi.errors import X12Error
from edi.parsers.remit835 import Remittance, read_835
from edi.x12.collector import collector_paused
from remittance.balancing import BalanceVerdict
from remittance.bulk import insert_rows
from remittance.denials import denial_findings
from remittance.errors import UnreadableEra
from remittance.lifecycle import apply_postings, posted_claim
from remittance.lookup import load_claim_index
from remittance.matching import ClaimIndex
from remittance.posting import ClaimPosting, Outcome, RemittancePlan, plan_remittance
from remittance.posting_keys import PostingKeys, is_conflict, payment_key, retry_on_conflict
from remittance.rules import DEFAULT_RULES, PostingRules
from remittance.sources import EraSource, era_from_text
from remittance.streaming import (
    BATCH_SIZE,
    PlannedBatch,
    RemittanceEnded,
    RemittanceStarted,
    plan_stream,
)
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


class _RemittancePoster:
    """Writes one remittance as its planned batches arrive; bounded state only.

    The caller runs it inside a savepoint; :meth:`finish` writes the provider adjustments and
    the remittance's final fields once its end is read.
    """

    def __init__(self, session: Session, header: Remittance, *, sha: str, source: str,
                 user: str, stored_file_id: int | None, era_held: bool) -> None:
        self.session = session
        self.header = header
        self.sha = sha
        self.user = user
        self.stored_file_id = stored_file_id
        self.era_held = era_held
        self.tally: Counter[str] = Counter()
        self.denials = 0
        self.posted_amount = ZERO
        self.refused: list[str] = []
        self.record: RemittanceRecord | None = None
        self.duplicate_of = session.scalar(select(RemittanceRecord.id).where(
            RemittanceRecord.payer_identifier == header.payer_id[:80],
            RemittanceRecord.trace_number == _trace_key(header, sha)))
        if self.duplicate_of is not None:
            return
        remit = header
        self.record = RemittanceRecord(
            stored_file_id=stored_file_id, file_sha256=sha, source=source[:500],
            control_number=remit.control_number[:50], payer_identifier=remit.payer_id[:80],
            trace_number=_trace_key(remit, sha), payer_name=remit.payer.name[:60],
            payee_name=remit.payee.name[:60], payee_identifier=remit.payee.identifier[:80],
            payment_amount=remit.payment.amount, credit_debit=remit.payment.credit_debit[:1],
            payment_method=remit.payment.method[:3], handling=remit.payment.handling[:2],
            payment_date=remit.payment_date, claim_count=0,
            status="held" if era_held else "posted", balanced=True, problems=[],
            imported_by=user)
        session.add(self.record)
        session.flush()

    def post(self, claims: tuple[ClaimPosting, ...]) -> None:
        """Write one batch of planned claim payments, in file order."""
        record = self.record
        if record is None:
            return
        session, user, era_held = self.session, self.user, self.era_held
        keys = PostingKeys.load(session, {c.payment.patient_control_number
                                          for c in claims if c.claim}, record.id)
        net = keys.net
        now = utcnow()
        outcomes: list[Outcome] = []
        payment_rows = []
        for cp in claims:
            outcome = cp.outcome
            key = payment_key(cp.payment.patient_control_number, cp.payment.payer_claim_number)
            reasons = list(cp.reasons)
            if outcome is not Outcome.UNMATCHED:
                # A reversal cancels one earlier posting of the same CLP01 + CLP07 (RFI
                # 2150); a correction after it is new money, even under the same payer claim
                # number.
                if cp.is_reversal:
                    if net[key] <= 0 and outcome is Outcome.POSTED:
                        # Reversing money we never posted would leave a negative payment.
                        outcome = Outcome.HELD
                        reasons.append(f"reversal of payer claim {key[1] or '(none)'}, which "
                                       "was never posted here")
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
                "remittance_id": record.id,
                "claim_id": cp.claim.claim_id if cp.claim else None,
                "patient_control_number": pay.patient_control_number[:38],
                "payer_claim_number": pay.payer_claim_number[:50],
                "status_code": pay.status[:2], "charge": pay.charge, "paid": pay.paid,
                "patient_responsibility": pay.patient_responsibility,
                "interest": pay.interest, "filing_indicator": pay.filing_indicator[:2],
                "patient_name": (patient.display_name if patient else "")[:120],
                "member_id": (patient.identifier if patient else "")[:80],
                "service_from": start or (min(dates) if dates else None),
                "service_to": end or (max(dates) if dates else None),
                "outcome": str(outcome), "match_method": str(cp.method),
                "hold_kind": hold_kind, "reasons": "\n".join(reasons),
                "crossover_payer": cp.crossover_payer[:60], "split_claim": cp.is_split,
                "remarks": " ".join(pay.remarks)[:200], "position": pay.position,
                "posted_at": now if outcome is Outcome.POSTED else None,
                "posted_by": user if outcome is Outcome.POSTED else "",
                "posting_sequence": keys.take(key) if outcome is Outcome.POSTED else None})
        ids = insert_rows(session, ClaimPaymentRecord.__table__, payment_rows,
                          returning_ids=True)
        del payment_rows
        # Proof of timely filing is loaded only for the few claims denied for it (CARC 29).
        histories = load_filing_history(session, {cp.claim.claim_id for cp in claims
                                                  if cp.claim and needs_filing_history(cp)})
        all_postings: list[dict[str, object]] = []
        all_denials: list[dict[str, object]] = []
        remit_date = self.header.payment_date
        for cp, outcome, cp_id in zip(claims, outcomes, ids, strict=True):
            if outcome is Outcome.DUPLICATE:
                continue
            posted = outcome is Outcome.POSTED
            all_postings += posting_rows(cp, cp_id, posted)
            if outcome is not Outcome.UNMATCHED:
                all_denials += denial_rows(cp, cp_id, remit_date, posted,
                                           histories=histories)
        self.denials += len(all_denials)
        insert_rows(session, PostingRecord.__table__, all_postings)
        insert_rows(session, DenialRecord.__table__, all_denials)
        posted_claims = [cp for cp, outcome in zip(claims, outcomes, strict=True)
                         if outcome is Outcome.POSTED]
        self.refused += apply_postings(session, [posted_claim(cp) for cp in posted_claims],
                                       actor=user or "835",
                                       stored_file_id=self.stored_file_id)
        self.tally.update(str(o) for o in outcomes)
        self.posted_amount += sum((cp.payment.paid for cp in posted_claims), ZERO)

    def finish(self, end: RemittanceEnded) -> RemittanceSummary:
        """The remittance's end: provider adjustments, counts, balancing, problems."""
        remit, verdict = end.remittance, end.verdict
        if self.duplicate_of is not None:
            return _duplicate(self.duplicate_of, remit, verdict)
        record = self.record
        assert record is not None
        problems = [d.message for d in verdict.defects] + [str(d) for d in remit.defects]
        _store_provider_adjustments(self.session, remit, record.id)
        record.claim_count = end.claim_count
        record.balanced = verdict.balanced
        record.problems = problems + self.refused
        self.session.flush()
        return RemittanceSummary(
            remittance_id=record.id, payer=remit.payer.name, trace_number=record.trace_number,
            payment_amount=remit.payment.amount, status=record.status,
            balanced=verdict.balanced, problems=tuple(problems),
            outcomes=tuple(sorted(self.tally.items())), denials=self.denials,
            posted_amount=self.posted_amount)


def _duplicate(existing: int, remit: Remittance, verdict: BalanceVerdict
               ) -> RemittanceSummary:
    return RemittanceSummary(
        existing, remit.payer.name, remit.trace.number, remit.payment.amount,
        "duplicate", verdict.balanced,
        (f"payment {remit.trace.number} from {remit.payer.name or remit.payer_id} "
         "was imported before; nothing was posted again",), (), 0, ZERO)


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


def _store_provider_adjustments(session: Session, remit: Remittance, remit_id: int) -> None:
    items = remit.provider_adjustments
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
               stored_file_id: int | None = None,
               batch_size: int = BATCH_SIZE) -> ImportResult:
    """Read an 835 (its text, or a re-openable :data:`~remittance.sources.EraSource`) and post
    it; idempotent on payer + TRN02; never commits.

    The ERA is read as a stream and posted ``batch_size`` claim payments at a time, each
    remittance inside a savepoint: one found out of balance (or unreadable in part) only at
    its SE is rolled back to its savepoint and read again from the source to be stored held.
    """
    source_of = era_from_text(era) if isinstance(era, str) else era
    importer = _Importer(session, source_of, source=source, sha=file_sha256,
                         rules=rules, user=user or "", stored_file_id=stored_file_id,
                         batch_size=batch_size)
    with collector_paused():
        return importer.run()


class _Importer:
    """One import: the stream read once, a remittance read again only when it must be."""

    def __init__(self, session: Session, era: EraSource, *, source: str, sha: str,
                 rules: PostingRules | None, user: str, stored_file_id: int | None,
                 batch_size: int) -> None:
        self.session = session
        self.era = era
        self.source = source
        self.sha = sha
        self.rules = rules
        self.user = user
        self.stored_file_id = stored_file_id
        self.batch_size = batch_size

    def _poster(self, header: Remittance, era_held: bool) -> _RemittancePoster:
        return _RemittancePoster(self.session, header, sha=self.sha, source=self.source,
                                 user=self.user, stored_file_id=self.stored_file_id,
                                 era_held=era_held)

    def run(self) -> ImportResult:
        session = self.session
        summaries: list[RemittanceSummary] = []
        problems: tuple[str, ...] = ()
        poster: _RemittancePoster | None = None
        savepoint: SessionTransaction | None = None
        for event in plan_stream(session, self.era, source=self.source, rules=self.rules,
                                 batch_size=self.batch_size):
            try:
                if isinstance(event, RemittanceStarted):
                    # Optimistic: posted as balanced; rolled back if its end says otherwise.
                    savepoint = session.begin_nested()
                    poster = self._poster(event.header, era_held=False)
                elif isinstance(event, PlannedBatch):
                    if poster is not None:
                        poster.post(event.claims)
                elif isinstance(event, RemittanceEnded):
                    summaries.append(self._end(event, poster, savepoint))
                    poster = savepoint = None
                else:
                    problems = event.problems
            except DBAPIError as exc:
                if not is_conflict(exc) or savepoint is None:
                    raise
                # Another transaction stored the same payment first: the rest of this
                # remittance is skipped and it is read again at its end, planned on what is
                # committed now.
                savepoint.rollback()
                poster = savepoint = None
        return ImportResult(self.source, self.sha, tuple(summaries), problems)

    def _end(self, end: RemittanceEnded, poster: _RemittancePoster | None,
             savepoint: SessionTransaction | None) -> RemittanceSummary:
        attempts = 4         # the first attempt collided already
        if poster is not None and savepoint is not None:
            if poster.duplicate_of is not None or not (end.held or end.header_changed):
                try:
                    summary = poster.finish(end)
                    savepoint.commit()
                    return summary
                except DBAPIError as exc:
                    if not is_conflict(exc):
                        raise
                    savepoint.rollback()
            else:
                savepoint.rollback()
                attempts = 5
        remit = end.remittance
        what = f"{self.source}: payment {remit.trace.number or remit.control_number}"
        return retry_on_conflict(self.session, partial(self._again, end), what=what,
                                 attempts=attempts)

    def _again(self, end: RemittanceEnded) -> RemittanceSummary:
        """Read remittance ``end.index`` again and post it whole, held if it must be."""
        poster: _RemittancePoster | None = None
        for event in plan_stream(self.session, self.era, source=self.source, rules=self.rules,
                                 batch_size=self.batch_size, only=end.index,
                                 header=end.remittance):
            if isinstance(event, RemittanceStarted):
                poster = self._poster(event.header, era_held=end.held)
            elif isinstance(event, PlannedBatch):
                assert poster is not None
                poster.post(event.claims)
            elif isinstance(event, RemittanceEnded):
                assert poster is not None
                return poster.finish(event)
        raise UnreadableEra(f"{self.source}: payment {end.index + 1} was not found when the "
                            "file was read again; the file changed while it was posted")
