"""The posting preview of a whole ERA, bounded in size: what posting would do, per remittance.

:func:`preview_era` reads the ERA as a stream (:mod:`remittance.sources`), plans every claim
payment as posting would, and keeps per remittance only the totals and the words of
:func:`~remittance.preview.describe_plan` for the first ``claim_detail_limit`` claims, then one
line for the rest. Nothing is written; the session (when there is one) only reads our claims
and whether the payment was posted before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from edi.parsers.remit835 import Remittance
from edi.x12.collector import collector_paused
from remittance.posting import Outcome
from remittance.preview import (
    describe_adjustments,
    describe_claim,
    describe_header,
    describe_totals,
)
from remittance.rules import PostingRules
from remittance.sources import EraSource, era_from_text
from remittance.streaming import (
    PlannedBatch,
    RemittanceEnded,
    RemittanceStarted,
    plan_stream,
)
from remittance.tables import RemittanceRecord

__all__ = ["EraPreview", "RemittancePreview", "preview_era", "preview_lines"]

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class RemittancePreview:
    """One ST..SE as posting would treat it."""

    trace_number: str                # TRN02
    payer: str                       # N1*PR name, else the payer id
    payer_id: str                    # TRN03, else BPR10, else N104
    payment_amount: Decimal          # BPR02
    balanced: bool
    held: bool                       # out of balance or unreadable in part: posts as held
    posted_before: bool              # payer + TRN02 already stored: posting changes nothing
    claim_count: int
    outcomes: tuple[tuple[str, int], ...]    # (outcome, count), sorted by outcome
    posted_amount: Decimal           # CLP04 of the claim payments that would post
    lines: tuple[str, ...]           # the preview in words, the first claims in detail
    problems: tuple[str, ...]        # balancing and reading problems, in words


@dataclass(frozen=True, slots=True)
class EraPreview:
    remittances: tuple[RemittancePreview, ...]
    problems: tuple[str, ...]        # file-level problems (envelope, skipped sets)
    #: Those of ``problems`` that are warnings (a bare set read leniently), not errors.
    warnings: tuple[str, ...] = ()


def _posted_before(session: Session | None, payer_id: str, trace: str) -> bool:
    if session is None or not trace:
        return False
    return session.scalar(select(RemittanceRecord.id).where(
        RemittanceRecord.payer_identifier == payer_id[:80],
        RemittanceRecord.trace_number == trace[:50])) is not None


class _Collector:
    """One remittance's preview, kept bounded while its claim payments stream by."""

    def __init__(self, header: Remittance, limit: int) -> None:
        self.header = header
        self.limit = limit
        self.counts: Counter[str] = Counter()
        self.claims = 0
        self.posted = ZERO
        self.detail: list[str] = []
        self.rest_charge = ZERO
        self.rest_paid = ZERO

    def add(self, batch: PlannedBatch) -> None:
        remit_date = self.header.payment_date
        for cp in batch.claims:
            self.claims += 1
            self.counts[str(cp.outcome)] += 1
            if cp.outcome is Outcome.POSTED:
                self.posted += cp.payment.paid
            if self.claims <= self.limit:
                self.detail.extend(describe_claim(cp, remit_date))
            else:
                self.rest_charge += cp.payment.charge
                self.rest_paid += cp.payment.paid

    def preview(self, end: RemittanceEnded, session: Session | None) -> RemittancePreview:
        remit, verdict = end.remittance, end.verdict
        lines = [describe_header(remit),
                 *describe_totals(remit, verdict, self.claims, self.counts), *self.detail]
        more = self.claims - self.limit
        if more > 0:
            lines.append(f"  ... and {more} more claim payment(s): charge "
                         f"{self.rest_charge:,.2f}, paid {self.rest_paid:,.2f}")
        lines.extend(describe_adjustments(remit))
        return RemittancePreview(
            trace_number=remit.trace.number, payer=remit.payer.name or remit.payer_id,
            payer_id=remit.payer_id, payment_amount=remit.payment.amount,
            balanced=verdict.balanced, held=end.held,
            posted_before=_posted_before(session, remit.payer_id, remit.trace.number),
            claim_count=self.claims, outcomes=tuple(sorted(self.counts.items())),
            posted_amount=ZERO if end.held else self.posted, lines=tuple(lines),
            problems=tuple([d.message for d in verdict.defects]
                           + [str(d) for d in remit.defects]))


def preview_era(session: Session | None, era: str | EraSource, *, source: str,
                rules: PostingRules | None = None,
                claim_detail_limit: int = 200) -> EraPreview:
    """What posting ``era`` would do, without writing anything.

    Without a session nothing can match: every claim payment previews as unmatched.
    Raises :class:`~remittance.errors.UnreadableEra` when the file is not an 835.
    """
    source_of = era_from_text(era) if isinstance(era, str) else era
    out: list[RemittancePreview] = []
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    collector: _Collector | None = None
    with collector_paused():
        for event in plan_stream(session, source_of, source=source, rules=rules):
            if isinstance(event, RemittanceStarted):
                collector = _Collector(event.header, claim_detail_limit)
            elif isinstance(event, PlannedBatch):
                assert collector is not None
                collector.add(event)
            elif isinstance(event, RemittanceEnded):
                assert collector is not None
                if event.header_changed:
                    collector = _again(session, source_of, source, rules, event,
                                       claim_detail_limit)
                out.append(collector.preview(event, session))
                collector = None
            else:
                problems, warnings = event.problems, event.warnings
    return EraPreview(tuple(out), problems, warnings)


def _again(session: Session | None, era: EraSource, source: str, rules: PostingRules | None,
           end: RemittanceEnded, limit: int) -> _Collector:
    """The remittance planned again with the header its end gave (rare: a BPR or TRN after
    the first claim payment)."""
    collector = _Collector(end.remittance, limit)
    for event in plan_stream(session, era, source=source, rules=rules, only=end.index,
                             header=end.remittance):
        if isinstance(event, PlannedBatch):
            collector.add(event)
    return collector


def preview_lines(session: Session | None, era: EraSource, *, source: str,
                  rules: PostingRules | None = None) -> Iterator[str]:
    """The whole preview in words as the file is read, for a terminal: each claim payment as
    it is planned, each remittance's totals and provider adjustments at its end, the file's
    problems last (``file: ...``). Nothing is kept but the current remittance's counts."""
    counts: Counter[str] = Counter()
    claims = 0
    remit_date = None
    with collector_paused():
        for event in plan_stream(session, era, source=source, rules=rules):
            if isinstance(event, RemittanceStarted):
                yield describe_header(event.header)
                remit_date = event.header.payment_date
                counts, claims = Counter(), 0
            elif isinstance(event, PlannedBatch):
                for cp in event.claims:
                    counts[cp.outcome] += 1
                    claims += 1
                    yield from describe_claim(cp, remit_date)
            elif isinstance(event, RemittanceEnded):
                remit = event.remittance
                if event.header_changed:
                    yield ("  note: the payment's BPR, TRN or dates came after its claims; "
                           "posting plans the claims again with them")
                yield from describe_totals(remit, event.verdict, claims,
                                           {o: counts[o] for o in Outcome})
                yield from describe_adjustments(remit)
            else:
                yield from (f"file: {problem}" for problem in event.problems)
