"""An ERA planned as a stream: claim payments matched and planned in batches as they are read.

:func:`plan_stream` reads an :data:`~remittance.sources.EraSource` with
:func:`edi.parsers.remit835.iter_835` and yields, per remittance (ST..SE),
:class:`RemittanceStarted` (its header, before any claim), :class:`PlannedBatch` (up to
``batch_size`` planned claim payments, matched against our claims with one index per batch),
and :class:`RemittanceEnded` (the remittance without claims, its balancing verdict and whether
its header changed after the first claim); then :class:`EraEnded` with the file's problems.
Only one batch of claim payments, their claim snapshots and the balancing sums are held at a
time, so an ERA of any size is planned in bounded memory. Posting (:mod:`remittance.importer`)
and the preview (:mod:`remittance.era_preview`, ``claimhouse remit read``) consume it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from edi.errors import X12Error
from edi.parsers.remit835 import (
    ClaimPayment,
    FileClosed,
    Remittance,
    RemittanceClosed,
    RemittanceOpened,
    iter_835,
)
from remittance.balancing import BalanceTally, BalanceVerdict, check_claim_balance
from remittance.errors import UnreadableEra
from remittance.lookup import claim_index_for
from remittance.matching import ClaimIndex, remittance_payer_keys
from remittance.posting import ClaimPosting, plan_claim
from remittance.rules import DEFAULT_RULES, PostingRules
from remittance.sources import EraSource

__all__ = ["BATCH_SIZE", "EraEnded", "PlanEvent", "PlannedBatch", "RemittanceEnded",
           "RemittanceStarted", "plan_stream", "same_header"]

#: Claim payments matched and written together: large enough that the set-based queries
#: and COPYs dominate, small enough that a batch's values stay a few MiB.
BATCH_SIZE = 2000
#: With the collector paused (see collector_paused), its young generations are collected
#: once per this many batches.
_COLLECT_EVERY = 16


@dataclass(frozen=True, slots=True)
class RemittanceStarted:
    header: Remittance               # claims == (); what preceded the first claim payment
    index: int


@dataclass(frozen=True, slots=True)
class PlannedBatch:
    index: int                       # the remittance the claim payments belong to
    claims: tuple[ClaimPosting, ...]


@dataclass(frozen=True, slots=True)
class RemittanceEnded:
    remittance: Remittance           # claims == (); PLB, SE check and every defect final
    index: int
    verdict: BalanceVerdict
    claim_count: int
    #: The header at the end differs from the one the claims were planned with (a BPR, TRN
    #: or DTM*405 after the first claim): the plans must be made again with this one.
    header_changed: bool

    @property
    def held(self) -> bool:
        """Out of balance, or a reading error: nothing of it posts until a person decides."""
        return not self.verdict.balanced or any(d.is_error for d in self.remittance.defects)


@dataclass(frozen=True, slots=True)
class EraEnded:
    problems: tuple[str, ...]        # the file's own defects, in words
    remittance_count: int
    warnings: tuple[str, ...] = ()   # those of them that are warnings, not errors


PlanEvent = RemittanceStarted | PlannedBatch | RemittanceEnded | EraEnded


def same_header(a: Remittance, b: Remittance) -> bool:
    """Do two readings of a remittance agree on everything planning and storing use?"""
    return (a.control_number, a.position, a.payment, a.trace, a.payer, a.payee, a.dates) == \
        (b.control_number, b.position, b.payment, b.trace, b.payer, b.payee, b.dates)


def plan_stream(session: Session | None, era: EraSource, *, source: str,
                rules: PostingRules | None = None, batch_size: int = BATCH_SIZE,
                only: int | None = None, header: Remittance | None = None
                ) -> Iterator[PlanEvent]:
    """Plan ``era`` as a stream (see the module's docstring).

    Without a session nothing can match: every claim payment plans as unmatched. ``only``
    plans that remittance alone (the others are read, not planned, and the stream stops after
    it), with ``header`` instead of the one read before its first claim payment, when given.

    Raises :class:`UnreadableEra` when the text is not an 835 at all, possibly after events
    of the remittances before the fault.
    """
    rules = rules or DEFAULT_RULES
    pending: list[ClaimPayment] = []
    tally = BalanceTally()
    planned_with: Remittance | None = None
    skipping = False
    event_index = 0
    batches = 0
    try:
        for event in iter_835(era(), source):
            if type(event) is ClaimPayment:
                if skipping:
                    continue
                pending.append(event)
                if len(pending) >= batch_size:
                    assert planned_with is not None
                    yield _batch(session, planned_with, pending, tally, rules, event_index)
                    pending = []
                    batches += 1
                    if batches % _COLLECT_EVERY == 0 and not gc.isenabled():
                        # A batch leaves about a hundred objects in cycles (statement and
                        # result objects). A collection walks every live young object (a
                        # batch's worth, 40-80 ms) however often it runs, so it runs seldom.
                        gc.collect(1)
            elif isinstance(event, RemittanceOpened):
                event_index = event.index
                skipping = only is not None and event.index != only
                if skipping:
                    continue
                planned_with = header if header is not None else event.header
                tally = BalanceTally()
                yield RemittanceStarted(planned_with, event.index)
            elif isinstance(event, RemittanceClosed):
                if skipping:
                    continue
                assert planned_with is not None
                if pending:
                    yield _batch(session, planned_with, pending, tally, rules, event.index)
                    pending = []
                remit = event.remittance
                yield RemittanceEnded(remit, event.index, tally.verdict(remit),
                                      event.claim_count, not same_header(planned_with, remit))
                if only is not None:
                    return
            elif isinstance(event, FileClosed):
                if not event.remittance_count:
                    why = "; ".join(d.message for d in event.defects)
                    raise UnreadableEra(f"{source}: no 835 remittance in the file ({why})")
                yield EraEnded(tuple(str(d) for d in event.defects), event.remittance_count,
                               tuple(str(d) for d in event.defects if not d.is_error))
    except X12Error as exc:
        raise UnreadableEra(f"{source}: not a readable 835: {exc}") from exc


def _batch(session: Session | None, remit: Remittance, payments: list[ClaimPayment],
           tally: BalanceTally, rules: PostingRules, index: int) -> PlannedBatch:
    claims = claim_index_for(session, payments) if session is not None else ClaimIndex(())
    payer_keys = remittance_payer_keys(remit)
    out = []
    for payment in payments:
        found = check_claim_balance(remit, payment)
        tally.add(payment, found)
        out.append(plan_claim(remit, payment, claims, rules, found, payer_keys=payer_keys))
    return PlannedBatch(index, tuple(out))
