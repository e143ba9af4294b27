"""The posting preview of a whole ERA, bounded in size: what posting would do, per remittance.

:func:`preview_era` reads the ERA as a stream (:mod:`remittance.sources`), plans every claim
payment as posting would, and keeps per remittance only the totals and the words of
:func:`~remittance.preview.describe_plan` for the first ``claim_detail_limit`` claims, then one
line for the rest. Nothing is written; the session (when there is one) only reads our claims
and whether the payment was posted before.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from remittance.importer import plan_era
from remittance.posting import Outcome
from remittance.preview import describe_plan
from remittance.rules import PostingRules
from remittance.sources import EraSource
from remittance.tables import RemittanceRecord

__all__ = ["EraPreview", "RemittancePreview", "preview_era"]

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


def _posted_before(session: Session | None, payer_id: str, trace: str) -> bool:
    if session is None or not trace:
        return False
    return session.scalar(select(RemittanceRecord.id).where(
        RemittanceRecord.payer_identifier == payer_id[:80],
        RemittanceRecord.trace_number == trace[:50])) is not None


def preview_era(session: Session | None, era: str | EraSource, *, source: str,
                rules: PostingRules | None = None,
                claim_detail_limit: int = 200) -> EraPreview:
    """What posting ``era`` would do, without writing anything.

    Without a session nothing can match: every claim payment previews as unmatched.
    """
    text = era if isinstance(era, str) else "".join(era())
    plans, problems = plan_era(session, text, source=source, rules=rules)
    out = []
    for plan in plans:
        remit = plan.remittance
        held = plan.held or any(d.is_error for d in remit.defects)
        counts: dict[str, int] = {}
        for cp in plan.claims:
            counts[str(cp.outcome)] = counts.get(str(cp.outcome), 0) + 1
        posted = ZERO if held else sum(
            (cp.payment.paid for cp in plan.claims if cp.outcome is Outcome.POSTED), ZERO)
        out.append(RemittancePreview(
            trace_number=remit.trace.number, payer=remit.payer.name or remit.payer_id,
            payer_id=remit.payer_id, payment_amount=remit.payment.amount,
            balanced=plan.verdict.balanced, held=held,
            posted_before=_posted_before(session, remit.payer_id, remit.trace.number),
            claim_count=len(remit.claims), outcomes=tuple(sorted(counts.items())),
            posted_amount=posted, lines=tuple(describe_plan(plan)),
            problems=tuple([d.message for d in plan.verdict.defects]
                           + [str(d) for d in remit.defects])))
    return EraPreview(tuple(out), problems)
